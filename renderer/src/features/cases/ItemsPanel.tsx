import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, ICellRendererParams } from 'ag-grid-community';
import { useId, useMemo, useState } from 'react';
import { itemKinds, type CaseItem, type ItemKind } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import { useCasesStore } from '../../stores/StoresContext';
import { AttachForm } from './AttachForm';
import { gradeMeaning, kindLabels, when } from './caseLabels';
import { GradeText } from './GradePicker';
import { NoteForm } from './NoteForm';

function GradeCell({ data }: ICellRendererParams<CaseItem>) {
  return data ? <GradeText grade={data.grade} /> : null;
}

const columns: ColDef<CaseItem>[] = [
  { field: 'itemId', headerName: '#', width: 70, type: 'numericColumn' },
  { field: 'kind', headerName: 'Kind', width: 140, valueFormatter: (p) => (p.data ? kindLabels[p.data.kind] : '') },
  { field: 'title', headerName: 'Title', flex: 1, minWidth: 280, tooltipField: 'title' },
  {
    field: 'grade',
    headerName: 'Grade',
    width: 90,
    cellRenderer: GradeCell,
    tooltipValueGetter: (p) => gradeMeaning(p.data?.grade ?? null),
    headerTooltip: 'Admiralty code: source reliability A–F, then information credibility 1–6',
  },
  { field: 'eventDate', headerName: 'Event date', width: 150 },
  { colId: 'tags', headerName: 'Tags', width: 160, valueGetter: (p) => p.data?.tags.join(', ') ?? '' },
  {
    field: 'status',
    headerName: 'Status',
    width: 110,
    valueFormatter: (p) => (p.data?.status === 'withdrawn' ? 'withdrawn' : 'active'),
    cellClassRules: { 'flag-warn': (p) => p.data?.status === 'withdrawn' },
  },
  { field: 'createdAt', headerName: 'Added (UTC)', width: 160, valueFormatter: (p) => (p.data ? when(p.data.createdAt) : '') },
];

/** A case's items in a grid (kind, title, grade, event date, tags, status), with "Add note" and "Attach file". */
export function ItemsPanel({ caseNumber, writable }: { caseNumber: string; writable: boolean }) {
  const items = useCasesStore((s) => s.items);
  const total = useCasesStore((s) => s.itemsTotal);
  const itemsError = useCasesStore((s) => s.itemsError);
  const includeWithdrawn = useCasesStore((s) => s.includeWithdrawn);
  const setIncludeWithdrawn = useCasesStore((s) => s.setIncludeWithdrawn);
  const navigate = useCasesStore((s) => s.navigate);
  const [kind, setKind] = useState<ItemKind | ''>('');
  const [adding, setAdding] = useState<'note' | 'file'>();
  const id = useId();
  const shown = useMemo(() => (kind ? items.filter((i) => i.kind === kind) : items), [items, kind]);
  const open = (itemId: number) => void navigate({ caseNumber, tab: 'items', itemId });
  const onKey = (e: CellKeyDownEvent<CaseItem>) => {
    if ((e.event as KeyboardEvent | undefined)?.key === 'Enter' && e.data) open(e.data.itemId);
  };
  return (
    <div className="items-panel">
      <div className="filters" role="group" aria-label="Items">
        {writable && (
          <>
            <button type="button" aria-expanded={adding === 'note'} onClick={() => setAdding(adding === 'note' ? undefined : 'note')}>
              Add note…
            </button>
            <button type="button" aria-expanded={adding === 'file'} onClick={() => setAdding(adding === 'file' ? undefined : 'file')}>
              Attach file…
            </button>
          </>
        )}
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as ItemKind | '')}>
          <option value="">All kinds</option>
          {itemKinds.map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={includeWithdrawn} onChange={(e) => void setIncludeWithdrawn(e.target.checked)} /> Show withdrawn
          items
        </label>
        <span className="muted small" role="status" data-testid="items-count">
          {shown.length === total || kind ? `${shown.length} item${shown.length === 1 ? '' : 's'}` : `${shown.length} of ${total} items`}
        </span>
      </div>
      {adding === 'note' && <NoteForm caseNumber={caseNumber} onCancel={() => setAdding(undefined)} onDone={() => setAdding(undefined)} />}
      {adding === 'file' && (
        <AttachForm caseNumber={caseNumber} onCancel={() => setAdding(undefined)} onDone={() => setAdding(undefined)} />
      )}
      {itemsError && (
        <p className="error" role="alert">
          {itemsError}
        </p>
      )}
      <div className="grid items-grid" data-testid="items-grid">
        <AgGridReact<CaseItem>
          theme={gridTheme}
          rowData={shown}
          columnDefs={columns}
          getRowId={(p) => String(p.data.itemId)}
          rowClassRules={{ 'row-withdrawn': (p) => p.data?.status === 'withdrawn' }}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          onRowClicked={(e) => e.data && open(e.data.itemId)}
          onCellKeyDown={onKey}
          enableCellTextSelection
          suppressColumnVirtualisation
          tooltipShowDelay={300}
          overlayNoRowsTemplate="No items yet: add them from Exposure, Trades, MoUs, Requests or Feeds (“Add to case”), or add a note or a file here."
        />
      </div>
      <p className="muted small">Open an item with a click, or Enter on its row.</p>
    </div>
  );
}
