import { parseCommandArgs, positiveInt, UsageError } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import { dimensions, type Dimension, type DrillResult } from '../../../shared/contract/exposure';
import type { SnapshotSummary } from '../../../shared/contract/snapshots';
import { dimensionNames } from '../../../shared/domain/dimensionNames';
import { exposureColumns } from '../../../shared/domain/exposureColumns';

const NULL_VALUE = '(none)';

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Print exposure rows, as the Exposure view shows them',
  usage: `concordat exposure [--by DIM[,DIM…]] [--where DIM=VALUE …] [--snapshot ID] [--data-dir D] [--json]

--by is the drill path (default jurisdiction). A --where on a dimension of the path picks that
level's key; the rows printed group by the first dimension of the path without one. Other
--where options filter every level. VALUE ${NULL_VALUE} matches rows without a value.
Without --snapshot, uses the newest snapshot.
Dimensions: ${dimensions.join(', ')}.
Example: concordat exposure --by jurisdiction,counterparty --where jurisdiction=US`,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      by: { type: 'string', default: 'jurisdiction' },
      where: { type: 'string', multiple: true, default: [] },
      snapshot: { type: 'string' },
    });
    const path = values.by.split(',').map((d) => d.trim()) as Dimension[];
    for (const d of path)
      if (!(dimensions as readonly string[]).includes(d))
        throw new UsageError(`Unknown dimension "${d}". Known: ${dimensions.join(', ')}.`);
    const where = new Map<Dimension, string | null>();
    for (const clause of values.where) {
      const eq = clause.indexOf('=');
      const dim = clause.slice(0, Math.max(eq, 0)) as Dimension;
      if (eq < 1 || !(dimensions as readonly string[]).includes(dim))
        throw new UsageError(`--where takes DIM=VALUE with a known dimension, not "${clause}".`);
      const value = clause.slice(eq + 1);
      where.set(dim, value === NULL_VALUE ? null : value);
    }
    const at: (string | null)[] = [];
    for (const d of path) {
      if (!where.has(d)) break;
      at.push(where.get(d)!);
      where.delete(d);
    }
    if (at.length >= path.length)
      throw new UsageError('Every dimension of the path has a --where value: add a dimension to --by to see its rows.');
    const filters = [...where].map(([dimension, value]) => ({ dimension, value }));

    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      let snapshotId: number;
      if (values.snapshot !== undefined) snapshotId = positiveInt('snapshot', values.snapshot);
      else {
        const list = (await backend.call('snapshots.list', {})) as SnapshotSummary[];
        if (list.length === 0) throw new UsageError('There are no snapshots yet: import one first.');
        snapshotId = list[0]!.snapshotId;
      }
      const result = (await backend.call('exposure.drill', { snapshotId, path, at, filters })) as DrillResult;
      out.result(result, () =>
        renderTable(
          [dimensionNames[result.dimension], ...exposureColumns.map((c) => c.header)],
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
