import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, ICellRendererParams } from 'ag-grid-community';
import { useId, useMemo, useState } from 'react';
import type { AuthoritySummary, InstrumentSummary } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import { emptyOverlaysSuppressed } from '../../components/EmptyState';
import { bindingText, label, today } from './labels';
import { FilterSelect, RegistryEmpty, SyntheticBadge } from './parts';

type InstrumentStatus = 'in_force' | 'not_yet_effective' | 'terminated';

/** Whether an instrument is in force on a date (no effective date recorded: taken as in force, it is a registry entry). */
export function instrumentStatus(i: InstrumentSummary, date: string): InstrumentStatus {
  if (i.terminatedDate !== null && i.terminatedDate <= date) return 'terminated';
  if (i.effectiveDate !== null && i.effectiveDate > date) return 'not_yet_effective';
  return 'in_force';
}

const statusText: Record<InstrumentStatus, string> = {
  in_force: 'in force',
  not_yet_effective: 'not yet effective',
  terminated: 'terminated',
};

function CodeCell({ data }: ICellRendererParams<InstrumentSummary>) {
  if (!data) return null;
  return (
    <span className="mono">
      {data.code}
      {data.synthetic && <SyntheticBadge />}
    </span>
  );
}

/**
 * The instruments of the registry, filtered by function, form, the tiers their parties hold
 * and whether they are in force. Enter or double-click opens one.
 */
export function InstrumentsGrid({
  instruments,
  authorities,
  onOpen,
}: {
  instruments: InstrumentSummary[];
  authorities: AuthoritySummary[];
  onOpen: (code: string) => void;
}) {
  const [fn, setFn] = useState('');
  const [form, setForm] = useState('');
  const [tier, setTier] = useState('');
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  /** Rows the grid shows after its search (the filters above narrow `rows` first). */
  const [shown, setShown] = useState<number>();
  const ids = useId();
  const date = today();

  /** Per instrument code, the tiers its parties hold (from the authorities' memberships). */
  const tiersOf = useMemo(() => {
    const map = new Map<string, Set<string>>();
    for (const a of authorities)
      for (const m of a.memberships) {
        if (m.tier === null) continue;
        const set = map.get(m.instrument) ?? new Set<string>();
        set.add(m.tier);
        map.set(m.instrument, set);
      }
    return map;
  }, [authorities]);
  const allTiers = useMemo(() => [...new Set([...tiersOf.values()].flatMap((s) => [...s]))].sort(), [tiersOf]);
  const functions = useMemo(() => [...new Set(instruments.map((i) => i.function))].sort(), [instruments]);
  const forms = useMemo(() => [...new Set(instruments.map((i) => i.form))].sort(), [instruments]);

  const rows = useMemo(
    () =>
      instruments.filter((i) => {
        const tiers = tiersOf.get(i.code);
        const tierOk = !tier || (tier === '*' ? (tiers?.size ?? 0) > 0 : tier === '-' ? (tiers?.size ?? 0) === 0 : !!tiers?.has(tier));
        return (!fn || i.function === fn) && (!form || i.form === form) && tierOk && (!status || instrumentStatus(i, date) === status);
      }),
    [instruments, tiersOf, fn, form, tier, status, date],
  );

  const columns = useMemo<ColDef<InstrumentSummary>[]>(
    () => [
      { field: 'code', headerName: 'Code', width: 230, pinned: 'left', cellRenderer: CodeCell },
      { field: 'title', headerName: 'Title', flex: 2, minWidth: 260, tooltipField: 'title' },
      { field: 'form', headerName: 'Form', width: 150, valueFormatter: (p) => label(String(p.value ?? '')) },
      { field: 'function', headerName: 'Function', width: 140, valueFormatter: (p) => label(String(p.value ?? '')) },
      { field: 'administeringBody', headerName: 'Body', width: 110, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      {
        colId: 'legallyBinding',
        headerName: 'Binding',
        width: 120,
        valueGetter: (p) => (p.data ? bindingText(p.data.legallyBinding) : ''),
        headerTooltip: 'Legally binding: "not verified" where nobody has checked the primary text',
      },
      { field: 'effectiveDate', headerName: 'Effective', width: 120, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      {
        colId: 'status',
        headerName: 'Status',
        width: 140,
        valueGetter: (p) => (p.data ? statusText[instrumentStatus(p.data, date)] : ''),
        tooltipValueGetter: (p) => (p.data?.terminatedDate ? `terminated ${p.data.terminatedDate}` : undefined),
      },
      { field: 'parties', headerName: 'Parties', width: 100, type: 'numericColumn' },
    ],
    [date],
  );

  const onKey = (e: CellKeyDownEvent<InstrumentSummary>) => {
    if ((e.event as KeyboardEvent | null | undefined)?.key === 'Enter' && e.data) onOpen(e.data.code);
  };

  return (
    <section className="coop-section" aria-label="Instruments">
      <div className="filters" role="group" aria-label="Filter instruments">
        <FilterSelect label="Function" value={fn} onChange={setFn} options={functions.map((f) => [f, label(f)] as const)} />
        <FilterSelect label="Form" value={form} onChange={setForm} options={forms.map((f) => [f, label(f)] as const)} />
        <label>
          Tier{' '}
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            <option value="">all</option>
            <option value="*">any tier recorded</option>
            <option value="-">no tier recorded</option>
            {allTiers.map((t) => (
              <option key={t} value={t}>
                a party holds {t}
              </option>
            ))}
          </select>
        </label>
        <FilterSelect
          label="Status"
          value={status}
          onChange={setStatus}
          options={(Object.keys(statusText) as InstrumentStatus[]).map((s) => [s, statusText[s]] as const)}
        />
        <label htmlFor={`${ids}-search`}>Search</label>
        <input id={`${ids}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="muted small" role="status">
          {shown ?? rows.length} of {instruments.length} instruments · Enter or double-click opens one
        </span>
      </div>
      <RegistryEmpty total={instruments.length} shown={shown ?? rows.length} noun="instrument" testId="instruments-empty" />
      <div className="grid" data-testid="instruments-grid">
        <AgGridReact<InstrumentSummary>
          theme={gridTheme}
          rowData={rows}
          columnDefs={columns}
          defaultColDef={{ sortable: true, resizable: true }}
          suppressOverlays={emptyOverlaysSuppressed}
          getRowId={(p) => p.data.code}
          quickFilterText={search}
          onModelUpdated={(e) => setShown(e.api.getDisplayedRowCount())}
          onRowDoubleClicked={(e) => e.data && onOpen(e.data.code)}
          onCellKeyDown={onKey}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          enableCellTextSelection
          tooltipShowDelay={300}
        />
      </div>
    </section>
  );
}
