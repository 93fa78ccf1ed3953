import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import type { SnapshotSummary } from '../../../../shared/contract';
import { formatCount } from '../../../../shared/domain/format';
import { gridTheme } from '../../components/gridTheme';
import { useAppStore } from '../../stores/StoresContext';

const columns: ColDef<SnapshotSummary>[] = [
  { field: 'snapshotId', headerName: 'ID', width: 70 },
  {
    field: 'sourceName',
    headerName: 'Source',
    flex: 2,
    minWidth: 200,
    valueFormatter: (p) => (p.data?.isDemo ? `${p.value} (demo data)` : p.value),
  },
  { field: 'regime', headerName: 'Regime', width: 100 },
  { field: 'asOfDate', headerName: 'As of', width: 120 },
  { field: 'version', headerName: 'Version', width: 100, type: 'numericColumn' },
  { field: 'tradeRows', headerName: 'Trade rows', width: 130, type: 'numericColumn', valueFormatter: (p) => formatCount(p.value ?? 0) },
  { field: 'rejectedRows', headerName: 'Rejected', width: 120, type: 'numericColumn', valueFormatter: (p) => formatCount(p.value ?? 0) },
  { field: 'warningRows', headerName: 'Warnings', width: 120, type: 'numericColumn', valueFormatter: (p) => formatCount(p.value ?? 0) },
  {
    field: 'importedAt',
    headerName: 'Imported at (UTC)',
    flex: 1,
    minWidth: 200,
    valueFormatter: (p) =>
      String(p.value ?? '')
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ''),
  },
];

/** Imported snapshots. Feed sync and file import arrive with the ingestion feature. */
export function SnapshotsView() {
  const snapshots = useAppStore((s) => s.snapshots);
  return (
    <section className="view">
      <header className="view-header">
        <h1>Feeds &amp; snapshots</h1>
      </header>
      <div className="grid" data-testid="snapshots-grid">
        <AgGridReact<SnapshotSummary>
          theme={gridTheme}
          rowData={snapshots}
          columnDefs={columns}
          getRowId={(p) => String(p.data.snapshotId)}
          enableCellTextSelection
        />
      </div>
    </section>
  );
}
