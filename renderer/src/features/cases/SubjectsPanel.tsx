import { useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  subjectKinds,
  subjectRoles,
  type CaseSubject,
  type SubjectInput,
  type SubjectKind,
  type SubjectRole,
} from '../../../../shared/contract';
import { walletChainLabels, walletChains } from '../../../../shared/domain/wallets';
import { useAppStore, useCasesStore } from '../../stores/StoresContext';
import { roleLabels, subjectKindLabels, when } from './caseLabels';
import { useChange } from './useChange';
import { WithdrawForm } from './WithdrawForm';

/** What an LEI resolved to in the snapshot's entity data: name, jurisdiction, parent, ultimate parent. */
export function Resolution({ subject }: { subject: CaseSubject }) {
  if (subject.kind !== 'legal_entity') return null;
  const r = subject.resolved;
  if (!r) return <span className="flag-warn small">Not in the entity data of the snapshot used: check the LEI with GLEIF.</span>;
  const named = (name: string | null, lei: string | null) => (lei ? `${name ?? 'unknown name'} (${lei})` : '—');
  return (
    <dl className="resolution small" data-testid="resolution">
      <dt>Name</dt>
      <dd>{r.legalName ?? '—'}</dd>
      <dt>Jurisdiction</dt>
      <dd>{r.jurisdiction ?? '—'}</dd>
      <dt>Parent</dt>
      <dd>{named(r.parentName, r.parentLei)}</dd>
      <dt>Ultimate parent</dt>
      <dd>{named(r.ultimateParentName, r.ultimateParentLei)}</dd>
      <dt>LEI status</dt>
      <dd>
        {r.registrationStatus ?? '—'} <span className="muted">(snapshot {r.snapshotId})</span>
      </dd>
    </dl>
  );
}

const identifierOf = (s: CaseSubject) =>
  s.kind === 'legal_entity'
    ? s.lei
    : s.kind === 'wallet'
      ? `${walletChainLabels[s.chain as keyof typeof walletChainLabels] ?? s.chain}: ${s.address}`
      : [s.identifier, s.country].filter(Boolean).join(' · ') || null;

/** The subjects of a case (entities, persons, wallets, venues, protocols) with their roles; add one, withdraw one with a reason. */
export function SubjectsPanel({ subjects, caseNumber, writable }: { subjects: CaseSubject[]; caseNumber: string; writable: boolean }) {
  const [adding, setAdding] = useState(false);
  const active = subjects.filter((s) => !s.withdrawn).length;
  return (
    <div className="subjects-panel">
      <div className="filters">
        {writable && (
          <button type="button" aria-expanded={adding} onClick={() => setAdding(!adding)}>
            Add subject…
          </button>
        )}
        <span className="muted small" role="status">
          {active} subject{active === 1 ? '' : 's'}
          {subjects.length > active ? `, ${subjects.length - active} withdrawn` : ''}
        </span>
      </div>
      {adding && <SubjectForm caseNumber={caseNumber} onClose={() => setAdding(false)} />}
      {subjects.length === 0 ? (
        <p className="muted">No subjects yet.</p>
      ) : (
        <table className="files subjects-table" aria-label="Subjects" data-testid="subjects">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Kind</th>
              <th scope="col">Role</th>
              <th scope="col">Name</th>
              <th scope="col">Identifier</th>
              <th scope="col">Resolved as</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((s) => (
              <tr key={s.subjectId} id={`subject-${s.subjectId}`} tabIndex={-1} className={s.withdrawn ? 'withdrawn' : undefined}>
                <td>{s.subjectId}</td>
                <td>{subjectKindLabels[s.kind]}</td>
                <td>{roleLabels[s.role]}</td>
                <td>
                  {s.name}
                  {s.notes && <div className="muted small pre-wrap">{s.notes}</div>}
                </td>
                <td className="mono small">{identifierOf(s) ?? '—'}</td>
                <td>
                  <Resolution subject={s} />
                </td>
                <td>
                  {s.withdrawn ? (
                    <span className="small">
                      Withdrawn {when(s.withdrawn.at)}: {s.withdrawn.reason}
                    </span>
                  ) : writable ? (
                    <WithdrawSubject subject={s} />
                  ) : (
                    'active'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function WithdrawSubject({ subject }: { subject: CaseSubject }) {
  const withdrawSubject = useCasesStore((s) => s.withdrawSubject);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  return (
    <WithdrawForm
      what={`subject ${subject.subjectId}`}
      reload={reloadCase}
      withdraw={(reason) => withdrawSubject({ subjectId: subject.subjectId, version: subject.version, reason })}
      explanation="The subject stays in the case, marked withdrawn with your reason."
    />
  );
}

interface Draft {
  kind: SubjectKind;
  role: SubjectRole;
  name: string;
  lei: string;
  country: string;
  identifier: string;
  chain: string;
  address: string;
  notes: string;
}

const blank: Draft = {
  kind: 'legal_entity',
  role: 'subject',
  name: '',
  lei: '',
  country: '',
  identifier: '',
  chain: 'ethereum',
  address: '',
  notes: '',
};

/** The fields a kind takes, so nothing of another kind is sent along. */
function subjectInput(d: Draft, snapshotId: number | undefined): SubjectInput {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const fields: Partial<SubjectInput> = { kind: d.kind, role: d.role, notes: opt(d.notes) };
  if (d.kind === 'legal_entity') Object.assign(fields, { lei: d.lei.trim(), name: opt(d.name), snapshotId });
  if (d.kind === 'natural_person') Object.assign(fields, { name: d.name, country: opt(d.country), identifier: opt(d.identifier) });
  if (d.kind === 'wallet') Object.assign(fields, { chain: d.chain, address: d.address.trim(), name: opt(d.name) });
  if (d.kind === 'venue' || d.kind === 'protocol') Object.assign(fields, { name: d.name, identifier: opt(d.identifier) });
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as SubjectInput;
}

/** "Add subject": the fields of the chosen kind; the backend's refusal (an invalid LEI, wallet address…) shows next to its field. */
function SubjectForm({ caseNumber, onClose }: { caseNumber: string; onClose: () => void }) {
  const addSubject = useCasesStore((s) => s.addSubject);
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const [d, setD] = useState<Draft>(blank);
  const [added, setAdded] = useState<CaseSubject>();
  const { run, busy, failure, notice } = useChange();
  const id = useId();
  const errors = failure?.fieldErrors ?? {};
  const put = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const fid = (n: string) => `${id}-${n}`;
  const aria = (n: string) => ({
    id: fid(n),
    'aria-invalid': errors[n] ? true : undefined,
    'aria-describedby': errors[n] ? `${fid(n)}-error` : undefined,
  });
  const field = (n: string, label: string, control: ReactNode, hint?: string) => (
    <div className="form-field">
      <label htmlFor={fid(n)}>{label}</label>
      {control}
      {hint && <span className="muted small">{hint}</span>}
      {errors[n] && (
        <span id={`${fid(n)}-error`} className="field-error" data-testid={`error-${n}`}>
          {errors[n]}
        </span>
      )}
    </div>
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(undefined);
    const subject = await run(() => addSubject({ caseNumber, subject: subjectInput(d, snapshotId) }));
    if (subject) {
      setAdded(subject);
      setD({ ...blank, kind: d.kind, role: d.role, chain: d.chain });
    }
  };
  const named = d.kind !== 'legal_entity';
  return (
    <form className="case-panel-form" aria-label="Add subject" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Add subject</h3>
      {notice}
      <div className="form-grid">
        {field(
          'kind',
          'Kind',
          <select {...aria('kind')} value={d.kind} onChange={(e) => put('kind', e.target.value as SubjectKind)}>
            {subjectKinds.map((k) => (
              <option key={k} value={k}>
                {subjectKindLabels[k]}
              </option>
            ))}
          </select>,
        )}
        {field(
          'role',
          'Role',
          <select {...aria('role')} value={d.role} onChange={(e) => put('role', e.target.value as SubjectRole)}>
            {subjectRoles.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>,
        )}
        {d.kind === 'legal_entity' &&
          field(
            'lei',
            'LEI',
            <input
              {...aria('lei')}
              className="mono"
              value={d.lei}
              maxLength={20}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => put('lei', e.target.value)}
            />,
            'Resolved against the open snapshot’s entity data: name, jurisdiction, parents.',
          )}
        {d.kind === 'wallet' &&
          field(
            'chain',
            'Chain',
            <select {...aria('chain')} value={d.chain} onChange={(e) => put('chain', e.target.value)}>
              {walletChains.map((c) => (
                <option key={c} value={c}>
                  {walletChainLabels[c]}
                </option>
              ))}
            </select>,
          )}
        {d.kind === 'wallet' &&
          field(
            'address',
            'Address',
            <input
              {...aria('address')}
              className="mono"
              value={d.address}
              maxLength={200}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => put('address', e.target.value)}
            />,
          )}
        {field(
          'name',
          named && d.kind !== 'wallet' ? 'Name' : 'Name (optional)',
          <input {...aria('name')} value={d.name} maxLength={300} onChange={(e) => put('name', e.target.value)} />,
          d.kind === 'legal_entity' ? 'Empty: the legal name found for the LEI.' : undefined,
        )}
        {d.kind === 'natural_person' &&
          field(
            'country',
            'Country (optional)',
            <input
              {...aria('country')}
              value={d.country}
              maxLength={2}
              placeholder="ISO code, e.g. CY"
              onChange={(e) => put('country', e.target.value)}
            />,
          )}
        {(d.kind === 'natural_person' || d.kind === 'venue' || d.kind === 'protocol') &&
          field(
            'identifier',
            d.kind === 'venue'
              ? 'MIC or identifier (optional)'
              : d.kind === 'protocol'
                ? 'Contract or identifier (optional)'
                : 'Identifier (optional)',
            <input {...aria('identifier')} value={d.identifier} maxLength={120} onChange={(e) => put('identifier', e.target.value)} />,
          )}
      </div>
      {field(
        'notes',
        'Notes (optional)',
        <textarea {...aria('notes')} value={d.notes} rows={2} maxLength={5000} onChange={(e) => put('notes', e.target.value)} />,
      )}
      {added && (
        <div className="added-subject" role="status">
          Added subject {added.subjectId}: {added.name}
          {added.kind === 'wallet' ? ` (${added.address})` : ''}.
          <Resolution subject={added} />
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button type="submit" disabled={busy}>
          Add subject
        </button>
      </div>
    </form>
  );
}
