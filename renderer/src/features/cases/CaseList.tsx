import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, ICellRendererParams } from 'ag-grid-community';
import { useId, useState } from 'react';
import { caseStatuses, type CaseSummary } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import type { StatusFilter } from '../../stores/cases.store';
import { useCasesStore } from '../../stores/StoresContext';
import { CaseForm } from './CaseForm';
import { ReceiveBundles } from './ReceiveBundles';
import { statusLabels } from './caseLabels';
import { TlpBadge } from './Classification';

function TlpCell({ data }: ICellRendererParams<CaseSummary>) {
  return data ? <TlpBadge tlp={data.classification} /> : null;
}

/** "2 open · 1 overdue": the overdue count in words, so nothing rests on colour. */
export const tasksText = (c: Pick<CaseSummary, 'openTasks' | 'overdueTasks'>) =>
  c.openTasks === 0 ? '—' : `${c.openTasks} open${c.overdueTasks > 0 ? ` · ${c.overdueTasks} overdue` : ''}`;

const columns: ColDef<CaseSummary>[] = [
  { field: 'caseNumber', headerName: 'Case', width: 150, pinned: 'left', cellClass: 'mono' },
  { field: 'title', headerName: 'Title', flex: 1, minWidth: 240, tooltipField: 'title' },
  { field: 'status', headerName: 'Status', width: 110, valueFormatter: (p) => (p.data ? statusLabels[p.data.status] : '') },
  { field: 'classification', headerName: 'Classification', width: 150, cellRenderer: TlpCell },
  { field: 'leadInvestigator', headerName: 'Lead', width: 160 },
  { field: 'owningAuthority', headerName: 'Authority', width: 110 },
  { field: 'itemCount', headerName: 'Items', width: 90, type: 'numericColumn' },
  { field: 'subjectCount', headerName: 'Subjects', width: 100, type: 'numericColumn' },
  {
    colId: 'tasks',
    headerName: 'Tasks',
    width: 150,
    valueGetter: (p) => (p.data ? tasksText(p.data) : ''),
    cellClassRules: { 'flag-error': (p) => (p.data?.overdueTasks ?? 0) > 0 },
  },
  { field: 'openedAt', headerName: 'Opened', width: 120 },
];

const filters: ReadonlyArray<[StatusFilter, string]> = [
  ['', 'All but archived'],
  ...caseStatuses.map((s): [StatusFilter, string] => [s, statusLabels[s]]),
  ['all', 'All, archived too'],
];

/** The cases: number, title, status, classification, lead, authority, items and tasks; a status filter; "New case…". */
export function CaseList() {
  const rows = useCasesStore((s) => s.rows);
  const loaded = useCasesStore((s) => s.loaded);
  const listError = useCasesStore((s) => s.listError);
  const statusFilter = useCasesStore((s) => s.statusFilter);
  const setStatusFilter = useCasesStore((s) => s.setStatusFilter);
  const navigate = useCasesStore((s) => s.navigate);
  const [creating, setCreating] = useState(false);
  const [receiving, setReceiving] = useState(false);
  const id = useId();
  const open = (caseNumber: string) => void navigate({ caseNumber, tab: 'items' });
  const onKey = (e: CellKeyDownEvent<CaseSummary>) => {
    if ((e.event as KeyboardEvent | undefined)?.key === 'Enter' && e.data) open(e.data.caseNumber);
  };
  const overdue = rows.filter((r) => r.overdueTasks > 0).length;
  return (
    <section className="view cases-view" data-testid="cases-list">
      <header className="view-header">
        <h1>Cases</h1>
        <button type="button" onClick={() => setCreating(true)}>
          New case…
        </button>
        <button type="button" onClick={() => setReceiving(true)}>
          Received bundles…
        </button>
      </header>
      <div className="filters" role="group" aria-label="Filter cases">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={statusFilter} onChange={(e) => void setStatusFilter(e.target.value as StatusFilter)}>
          {filters.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        <span className="muted small" role="status" data-testid="cases-count">
          {loaded
            ? `${rows.length} case${rows.length === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} with overdue tasks` : ''}`
            : 'Loading…'}
        </span>
      </div>
      {listError && (
        <p className="error" role="alert">
          {listError}
        </p>
      )}
      <p className="muted small">Open a case with a click, or Enter on its row.</p>
      <div className="grid" data-testid="cases-grid">
        <AgGridReact<CaseSummary>
          theme={gridTheme}
          rowData={rows}
          columnDefs={columns}
          getRowId={(p) => p.data.caseNumber}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          onRowClicked={(e) => e.data && open(e.data.caseNumber)}
          onCellKeyDown={onKey}
          enableCellTextSelection
          suppressColumnVirtualisation
          tooltipShowDelay={300}
          loading={!loaded}
          overlayNoRowsTemplate="No case matches. “New case…” opens one."
        />
      </div>
      {receiving && <ReceiveBundles onClose={() => setReceiving(false)} />}
      {creating && (
        <CaseForm
          onCancel={() => setCreating(false)}
          onDone={(header) => {
            setCreating(false);
            open(header.caseNumber);
          }}
        />
      )}
    </section>
  );
}
