import { AgGridReact } from 'ag-grid-react';
import type { ColDef, ICellRendererParams } from 'ag-grid-community';
import { useId, useMemo, useState } from 'react';
import type { AuthoritySummary, InstrumentSummary } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import { emptyOverlaysSuppressed } from '../../components/EmptyState';
import { label, membershipOn, membershipText, today, validDate, yesNoUnknown } from './labels';
import { FilterSelect, RegistryEmpty, SourceLink, SyntheticBadge } from './parts';

/** The instruments whose memberships the grid shows as columns: multilateral ones, most members first. */
export function membershipColumns(authorities: AuthoritySummary[], instruments: InstrumentSummary[]): string[] {
  const form = new Map(instruments.map((i) => [i.code, i.form]));
  const count = new Map<string, number>();
  for (const a of authorities)
    for (const code of new Set(a.memberships.map((m) => m.instrument))) count.set(code, (count.get(code) ?? 0) + 1);
  return [...count.keys()]
    .filter((code) => (form.get(code) ?? 'multilateral') === 'multilateral')
    .sort((x, y) => count.get(y)! - count.get(x)! || x.localeCompare(y));
}

function ShortNameCell({ data }: ICellRendererParams<AuthoritySummary>) {
  if (!data) return null;
  return (
    <span>
      {data.shortName}
      {data.synthetic && <SyntheticBadge />}
    </span>
  );
}

/** Authorities with their jurisdiction, type, IOSCO membership and their status in each multilateral instrument. */
export function AuthoritiesGrid({ authorities, instruments }: { authorities: AuthoritySummary[]; instruments: InstrumentSummary[] }) {
  const [jurisdiction, setJurisdiction] = useState('');
  const [membership, setMembership] = useState('');
  const [type, setType] = useState('');
  const [search, setSearch] = useState('');
  /** Rows the grid shows after its search (the filters above narrow `rows` first). */
  const [shown, setShown] = useState<number>();
  const ids = useId();
  const date = today();
  const titles = useMemo(() => new Map(instruments.map((i) => [i.code, i.title])), [instruments]);
  const codes = useMemo(() => membershipColumns(authorities, instruments), [authorities, instruments]);

  const jurisdictions = useMemo(
    () => [...new Map(authorities.map((a) => [a.jurisdiction, a.jurisdictionName])).entries()].sort((x, y) => x[0].localeCompare(y[0])),
    [authorities],
  );
  const types = useMemo(() => [...new Set(authorities.map((a) => a.authorityType))].sort(), [authorities]);
  /** Per instrument, the statuses that occur (tiers, "unknown", "none recorded"). */
  const statuses = useMemo(
    () =>
      codes.map((code) => ({
        code,
        values: [...new Set(authorities.map((a) => membershipText(membershipOn(a, code, date))))].sort(),
      })),
    [authorities, codes, date],
  );

  const rows = useMemo(() => {
    const [mCode, mValue] = membership ? (JSON.parse(membership) as [string, string]) : [undefined, undefined];
    return authorities.filter(
      (a) =>
        (!jurisdiction || a.jurisdiction === jurisdiction) &&
        (!type || a.authorityType === type) &&
        (mCode === undefined || membershipText(membershipOn(a, mCode, date)) === mValue),
    );
  }, [authorities, jurisdiction, type, membership, date]);

  const columns = useMemo<ColDef<AuthoritySummary>[]>(
    () => [
      { field: 'shortName', headerName: 'Short name', width: 150, pinned: 'left', cellRenderer: ShortNameCell },
      { field: 'fullName', headerName: 'Full name', flex: 2, minWidth: 240, tooltipField: 'fullName' },
      {
        colId: 'jurisdiction',
        headerName: 'Jurisdiction',
        width: 200,
        valueGetter: (p) => (p.data ? `${p.data.jurisdiction} — ${p.data.jurisdictionName}` : ''),
      },
      { field: 'authorityType', headerName: 'Type', width: 130, valueFormatter: (p) => label(String(p.value ?? '')) },
      { colId: 'isRegulator', headerName: 'Regulator', width: 105, valueGetter: (p) => yesNoUnknown(p.data?.isRegulator) },
      { field: 'ioscoMembership', headerName: 'IOSCO membership', width: 150 },
      ...codes.map<ColDef<AuthoritySummary>>((code) => ({
        colId: `m:${code}`,
        headerName: code,
        headerTooltip: `${titles.get(code) ?? code}: status on ${date} ("unknown" where nobody has verified it)`,
        width: 150,
        valueGetter: (p) => (p.data ? membershipText(membershipOn(p.data, code, date)) : ''),
        tooltipValueGetter: (p) => {
          const m = p.data ? membershipOn(p.data, code, date) : undefined;
          return m
            ? `${m.status}; tier ${m.tier ?? 'none'}; from ${validDate(m.validFrom)}${m.validTo ? ` to ${m.validTo}` : ''}`
            : 'no row in the registry';
        },
        cellClassRules: { 'flag-warn': (p) => p.value === 'unknown' },
      })),
      {
        field: 'sourceUrl',
        headerName: 'Source',
        width: 100,
        sortable: false,
        cellRenderer: (p: ICellRendererParams<AuthoritySummary>) => <SourceLink url={p.data?.sourceUrl} />,
      },
      { field: 'asOf', headerName: 'As of', width: 120, valueFormatter: (p) => (p.value as string | null) ?? '—' },
    ],
    [codes, titles, date],
  );

  return (
    <section className="coop-section" aria-label="Authorities">
      <div className="filters" role="group" aria-label="Filter authorities">
        <FilterSelect
          label="Jurisdiction"
          value={jurisdiction}
          onChange={setJurisdiction}
          options={jurisdictions.map(([code, name]) => [code, `${code} — ${name}`] as const)}
        />
        <label>
          Status / tier{' '}
          <select value={membership} onChange={(e) => setMembership(e.target.value)}>
            <option value="">all</option>
            {statuses.map((s) => (
              <optgroup key={s.code} label={s.code}>
                {s.values.map((v) => (
                  <option key={v} value={JSON.stringify([s.code, v])}>
                    {s.code}: {v}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <FilterSelect label="Type" value={type} onChange={setType} options={types.map((t) => [t, label(t)] as const)} />
        <label htmlFor={`${ids}-search`}>Search</label>
        <input id={`${ids}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="muted small" role="status">
          {shown ?? rows.length} of {authorities.length} authorities · statuses as on {date}
        </span>
      </div>
      <RegistryEmpty total={authorities.length} shown={shown ?? rows.length} noun="authority" testId="authorities-empty" />
      <div className="grid" data-testid="authorities-grid">
        <AgGridReact<AuthoritySummary>
          theme={gridTheme}
          rowData={rows}
          columnDefs={columns}
          defaultColDef={{ sortable: true, resizable: true }}
          suppressOverlays={emptyOverlaysSuppressed}
          getRowId={(p) => p.data.shortName}
          quickFilterText={search}
          onModelUpdated={(e) => setShown(e.api.getDisplayedRowCount())}
          enableCellTextSelection
          tooltipShowDelay={300}
        />
      </div>
    </section>
  );
}
