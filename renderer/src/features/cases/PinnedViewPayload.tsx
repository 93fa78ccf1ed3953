import { useState } from 'react';
import type { CaseItem, Dimension, DrillSort, PinnedViewPayload, RecheckResult } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { formatMetric, isMetricId, metricDefinitions, type MetricId } from '../../../../shared/domain/metrics';
import { messageOf } from '../../stores/cases.store';
import { useApi, useAppStore, useExposureStore } from '../../stores/StoresContext';

/**
 * A pinned drill level as it was when pinned: its definition (snapshot, path, keys, filters,
 * sort, columns), its rows and totals, the SHA-256 of their canonical form, and "Re-check",
 * which recomputes it from the store and says whether it is reproduced or what differs.
 */
export function PinnedViewPayloadView({ item, pinned }: { item: CaseItem; pinned: PinnedViewPayload }) {
  const { view, snapshot } = pinned;
  const shown = view.columns.filter(isMetricId);
  const metrics: MetricId[] = shown.length > 0 ? shown : Object.keys(pinned.totals).filter(isMetricId);
  const fmt = (values: Partial<Record<MetricId, number | null>>, id: MetricId) => formatMetric(id, values[id] ?? null);
  const dimension = view.path[view.at.length] as Dimension | undefined;
  return (
    <div className="payload pinned-view" data-testid="pinned-view">
      <dl className="facts">
        <dt>Snapshot</dt>
        <dd>
          {snapshot.snapshotId} · {snapshot.sourceName} · {snapshot.regime} · as of {snapshot.asOfDate} · version {snapshot.version}
        </dd>
        <dt>Snapshot SHA-256</dt>
        <dd className="mono small">{snapshot.contentSha256}</dd>
        <dt>Path</dt>
        <dd>{view.path.map((d) => dimensionNames[d as Dimension] ?? d).join(' › ')}</dd>
        <dt>Position</dt>
        <dd>
          {['All', ...pinned.labels].join(' › ')}
          {dimension ? `, by ${dimensionNames[dimension].toLowerCase()}` : ''}
        </dd>
        <dt>Filters</dt>
        <dd>
          {view.filters.length === 0
            ? 'none'
            : view.filters.map((f) => `${dimensionNames[f.dimension as Dimension] ?? f.dimension} = ${f.value ?? '(none)'}`).join('; ')}
        </dd>
        <dt>Sort</dt>
        <dd>
          {view.sort.by === 'label' ? 'label' : isMetricId(view.sort.by) ? metricDefinitions[view.sort.by].label : view.sort.by},{' '}
          {view.sort.direction === 'desc' ? 'descending' : 'ascending'}
        </dd>
        <dt>Rows SHA-256</dt>
        <dd className="mono small" data-testid="rows-sha256">
          {pinned.rowsSha256}
        </dd>
      </dl>
      <Recheck itemId={item.itemId} />
      <OpenInExposure pinned={pinned} />
      <div className="table-scroll">
        <table className="files payload-table" aria-label="Pinned rows">
          <thead>
            <tr>
              <th scope="col">{dimension ? dimensionNames[dimension] : 'Row'}</th>
              {metrics.map((m) => (
                <th key={m} scope="col" className="num" title={metricDefinitions[m].formula}>
                  {metricDefinitions[m].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {pinned.rows.map((r, i) => (
              <tr key={`${i}-${r.key ?? ''}`}>
                <th scope="row">{r.label}</th>
                {metrics.map((m) => (
                  <td key={m} className="num">
                    {fmt(r.metrics, m)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total (each trade once)</th>
              {metrics.map((m) => (
                <td key={m} className="num">
                  {fmt(pinned.totals, m)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      {pinned.rowCount > pinned.rows.length && (
        <p className="muted small">
          The first {pinned.rows.length.toLocaleString('en-US')} of {pinned.rowCount.toLocaleString('en-US')} rows, in the sort order above.
        </p>
      )}
    </div>
  );
}

/** Recomputes the view from the store now: reproduced (the same SHA-256), or the differences found. */
function Recheck({ itemId }: { itemId: number }) {
  const api = useApi();
  const [result, setResult] = useState<RecheckResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.call('cases.recheck', { itemId }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="recheck">
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Re-checking…' : 'Re-check'}
      </button>
      <div role="status" aria-live="polite" data-testid="recheck-result">
        {error && <span className="error small">{error}</span>}
        {result?.outcome === 'reproduced' && (
          <span className="outcome outcome-allow">
            Reproduced: the store gives the same rows and totals (SHA-256 {result.currentSha256.slice(0, 16)}…).
          </span>
        )}
        {result?.outcome === 'changed' && (
          <div className="recheck-changed">
            <span className="outcome outcome-deny">Changed: the store no longer gives what was pinned.</span>
            <ul>
              {result.differences.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
            <p className="muted small mono">
              pinned {result.pinnedSha256 || '—'}
              <br />
              now {result.currentSha256 || '—'}
            </p>
          </div>
        )}
      </div>
    </div>
  );
}

/** Opens the pinned definition in the Exposure view (today's figures, which Re-check compares). */
function OpenInExposure({ pinned }: { pinned: PinnedViewPayload }) {
  const applyView = useExposureStore((s) => s.applyView);
  const selectSnapshot = useAppStore((s) => s.selectSnapshot);
  const setView = useAppStore((s) => s.setView);
  const { view } = pinned;
  const open = () => {
    selectSnapshot(view.snapshotId);
    void applyView({
      snapshotId: view.snapshotId,
      path: view.path as Dimension[],
      at: view.at.map((key, i) => ({ key, label: pinned.labels[i] ?? String(key) })),
      filters: view.filters.map((f) => ({ dimension: f.dimension as Dimension, value: f.value })),
      sort: view.sort as DrillSort,
    });
    setView('exposure');
  };
  return (
    <button type="button" className="link" onClick={open}>
      Open this view in Exposure ›
    </button>
  );
}
