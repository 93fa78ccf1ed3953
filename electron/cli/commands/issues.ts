import fs from 'node:fs';
import { parseCommandArgs, positiveInt } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import type { IssueSummaryRow, SnapshotSummary } from '../../../shared/contract/snapshots';
import { formatCount } from '../../../shared/domain/format';

export const issuesCommand: Command = {
  name: 'issues',
  summary: 'List or export the validation findings of a snapshot',
  usage: `concordat issues [--snapshot ID] [--severity ERROR|WARN] [--rule RULE] [--file NAME] [--csv FILE]
                 [--data-dir D] [--json]

Without filters, prints the findings counted by rule. With filters (or --csv), lists the
findings themselves; --csv writes them, with a header block, to FILE.`,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      snapshot: { type: 'string' },
      severity: { type: 'string' },
      rule: { type: 'string' },
      file: { type: 'string' },
      csv: { type: 'string' },
    });
    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      const snapshotId =
        values.snapshot !== undefined
          ? positiveInt('snapshot', values.snapshot)
          : ((await backend.call('snapshots.list', {})) as SnapshotSummary[])[0]?.snapshotId;
      if (snapshotId === undefined) {
        out.result([], () => 'There are no snapshots yet.');
        return 0;
      }
      const filter = {
        snapshotId,
        ...(values.severity ? { severity: values.severity.toUpperCase() } : {}),
        ...(values.rule ? { ruleId: values.rule } : {}),
        ...(values.file ? { file: values.file } : {}),
      };
      if (values.csv) {
        const exported = (await backend.call('snapshots.exportIssues', filter)) as { csv: string };
        fs.writeFileSync(values.csv, exported.csv);
        out.result({ file: values.csv }, () => `Wrote ${values.csv}`);
        return 0;
      }
      if (Object.keys(filter).length === 1) {
        const summary = (await backend.call('snapshots.issueSummary', { snapshotId })) as IssueSummaryRow[];
        out.result(summary, () =>
          renderTable(
            ['Rule', 'Severity', 'Count', 'Example'],
            summary.map((r) => [r.ruleId, r.severity, formatCount(r.count), r.example]),
            [false, false, true, false],
          ),
        );
        return 0;
      }
      const page = (await backend.call('snapshots.issues', { ...filter, startRow: 0, endRow: 1000 })) as {
        rows: Array<{ file: string; location: string | null; field: string | null; ruleId: string; severity: string; message: string }>;
        total: number;
      };
      out.result(page, () =>
        [
          renderTable(
            ['File', 'Where', 'Field', 'Rule', 'Severity', 'Message'],
            page.rows.map((r) => [r.file, r.location ?? '', r.field ?? '', r.ruleId, r.severity, r.message]),
            [false, false, false, false, false, false],
          ),
          page.total > page.rows.length ? `… ${formatCount(page.total - page.rows.length)} more; use --csv to export all.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      return 0;
    });
  },
};
