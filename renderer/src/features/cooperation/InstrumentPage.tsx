import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, ICellRendererParams } from 'ag-grid-community';
import { useMemo, useRef, useState } from 'react';
import type { InstrumentDetail, InstrumentParty } from '../../../../shared/contract';
import { gridTheme } from '../../components/gridTheme';
import { bindingText, label, validDate, words, yesNoUnknown } from './labels';
import { PartyEditDialog } from './PartyEditDialog';
import { SourceLink, SyntheticBadge } from './parts';

type Rule = InstrumentDetail['rules'][number];

/** A provision key a rule rests on, or a plain statement that none is recorded. */
function RestsOn({ provisionKey }: { provisionKey: string | null }) {
  return provisionKey ? <span className="mono">{provisionKey}</span> : <span className="muted">no provision recorded</span>;
}

const capabilitiesText = (p: InstrumentParty) =>
  p.capabilities.length === 0 ? '—' : p.capabilities.map((c) => `${words(c.capability)}: ${words(c.status)}`).join('; ');

/** One kind of rule as a table: what, its qualifier, the text where there is one, and the provision it rests on. */
function RuleTable({
  title,
  rules,
  itemHeader,
  qualifierHeader,
  showCapability = false,
  testId,
}: {
  title: string;
  rules: Rule[];
  itemHeader: string;
  qualifierHeader?: string;
  showCapability?: boolean;
  testId: string;
}) {
  const hasText = rules.some((r) => r.text);
  return (
    <section className="coop-rules" aria-label={title}>
      <h3>{title}</h3>
      {rules.length === 0 ? (
        <p className="muted small">None recorded.</p>
      ) : (
        <table className="files coop-table" data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">{itemHeader}</th>
              {qualifierHeader && <th scope="col">{qualifierHeader}</th>}
              {showCapability && <th scope="col">Required capability (both parties)</th>}
              {hasText && <th scope="col">Text</th>}
              <th scope="col">Rests on</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={`${i}|${r.item}|${r.qualifier}`}>
                <td>{label(r.item)}</td>
                {qualifierHeader && <td>{words(r.qualifier)}</td>}
                {showCapability && <td>{r.requiredCapability ? words(r.requiredCapability) : '—'}</td>}
                {hasText && <td>{r.text ?? ''}</td>}
                <td>
                  <RestsOn provisionKey={r.provisionKey} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * An instrument: its facts, parties (with validity, tiers and powers; a row can be corrected
 * locally), scope, permitted uses, onward-sharing rules, refusal grounds, conditions and
 * provisions. Every rule names the provision key it rests on.
 */
export function InstrumentPage({ instrument, onBack }: { instrument: InstrumentDetail; onBack: () => void }) {
  const [editing, setEditing] = useState<InstrumentParty>();
  const latest = useRef<(p: InstrumentParty) => void>(setEditing);
  latest.current = setEditing;
  const byKind = (kind: Rule['kind']) => instrument.rules.filter((r) => r.kind === kind);

  const partyColumns = useMemo<ColDef<InstrumentParty>[]>(
    () => [
      {
        field: 'authority',
        headerName: 'Authority',
        width: 130,
        pinned: 'left',
        tooltipValueGetter: (p) => p.data?.authorityName,
      },
      { field: 'authorityName', headerName: 'Name', flex: 1, minWidth: 220 },
      { field: 'jurisdiction', headerName: 'Jur.', width: 80 },
      { field: 'role', headerName: 'Role', width: 110 },
      { field: 'tier', headerName: 'Tier', width: 80, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      { colId: 'canRequest', headerName: 'Can request', width: 115, valueGetter: (p) => yesNoUnknown(p.data?.canRequest) },
      { colId: 'canReceive', headerName: 'Can receive', width: 115, valueGetter: (p) => yesNoUnknown(p.data?.canReceive) },
      { field: 'validFrom', headerName: 'Valid from', width: 115, valueFormatter: (p) => validDate(p.value as string) },
      { field: 'validTo', headerName: 'Valid to', width: 115, valueFormatter: (p) => validDate(p.value as string | null) },
      {
        field: 'status',
        headerName: 'Status',
        width: 110,
        cellClassRules: { 'flag-warn': (p) => p.value === 'unknown' },
      },
      {
        colId: 'capabilities',
        headerName: 'Capabilities',
        width: 260,
        valueGetter: (p) => (p.data ? capabilitiesText(p.data) : ''),
        tooltipValueGetter: (p) => (p.data ? capabilitiesText(p.data) : ''),
      },
      {
        field: 'sourceUrl',
        headerName: 'Source',
        width: 90,
        sortable: false,
        cellRenderer: (p: ICellRendererParams<InstrumentParty>) => <SourceLink url={p.data?.sourceUrl} />,
      },
      { field: 'asOf', headerName: 'As of', width: 110, valueFormatter: (p) => (p.value as string | null) ?? '—' },
      { field: 'notes', headerName: 'Notes', width: 260, tooltipField: 'notes', valueFormatter: (p) => (p.value as string | null) ?? '' },
      {
        colId: 'edit',
        headerName: '',
        width: 80,
        pinned: 'right',
        sortable: false,
        cellRenderer: (p: ICellRendererParams<InstrumentParty>) => (
          <button
            type="button"
            className="link"
            aria-label={`Edit party ${p.data?.authority ?? ''}`}
            onClick={() => p.data && latest.current(p.data)}
          >
            Edit…
          </button>
        ),
      },
    ],
    [],
  );

  const onKey = (e: CellKeyDownEvent<InstrumentParty>) => {
    if ((e.event as KeyboardEvent | null | undefined)?.key === 'Enter' && e.data) setEditing(e.data);
  };

  return (
    <article className="instrument-page" data-testid="instrument-page" aria-labelledby="instrument-title">
      <div>
        <button type="button" className="link" onClick={onBack}>
          ‹ All instruments
        </button>
      </div>
      <header>
        <h2 id="instrument-title">
          {instrument.title} {instrument.synthetic && <SyntheticBadge />}
        </h2>
        <dl className="facts">
          <dt>Code</dt>
          <dd className="mono">{instrument.code}</dd>
          <dt>Form</dt>
          <dd>{label(instrument.form)}</dd>
          <dt>Function</dt>
          <dd>{label(instrument.function)}</dd>
          <dt>Administering body</dt>
          <dd>{instrument.administeringBody ?? '—'}</dd>
          <dt>Legally binding</dt>
          <dd>{bindingText(instrument.legallyBinding)}</dd>
          <dt>Adopted</dt>
          <dd>{instrument.adoptedDate ?? '—'}</dd>
          <dt>Effective</dt>
          <dd>{instrument.effectiveDate ?? '—'}</dd>
          <dt>Terminated</dt>
          <dd>{instrument.terminatedDate ?? '—'}</dd>
          <dt>Parties</dt>
          <dd>{instrument.partyRows.length}</dd>
          <dt>Source</dt>
          <dd>
            <SourceLink url={instrument.sourceUrl}>{instrument.sourceUrl ?? ''}</SourceLink>
          </dd>
          <dt>As of</dt>
          <dd>{instrument.asOf ?? '—'}</dd>
        </dl>
        {instrument.notes && <p className="small">{instrument.notes}</p>}
      </header>

      <section aria-label="Parties">
        <h3>Parties</h3>
        <p className="muted small">
          "unknown" means nobody has verified it; the engine never allows on an unknown value. Enter on a row, or Edit…, corrects it locally
          (the change is recorded).
        </p>
        {/* Tall enough for every row and the horizontal scrollbar (autoHeight lets the scrollbar cover the last row). */}
        <div className="grid-auto" data-testid="parties-grid" style={{ height: 40 + 32 * Math.max(instrument.partyRows.length, 1) + 20 }}>
          <AgGridReact<InstrumentParty>
            theme={gridTheme}
            rowData={instrument.partyRows}
            columnDefs={partyColumns}
            defaultColDef={{ sortable: true, resizable: true }}
            getRowId={(p) => String(p.data.partyId)}
            onCellKeyDown={onKey}
            enableCellTextSelection
            tooltipShowDelay={300}
          />
        </div>
      </section>

      <h3 className="coop-group">Scope</h3>
      <RuleTable title="Subjects" rules={byKind('subject')} itemHeader="Subject" testId="rules-subject" />
      <RuleTable
        title="Data categories"
        rules={byKind('category')}
        itemHeader="Category"
        qualifierHeader="Mode"
        showCapability
        testId="rules-category"
      />
      <RuleTable title="Permitted uses" rules={byKind('permitted_use')} itemHeader="Purpose" qualifierHeader="Rule" testId="rules-use" />
      <RuleTable
        title="Onward sharing"
        rules={byKind('onward_sharing')}
        itemHeader="Recipient class"
        qualifierHeader="Rule"
        testId="rules-onward"
      />
      <RuleTable title="Refusal grounds" rules={byKind('refusal_ground')} itemHeader="Ground" testId="rules-refusal" />
      <RuleTable title="Conditions" rules={byKind('condition')} itemHeader="Condition" qualifierHeader="Kind" testId="rules-condition" />

      <section aria-label="Provisions">
        <h3>Provisions</h3>
        <p className="muted small">Rules rest on stable keys; the paragraph reference is display data, verified separately.</p>
        <table className="files coop-table" data-testid="provisions-table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Reference</th>
              <th scope="col">Kind</th>
              <th scope="col">Summary</th>
              <th scope="col">Verified</th>
            </tr>
          </thead>
          <tbody>
            {instrument.provisions.map((p) => (
              <tr key={p.key}>
                <td className="mono">{p.key}</td>
                <td>{p.displayRef ?? <span className="flag-warn">not verified</span>}</td>
                <td>{words(p.kind)}</td>
                <td>{p.summary}</td>
                <td>
                  {p.verifiedBy || p.verifiedAt ? (
                    `${p.verifiedBy ?? 'someone'}${p.verifiedAt ? `, ${p.verifiedAt}` : ''}`
                  ) : (
                    <span className="muted">not verified</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {editing && <PartyEditDialog party={editing} onClose={() => setEditing(undefined)} />}
    </article>
  );
}
