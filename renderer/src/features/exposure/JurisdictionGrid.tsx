import { AgGridReact } from 'ag-grid-react';
import type { ColDef, GetRowIdParams } from 'ag-grid-community';
import { useMemo } from 'react';
import type { DrillResult, DrillRow, ExposureMetrics } from '../../../../shared/contract';
import { exposureColumns } from '../../../../shared/domain/exposureColumns';
import { gridTheme } from '../../components/gridTheme';

type GridRow = DrillRow | (ExposureMetrics & { key: '__total__'; label: string });

/** Exposure by jurisdiction: one row per jurisdiction, the SQL totals pinned at the bottom. */
export function JurisdictionGrid({ result }: { result: DrillResult }) {
  const columnDefs = useMemo<ColDef<GridRow>[]>(
    () => [
      { field: 'label', headerName: 'Jurisdiction', pinned: 'left', minWidth: 200, flex: 2 },
      ...exposureColumns.map((c): ColDef<GridRow> => ({
        field: c.field,
        headerName: c.header,
        headerTooltip: `${c.header}: ${c.description}`,
        type: 'numericColumn',
        flex: 1,
        minWidth: 120,
        wrapHeaderText: true,
        autoHeaderHeight: true,
        valueFormatter: (p) => (typeof p.value === 'number' ? c.format(p.value) : ''),
        cellClassRules: { 'flag-unconverted': (p) => c.field === 'unconvertedCount' && Number(p.value) > 0 },
      })),
    ],
    [],
  );
  const totals = useMemo<GridRow[]>(() => [{ key: '__total__', label: 'Total (each trade once)', ...result.totals }], [result]);
  return (
    <div className="grid" data-testid="exposure-grid">
      <AgGridReact<GridRow>
        theme={gridTheme}
        rowData={result.rows}
        columnDefs={columnDefs}
        pinnedBottomRowData={totals}
        getRowId={(p: GetRowIdParams<GridRow>) => p.data.key ?? '__unknown__'}
        defaultColDef={{ sortable: true, resizable: true }}
        tooltipShowDelay={300}
        enableCellTextSelection
        ensureDomOrder
      />
    </div>
  );
}
