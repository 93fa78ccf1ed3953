import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, UsageError } from '../args';
import { withCancelOnSignal } from '../cancel';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { regimes, type Regime } from '../../../shared/contract/snapshots';
import { isValidLei } from '../../../shared/domain/identifiers';
import { isCalendarDate } from '../../../shared/contract/calendarDate';
import { defaultMaxErrorRatio, importSnapshot } from '../../backend/snapshots/importSnapshot';
import type { AlertRunResult } from '../../../shared/contract/alerts';
import { comparedSnapshot, notComparedText } from '../../backend/supervision/alertsAfterImport';
import { cubeOf } from '../../backend/exposure/cube';
import { formatCount } from '../../../shared/domain/format';

export const importCommand: Command = {
  name: 'import',
  summary: 'Import TR files (Concordat CSV or ISO 20022 XML) as one snapshot',
  usage: `concordat import <files…> [--source NAME] [--tr-lei LEI] [--regime R] [--as-of YYYY-MM-DD]
                 [--max-error-ratio R] [--data-dir D] [--json]

Files: trades.csv, margins.csv, entities.csv, venues.csv, prices.csv, fx.csv (any name ending
in -trades.csv etc.), and/or ISO 20022 auth.107 / auth.109 / auth.030 .xml messages.
--source     the source TR's name (default "Local import")
--regime     ${regimes.join(', ')} (default OTHER)
--as-of      the snapshot date; default: the as_of_date of fx.csv or prices.csv
--max-error-ratio  a file with a larger share of rejected rows is refused whole (default ${defaultMaxErrorRatio})
Importing the same bytes again changes nothing; a corrected file becomes a new version.
Ctrl-C cancels: the database is left as it was.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        source: { type: 'string' },
        'tr-lei': { type: 'string' },
        regime: { type: 'string' },
        'as-of': { type: 'string' },
        'max-error-ratio': { type: 'string' },
      },
      true,
    );
    if (positionals.length === 0) throw new UsageError('Name at least one file to import.');
    const files = positionals.map((f) => path.resolve(f));
    const regime = (values.regime ?? 'OTHER').toUpperCase();
    if (!(regimes as readonly string[]).includes(regime))
      throw new UsageError(`--regime must be one of ${regimes.join(', ')}, not "${values.regime}".`);
    const trLei = values['tr-lei'];
    if (trLei !== undefined && !isValidLei(trLei)) throw new UsageError(`--tr-lei "${trLei}" is not a valid LEI.`);
    const ratio = values['max-error-ratio'] === undefined ? undefined : Number(values['max-error-ratio']);
    if (ratio !== undefined && !(ratio >= 0 && ratio <= 1))
      throw new UsageError(`--max-error-ratio must be between 0 and 1, not "${values['max-error-ratio']}".`);
    const asOfDate = values['as-of'] ?? asOfFromReferenceFiles(files);
    if (!asOfDate) throw new UsageError('--as-of is needed: no fx.csv or prices.csv gives the snapshot date.');
    if (!isCalendarDate(asOfDate)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, not "${asOfDate}".`);

    const out = createOutput(values.json);
    return withBackend(
      values['data-dir'],
      out,
      async (backend) => {
        const summary = await withCancelOnSignal((signal) =>
          importSnapshot(
            backend.db,
            {
              files,
              sourceName: values.source ?? 'Local import',
              regime: regime as Regime,
              asOfDate,
              ...(trLei ? { trLei } : {}),
              ...(ratio !== undefined ? { maxErrorRatio: ratio } : {}),
            },
            { signal, onProgress: (p) => out.progress(p.message, p.done, p.total) },
          ),
        );
        out.endProgress();
        // As after an import in the app: the alert rules run on the new snapshot, compared with the source's previous one.
        // The CLI has already waited for a rebuild after an update (withBackend): a previous snapshot still awaiting
        // one is not compared with, and the user is told.
        const compareSnapshotId = summary.alreadyImported
          ? undefined
          : await comparedSnapshot(backend.db, summary.snapshotId, {
              rebuildRunning: () => false,
              onNotCompared: (previous) => out.notice(notComparedText(summary.snapshotId, previous)),
            });
        const alerts = summary.alreadyImported
          ? undefined
          : ((await backend.call('alerts.run', {
              snapshotId: summary.snapshotId,
              ...(compareSnapshotId !== undefined ? { compareSnapshotId } : {}),
            })) as AlertRunResult);
        // And, as in the app, the drill's cube is built and stored, so the first drill of any later process reads it.
        if (!summary.alreadyImported) cubeOf(backend.db, summary.snapshotId);
        out.result({ ...summary, ...(alerts ? { alerts: { alerts: alerts.alerts, newAlerts: alerts.newAlerts } } : {}) }, () =>
          summary.alreadyImported
            ? `These files are already snapshot ${summary.snapshotId} (version ${summary.version}); nothing changed.`
            : [
                `Snapshot ${summary.snapshotId} (version ${summary.version}) imported in ${summary.seconds.toFixed(1)} s:`,
                `  rows read  ${formatCount(summary.rowsRead)}`,
                `  loaded     ${formatCount(summary.loaded)}`,
                `  rejected   ${formatCount(summary.rejected)}`,
                `  warnings   ${formatCount(summary.warnings)}`,
                `  alerts     ${formatCount(alerts?.alerts ?? 0)} (\`concordat alerts list\`)`,
              ].join('\n'),
        );
        return 0;
        // Importing into a new data directory means the user's data, not the demo.
      },
      { loadDemoOnFirstStart: false },
    );
  },
};

/**
 * The snapshot date when --as-of is not given: the latest as_of_date of fx.csv or prices.csv
 * (a rate file may hold several days of rates; the snapshot is as of the newest). Small files
 * only: a reference file of more than a few megabytes is not read for this.
 */
function asOfFromReferenceFiles(files: string[]): string | undefined {
  let latest: string | undefined;
  for (const file of files) {
    if (!/(^|[-_])(fx|prices)\.csv$/i.test(path.basename(file)) || !fs.existsSync(file)) continue;
    if (fs.statSync(file).size > 8 * 1024 * 1024) continue;
    const lines = fs
      .readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/);
    const index = (lines[0] ?? '')
      .split(',')
      .map((c) => c.trim())
      .indexOf('as_of_date');
    if (index < 0) continue;
    for (const line of lines.slice(1)) {
      const value = line.split(',')[index]?.trim();
      if (value && isCalendarDate(value) && (latest === undefined || value > latest)) latest = value;
    }
  }
  return latest;
}
