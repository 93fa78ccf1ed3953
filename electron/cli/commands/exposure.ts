import { parseCommandArgs, positiveInt, UsageError } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import { dimensions, type DrillResult, type Dimension } from '../../../shared/contract/exposure';
import type { SnapshotSummary } from '../../../shared/contract/snapshots';
import { exposureColumns } from '../../../shared/domain/exposureColumns';

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Print exposure rows, as the Exposure view shows them',
  usage: `concordat exposure [--by jurisdiction] [--snapshot ID] [--data-dir D] [--json]

Without --snapshot, uses the newest snapshot. Dimensions: ${dimensions.join(', ')}.`,
  async run(args) {
    const { values } = parseCommandArgs(args, { by: { type: 'string', default: 'jurisdiction' }, snapshot: { type: 'string' } });
    const path = values.by.split(',').map((d) => d.trim());
    for (const d of path) {
      if (!(dimensions as readonly string[]).includes(d))
        throw new UsageError(`Unknown dimension "${d}". Known: ${dimensions.join(', ')}.`);
    }
    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      let snapshotId: number;
      if (values.snapshot !== undefined) snapshotId = positiveInt('snapshot', values.snapshot);
      else {
        const list = (await backend.call('snapshots.list', {})) as SnapshotSummary[];
        if (list.length === 0) throw new UsageError('There are no snapshots yet: import one first.');
        snapshotId = list[0]!.snapshotId;
      }
      const result = (await backend.call('exposure.drill', { snapshotId, path: path as Dimension[] })) as DrillResult;
      out.result(result, () =>
        renderTable(
          ['Jurisdiction', ...exposureColumns.map((c) => c.header)],
          [
            ...result.rows.map((r) => [r.label, ...exposureColumns.map((c) => c.format(r[c.field]))]),
            ['Total', ...exposureColumns.map((c) => c.format(result.totals[c.field]))],
          ],
          [false, ...exposureColumns.map(() => true)],
        ),
      );
      return 0;
    });
  },
};
