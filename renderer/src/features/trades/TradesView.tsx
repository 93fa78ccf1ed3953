import { AgGridReact } from 'ag-grid-react';
import type { ColDef, ColumnEventType, GetRowIdParams, GridApi, IDatasource } from 'ag-grid-community';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ColumnFilter, ColumnState, TradeColumn, TradeRow } from '../../../../shared/contract';
import { codeLabel, type CodeKind } from '../../../../shared/domain/codeLabels';
import { formatAmount, formatUsd } from '../../../../shared/domain/format';
import { gridTheme } from '../../components/gridTheme';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../../../shared/domain/dateFormat';
import { currentDateFormat } from '../../stores/preferences';
import { useApi, useAppStore } from '../../stores/StoresContext';
import { AddToCase } from '../cases/AddToCase';

/** Amounts are mostly filtered from a threshold up. */
const numberFilterParams = { maxNumConditions: 1, defaultOption: 'greaterThanOrEqual' };

const text = (field: TradeColumn, headerName: string, width = 150): ColDef<TradeRow> => ({
  field,
  headerName,
  width,
  filter: 'agTextColumnFilter',
  // A long UTI or name cut by the column's width shows whole on hover.
  tooltipField: field,
});
/** A code column shown in words (Option, Buyer, New, Off-venue), the code itself on hover; filters still match the code. */
const coded = (field: TradeColumn, headerName: string, kind: CodeKind, width = 130): ColDef<TradeRow> => ({
  // Not text()'s tooltipField: that would win over the code tooltip below.
  field,
  headerName,
  width,
  filter: 'agTextColumnFilter',
  valueFormatter: (p) => (typeof p.value === 'string' ? codeLabel(kind, p.value) : '—'),
  tooltipValueGetter: (p) => (typeof p.value === 'string' ? `Code ${p.value}` : undefined),
});
const usd = (field: TradeColumn, headerName: string): ColDef<TradeRow> => ({
  field,
  headerName,
  width: 160,
  type: 'numericColumn',
  filter: 'agNumberColumnFilter',
  filterParams: numberFilterParams,
  valueFormatter: (p) => (typeof p.value === 'number' ? formatUsd(p.value) : '—'),
});
/**
 * Dates shown in the format chosen in Settings; the filter is typed as yyyy-mm-dd in a plain text box (the
 * browser's date control would show mm/dd/yyyy in an en-US browser).
 */
const date = (field: TradeColumn, headerName: string): ColDef<TradeRow> => ({
  field,
  headerName,
  width: 170,
  filter: 'agDateColumnFilter',
  filterParams: { maxNumConditions: 1, browserDatePicker: false },
  valueFormatter: (p) => (typeof p.value === 'string' ? formatDate(p.value, currentDateFormat()) : '—'),
});

// The figures first (what the cell added up), then what the trade is, then who and where.
const defaultColDef: ColDef<TradeRow> = { sortable: true, resizable: true, floatingFilter: true, filterParams: { maxNumConditions: 1 } };

/**
 * Ticked rows are pinned with their UTIs; a click on a cell still selects text, not the row. One
 * object for the grid's life: a new one each render would make the grid re-read its selection options.
 */
const rowSelection = { mode: 'multiRow', checkboxes: true, headerCheckbox: false, enableClickSelection: false } as const;

/**
 * Rows are known by UTI (each trade appears once here), so a ticked trade stays ticked when the grid
 * reloads its pages (a restored layout, a sort) instead of the tick following a row position.
 */
const rowIdOf = (p: GetRowIdParams<TradeRow>) => String(p.data.uti);

const columns: ColDef<TradeRow>[] = [
  text('uti', 'UTI', 260),
  usd('notionalUsd', 'Notional (USD)'),
  usd('valuationUsd', 'MTM (USD)'),
  coded('contractType', 'Contract', 'contractType', 110),
  text('underlier', 'Underlier', 130),
  coded('direction', 'Direction', 'direction', 130),
  coded('venue', 'Venue', 'venue', 150),
  // Each party by name beside its identifier, so a reader need not look LEIs up.
  text('reportingName', 'Reporting counterparty', 200),
  text('reportingLei', 'Reporting LEI', 200),
  text('otherCptyName', 'Other counterparty', 200),
  text('otherCptyId', 'Other counterparty ID', 200),
  coded('cleared', 'Cleared', 'cleared', 120),
  text('ccpName', 'CCP', 160),
  text('ccpLei', 'CCP LEI', 200),
  {
    field: 'notional',
    headerName: 'Notional',
    width: 150,
    type: 'numericColumn',
    filter: 'agNumberColumnFilter',
    filterParams: numberFilterParams,
    valueFormatter: (p) => (typeof p.value === 'number' ? formatAmount(p.value) : '—'),
  },
  text('notionalCcy', 'Ccy', 80),
  date('executionTs', 'Executed (UTC)'),
  date('expirationDate', 'Expires'),
  coded('actionType', 'Action', 'actionType', 120),
];

/** Column changes the user makes (not those applied from a saved layout). */
const fromUser = (source: ColumnEventType) => source.startsWith('ui') || source === 'columnMenu' || source === 'contextMenu';

/** The grid's column layout in the contract's shape (widths whole, within the allowed range). */
const layoutOf = (api: GridApi<TradeRow>): ColumnState[] =>
  api.getColumnState().map((c) => ({
    colId: c.colId,
    hide: !!c.hide,
    ...(c.width ? { width: Math.max(20, Math.min(4000, Math.round(c.width))) } : {}),
    pinned: c.pinned === true ? 'left' : c.pinned || null,
  }));

/**
 * The trades behind a drill cell (or the whole snapshot): paged from SQLite as the grid
 * scrolls (infinite row model), sorted and filtered in SQL.
 */
export function TradesView() {
  const api = useApi();
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const scope = useAppStore((s) => s.tradesScope);
  const showTrades = useAppStore((s) => s.showTrades);
  const [total, setTotal] = useState<number | undefined>();
  /** Whether a column filter narrows the list (the empty list then says how to widen it). */
  const [columnFiltered, setColumnFiltered] = useState(false);
  /** UTIs ticked in the grid, for "Add to case" (a new scope or snapshot starts with none). */
  const [selected, setSelected] = useState<string[]>([]);
  useEffect(() => setSelected([]), [snapshotId, scope]);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(saveTimer.current), []);
  /** Remembers the column layout (order, widths, visibility, pinning) shortly after the user's last change. */
  const saveColumns = (grid: GridApi<TradeRow>, source: ColumnEventType) => {
    if (!fromUser(source)) return;
    const columns = layoutOf(grid);
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => void api.call('views.setColumns', { grid: 'trades', columns }).catch(() => undefined), 400);
  };
  /** Restores the layout last used when the grid opens. */
  const restoreColumns = (grid: GridApi<TradeRow>) => {
    api.call('views.getColumns', { grid: 'trades' }).then(
      ({ columns }) => {
        if (columns.length > 0 && !grid.isDestroyed())
          grid.applyColumnState({ state: columns.map((c) => ({ ...c, pinned: c.pinned ?? null })), applyOrder: true });
      },
      () => undefined,
    );
  };
  const datasource = useMemo<IDatasource | undefined>(
    () =>
      snapshotId === undefined
        ? undefined
        : {
            getRows: (params) => {
              api
                .call('exposure.trades', {
                  snapshotId,
                  path: scope?.path ?? [],
                  at: scope?.at ?? [],
                  filters: scope?.filters ?? [],
                  sort: params.sortModel.map((s) => ({ colId: s.colId as TradeColumn, sort: s.sort })),
                  columnFilters: params.filterModel as Partial<Record<TradeColumn, ColumnFilter>>,
                  startRow: params.startRow,
                  endRow: params.endRow,
                })
                .then((page) => {
                  setTotal(page.total);
                  params.successCallback(page.rows, page.total);
                })
                .catch(() => params.failCallback());
            },
          },
    [api, snapshotId, scope],
  );
  if (snapshotId === undefined) return <p className="muted">No snapshot yet.</p>;
  return (
    <section className="view">
      <header className="view-header">
        <h1>Trades</h1>
        <span className="muted" data-testid="trades-scope">
          {scope?.from ? (
            // Back to the drill level the cell was chosen at (as the browser's Back does).
            <a href={scope.from} data-testid="trades-breadcrumb" title="Back to this drill level">
              {scope.label}
            </a>
          ) : scope ? (
            scope.label
          ) : (
            'Whole snapshot'
          )}{' '}
          · {total === undefined ? '…' : `${total.toLocaleString('en-US')} trades`}
        </span>
        {scope && (
          <button type="button" onClick={() => showTrades(undefined)}>
            Show all trades
          </button>
        )}
      </header>
      {/* The button is always there (disabled until a trade is ticked) so the grid does not move under the pointer. */}
      <div className="grid-bar">
        <span className="muted small" role="status" data-testid="trades-selected">
          {selected.length === 0
            ? 'Tick trades to add them to a case.'
            : `${selected.length} trade${selected.length === 1 ? '' : 's'} selected`}
        </span>
        <AddToCase
          label={selected.length > 1 ? `Add ${selected.length} trades to case` : 'Add trade to case'}
          what={selected.length > 1 ? `the ${selected.length} selected trades` : 'the selected trade'}
          disabled={selected.length === 0}
          add={(caseNumber) => api.call('cases.pinTrades', { caseNumber, snapshotId, utis: selected })}
        />
      </div>
      <div className="grid" data-testid="trades-grid">
        <AgGridReact<TradeRow>
          key={JSON.stringify([snapshotId, scope])}
          theme={gridTheme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={100}
          columnDefs={columns}
          defaultColDef={defaultColDef}
          onGridReady={(e) => restoreColumns(e.api)}
          rowSelection={rowSelection}
          getRowId={rowIdOf}
          onSelectionChanged={(e) => setSelected(e.api.getSelectedRows().map((r) => String(r.uti)))}
          onColumnMoved={(e) => e.finished && saveColumns(e.api, e.source)}
          onColumnResized={(e) => e.finished && saveColumns(e.api, e.source)}
          onColumnPinned={(e) => saveColumns(e.api, e.source)}
          onColumnVisible={(e) => saveColumns(e.api, e.source)}
          enableCellTextSelection
          onFilterChanged={(e) => setColumnFiltered(e.api.isAnyFilterPresent())}
          // Every column of a loaded row is in the page (about twenty): the browser's find sees names scrolled out of view.
          suppressColumnVirtualisation
          tooltipShowDelay={300}
        />
      </div>
      {total === 0 && (
        <EmptyState testId="trades-empty">
          <p>
            {columnFiltered
              ? 'No trade matches the column filters: clear a filter (the box under its header) to see more.'
              : 'No trade behind this cell: go back to the drill and choose another.'}
          </p>
        </EmptyState>
      )}
      <p className="footnote">
        Each trade once: its canonical report (the one counted in the exposure figures). Sorting and filters run in the database.
      </p>
    </section>
  );
}
