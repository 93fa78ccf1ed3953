import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  acfitPowers,
  deadlineRuleKeys,
  entityKinds,
  requestTypes,
  type AcfitPower,
  type DeadlineRuleKey,
  type EntityKind,
  type InputOf,
  type RequestDetail,
  type RequestDirection,
  type RequestType,
  type Urgency,
} from '../../../../shared/contract';
import { ackDeadline, deadlineRules, localToday } from '../../../../shared/domain/requestDeadlines';
import type { FieldErrors, Outcome } from '../../stores/requests.store';
import { useRequestsStore } from '../../stores/StoresContext';
import { acfitLabels, directionLabels, typeLabels } from './requestLabels';
import { IsoDateInput } from '../../components/IsoDateInput';

interface Draft {
  direction: RequestDirection;
  ourRef: string;
  theirRef: string;
  ourAuthority: string;
  counterpartAuthority: string;
  instrument: string;
  provisionKey: string;
  requestType: RequestType;
  acfitPower: AcfitPower | '';
  urgency: Urgency;
  urgencyReason: string;
  subject: string;
  factsSummary: string;
  purpose: string;
  entities: Array<{ kind: EntityKind; value: string }>;
  deadlineRule: DeadlineRuleKey | '';
  sentAt: string;
  receivedAt: string;
  estimatedResponseAt: string;
}

const blank = (ourAuthority: string): Draft => ({
  direction: 'incoming',
  ourRef: '',
  theirRef: '',
  ourAuthority,
  counterpartAuthority: '',
  instrument: '',
  provisionKey: '',
  requestType: 'files',
  acfitPower: '',
  urgency: 'normal',
  urgencyReason: '',
  subject: '',
  factsSummary: '',
  purpose: '',
  entities: [],
  deadlineRule: '',
  sentAt: '',
  receivedAt: '',
  estimatedResponseAt: '',
});

const fromDetail = (r: RequestDetail): Draft => ({
  direction: r.direction,
  ourRef: r.ourRef,
  theirRef: r.theirRef ?? '',
  ourAuthority: r.ourAuthority,
  counterpartAuthority: r.counterpartAuthority,
  instrument: r.instrument ?? '',
  provisionKey: r.provisionKey ?? '',
  requestType: r.requestType,
  acfitPower: r.acfitPower ?? '',
  urgency: r.urgency,
  urgencyReason: r.urgencyReason ?? '',
  subject: r.subject,
  factsSummary: r.factsSummary ?? '',
  purpose: r.purpose,
  entities: r.entities.map((e) => ({ ...e })),
  deadlineRule: r.deadlineRule,
  sentAt: r.sentAt ?? '',
  receivedAt: r.receivedAt ?? '',
  estimatedResponseAt: r.estimatedResponseAt ?? '',
});

const entityPlaceholders: Record<EntityKind, string> = {
  lei: '20-character LEI',
  wallet: 'wallet address',
  name: 'person or company name',
};

function createInput(d: Draft): InputOf<'requests.create'> {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const input: Record<string, unknown> = {
    direction: d.direction,
    ourRef: opt(d.ourRef),
    theirRef: opt(d.theirRef),
    ourAuthority: d.ourAuthority.trim(),
    counterpartAuthority: d.counterpartAuthority.trim(),
    instrument: opt(d.instrument),
    provisionKey: opt(d.provisionKey),
    requestType: d.requestType,
    acfitPower: d.requestType === 'acfit' ? opt(d.acfitPower) : undefined,
    urgency: d.urgency,
    urgencyReason: d.urgency === 'urgent' ? opt(d.urgencyReason) : undefined,
    subject: d.subject,
    factsSummary: opt(d.factsSummary),
    purpose: d.purpose,
    entities: d.entities.map((e) => ({ kind: e.kind, value: e.value.trim() })),
    // An unchosen rule is sent as such: the contract says which rules there are.
    deadlineRule: d.deadlineRule === '' ? undefined : d.deadlineRule,
    sentAt: opt(d.sentAt),
    receivedAt: d.direction === 'incoming' ? opt(d.receivedAt) : undefined,
    estimatedResponseAt: opt(d.estimatedResponseAt),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as InputOf<'requests.create'>;
}

/** Only what changed; a cleared optional field is sent as null. */
function updateInput(requestId: number, before: Draft, d: Draft): InputOf<'requests.update'> {
  const input: Record<string, unknown> = { requestId };
  const text = (k: keyof Draft, clearable: boolean) => {
    const now = String(d[k]).trim();
    if (now === String(before[k]).trim()) return;
    input[k] = now === '' ? (clearable ? null : '') : now;
  };
  text('ourRef', false);
  text('theirRef', true);
  text('ourAuthority', false);
  text('counterpartAuthority', false);
  text('instrument', true);
  text('provisionKey', true);
  if (d.requestType !== before.requestType) input.requestType = d.requestType;
  const acfit = d.requestType === 'acfit' ? d.acfitPower : '';
  if (acfit !== before.acfitPower) input.acfitPower = acfit === '' ? null : acfit;
  if (d.urgency !== before.urgency) input.urgency = d.urgency;
  const reason = d.urgency === 'urgent' ? d.urgencyReason : '';
  if (reason.trim() !== before.urgencyReason.trim()) input.urgencyReason = reason.trim() === '' ? null : reason.trim();
  text('subject', false);
  text('factsSummary', true);
  text('purpose', false);
  if (JSON.stringify(d.entities) !== JSON.stringify(before.entities))
    input.entities = d.entities.map((e) => ({ kind: e.kind, value: e.value.trim() }));
  if (d.deadlineRule !== before.deadlineRule && d.deadlineRule !== '') input.deadlineRule = d.deadlineRule;
  text('sentAt', true);
  text('receivedAt', true);
  if (d.estimatedResponseAt !== before.estimatedResponseAt && d.estimatedResponseAt !== '')
    input.estimatedResponseAt = d.estimatedResponseAt;
  return input as InputOf<'requests.update'>;
}

/**
 * The acknowledgement deadline the request will get. The backend counts working days on the
 * requested authority's holiday calendar (shared/domain/requestDeadlines.ts), which the renderer
 * does not hold: while the rule, dates and authorities are those saved, the saved deadline is
 * shown as it is; otherwise the preview counts weekends only and says so.
 */
function DeadlinePreview({ d, saved, savedDraft }: { d: Draft; saved?: RequestDetail; savedDraft?: Draft }) {
  if (d.deadlineRule === '') return <p className="muted small">Choose the rule the acknowledgement deadline comes from.</p>;
  const rule = deadlineRules[d.deadlineRule];
  const requested = (d.direction === 'incoming' ? d.ourAuthority : d.counterpartAuthority).trim();
  const unchanged =
    saved !== undefined &&
    savedDraft !== undefined &&
    (['deadlineRule', 'sentAt', 'receivedAt', 'ourAuthority', 'counterpartAuthority'] as const).every(
      (k) => d[k].trim() === savedDraft[k].trim(),
    );
  if (unchanged && saved.deadline.ackDueAt) {
    return (
      <p className="muted small" data-testid="deadline-preview">
        Acknowledgement due {saved.deadline.ackDueAt} ({rule.workingDays} working days, {rule.label}). {saved.deadline.calendar.note}
      </p>
    );
  }
  const valid = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null);
  let text: string;
  let counted = false;
  try {
    const preview = ackDeadline({
      rule: d.deadlineRule,
      direction: d.direction,
      sentAt: valid(d.sentAt),
      receivedAt: d.direction === 'incoming' ? valid(d.receivedAt) : null,
      acknowledgedAt: null,
      asOf: localToday(),
    });
    counted = preview.ackDueAt !== null;
    text = preview.ackDueAt ? `Acknowledgement due ${preview.ackDueAt} (${rule.workingDays} working days, ${rule.label}).` : preview.note;
  } catch {
    text = 'Enter a valid date to see the acknowledgement deadline.';
  }
  return (
    <p className="muted small" data-testid="deadline-preview">
      {text}{' '}
      {counted &&
        `Counted here on weekends only: once saved, it is counted on the holiday calendar of ${requested || 'the requested authority'} where there is one, which can make it later.`}
    </p>
  );
}

/**
 * "New request…" and "Edit request": every field of the log, labelled, with the contract's
 * messages shown next to the field they concern.
 */
export function RequestForm({
  request,
  defaultOurAuthority,
  onDone,
  onCancel,
}: {
  /** The request to edit; absent for a new one. */
  request?: RequestDetail;
  defaultOurAuthority?: string;
  onDone: (r: RequestDetail) => void;
  onCancel: () => void;
}) {
  const authorities = useRequestsStore((s) => s.authorities);
  const instruments = useRequestsStore((s) => s.instruments);
  const provisions = useRequestsStore((s) => s.provisions);
  const loadProvisions = useRequestsStore((s) => s.loadProvisions);
  const create = useRequestsStore((s) => s.create);
  const update = useRequestsStore((s) => s.update);
  const [initial] = useState<Draft>(() => (request ? fromDetail(request) : blank(defaultOurAuthority ?? '')));
  const [d, setD] = useState<Draft>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const editing = request !== undefined;

  const instrumentCode = instruments?.find((i) => i.code.toLowerCase() === d.instrument.trim().toLowerCase())?.code;
  useEffect(() => {
    if (instrumentCode) void loadProvisions(instrumentCode);
  }, [instrumentCode, loadProvisions]);

  const put = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const fid = (name: string) => `${id}-${name}`;
  const aria = (name: string) => ({
    id: fid(name),
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${fid(name)}-error` : undefined,
  });
  const error = (name: string) =>
    errors[name] ? (
      <span id={`${fid(name)}-error`} className="error small field-error">
        {errors[name]}
      </span>
    ) : null;
  const field = (name: string, label: string, control: ReactNode, hint?: string) => (
    <div className="form-field">
      <label htmlFor={fid(name)}>{label}</label>
      {control}
      {hint && <span className="muted small">{hint}</span>}
      {error(name)}
    </div>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(undefined);
    const outcome: Outcome<RequestDetail> = editing
      ? await update(updateInput(request.requestId, initial, d))
      : await create(createInput(d));
    setBusy(false);
    if (outcome.ok) return onDone(outcome.value);
    setErrors(outcome.fieldErrors);
    setMessage(outcome.message);
  };

  const authorityControl = (name: 'ourAuthority' | 'counterpartAuthority') =>
    authorities ? (
      <select {...aria(name)} value={d[name]} onChange={(e) => put(name, e.target.value)}>
        <option value="">Choose…</option>
        {/* A name not in the registry (an old request) stays choosable. */}
        {d[name] && !authorities.some((a) => a.shortName === d[name]) && <option value={d[name]}>{d[name]}</option>}
        {authorities.map((a) => (
          <option key={a.shortName} value={a.shortName}>
            {a.shortName} · {a.fullName}
          </option>
        ))}
      </select>
    ) : (
      <input
        {...aria(name)}
        value={d[name]}
        maxLength={40}
        placeholder="short name, e.g. CySEC"
        onChange={(e) => put(name, e.target.value)}
      />
    );

  const title = editing ? `Edit request ${request.ourRef}` : 'New request for assistance';
  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`}>
      <form
        className="modal-body request-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {message && (
          <p className="error small" role="alert">
            {message}
          </p>
        )}
        {!authorities && (
          <p className="muted small">The authority registry is not available: type the authorities’ short names (e.g. CySEC, BaFin).</p>
        )}
        <div className="form-grid">
          {field(
            'direction',
            'Direction',
            <select
              {...aria('direction')}
              value={d.direction}
              disabled={editing}
              onChange={(e) => put('direction', e.target.value as RequestDirection)}
            >
              {(['incoming', 'outgoing'] as const).map((v) => (
                <option key={v} value={v}>
                  {directionLabels[v]}
                </option>
              ))}
            </select>,
          )}
          {field('ourAuthority', 'Our authority', authorityControl('ourAuthority'))}
          {field(
            'counterpartAuthority',
            d.direction === 'incoming' ? 'Requesting authority' : 'Requested authority',
            authorityControl('counterpartAuthority'),
          )}
          {field(
            'ourRef',
            'Our reference',
            <input {...aria('ourRef')} value={d.ourRef} maxLength={60} onChange={(e) => put('ourRef', e.target.value)} />,
            editing ? undefined : 'generated when left empty',
          )}
          {field(
            'theirRef',
            'Their reference',
            <input {...aria('theirRef')} value={d.theirRef} maxLength={60} onChange={(e) => put('theirRef', e.target.value)} />,
          )}
          {field(
            'deadlineRule',
            'Deadline rule',
            <select
              {...aria('deadlineRule')}
              value={d.deadlineRule}
              onChange={(e) => put('deadlineRule', e.target.value as DeadlineRuleKey | '')}
            >
              <option value="">Choose…</option>
              {deadlineRuleKeys.map((k) => (
                <option key={k} value={k}>
                  {deadlineRules[k].label}
                </option>
              ))}
            </select>,
          )}
          {d.direction === 'incoming' &&
            field(
              'receivedAt',
              'Received on',
              <IsoDateInput {...aria('receivedAt')} value={d.receivedAt} onChange={(value) => put('receivedAt', value)} />,
            )}
          {field(
            'sentAt',
            d.direction === 'incoming' ? 'Their letter dated' : 'Sent on',
            <IsoDateInput {...aria('sentAt')} value={d.sentAt} onChange={(value) => put('sentAt', value)} />,
            d.direction === 'outgoing' ? 'empty: a draft, not sent yet' : undefined,
          )}
          {field(
            'requestType',
            'Type',
            <select {...aria('requestType')} value={d.requestType} onChange={(e) => put('requestType', e.target.value as RequestType)}>
              {requestTypes.map((t) => (
                <option key={t} value={t}>
                  {typeLabels[t]}
                </option>
              ))}
            </select>,
          )}
          {d.requestType === 'acfit' &&
            field(
              'acfitPower',
              'ACFIT power',
              <select {...aria('acfitPower')} value={d.acfitPower} onChange={(e) => put('acfitPower', e.target.value as AcfitPower | '')}>
                <option value="">Choose…</option>
                {acfitPowers.map((p) => (
                  <option key={p} value={p}>
                    {acfitLabels[p]}
                  </option>
                ))}
              </select>,
            )}
          {field(
            'urgency',
            'Urgency',
            <select {...aria('urgency')} value={d.urgency} onChange={(e) => put('urgency', e.target.value as Urgency)}>
              <option value="normal">Normal</option>
              <option value="urgent">Urgent</option>
            </select>,
          )}
          {d.urgency === 'urgent' &&
            field(
              'urgencyReason',
              'Reason for urgency',
              <input
                {...aria('urgencyReason')}
                value={d.urgencyReason}
                maxLength={1000}
                onChange={(e) => put('urgencyReason', e.target.value)}
              />,
            )}
          {field(
            'instrument',
            'Instrument (legal basis)',
            instruments ? (
              <select
                {...aria('instrument')}
                value={d.instrument}
                onChange={(e) => setD((x) => ({ ...x, instrument: e.target.value, provisionKey: '' }))}
              >
                <option value="">None</option>
                {d.instrument && !instruments.some((i) => i.code === d.instrument) && <option value={d.instrument}>{d.instrument}</option>}
                {instruments.map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.code} · {i.title}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...aria('instrument')}
                value={d.instrument}
                maxLength={60}
                placeholder="instrument code"
                onChange={(e) => put('instrument', e.target.value)}
              />
            ),
          )}
          {field(
            'provisionKey',
            'Provision key',
            <>
              <input
                {...aria('provisionKey')}
                value={d.provisionKey}
                maxLength={80}
                list={`${id}-provisions`}
                placeholder="e.g. MMOU.SCOPE.FILES"
                onChange={(e) => put('provisionKey', e.target.value)}
              />
              <datalist id={`${id}-provisions`}>
                {(instrumentCode ? (provisions[instrumentCode] ?? []) : []).map((k) => (
                  <option key={k} value={k} />
                ))}
              </datalist>
            </>,
          )}
          {field(
            'estimatedResponseAt',
            'Estimated response',
            <IsoDateInput
              {...aria('estimatedResponseAt')}
              value={d.estimatedResponseAt}
              disabled={editing && initial.estimatedResponseAt !== ''}
              onChange={(value) => put('estimatedResponseAt', value)}
            />,
            editing && initial.estimatedResponseAt !== ''
              ? 'change it with a “Revised estimate” event, which records the reason'
              : undefined,
          )}
        </div>
        {field(
          'subject',
          'Subject',
          <input {...aria('subject')} value={d.subject} maxLength={300} onChange={(e) => put('subject', e.target.value)} />,
        )}
        {field(
          'purpose',
          'Purpose',
          <textarea {...aria('purpose')} value={d.purpose} rows={2} maxLength={2000} onChange={(e) => put('purpose', e.target.value)} />,
        )}
        {field(
          'factsSummary',
          'Facts',
          <textarea
            {...aria('factsSummary')}
            value={d.factsSummary}
            rows={3}
            maxLength={10_000}
            onChange={(e) => put('factsSummary', e.target.value)}
          />,
        )}
        <fieldset className="entities" aria-describedby={errors.entities ? `${fid('entities')}-error` : undefined}>
          <legend>Entities (LEIs, wallet addresses, names)</legend>
          {d.entities.map((e, i) => (
            <div key={i} className="entity-row">
              <select
                aria-label={`Entity ${i + 1} kind`}
                value={e.kind}
                onChange={(ev) =>
                  put(
                    'entities',
                    d.entities.map((x, j) => (j === i ? { ...x, kind: ev.target.value as EntityKind } : x)),
                  )
                }
              >
                {entityKinds.map((k) => (
                  <option key={k} value={k}>
                    {k === 'lei' ? 'LEI' : k === 'wallet' ? 'Wallet' : 'Name'}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Entity ${i + 1} value`}
                aria-invalid={errors[`entities.${i}.value`] ? true : undefined}
                value={e.value}
                placeholder={entityPlaceholders[e.kind]}
                maxLength={200}
                onChange={(ev) =>
                  put(
                    'entities',
                    d.entities.map((x, j) => (j === i ? { ...x, value: ev.target.value } : x)),
                  )
                }
              />
              <button
                type="button"
                aria-label={`Remove entity ${i + 1}`}
                onClick={() =>
                  put(
                    'entities',
                    d.entities.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => put('entities', [...d.entities, { kind: 'lei', value: '' }])}>
            Add entity
          </button>
          {error('entities')}
        </fieldset>
        <DeadlinePreview d={d} saved={request} savedDraft={editing ? initial : undefined} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Create request'}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
