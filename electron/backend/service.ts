import type { MethodName, OutputOf, ParsedInputOf } from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/app';
import type { Db } from './db/openDatabase';
import { drillByJurisdiction } from './exposure/drillJurisdiction';
import type { JobManager } from './jobs/jobManager';
import { listSnapshots } from './snapshots/snapshots.repo';

/** One handler per contract method, typed from the contract: a missing or mistyped one fails the typecheck. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInputOf<M>) => OutputOf<M> | Promise<OutputOf<M>>;
};

export interface ServiceContext {
  db: Db;
  info: () => AppInfo;
  jobs: JobManager;
}

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    'app.info': () => ctx.info(),
    'snapshots.list': () => listSnapshots(ctx.db),
    'exposure.drill': (input) => drillByJurisdiction(ctx.db, input.snapshotId),
    'jobs.list': () => ctx.jobs.list(),
    'jobs.cancel': (input) => ({ cancelled: ctx.jobs.cancel(input.jobId) }),
  } satisfies Handlers;
}
