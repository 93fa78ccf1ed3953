import { AgGridReact } from 'ag-grid-react';
import type {
  CellKeyDownEvent,
  ColDef,
  ColGroupDef,
  ColumnEventType,
  GetRowIdParams,
  GridApi,
  ICellRendererParams,
  PostSortRowsParams,
  RowClassParams,
  SortChangedEvent,
} from 'ag-grid-community';
import { useEffect, useMemo, useRef } from 'react';
import type { ColumnState, DrillResult, DrillRow, DrillSort, ExposureMetrics, MetricId } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import type { MetricColumn } from '../../../../shared/domain/exposureColumns';
import { formatDelta, formatDeltaPct, hasDeltaPct, metricChange } from '../../../../shared/domain/metricChange';
import { emptyOverlaysSuppressed } from '../../components/EmptyState';
import { gridTheme } from '../../components/gridTheme';
import {
  constantAtLevel,
  deltaColId,
  keyColumnOf,
  labelColId,
  labelWithoutKey,
  layoutFromGrid,
  metricColumn,
  tradesColId,
  widthOf,
  type DeltaKind,
} from './drillColumns';

/** A level's row, or its totals (pinned at the bottom), which compare with the other snapshot's totals. */
type TotalRow = ExposureMetrics & { key: '__total__'; label: string; compare?: { status: 'both'; previous: ExposureMetrics | null } };
type GridRow = DrillRow | TotalRow;

export interface DrillGridProps {
  result: DrillResult;
  /** The column layout (order, widths, visibility, pinning) of the label and metric columns. */
  columns: ColumnState[];
  /** The user moved, resized, pinned or hid a column in the grid. */
  onColumnsChange: (columns: ColumnState[]) => void;
  /** The rows' order: sorted by the backend, shown on the header. */
  sort: DrillSort;
  onSort: (sort: DrillSort) => void;
  /** How the snapshot compared with is named in the Δ columns' tooltips. */
  compareName?: string;
  /** While comparing: each metric a group of value, Δ and Δ% (true) or the values alone (false). */
  showDeltas?: boolean;
  /** A click on a row selects it (none after a move to another level). */
  onSelect?: (row: DrillRow | undefined) => void;
  /** Enter or double-click on a row; absent at the last level of the path. */
  onDrill?: (row: DrillRow) => void;
  /** Backspace (or Alt+←): one level up. */
  onUp?: () => void;
  /** "Trades" on a row (its key) or on the totals row (null row). */
  onShowTrades?: (row: DrillRow | null) => void;
}

const isTotal = (row: GridRow | undefined): row is TotalRow => row?.key === '__total__';
/** Changes the user makes (not the ones this component applies from its props). */
const fromUser = (source: ColumnEventType | string) =>
  source.startsWith('ui') || source === 'columnMenu' || source === 'contextMenu' || source === 'toolPanelUi';
/** The rows arrive sorted from the backend: the grid shows the sort but keeps their order. */
const keepOrder = () => 0;
const keepServerOrder = (p: PostSortRowsParams<GridRow>) => {
  p.nodes.sort((a, b) => a.sourceRowIndex - b.sourceRowIndex);
};

const statusOf = (p: RowClassParams<GridRow>) => (p.data && !isTotal(p.data) ? p.data.compare?.status : undefined);
/** Rows only in one of two compared snapshots (rules, unlike getRowClass, are applied again when a row's data changes). */
const rowClassRules = {
  'row-appeared': (p: RowClassParams<GridRow>) => statusOf(p) === 'appeared',
  'row-vanished': (p: RowClassParams<GridRow>) => statusOf(p) === 'vanished',
};

/** The Total row's label: whether it covers the level or only the rows a search kept. */
export function totalLabel(result: DrillResult): string {
  if (result.totalsOf === 'matching')
    return `Total of the ${result.rowCount.toLocaleString('en-US')} matching row${result.rowCount === 1 ? '' : 's'} (each trade once)`;
  return 'Total (each trade once)';
}

/** The change of a metric against the other snapshot; none for a row that appeared or vanished. */
function changeOf(id: MetricId, row: GridRow | undefined) {
  if (!row?.compare) return { delta: null, deltaPct: null };
  const current = row.compare.status === 'vanished' ? null : row;
  return metricChange(id, current, row.compare.previous);
}

function LabelCell({ value, data, compareName }: ICellRendererParams<GridRow> & { compareName: string }) {
  const status = data && !isTotal(data) ? data.compare?.status : undefined;
  return (
    <span className="drill-label">
      {String(value ?? '')}
      {status === 'appeared' && (
        <span className="badge badge-new" aria-description={`Appeared: not in ${compareName}`} title={`Not in ${compareName}`}>
          new
        </span>
      )}
      {status === 'vanished' && (
        <span className="badge badge-gone" aria-description={`Vanished: only in ${compareName}`} title={`Only in ${compareName}`}>
          gone
        </span>
      )}
    </span>
  );
}

/** One drill level: a row per key, the level's SQL totals pinned at the bottom, Δ columns when comparing. */
export function DrillGrid(props: DrillGridProps) {
  const { result, columns, sort, onSelect, onDrill, onUp } = props;
  const comparing = result.compare !== undefined;
  const showDeltas = comparing && props.showDeltas !== false;
  // Per level, only what changes the columns: whether the keys are LEIs (own column) and which metric is constant.
  const keyColumn = keyColumnOf(result.dimension);
  const constant = constantAtLevel(result.dimension);
  const compareName = props.compareName ?? (result.compare ? `snapshot ${result.compare.snapshotId}` : 'the other snapshot');
  // Event handlers read the latest props through a ref: ag-grid keeps the first ones it was given.
  const latest = useRef(props);
  latest.current = props;
  const gridApi = useRef<GridApi<GridRow>>(undefined);
  // A selection belongs to its level: a move up or down (or to another snapshot) clears it.
  const level = JSON.stringify([result.snapshotId, result.path, result.at]);
  useEffect(() => {
    if (gridApi.current && !gridApi.current.isDestroyed()) gridApi.current.deselectAll();
  }, [level]);

  const dimensionRef = useRef(result.dimension);
  dimensionRef.current = result.dimension;
  useEffect(() => {
    if (gridApi.current && !gridApi.current.isDestroyed()) gridApi.current.refreshHeader();
  }, [result.dimension]);

  const columnDefs = useMemo<Array<ColDef<GridRow> | ColGroupDef<GridRow>>>(() => {
    const byId = new Map(columns.map((e) => [e.colId, e]));
    const sortOf = (colId: string) => (sort.by === colId ? sort.direction : null);
    const defs: Array<ColDef<GridRow> | ColGroupDef<GridRow>> = [];
    // A metric the same on every row of this level (one counterparty per counterparty row) says nothing there.
    const hidden = (entry: ColumnState, c: MetricColumn) => !!entry.hide || constant.includes(c.field);
    const metricDef = (entry: ColumnState, c: MetricColumn): ColDef<GridRow> => ({
      colId: c.field,
      field: c.field,
      headerName: showDeltas ? 'Value' : c.header,
      headerTooltip: `${c.header}: ${c.description}`,
      type: 'numericColumn',
      width: widthOf(entry, c.field),
      hide: hidden(entry, c),
      pinned: entry.pinned ?? null,
      wrapHeaderText: true,
      autoHeaderHeight: false,
      sortable: true,
      sortingOrder: ['desc', 'asc'],
      comparator: keepOrder,
      sort: sortOf(c.field),
      valueFormatter: (p) => c.format(typeof p.value === 'number' ? p.value : null),
      cellClassRules: { 'flag-unconverted': (p) => c.field === 'unconvertedCount' && Number(p.value) > 0 },
    });
    const deltaDef = (entry: ColumnState, c: MetricColumn, kind: DeltaKind): ColDef<GridRow> => {
      const colId = deltaColId(c.field, kind);
      const head = kind === 'delta' ? `Δ ${c.header}` : `Δ% ${c.header}`;
      return {
        colId,
        headerName: kind === 'delta' ? 'Δ' : 'Δ%',
        headerTooltip:
          kind === 'delta'
            ? `${head}: this snapshot’s figure minus ${compareName}’s${c.unit === 'percent' || c.unit === 'ratio' ? ', in percentage points' : ''}. “—” where either is missing (a row that appeared or vanished).`
            : `${head}: the change as a percentage of ${compareName}’s figure. “—” where that is zero or missing.`,
        headerClass: 'delta-header',
        type: 'numericColumn',
        width: widthOf(byId.get(colId), colId),
        hide: hidden(entry, c),
        pinned: entry.pinned ?? null,
        wrapHeaderText: true,
        autoHeaderHeight: false,
        sortable: false,
        valueGetter: (p) => (kind === 'delta' ? changeOf(c.field, p.data).delta : changeOf(c.field, p.data).deltaPct),
        valueFormatter: (p) => {
          const v = typeof p.value === 'number' ? p.value : null;
          return kind === 'delta' ? formatDelta(c.field, v) : formatDeltaPct(v);
        },
        cellClassRules: {
          'delta-up': (p) => typeof p.value === 'number' && p.value > 0,
          'delta-down': (p) => typeof p.value === 'number' && p.value < 0,
        },
      };
    };
    for (const entry of columns) {
      if (entry.colId === labelColId) {
        defs.push({
          colId: labelColId,
          field: 'label',
          // Read at render time, so a move to another level keeps the same column definitions
          // (rebuilding every column per level cost more than the rows themselves).
          headerValueGetter: () => dimensionNames[dimensionRef.current],
          // Where the keys are LEIs they have their own column: the label keeps the name.
          // (The level read at render time, like the header: rows of a new level may render before new column definitions.)
          valueGetter: (p) =>
            p.data && keyColumnOf(dimensionRef.current) && !isTotal(p.data) ? labelWithoutKey(p.data.label, p.data.key) : p.data?.label,
          tooltipValueGetter: (p) => (p.data ? p.data.label : undefined),
          width: widthOf(entry, labelColId),
          pinned: entry.pinned === undefined ? 'left' : entry.pinned,
          lockVisible: true,
          sortable: true,
          sortingOrder: ['asc', 'desc'],
          comparator: keepOrder,
          sort: sortOf('label'),
          cellRenderer: LabelCell,
          cellRendererParams: { compareName },
          // The badge depends on more than the label: redraw the cell whenever its row's data changes.
          equals: () => false,
        });
        defs.push({
          colId: 'key',
          headerName: keyColumn ?? 'Key',
          headerTooltip: 'The Legal Entity Identifier (ISO 17442) of the row’s entity.',
          valueGetter: (p) => (p.data && !isTotal(p.data) && p.data.key && /^[A-Z0-9]{18}[0-9]{2}$/.test(p.data.key) ? p.data.key : ''),
          width: 200,
          hide: keyColumn === undefined,
          pinned: entry.pinned === undefined ? 'left' : entry.pinned,
          sortable: false,
          suppressMovable: true,
          cellClass: 'mono',
        });
        continue;
      }
      const c = metricColumn(entry.colId);
      if (!c) continue;
      // Δ% only for non-negative magnitudes: of a signed figure or a share it means nothing.
      if (showDeltas)
        defs.push({
          groupId: `${c.field}Group`,
          headerName: c.header,
          headerTooltip: `${c.header}: this snapshot’s value, its change (Δ) and its change in per cent (Δ%) against ${compareName}`,
          marryChildren: true,
          children: [metricDef(entry, c), deltaDef(entry, c, 'delta'), ...(hasDeltaPct(c.field) ? [deltaDef(entry, c, 'deltaPct')] : [])],
        });
      else defs.push(metricDef(entry, c));
    }
    defs.push({
      colId: tradesColId,
      headerName: '',
      width: 90,
      pinned: 'right',
      sortable: false,
      resizable: false,
      suppressMovable: true,
      lockPosition: 'right',
      cellRenderer: TradesCell,
      cellRendererParams: { onShow: (row: GridRow | undefined) => latest.current.onShowTrades?.(isTotal(row) ? null : (row as DrillRow)) },
    });
    return defs;
  }, [columns, showDeltas, compareName, sort, keyColumn, constant]);

  const totals = useMemo<GridRow[]>(
    () => [
      {
        key: '__total__',
        label: totalLabel(result),
        ...result.totals,
        ...(result.compare ? { compare: { status: 'both' as const, previous: result.compare.totals } } : {}),
      },
    ],
    [result],
  );

  const drillRow = (row: GridRow | undefined) => {
    if (row && !isTotal(row) && onDrill) onDrill(row);
  };
  const onKey = (e: CellKeyDownEvent<GridRow>) => {
    const event = e.event as KeyboardEvent | undefined;
    if (!event) return;
    if (event.key === 'Enter') drillRow(e.data);
    if ((event.key === 'Backspace' || (event.altKey && event.key === 'ArrowLeft')) && onUp) {
      event.preventDefault();
      onUp();
    }
  };
  const syncColumns = (api: GridApi<GridRow>, source: ColumnEventType) => {
    if (!fromUser(source)) return;
    latest.current.onColumnsChange(layoutFromGrid(api.getColumnState(), latest.current.columns));
  };
  const onSortChanged = (e: SortChangedEvent<GridRow>) => {
    if (!fromUser(e.source)) return;
    const sorted = e.api.getColumnState().find((c) => c.sort);
    if (!sorted?.sort) return;
    const by = sorted.colId === labelColId ? 'label' : metricColumn(sorted.colId)?.field;
    if (by) latest.current.onSort({ by, direction: sorted.sort });
  };
  return (
    <div className="grid" data-testid="exposure-grid">
      <AgGridReact<GridRow>
        theme={gridTheme}
        rowData={result.rows}
        columnDefs={columnDefs}
        pinnedBottomRowData={totals}
        getRowId={(p: GetRowIdParams<GridRow>) => (p.data.key === null ? '__null__' : p.data.key)}
        rowClassRules={rowClassRules}
        // Two lines of wrapped header text; a fixed height spares a measuring pass per level.
        headerHeight={52}
        defaultColDef={{ resizable: true }}
        onGridReady={(e) => (gridApi.current = e.api)}
        rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
        onSelectionChanged={(e) => onSelect?.(e.api.getSelectedRows()[0] as DrillRow | undefined)}
        onRowDoubleClicked={(e) => drillRow(e.data)}
        onCellKeyDown={onKey}
        onSortChanged={onSortChanged}
        postSortRows={keepServerOrder}
        suppressMultiSort
        suppressOverlays={emptyOverlaysSuppressed}
        onColumnMoved={(e) => e.finished && syncColumns(e.api, e.source)}
        onColumnResized={(e) => e.finished && syncColumns(e.api, e.source)}
        onColumnPinned={(e) => syncColumns(e.api, e.source)}
        onColumnVisible={(e) => syncColumns(e.api, e.source)}
        suppressDragLeaveHidesColumns
        // Every shown column is in the page (at most 52): what is exported and tested is what is there.
        suppressColumnVirtualisation
        tooltipShowDelay={300}
        enableCellTextSelection
        ensureDomOrder
      />
    </div>
  );
}

/** The "Trades ›" button of a row or the totals (a stable component: grids re-render it cheaply). */
function TradesCell(p: { data: GridRow | undefined; onShow: (row: GridRow | undefined) => void }) {
  return (
    <button type="button" className="link" onClick={() => p.onShow(p.data)} aria-label="Show the trades behind this row">
      Trades ›
    </button>
  );
}
