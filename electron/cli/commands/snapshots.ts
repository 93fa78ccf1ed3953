import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import type { SnapshotSummary } from '../../../shared/contract/snapshots';
import { formatCount } from '../../../shared/domain/format';

export const snapshotsCommand: Command = {
  name: 'snapshots',
  summary: 'List the imported TR snapshots',
  usage: 'concordat snapshots [--data-dir D] [--json]',
  async run(args) {
    const { values } = parseCommandArgs(args, {});
    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      const list = (await backend.call('snapshots.list', {})) as SnapshotSummary[];
      out.result(list, () =>
        list.length === 0
          ? 'No snapshots yet.'
          : renderTable(
              ['ID', 'Source', 'Regime', 'As of', 'Version', 'Trade rows', 'Rejected', 'Warnings'],
              list.map((s) => [
                String(s.snapshotId),
                s.sourceName,
                s.regime,
                s.asOfDate,
                String(s.version),
                formatCount(s.tradeRows),
                formatCount(s.rejectedRows),
                formatCount(s.warningRows),
              ]),
              [false, false, false, false, true, true, true, true],
            ),
      );
      return 0;
    });
  },
};
