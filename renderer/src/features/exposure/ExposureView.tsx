import { useEffect } from 'react';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { drillToCsv } from '../../../../shared/domain/drillCsv';
import { formatCount, formatUsdCompact } from '../../../../shared/domain/format';
import { saveTextFile } from '../../components/saveTextFile';
import { useAppStore, useExposureStore } from '../../stores/StoresContext';
import { DrillGrid } from './DrillGrid';
import { PathBuilder } from './PathBuilder';

/** The market for the open snapshot, drilled along any path of dimensions down to one key. */
export function ExposureView() {
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const demoLoading = useAppStore((s) => Object.values(s.jobs).some((j) => j.kind === 'demo.load'));
  const { result, loading, error, path, at, open, setPath, drillInto, goUp } = useExposureStore((s) => s);
  const showTrades = useAppStore((s) => s.showTrades);
  const snapshot = useAppStore((s) => s.snapshots.find((x) => x.snapshotId === s.selectedSnapshotId));

  useEffect(() => {
    if (snapshotId !== undefined) void open(snapshotId);
  }, [snapshotId, open]);

  if (snapshotId === undefined) {
    return (
      <section className="view">
        <h1>Exposure</h1>
        <p className="muted">
          {demoLoading
            ? 'Loading the built-in demo snapshot…'
            : 'No snapshot has been imported yet. Sync a feed or import TR files under Feeds & snapshots.'}
        </p>
      </section>
    );
  }
  const current = result?.snapshotId === snapshotId ? result : undefined;
  const totals = current?.totals;
  const lastLevel = at.length >= path.length - 1;
  return (
    <section className="view">
      <header className="view-header">
        <h1>Exposure by {dimensionNames[path[at.length]!].toLowerCase()}</h1>
        {loading && <span className="muted">Loading…</span>}
        {result && snapshot && result.snapshotId === snapshot.snapshotId && (
          <button
            type="button"
            onClick={() =>
              saveTextFile(
                `concordat-exposure-snapshot-${snapshot.snapshotId}.csv`,
                drillToCsv({ result, snapshot, crumbs: at.map((c) => c.label), exportedAt: new Date() }),
                'text/csv',
              )
            }
          >
            Export CSV
          </button>
        )}
      </header>
      <PathBuilder path={path} onChange={(p) => void setPath(p)} />
      <nav className="breadcrumb" aria-label="Drill position" data-testid="breadcrumb">
        <button type="button" onClick={() => void goUp(0)} aria-current={at.length === 0 ? 'page' : undefined}>
          All
        </button>
        {at.map((crumb, i) => (
          <span key={i}>
            {' › '}
            <button
              type="button"
              onClick={() => void goUp(i + 1)}
              aria-current={i === at.length - 1 ? 'page' : undefined}
              title={dimensionNames[path[i]!]}
            >
              {crumb.label}
            </button>
          </span>
        ))}
      </nav>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {totals && (
        <div className="kpis" data-testid="exposure-kpis">
          <Kpi label="Gross notional" value={formatUsdCompact(totals.grossNotionalUsd)} />
          <Kpi label="Trades" value={formatCount(totals.tradeCount)} />
          <Kpi label="Counterparties" value={formatCount(totals.counterpartyCount)} />
          {totals.initialMarginPostedUsd !== null && <Kpi label="IM posted" value={formatUsdCompact(totals.initialMarginPostedUsd)} />}
          {totals.unconvertedCount > 0 && <Kpi label="Not converted to USD" value={formatCount(totals.unconvertedCount)} warn />}
        </div>
      )}
      {current && (
        <DrillGrid
          result={current}
          {...(lastLevel ? {} : { onDrill: (row: { key: string | null; label: string }) => void drillInto(row.key, row.label) })}
          onUp={() => void goUp(at.length - 1)}
          onShowTrades={(row) =>
            showTrades(
              row
                ? {
                    path: path.slice(0, at.length + 1),
                    at: [...at.map((c) => c.key), row.key],
                    label: [...at.map((c) => c.label), row.label].join(' › '),
                  }
                : {
                    path: path.slice(0, at.length),
                    at: at.map((c) => c.key),
                    label: at.length > 0 ? at.map((c) => c.label).join(' › ') : 'Whole snapshot',
                  },
            )
          }
        />
      )}
      <p className="footnote">
        {lastLevel
          ? 'Last level of the path: add a dimension to go further. '
          : 'Enter or double-click drills into a row; Backspace or the breadcrumb goes up. '}
        A position is one counterparty&rsquo;s side of a trade; a cross-border trade appears under both sides&rsquo; jurisdictions, and
        every total counts each trade once. Hover a column header for its formula.
      </p>
    </section>
  );
}

function Kpi({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className={warn ? 'kpi warn' : 'kpi'}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
    </div>
  );
}
