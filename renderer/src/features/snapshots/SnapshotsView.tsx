import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import { useState } from 'react';
import type { SnapshotSummary } from '../../../../shared/contract';
import { formatCount } from '../../../../shared/domain/format';
import { gridTheme } from '../../components/gridTheme';
import { EmptyState, emptyOverlaysSuppressed } from '../../components/EmptyState';
import { useApi, useAppStore, useSnapshotsStore } from '../../stores/StoresContext';
import { FeedsPanel } from './FeedsPanel';
import { ImportDialog } from './ImportDialog';
import { ImportSummary } from './ImportSummary';
import { SnapshotDetail } from './SnapshotDetail';

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

/** Feeds and their sync, imported snapshots with their findings, and "Import file…". */
export function SnapshotsView() {
  const api = useApi();
  const snapshots = useAppStore((s) => s.snapshots);
  const detailId = useSnapshotsStore((s) => s.detailId);
  const showDetail = useSnapshotsStore((s) => s.showDetail);
  const [importing, setImporting] = useState(false);
  return (
    <section className="view">
      <header className="view-header">
        <h1>Feeds &amp; snapshots</h1>
        {api.upload ? (
          <button type="button" onClick={() => setImporting(true)}>
            Import file…
          </button>
        ) : (
          <span className="muted small">To import files in the desktop app, use `concordat import`.</span>
        )}
      </header>
      <ImportSummary />
      <FeedsPanel />
      <h2>Snapshots</h2>
      {snapshots.length === 0 && (
        <EmptyState testId="snapshots-empty">
          <p>No snapshot yet: sync a feed above, or import the files a trade repository delivered with “Import file…”.</p>
        </EmptyState>
      )}
      <div className="grid short" data-testid="snapshots-grid">
        <AgGridReact<SnapshotSummary>
          theme={gridTheme}
          rowData={snapshots}
          columnDefs={columns}
          getRowId={(p) => String(p.data.snapshotId)}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          onRowClicked={(e) => e.data && void showDetail(e.data.snapshotId)}
          suppressOverlays={emptyOverlaysSuppressed}
          enableCellTextSelection
        />
      </div>
      {detailId !== undefined && <SnapshotDetail snapshotId={detailId} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </section>
  );
}
