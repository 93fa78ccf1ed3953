import type { HandlersOf, ServiceContext } from '../context';
import { importSchedule, listSchedules } from './marginSchedule';
import { computeMargin } from './requiredMargin';

/** Margin-threshold monitoring through the contract (issue 14 §1). */
export function createMarginHandlers(ctx: ServiceContext): HandlersOf<'margin'> {
  return {
    'margin.compute': ({ snapshotId, by }) => computeMargin(ctx.db, snapshotId, by),
    'margin.schedules': () => listSchedules(ctx.db),
    'margin.importSchedule': ({ schedule }) => importSchedule(ctx.db, schedule, ctx.actor().name),
  };
}
