import { useState } from 'react';
import type { SnapshotBasis, TradeStateCount } from '../../../../shared/contract';
import { formatCount } from '../../../../shared/domain/format';
import { useApi, useSnapshotsStore } from '../../stores/StoresContext';
import { IssuesGrid } from './IssuesGrid';
import { saveTextFile } from '../../components/saveTextFile';

/** One snapshot: the files it came from, its findings by rule, and the findings themselves. */
export function SnapshotDetail({ snapshotId }: { snapshotId: number }) {
  const api = useApi();
  const { files, basis, summary, filters, setFilters, error } = useSnapshotsStore((s) => s);
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      const { fileName, csv } = await api.call('snapshots.exportIssues', {
        snapshotId,
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
      });
      saveTextFile(fileName, csv, 'text/csv');
    } finally {
      setExporting(false);
    }
  };
  return (
    <section className="detail" data-testid="snapshot-detail">
      <h2>Snapshot {snapshotId}</h2>
      {error && <p className="error">{error}</p>}
      <table className="files" aria-label="Source files">
        <thead>
          <tr>
            <th>File</th>
            <th>Kind</th>
            <th>Format</th>
            <th className="num">Rows</th>
            <th className="num">Rejected</th>
            <th>SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.fileName}>
              <td>{f.fileName}</td>
              <td>{f.kind}</td>
              <td>{f.messageType ?? f.format.toUpperCase()}</td>
              <td className="num">{formatCount(f.rowsRead)}</td>
              <td className="num">{formatCount(f.rowsRejected)}</td>
              <td className="mono" title={f.sha256}>
                {f.sha256.slice(0, 16)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {basis && <SnapshotBasisTables basis={basis} />}
      <div className="filters">
        <label>
          Severity{' '}
          <select
            value={filters.severity ?? ''}
            onChange={(e) => setFilters({ ...filters, severity: (e.target.value || undefined) as 'ERROR' | 'WARN' | undefined })}
          >
            <option value="">all</option>
            <option value="ERROR">errors (rejected rows)</option>
            <option value="WARN">warnings</option>
          </select>
        </label>
        <label>
          Rule{' '}
          <select
            value={filters.ruleId ?? ''}
            onChange={(e) => setFilters({ ...filters, ruleId: e.target.value || undefined })}
            data-testid="rule-filter"
          >
            <option value="">all</option>
            {summary.map((r) => (
              <option key={`${r.ruleId}-${r.severity}`} value={r.ruleId}>
                {r.ruleId} ({r.severity}, {formatCount(r.count)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Message contains{' '}
          <input type="search" value={filters.text ?? ''} onChange={(e) => setFilters({ ...filters, text: e.target.value || undefined })} />
        </label>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          Export CSV
        </button>
      </div>
      <IssuesGrid key={JSON.stringify([snapshotId, filters])} snapshotId={snapshotId} filters={filters} />
    </section>
  );
}

const stateNames: Record<TradeStateCount['state'], string> = {
  outstanding: 'Outstanding: counted in every figure',
  terminated: 'Terminated (TERM)',
  error: 'Reported in error (EROR)',
  'in-position': 'In a position reported separately (POSC)',
  'ported-out': 'Ported to another repository (PRTO)',
  matured: 'Matured before the as-of date',
};

/** What the snapshot's figures rest on: which trades count, and the FX rate of each currency with its date. */
function SnapshotBasisTables({ basis }: { basis: SnapshotBasis }) {
  return (
    <div className="basis">
      <table className="files" aria-label="Trades counted">
        <thead>
          <tr>
            <th>Trade state as of {basis.asOfDate}</th>
            <th className="num">Trades</th>
            <th className="num">Reports</th>
          </tr>
        </thead>
        <tbody>
          {basis.tradeStates.map((t) => (
            <tr key={t.state}>
              <td>{stateNames[t.state]}</td>
              <td className="num">{formatCount(t.trades)}</td>
              <td className="num">{formatCount(t.reports)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="files" aria-label="FX rates applied">
        <thead>
          <tr>
            <th>Currency</th>
            <th className="num">USD per unit</th>
            <th>Rate of</th>
          </tr>
        </thead>
        <tbody>
          {basis.fxRates.map((r) => (
            <tr key={r.ccy} className={r.daysStale > 0 ? 'stale' : undefined}>
              <td>{r.ccy}</td>
              <td className="num">{r.usdPerUnit}</td>
              <td>
                {r.rateDate}
                {r.daysStale > 0 && (
                  <span className="badge badge-warn" title={`No ${r.ccy} rate for ${basis.asOfDate}: the latest earlier one was used`}>
                    {r.daysStale} day{r.daysStale === 1 ? '' : 's'} before the as-of date
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
