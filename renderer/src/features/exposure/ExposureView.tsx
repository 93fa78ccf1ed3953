import { useEffect, useRef, useState } from 'react';
import type { CaseItem, DrillRow, InputOf } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { drillToCsv } from '../../../../shared/domain/drillCsv';
import { formatCount, formatUsdCompact } from '../../../../shared/domain/format';
import { saveTextFile } from '../../components/saveTextFile';
import { EmptyState } from '../../components/EmptyState';
import { SplitPane } from '../../components/SplitPane';
import { isBoolean, usePersistentState } from '../../components/usePersistentState';
import { useApi, useAppStore, useExposureStore } from '../../stores/StoresContext';
import { AddToCase } from '../cases/AddToCase';
import { SavedViewsPanel } from '../views/SavedViewsPanel';
import { ColumnsMenu } from './ColumnsMenu';
import { DrillByMenu } from './DrillByMenu';
import { viewToHash } from './viewHash';
import { DrillGrid } from './DrillGrid';
import { visibleMetrics } from './drillColumns';
import { FilterBar } from './FilterBar';
import { PathBuilder } from './PathBuilder';
import { snapshotLabel } from './snapshotLabel';
import { ChartsPanel } from './charts/ChartsPanel';

/** The market for the open snapshot, drilled along any path of dimensions down to one key. */
export function ExposureView() {
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const demoLoading = useAppStore((s) => Object.values(s.jobs).some((j) => j.kind === 'demo.load'));
  const snapshots = useAppStore((s) => s.snapshots);
  const showTrades = useAppStore((s) => s.showTrades);
  const state = useExposureStore((s) => s);
  const { result, loading, error, notice, path, at, filters, sort, compareTo, columns, search } = state;
  const {
    open,
    setPath,
    drillInto,
    drillBy,
    goUp,
    addFilter,
    removeFilter,
    setSort,
    setCompare,
    setColumns,
    resetColumns,
    loadColumns,
    setNotice,
  } = state;
  const setSearch = state.setSearch;
  const snapshot = snapshots.find((x) => x.snapshotId === snapshotId);
  const [selected, setSelected] = useState<DrillRow>();
  /** The row whose "Drill by…" choice is open (at the last level of the path). */
  const [drillByRow, setDrillByRow] = useState<{ key: string | null; label: string }>();
  const api = useApi();
  // Layout preferences, kept across sessions: room for the table comes first.
  const [viewsShown, setViewsShown] = usePersistentState('concordat.exposure.savedViewsShown', true, isBoolean);
  const [chartsShown, setChartsShown] = usePersistentState('concordat.exposure.chartsShown', false, isBoolean);
  const [tableShare, setTableShare] = usePersistentState('concordat.exposure.tableShare', 0.6, isFraction);
  const [deltasShown, setDeltasShown] = usePersistentState('concordat.exposure.deltasShown', true, isBoolean);

  useEffect(() => {
    void loadColumns();
  }, [loadColumns]);
  useEffect(() => {
    if (snapshotId !== undefined) void open(snapshotId);
  }, [snapshotId, open]);
  // After an update, a snapshot's drill data may be rebuilt in the background: when that job ends, a level refused
  // meanwhile is asked again (open() reloads only after an error).
  const rebuilding = useAppStore((s) => Object.values(s.jobs).some((j) => j.kind === 'drill.rebuild'));
  const wasRebuilding = useRef(rebuilding);
  useEffect(() => {
    if (wasRebuilding.current && !rebuilding && snapshotId !== undefined) void open(snapshotId);
    wasRebuilding.current = rebuilding;
  }, [rebuilding, snapshotId, open]);

  const current = result?.snapshotId === snapshotId ? result : undefined;

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
  const totals = current?.totals;
  const lastLevel = at.length >= path.length - 1;
  const others = snapshots.filter((s) => s.snapshotId !== snapshotId);
  /** This drill level's address: the Trades view's breadcrumb links back to it. */
  const drillLevelHash = viewToHash({ snapshotId, path, at, filters, sort, ...(compareTo === undefined ? {} : { compareTo }) });
  const compareSnapshot = snapshots.find((s) => s.snapshotId === (current?.compare?.snapshotId ?? compareTo));
  const compareName = compareSnapshot ? `snapshot ${compareSnapshot.snapshotId} (as of ${compareSnapshot.asOfDate})` : undefined;
  const filterNote = filters.length > 0 ? ` (${filters.length} filter${filters.length > 1 ? 's' : ''})` : '';
  const exportCsv = () => {
    if (!current || !snapshot) return;
    saveTextFile(
      `concordat-exposure-snapshot-${snapshot.snapshotId}${current.compare ? `-vs-${current.compare.snapshotId}` : ''}.csv`,
      drillToCsv({
        result: current,
        snapshot,
        ...(compareSnapshot ? { compareSnapshot } : {}),
        crumbs: at.map((c) => c.label),
        columns: visibleMetrics(columns),
        ...(search.trim() ? { search: search.trim() } : {}),
        exportedAt: new Date(),
      }),
      'text/csv',
    );
  };
  return (
    <div className={viewsShown ? 'exposure-layout' : 'exposure-layout views-hidden'}>
      <section className="view">
        <header className="view-header">
          <h1>Exposure by {dimensionNames[path[at.length]!].toLowerCase()}</h1>
          {loading && <span className="muted">Loading…</span>}
          {current && snapshot && (
            <button type="button" onClick={exportCsv}>
              Export CSV
            </button>
          )}
        </header>
        <PathBuilder path={path} onChange={(p) => void setPath(p)} />
        <div className="toolbar">
          <FilterBar snapshotId={snapshotId} filters={filters} onAdd={(f) => void addFilter(f)} onRemove={(i) => void removeFilter(i)} />
          <div className="toolbar-right">
            <label className="compare-picker">
              Compare with{' '}
              <select
                value={compareTo ?? ''}
                onChange={(e) => void setCompare(e.target.value === '' ? undefined : Number(e.target.value))}
                data-testid="compare-picker"
              >
                <option value="">no other snapshot</option>
                {others.map((s) => (
                  <option key={s.snapshotId} value={s.snapshotId}>
                    {snapshotLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            {compareTo !== undefined && (
              <button type="button" onClick={() => void setCompare(undefined)}>
                Stop comparing
              </button>
            )}
            <ColumnsMenu columns={columns} onChange={setColumns} onReset={resetColumns} />
          </div>
        </div>
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
        {notice && (
          <p className="notice" role="status">
            {notice}{' '}
            <button type="button" className="link" onClick={() => setNotice(undefined)}>
              Dismiss
            </button>
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {totals && (
          // The same five cards at every level, so the eye finds each figure in one place.
          <div className="kpis" data-testid="exposure-kpis">
            <Kpi label="Gross notional" value={formatUsdCompact(totals.grossNotionalUsd)} />
            <Kpi label="Trades" value={formatCount(totals.tradeCount)} />
            <Kpi label="Counterparties" value={formatCount(totals.counterpartyCount)} />
            <Kpi
              label="IM posted"
              value={totals.imPostedUsd === null ? '—' : formatUsdCompact(totals.imPostedUsd)}
              {...(totals.imPostedUsd === null ? { title: 'No margin report covers the positions of this level.' } : {})}
            />
            <Kpi
              label="Not converted to USD"
              value={formatCount(totals.unconvertedCount)}
              warn={totals.unconvertedCount > 0}
              title="Trades whose currency has no USD rate in the snapshot: left out of the USD figures, never counted as zero."
            />
          </div>
        )}
        {current?.compare && (
          <p className="compare-note small" data-testid="compare-note">
            Compared with {compareName ?? `snapshot ${current.compare.snapshotId}`}: each shown metric is a group of its value
            {deltasShown ? ', Δ and Δ%' : ' (changes hidden)'}; rows marked <span className="badge badge-new">new</span> are only in this
            snapshot, <span className="badge badge-gone">gone</span> only in the other.{' '}
            <label className="delta-toggle">
              <input type="checkbox" checked={deltasShown} onChange={(e) => setDeltasShown(e.target.checked)} /> Show the Δ columns
            </label>
          </p>
        )}
        {current && (
          <div className="grid-bar">
            <LevelSearch value={search} onChange={(text) => void setSearch(text)} />
            <span className="muted small" data-testid="row-count" aria-live="polite">
              {current.rowCount > current.rows.length
                ? `Showing the first ${formatCount(current.rows.length)} of ${formatCount(current.rowCount)} rows in this order${search.trim() ? ' that match' : ''}: find a row to narrow them.`
                : search.trim()
                  ? `${formatCount(current.rowCount)} ${current.rowCount === 1 ? 'row matches' : 'rows match'} “${search.trim()}”.`
                  : `${formatCount(current.rowCount)} ${current.rowCount === 1 ? 'row' : 'rows'}.`}
            </span>
            <button
              type="button"
              aria-expanded={chartsShown}
              onClick={() => setChartsShown(!chartsShown)}
              data-testid="charts-toggle"
              title={chartsShown ? 'Hide the charts under the table' : 'Show charts of this level under the table'}
            >
              {chartsShown ? 'Hide charts' : 'Charts'}
            </button>
            <PinToCase
              snapshotId={current.snapshotId}
              crumbs={at.map((c) => c.label)}
              {...(selected ? { row: selected } : {})}
              pin={(caseNumber, view, title) => api.call('cases.pinView', { caseNumber, view, ...(title ? { title } : {}) })}
            />
          </div>
        )}
        {current && current.rows.length === 0 && (
          <EmptyState testId="exposure-empty">
            <p>
              {search.trim()
                ? `No row of this level matches “${search.trim()}”: change or clear the search.`
                : filters.length > 0
                  ? 'No position at this level passes the filters: remove a filter to see more.'
                  : 'No position at this level.'}
            </p>
          </EmptyState>
        )}
        {current && (
          <SplitPane
            top={
              <DrillGrid
                result={current}
                columns={columns}
                onColumnsChange={setColumns}
                sort={sort}
                onSort={(s) => void setSort(s)}
                {...(compareName ? { compareName } : {})}
                showDeltas={deltasShown}
                onSelect={setSelected}
                onDrill={(row: { key: string | null; label: string }) =>
                  lastLevel ? setDrillByRow({ key: row.key, label: row.label }) : void drillInto(row.key, row.label)
                }
                onUp={() => void goUp(at.length - 1)}
                onShowTrades={(row) =>
                  showTrades(
                    row
                      ? {
                          path: path.slice(0, at.length + 1),
                          at: [...at.map((c) => c.key), row.key],
                          filters,
                          label: [...at.map((c) => c.label), row.label].join(' › ') + filterNote,
                          from: drillLevelHash,
                        }
                      : {
                          path: path.slice(0, at.length),
                          at: at.map((c) => c.key),
                          filters,
                          label: (at.length > 0 ? at.map((c) => c.label).join(' › ') : 'Whole snapshot') + filterNote,
                          from: drillLevelHash,
                        },
                  )
                }
              />
            }
            {...(chartsShown ? { bottom: <ChartsPanel result={current} {...(selected ? { selected } : {})} /> } : {})}
            fraction={tableShare}
            onFraction={setTableShare}
            label="Resize the table and the charts"
          />
        )}
        {drillByRow && (
          <DrillByMenu
            rowLabel={drillByRow.label}
            path={path.slice(0, at.length + 1)}
            onClose={() => setDrillByRow(undefined)}
            onChoose={(dimension) => {
              setDrillByRow(undefined);
              void drillBy(drillByRow.key, drillByRow.label, dimension);
            }}
          />
        )}
        <div className="footnote">
          {lastLevel
            ? 'Last level of the path: Enter or double-click drills a row by another dimension. '
            : 'Enter or double-click drills into a row; Backspace or the breadcrumb goes up. '}
          <details className="footnote-more">
            <summary>How rows and totals count</summary>A position is one counterparty&rsquo;s side of a trade: a cross-border trade appears
            under both sides&rsquo; jurisdictions, and every total counts each trade once. Hover a column header for its formula.
          </details>
        </div>
      </section>
      {viewsShown ? (
        <SavedViewsPanel onHide={() => setViewsShown(false)} />
      ) : (
        <button
          type="button"
          className="saved-views-strip"
          aria-expanded={false}
          onClick={() => setViewsShown(true)}
          data-testid="saved-views-show"
          title="Show the saved views"
        >
          Saved views ‹
        </button>
      )}
    </div>
  );
}

type PinnedViewInput = InputOf<'cases.pinView'>['view'];

/**
 * "Add level to case" and, for a selected row, "Add row to case": pins what is shown (snapshot,
 * path, keys, filters, sort and the visible columns); a row is its level filtered to its key, so
 * the pinned table holds exactly that row and its figures.
 */
function PinToCase({
  snapshotId,
  crumbs,
  row,
  pin,
}: {
  snapshotId: number;
  crumbs: string[];
  row?: DrillRow;
  pin: (caseNumber: string, view: PinnedViewInput, title?: string) => Promise<CaseItem>;
}) {
  const { path, at, filters, sort, columns } = useExposureStore((s) => s);
  const dimension = path[at.length]!;
  const level: PinnedViewInput = {
    snapshotId,
    path,
    at: at.map((c) => c.key),
    filters,
    sort,
    columns: columns.filter((c) => !c.hide).map((c) => c.colId),
  };
  const where = ['All', ...crumbs].join(' › ');
  return (
    <span className="pin-to-case">
      <AddToCase
        label="Add level to case"
        what={`this level (${where}, by ${dimensionNames[dimension].toLowerCase()})`}
        add={(n) => pin(n, level)}
      />
      {row && (
        <AddToCase
          label="Add row to case"
          what={`the row ${row.label}`}
          add={(n) =>
            pin(
              n,
              { ...level, filters: [...filters.filter((f) => f.dimension !== dimension), { dimension, value: row.key }] },
              `${where} › ${row.label} (${dimensionNames[dimension]}), snapshot ${snapshotId}`.slice(0, 300),
            )
          }
        />
      )}
    </span>
  );
}

/** Finds rows of the current level by label or key (in the database, so beyond the rows shown). */
function LevelSearch({ value, onChange }: { value: string; onChange: (text: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onChange);
  latest.current = onChange;
  // A move to another level clears the search in the store: follow it.
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => latest.current(text), 250);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <input
      type="search"
      className="level-search"
      aria-label="Find rows in this level"
      placeholder="Find in this level…"
      maxLength={200}
      value={text}
      onChange={(e) => setText(e.target.value)}
    />
  );
}

const isFraction = (v: unknown): v is number => typeof v === 'number' && v >= 0.2 && v <= 0.85;

function Kpi({ label, value, warn = false, title }: { label: string; value: string; warn?: boolean; title?: string }) {
  return (
    <div className={warn ? 'kpi warn' : 'kpi'} {...(title ? { title } : {})}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
    </div>
  );
}
