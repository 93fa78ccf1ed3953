import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, GetRowIdParams } from 'ag-grid-community';
import { useMemo } from 'react';
import type { DrillResult, DrillRow, ExposureMetrics } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { exposureColumns } from '../../../../shared/domain/exposureColumns';
import { gridTheme } from '../../components/gridTheme';

type GridRow = DrillRow | (ExposureMetrics & { key: '__total__'; label: string });

export interface DrillGridProps {
  result: DrillResult;
  /** Enter or double-click on a row; absent at the last level of the path. */
  onDrill?: (row: DrillRow) => void;
  /** Backspace: one level up. */
  onUp?: () => void;
  /** "Trades" on a row (its key) or on the totals row (null row). */
  onShowTrades?: (row: DrillRow | null) => void;
}

const isTotal = (row: GridRow | undefined): boolean => row?.key === '__total__';

/** One drill level: a row per key, the level's SQL totals pinned at the bottom. */
export function DrillGrid({ result, onDrill, onUp, onShowTrades }: DrillGridProps) {
  const columnDefs = useMemo<ColDef<GridRow>[]>(
    () => [
      { field: 'label', headerName: dimensionNames[result.dimension], pinned: 'left', minWidth: 200, flex: 2 },
      ...exposureColumns.map((c): ColDef<GridRow> => ({
        field: c.field,
        headerName: c.header,
        headerTooltip: `${c.header}: ${c.description}`,
        type: 'numericColumn',
        flex: 1,
        // Money needs room for billions to the dollar; counts less.
        minWidth: c.header.includes('USD') ? 150 : 105,
        wrapHeaderText: true,
        autoHeaderHeight: true,
        valueFormatter: (p) => c.format(typeof p.value === 'number' ? p.value : null),
        cellClassRules: { 'flag-unconverted': (p) => c.field === 'unconvertedCount' && Number(p.value) > 0 },
      })),
      {
        colId: 'trades',
        headerName: '',
        width: 90,
        pinned: 'right',
        sortable: false,
        resizable: false,
        cellRenderer: (p: { data: GridRow | undefined }) => (
          <button
            type="button"
            className="link"
            onClick={() => onShowTrades?.(isTotal(p.data) ? null : (p.data as DrillRow))}
            aria-label="Show the trades behind this row"
          >
            Trades ›
          </button>
        ),
      },
    ],
    [result.dimension, onShowTrades],
  );
  const totals = useMemo<GridRow[]>(() => [{ key: '__total__', label: 'Total (each trade once)', ...result.totals }], [result]);
  const drillRow = (row: GridRow | undefined) => {
    if (row && !isTotal(row) && onDrill) onDrill(row as DrillRow);
  };
  const onKey = (e: CellKeyDownEvent<GridRow>) => {
    const key = (e.event as KeyboardEvent | undefined)?.key;
    if (key === 'Enter') drillRow(e.data);
    if (key === 'Backspace' && onUp) onUp();
  };
  return (
    <div className="grid" data-testid="exposure-grid">
      <AgGridReact<GridRow>
        theme={gridTheme}
        rowData={result.rows}
        columnDefs={columnDefs}
        pinnedBottomRowData={totals}
        getRowId={(p: GetRowIdParams<GridRow>) => (p.data.key === null ? '__null__' : p.data.key)}
        defaultColDef={{ sortable: true, resizable: true }}
        onRowDoubleClicked={(e) => drillRow(e.data)}
        onCellKeyDown={onKey}
        tooltipShowDelay={300}
        enableCellTextSelection
        ensureDomOrder
      />
    </div>
  );
}
