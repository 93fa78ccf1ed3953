import { useEffect } from 'react';
import { formatCount, formatUsdCompact } from '../../../../shared/domain/format';
import { useAppStore, useExposureStore } from '../../stores/StoresContext';
import { JurisdictionGrid } from './JurisdictionGrid';

/** The market by counterparty jurisdiction for the open snapshot. */
export function ExposureView() {
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const demoLoading = useAppStore((s) => Object.values(s.jobs).some((j) => j.kind === 'demo.load'));
  const { result, loading, error, load } = useExposureStore((s) => s);

  useEffect(() => {
    if (snapshotId !== undefined) void load(snapshotId);
  }, [snapshotId, load]);

  if (snapshotId === undefined) {
    return (
      <section className="view">
        <h1>Exposure by jurisdiction</h1>
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
  return (
    <section className="view">
      <header className="view-header">
        <h1>Exposure by jurisdiction</h1>
        {loading && <span className="muted">Loading…</span>}
      </header>
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
      {current && <JurisdictionGrid result={current} />}
      <p className="footnote">
        Jurisdiction is the counterparty&rsquo;s legal country (entity reference data; the reported country for natural persons). A
        cross-border trade appears under both sides&rsquo; jurisdictions; the total counts each trade once, so it is not the sum of the
        rows. Hover a column header for its formula.
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
