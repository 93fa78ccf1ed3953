import { useId, useMemo, useState, type FormEvent } from 'react';
import {
  dataCategories,
  mayShareInput,
  purposes,
  subjects,
  type DataCategory,
  type Provenance,
  type Purpose,
  type Subject,
} from '../../../../shared/contract';
import type { FieldErrors, ShareQuery } from '../../stores/cooperation.store';
import { useApi, useCooperationStore } from '../../stores/StoresContext';
import { AddToCase } from '../cases/AddToCase';
import { ConsentsPanel } from './ConsentsPanel';
import { DecisionCard } from './DecisionCard';
import { label, today } from './labels';
import { described, Field } from './parts';
import { IsoDateInput } from '../../components/IsoDateInput';

type Origin = Provenance['origin'];
const origins: ReadonlyArray<{ value: Origin; text: string }> = [
  { value: 'own_collection', text: 'Our own collection' },
  { value: 'received_foreign', text: 'Received from a foreign authority' },
  { value: 'received_domestic', text: 'Received from a domestic authority' },
  { value: 'public', text: 'Public' },
];

interface FormState {
  home: string;
  recipient: string;
  categories: DataCategory[];
  purpose: Purpose;
  subject: Subject | '';
  mode: 'share_from_files' | 'obtain_compelled';
  entity: string;
  date: string;
  origin: Origin;
  originAuthority: string;
  originInstrument: string;
  personalData: boolean;
  ownInvestigationSensitive: boolean;
}

/** The query the form describes (without the category, which each call adds). */
function toQuery(f: FormState): ShareQuery {
  const provenance: Provenance =
    f.origin === 'received_foreign' || f.origin === 'received_domestic'
      ? {
          origin: f.origin,
          ...(f.originAuthority ? { originAuthority: f.originAuthority } : {}),
          ...(f.originInstrument ? { originInstrument: f.originInstrument } : {}),
        }
      : { origin: f.origin };
  return {
    home: f.home,
    recipient: f.recipient,
    purpose: f.purpose,
    date: f.date,
    mode: f.mode,
    provenance,
    personalData: f.personalData,
    ownInvestigationSensitive: f.ownInvestigationSensitive,
    ...(f.entity.trim() ? { entity: f.entity.trim() } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
  };
}

function fromQuery(q: ShareQuery | undefined, categories: DataCategory[], home: string): FormState {
  return {
    home: q?.home ?? home,
    recipient: q?.recipient ?? '',
    categories: [...categories],
    purpose: q?.purpose ?? 'civil_admin_enforcement',
    subject: q?.subject ?? '',
    mode: q?.mode ?? 'share_from_files',
    entity: q?.entity ?? '',
    date: q?.date ?? today(),
    origin: q?.provenance?.origin ?? 'own_collection',
    originAuthority: q?.provenance?.originAuthority ?? '',
    originInstrument: q?.provenance?.originInstrument ?? '',
    personalData: q?.personalData ?? false,
    ownInvestigationSensitive: q?.ownInvestigationSensitive ?? false,
  };
}

/**
 * "Can I share?": may these categories of data go to that authority, for that purpose, on that
 * date? One engine call per category; each answer shows its outcome, bases, conditions,
 * legend, advice and reasoning. "Record decision" stores the answers shown.
 */
export function ShareCheckView() {
  const authorities = useCooperationStore((s) => s.authorities);
  const instruments = useCooperationStore((s) => s.instruments);
  const home = useCooperationStore((s) => s.home);
  const setHome = useCooperationStore((s) => s.setHome);
  const lastQuery = useCooperationStore((s) => s.lastQuery);
  const lastCategories = useCooperationStore((s) => s.lastCategories);
  const results = useCooperationStore((s) => s.results);
  const checking = useCooperationStore((s) => s.checking);
  const recorded = useCooperationStore((s) => s.recorded);
  const checkError = useCooperationStore((s) => s.checkError);
  const check = useCooperationStore((s) => s.check);
  const recordDecision = useCooperationStore((s) => s.recordDecision);
  const api = useApi();
  const id = useId();
  const [form, setForm] = useState<FormState>(() => fromQuery(lastQuery, lastCategories, home));
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const update = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));

  const sorted = useMemo(() => [...authorities].sort((a, b) => a.shortName.localeCompare(b.shortName)), [authorities]);
  const errors: FieldErrors = { ...(checkError?.fields ?? {}), ...localErrors };
  const err = (field: string) => errors[field];
  const stale =
    lastQuery !== undefined &&
    (JSON.stringify(toQuery(form)) !== JSON.stringify(lastQuery) || form.categories.join() !== lastCategories.join());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: FieldErrors = {};
    if (form.categories.length === 0) found.categories = 'Choose at least one category.';
    if (!form.recipient) found.recipient = 'Choose the authority that would receive the data.';
    const query = toQuery(form);
    const parsed = mayShareInput.safeParse({ ...query, category: form.categories[0] ?? 'public_info' });
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const key = issue.path.map(String).join('.');
        if (found[key] === undefined) found[key] = issue.message;
      }
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    await check(query, form.categories);
  };

  const toggleCategory = (c: DataCategory, on: boolean) =>
    update({
      categories: on ? dataCategories.filter((x) => x === c || form.categories.includes(x)) : form.categories.filter((x) => x !== c),
    });
  const received = form.origin === 'received_foreign' || form.origin === 'received_domestic';
  const authorityOptions = sorted.map((a) => (
    <option key={a.shortName} value={a.shortName}>
      {a.shortName} — {a.fullName}
    </option>
  ));
  const localCount = Object.keys(localErrors).length;

  return (
    <div className="share-check">
      <form className="coop-form share-form" aria-label="Can I share?" onSubmit={(e) => void submit(e)} noValidate>
        <Field id={`${id}-home`} label="Home authority (sender)" error={err('home')}>
          <select
            {...described(`${id}-home`, err('home'))}
            value={form.home}
            onChange={(e) => {
              update({ home: e.target.value });
              setHome(e.target.value);
            }}
          >
            {!sorted.some((a) => a.shortName === form.home) && <option value={form.home}>{form.home}</option>}
            {authorityOptions}
          </select>
        </Field>
        <Field id={`${id}-recipient`} label="Recipient" error={err('recipient')}>
          <select
            {...described(`${id}-recipient`, err('recipient'))}
            value={form.recipient}
            onChange={(e) => update({ recipient: e.target.value })}
          >
            <option value="">— choose —</option>
            {authorityOptions}
          </select>
        </Field>
        <fieldset
          className={err('categories') || err('category') ? 'categories invalid' : 'categories'}
          aria-describedby={err('categories') || err('category') ? `${id}-categories-error` : undefined}
        >
          <legend>Categories of data (at least one)</legend>
          <div className="checkbox-grid">
            {dataCategories.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  value={c}
                  checked={form.categories.includes(c)}
                  onChange={(e) => toggleCategory(c, e.target.checked)}
                />{' '}
                {label(c)}
              </label>
            ))}
          </div>
          {(err('categories') || err('category')) && (
            <span className="field-error" id={`${id}-categories-error`}>
              {err('categories') ?? err('category')}
            </span>
          )}
        </fieldset>
        <Field id={`${id}-purpose`} label="Purpose" error={err('purpose')}>
          <select
            {...described(`${id}-purpose`, err('purpose'))}
            value={form.purpose}
            onChange={(e) => update({ purpose: e.target.value as Purpose })}
          >
            {purposes.map((p) => (
              <option key={p} value={p}>
                {label(p)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-subject`} label="Subject (optional)" error={err('subject')}>
          <select
            {...described(`${id}-subject`, err('subject'))}
            value={form.subject}
            onChange={(e) => update({ subject: e.target.value as Subject | '' })}
          >
            <option value="">— not given —</option>
            {subjects.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="radios">
          <legend>Mode</legend>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={form.mode === 'share_from_files'}
              onChange={() => update({ mode: 'share_from_files' })}
            />{' '}
            Share what is in our files
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={form.mode === 'obtain_compelled'}
              onChange={() => update({ mode: 'obtain_compelled' })}
            />{' '}
            Obtain it with compulsory powers
          </label>
        </fieldset>
        <Field id={`${id}-entity`} label="Entity (optional)" error={err('entity')} hint="name, LEI or wallet the data are about">
          <input
            {...described(`${id}-entity`, err('entity'), true)}
            value={form.entity}
            maxLength={200}
            onChange={(e) => update({ entity: e.target.value })}
          />
        </Field>
        <Field id={`${id}-date`} label="Date of sharing" error={err('date')}>
          <IsoDateInput {...described(`${id}-date`, err('date'))} value={form.date} onChange={(value) => update({ date: value })} />
        </Field>
        <Field id={`${id}-origin`} label="Where the data came from" error={err('provenance.origin') ?? err('provenance')}>
          <select
            {...described(`${id}-origin`, err('provenance.origin') ?? err('provenance'))}
            value={form.origin}
            onChange={(e) => update({ origin: e.target.value as Origin })}
          >
            {origins.map((o) => (
              <option key={o.value} value={o.value}>
                {o.text}
              </option>
            ))}
          </select>
        </Field>
        {received && (
          <>
            <Field id={`${id}-oauth`} label="Origin authority" error={err('provenance.originAuthority')}>
              <select
                {...described(`${id}-oauth`, err('provenance.originAuthority'))}
                value={form.originAuthority}
                onChange={(e) => update({ originAuthority: e.target.value })}
              >
                <option value="">— choose —</option>
                {authorityOptions}
              </select>
            </Field>
            <Field id={`${id}-oinst`} label="Origin instrument" error={err('provenance.originInstrument')}>
              <select
                {...described(`${id}-oinst`, err('provenance.originInstrument'))}
                value={form.originInstrument}
                onChange={(e) => update({ originInstrument: e.target.value })}
              >
                <option value="">— not known —</option>
                {instruments.map((i) => (
                  <option key={i.code} value={i.code}>
                    {i.code} — {i.title}
                  </option>
                ))}
              </select>
            </Field>
          </>
        )}
        <div className="checks">
          <label>
            <input type="checkbox" checked={form.personalData} onChange={(e) => update({ personalData: e.target.checked })} /> The data
            identify natural persons (personal data)
          </label>
          <label>
            <input
              type="checkbox"
              checked={form.ownInvestigationSensitive}
              onChange={(e) => update({ ownInvestigationSensitive: e.target.checked })}
            />{' '}
            Sharing could harm one of our own investigations
          </label>
        </div>
        {(checkError || localCount > 0) && (
          <p className="error" role="alert" data-testid="check-error">
            {localCount > 0 ? 'Check the fields marked above.' : checkError?.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={checking}>
            {checking ? 'Checking…' : 'Check'}
          </button>
          {results.length > 0 && (
            <button
              type="button"
              onClick={() => void recordDecision()}
              disabled={checking}
              title="Runs the check shown again and stores each decision, with its inputs and reasoning, so a case or bundle can cite it"
            >
              Record decision
            </button>
          )}
        </div>
      </form>

      <section className="decisions" aria-label="Decisions" aria-live="polite" aria-busy={checking}>
        {results.length === 0 && !checking && <p className="muted">Fill in the form and press Check: each category gets its own answer.</p>}
        {results.length > 0 && lastQuery && (
          <p className="small" data-testid="check-summary">
            {lastQuery.home} → {lastQuery.recipient} · {label(lastQuery.purpose)} · on {lastQuery.date}
            {lastQuery.entity ? ` · about ${lastQuery.entity}` : ''}
            {recorded ? ' · recorded' : ''}
          </p>
        )}
        {stale && results.length > 0 && (
          <p className="notice" role="status">
            The form has changed since this check: press Check again. Record decision stores the answers shown.
          </p>
        )}
        {results.map((r) => (
          <DecisionCard
            key={r.category}
            result={r}
            actions={
              lastQuery && (
                <AddToCase
                  what={`the decision on ${label(r.category).toLowerCase()}`}
                  // The query the user ran, for this category: the backend records it again and pins that decision.
                  add={(caseNumber) => api.call('cases.pinDecision', { caseNumber, query: { ...lastQuery, category: r.category } })}
                />
              )
            }
          />
        ))}
      </section>

      <ConsentsPanel />
    </div>
  );
}
