import { useEffect, useState } from 'react';
import type { JobDone } from '../../../../shared/contract';
import { countOf, formatCount } from '../../../../shared/domain/format';
import { useApi, useSnapshotsStore } from '../../stores/StoresContext';

interface FileLine {
  fileName: string;
  loaded: number;
  rejected: number;
  warnings: number;
}

interface Summary {
  snapshotId: number;
  alreadyImported: boolean;
  loaded: number;
  rejected: number;
  warnings: number;
  files: FileLine[];
}

/** The import job's result, read defensively (a job's result is not typed by the contract). */
function totalsOf(done: JobDone): Omit<Summary, 'files'> | undefined {
  const r = done.result as Partial<Record<'snapshotId' | 'loaded' | 'rejected' | 'warnings', unknown>> & { alreadyImported?: unknown };
  if (typeof r?.snapshotId !== 'number') return undefined;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    snapshotId: r.snapshotId,
    alreadyImported: r.alreadyImported === true,
    loaded: n(r.loaded),
    rejected: n(r.rejected),
    warnings: n(r.warnings),
  };
}

/**
 * What an import just did, per file: rows loaded, rejected and warned about, with a link to the findings (issue 15).
 * Shown when an import started from this page ends, until dismissed or the next import ends.
 */
export function ImportSummary() {
  const api = useApi();
  const showDetail = useSnapshotsStore((s) => s.showDetail);
  const [summary, setSummary] = useState<Summary | undefined>();

  useEffect(
    () =>
      api.on('job.done', (done) => {
        if (done.kind !== 'snapshots.import' || done.state !== 'succeeded') return;
        const totals = totalsOf(done);
        if (!totals) return;
        void (async () => {
          const files = await api.call('snapshots.files', { snapshotId: totals.snapshotId }).catch(() => []);
          const lines = await Promise.all(
            files.map(async (f): Promise<FileLine> => {
              const warned = await api
                .call('snapshots.issues', { snapshotId: totals.snapshotId, file: f.fileName, severity: 'WARN', startRow: 0, endRow: 1 })
                .then((page) => page.total)
                .catch(() => 0);
              return { fileName: f.fileName, loaded: f.rowsRead - f.rowsRejected, rejected: f.rowsRejected, warnings: warned };
            }),
          );
          setSummary({ ...totals, files: lines });
        })();
      }),
    [api],
  );

  if (!summary) return null;
  return (
    <div className="import-summary" role="status" data-testid="import-summary">
      <p>
        <strong>{summary.alreadyImported ? 'Already imported: nothing changed.' : 'Import finished.'}</strong>{' '}
        {countOf(summary.loaded, 'row')} loaded ({formatCount(summary.warnings)} with warnings), {formatCount(summary.rejected)} rejected.
      </p>
      {summary.files.length > 0 && (
        <table aria-label="Import by file">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Loaded</th>
              <th scope="col">Rejected</th>
              <th scope="col">Warning findings</th>
            </tr>
          </thead>
          <tbody>
            {summary.files.map((f) => (
              <tr key={f.fileName}>
                <td>{f.fileName}</td>
                <td className="num">{formatCount(f.loaded)}</td>
                <td className="num">{formatCount(f.rejected)}</td>
                <td className="num">{formatCount(f.warnings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {summary.rejected + summary.warnings > 0 && (
          <button type="button" className="link" onClick={() => void showDetail(summary.snapshotId)}>
            See the findings
          </button>
        )}{' '}
        <button type="button" onClick={() => setSummary(undefined)}>
          Dismiss
        </button>
      </p>
    </div>
  );
}
