import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { caseStatuses, tlpLevels, type CaseHeader, type CaseStatus, type InputOf, type Tlp } from '../../../../shared/contract';
import type { FieldErrors } from '../../stores/cases.store';
import { useCasesStore } from '../../stores/StoresContext';
import { statusLabels, tlpMeaning } from './caseLabels';
import { useChange } from './useChange';

interface Draft {
  title: string;
  summary: string;
  classification: Tlp;
  handlingCaveat: string;
  leadInvestigator: string;
  owningAuthority: string;
  tags: string;
  status: CaseStatus;
  closingNote: string;
}

const fromHeader = (h: CaseHeader): Draft => ({
  title: h.title,
  summary: h.summary,
  classification: h.classification,
  handlingCaveat: h.handlingCaveat ?? '',
  leadInvestigator: h.leadInvestigator ?? '',
  owningAuthority: h.owningAuthority ?? '',
  tags: h.tags.join(', '),
  status: h.status,
  closingNote: h.closingNote ?? '',
});

/** Tags as typed ("wash trading, BTC") → the list the contract takes. */
export const parseTags = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);

/** What the form can tell before asking the backend (which checks everything again). */
function checkDraft(d: Draft, editing: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!d.title.trim()) errors.title = 'The title is required.';
  const tags = parseTags(d.tags);
  if (tags.length > 30) errors.tags = 'At most 30 tags.';
  const long = tags.find((t) => t.length > 40);
  if (long) errors.tags = `A tag has at most 40 characters (“${long.slice(0, 40)}…”).`;
  if (editing && (d.status === 'closed' || d.status === 'archived') && !d.closingNote.trim())
    errors.closingNote = `${statusLabels[d.status]} needs a closing note: what was concluded and why the case ends.`;
  return errors;
}

function createInput(d: Draft): InputOf<'cases.create'> {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  return {
    title: d.title,
    summary: d.summary,
    classification: d.classification,
    tags: parseTags(d.tags),
    ...(opt(d.handlingCaveat) ? { handlingCaveat: opt(d.handlingCaveat) } : {}),
    ...(opt(d.leadInvestigator) ? { leadInvestigator: opt(d.leadInvestigator) } : {}),
    ...(opt(d.owningAuthority) ? { owningAuthority: opt(d.owningAuthority) } : {}),
  };
}

/** Only what changed since the form opened; a cleared optional field is sent as null. The version is the one read last. */
function updateInput(header: CaseHeader, before: Draft, d: Draft): InputOf<'cases.update'> {
  const input: InputOf<'cases.update'> = { caseNumber: header.caseNumber, version: header.version };
  const nullable = (v: string) => (v.trim() === '' ? null : v.trim());
  if (d.title !== before.title) input.title = d.title;
  if (d.summary !== before.summary) input.summary = d.summary;
  if (d.classification !== before.classification) input.classification = d.classification;
  if (d.handlingCaveat !== before.handlingCaveat) input.handlingCaveat = nullable(d.handlingCaveat);
  if (d.leadInvestigator !== before.leadInvestigator) input.leadInvestigator = nullable(d.leadInvestigator);
  if (d.owningAuthority !== before.owningAuthority) input.owningAuthority = nullable(d.owningAuthority);
  if (d.tags !== before.tags) input.tags = parseTags(d.tags);
  if (d.status !== before.status) input.status = d.status;
  if (d.closingNote !== before.closingNote) input.closingNote = d.closingNote;
  return input;
}

/**
 * "New case" and "Edit case": the header of a case, labelled, with messages next to their field.
 * Editing names the version it started from; closing or archiving asks for a closing note.
 */
export function CaseForm({
  header,
  onDone,
  onCancel,
}: {
  /** The case to edit (its latest version read); absent for a new one. */
  header?: CaseHeader;
  onDone: (header: CaseHeader) => void;
  onCancel: () => void;
}) {
  const authorities = useCasesStore((s) => s.authorities);
  const identity = useCasesStore((s) => s.identity);
  const loadRegistry = useCasesStore((s) => s.loadRegistry);
  const loadIdentity = useCasesStore((s) => s.loadIdentity);
  const create = useCasesStore((s) => s.create);
  const update = useCasesStore((s) => s.update);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const editing = header !== undefined;
  const [initial] = useState<Draft>(() =>
    header
      ? fromHeader(header)
      : fromHeader({
          caseNumber: '',
          title: '',
          summary: '',
          status: 'open',
          closingNote: null,
          leadInvestigator: null,
          owningAuthority: null,
          openedAt: '',
          closedAt: null,
          classification: 'AMBER',
          handlingCaveat: null,
          tags: [],
          version: 1,
          updatedAt: '',
          received: false,
        }),
  );
  const [d, setD] = useState<Draft>(initial);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const { run, busy, failure, notice } = useChange(reloadCase);
  const id = useId();

  useEffect(() => {
    void loadRegistry();
    void loadIdentity();
  }, [loadRegistry, loadIdentity]);
  // A new case is led by whoever this workstation is, for its authority, unless the user says otherwise.
  useEffect(() => {
    if (editing || !identity) return;
    setD((x) => ({
      ...x,
      leadInvestigator: x.leadInvestigator || identity.name,
      owningAuthority: x.owningAuthority || identity.authority || '',
    }));
  }, [editing, identity]);

  const errors: FieldErrors = { ...(failure?.fieldErrors ?? {}), ...localErrors };
  const put = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const fid = (name: string) => `${id}-${name}`;
  const aria = (name: string) => ({
    id: fid(name),
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${fid(name)}-error` : undefined,
  });
  const field = (name: string, label: string, control: ReactNode, hint?: string) => (
    <div className="form-field">
      <label htmlFor={fid(name)}>{label}</label>
      {control}
      {hint && <span className="muted small">{hint}</span>}
      {errors[name] && (
        <span id={`${fid(name)}-error`} className="field-error">
          {errors[name]}
        </span>
      )}
    </div>
  );
  const locked = editing && (header.status === 'closed' || header.status === 'archived');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = checkDraft(d, editing);
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    const saved = editing ? await run(() => update(updateInput(header, initial, d))) : await run(() => create(createInput(d)));
    if (saved) onDone(saved);
  };

  const authorityControl = authorities ? (
    <select
      {...aria('owningAuthority')}
      value={d.owningAuthority}
      disabled={locked}
      onChange={(e) => put('owningAuthority', e.target.value)}
    >
      <option value="">— none —</option>
      {d.owningAuthority && !authorities.some((a) => a.shortName === d.owningAuthority) && (
        <option value={d.owningAuthority}>{d.owningAuthority}</option>
      )}
      {authorities.map((a) => (
        <option key={a.shortName} value={a.shortName}>
          {a.shortName} · {a.fullName}
        </option>
      ))}
    </select>
  ) : (
    <input
      {...aria('owningAuthority')}
      value={d.owningAuthority}
      maxLength={40}
      disabled={locked}
      placeholder="short name, e.g. CFTC"
      onChange={(e) => put('owningAuthority', e.target.value)}
    />
  );

  const title = editing ? `Edit ${header.caseNumber} (version ${header.version})` : 'New case';
  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby={`${id}-heading`}>
      <form
        className="modal-body request-form case-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2 id={`${id}-heading`}>{title}</h2>
        {notice}
        {locked && (
          <p className="notice small">
            This case is {statusLabels[header.status].toLowerCase()}: only its status can change. Reopen it to edit the rest.
          </p>
        )}
        <div className="form-grid">
          {field(
            'title',
            'Title',
            <input {...aria('title')} value={d.title} maxLength={300} disabled={locked} onChange={(e) => put('title', e.target.value)} />,
          )}
          {field(
            'classification',
            'Classification (TLP 2.0)',
            <select
              {...aria('classification')}
              value={d.classification}
              disabled={locked}
              onChange={(e) => put('classification', e.target.value as Tlp)}
            >
              {tlpLevels.map((t) => (
                <option key={t} value={t}>
                  TLP:{t}
                </option>
              ))}
            </select>,
            tlpMeaning[d.classification],
          )}
          {field(
            'handlingCaveat',
            'Handling caveat',
            <input
              {...aria('handlingCaveat')}
              value={d.handlingCaveat}
              maxLength={500}
              disabled={locked}
              placeholder="e.g. Not for onward sharing without consent"
              onChange={(e) => put('handlingCaveat', e.target.value)}
            />,
          )}
          {field(
            'leadInvestigator',
            'Lead investigator',
            <input
              {...aria('leadInvestigator')}
              value={d.leadInvestigator}
              maxLength={120}
              disabled={locked}
              onChange={(e) => put('leadInvestigator', e.target.value)}
            />,
          )}
          {field('owningAuthority', 'Owning authority', authorityControl)}
          {field(
            'tags',
            'Tags',
            <input
              {...aria('tags')}
              value={d.tags}
              disabled={locked}
              placeholder="comma-separated"
              onChange={(e) => put('tags', e.target.value)}
            />,
          )}
          {editing &&
            field(
              'status',
              'Status',
              <select {...aria('status')} value={d.status} onChange={(e) => put('status', e.target.value as CaseStatus)}>
                {caseStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusLabels[s]}
                  </option>
                ))}
              </select>,
            )}
        </div>
        {field(
          'summary',
          'Summary',
          <textarea
            {...aria('summary')}
            value={d.summary}
            rows={4}
            maxLength={20_000}
            disabled={locked}
            onChange={(e) => put('summary', e.target.value)}
          />,
        )}
        {editing &&
          (d.status === 'closed' || d.status === 'archived' || d.closingNote !== '') &&
          field(
            'closingNote',
            d.status === 'closed' || d.status === 'archived' ? 'Closing note (required)' : 'Closing note',
            <textarea
              {...aria('closingNote')}
              value={d.closingNote}
              rows={3}
              maxLength={20_000}
              onChange={(e) => put('closingNote', e.target.value)}
            />,
            'What was concluded and why the case ends.',
          )}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Create case'}
          </button>
        </div>
      </form>
    </div>
  );
}
