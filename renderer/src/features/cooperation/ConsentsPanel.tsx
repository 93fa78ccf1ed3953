import { useId, useMemo, useState, type FormEvent } from 'react';
import { consentInput, dataCategories, purposes, type DataCategory, type InputOf, type Purpose } from '../../../../shared/contract';
import { callError, type FieldErrors } from '../../stores/cooperation.store';
import { useCooperationStore } from '../../stores/StoresContext';
import { label, today, when } from './labels';
import { described, Field } from './parts';
import { IsoDateInput } from '../../components/IsoDateInput';

/**
 * Consents on record (an originator's permission for a use or an onward disclosure) and a
 * form to record one; the engine looks for them when data came from a foreign authority.
 */
export function ConsentsPanel() {
  const consents = useCooperationStore((s) => s.consents);
  const authorities = useCooperationStore((s) => s.authorities);
  const addConsent = useCooperationStore((s) => s.addConsent);
  const id = useId();
  const [grantedBy, setGrantedBy] = useState('');
  const [grantedTo, setGrantedTo] = useState('');
  const [category, setCategory] = useState<DataCategory | ''>('');
  const [purpose, setPurpose] = useState<Purpose>('civil_admin_enforcement');
  const [conditions, setConditions] = useState('');
  const [grantedAt, setGrantedAt] = useState(today());
  const [expiresAt, setExpiresAt] = useState('');
  const [evidenceRef, setEvidenceRef] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [saving, setSaving] = useState(false);
  const sorted = useMemo(() => [...authorities].sort((a, b) => a.shortName.localeCompare(b.shortName)), [authorities]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(undefined);
    setFormError(undefined);
    const input: InputOf<'cooperation.addConsent'> = {
      grantedBy,
      grantedTo,
      purpose,
      grantedAt,
      ...(category ? { category } : {}),
      ...(conditions.trim() ? { conditions: conditions.trim() } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(evidenceRef.trim() ? { evidenceRef: evidenceRef.trim() } : {}),
    };
    const parsed = consentInput.safeParse(input);
    if (!parsed.success) {
      const found: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.map(String).join('.');
        if (found[key] === undefined) found[key] = key === 'grantedBy' || key === 'grantedTo' ? 'Choose an authority.' : issue.message;
      }
      setErrors(found);
      setFormError('Check the fields marked.');
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const row = await addConsent(input);
      setStatus(`Consent #${row.consentId} recorded: ${row.grantedBy} → ${row.grantedTo}.`);
      setConditions('');
      setEvidenceRef('');
      setExpiresAt('');
    } catch (error) {
      const failure = callError(error);
      setErrors(failure.fields);
      setFormError(failure.message);
    } finally {
      setSaving(false);
    }
  };
  const err = (field: string) => errors[field];
  const options = sorted.map((a) => (
    <option key={a.shortName} value={a.shortName}>
      {a.shortName} — {a.fullName}
    </option>
  ));

  return (
    <section className="consents" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Consents</h2>
      {consents.length === 0 ? (
        <p className="muted small">No consent on record.</p>
      ) : (
        <table className="files coop-table" data-testid="consents-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Granted by → to</th>
              <th scope="col">Category</th>
              <th scope="col">Purpose</th>
              <th scope="col">Conditions</th>
              <th scope="col">Granted</th>
              <th scope="col">Expires</th>
              <th scope="col">Evidence</th>
              <th scope="col">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {consents.map((c) => (
              <tr key={c.consentId}>
                <td>{c.consentId}</td>
                <td>
                  {c.grantedBy} → {c.grantedTo}
                </td>
                <td>{c.category ? label(c.category) : 'any'}</td>
                <td>{label(c.purpose)}</td>
                <td>{c.conditions ?? '—'}</td>
                <td>{c.grantedAt}</td>
                <td>{c.expiresAt ?? 'no expiry'}</td>
                <td>{c.evidenceRef ?? '—'}</td>
                <td>
                  {c.recordedBy}, {when(c.recordedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="coop-form consent-form" aria-label="Record a consent" onSubmit={(e) => void submit(e)} noValidate>
        <h3>Record a consent</h3>
        <Field id={`${id}-by`} label="Granted by (originator)" error={err('grantedBy')}>
          <select {...described(`${id}-by`, err('grantedBy'))} value={grantedBy} onChange={(e) => setGrantedBy(e.target.value)}>
            <option value="">— choose —</option>
            {options}
          </select>
        </Field>
        <Field id={`${id}-to`} label="Granted to (recipient)" error={err('grantedTo')}>
          <select {...described(`${id}-to`, err('grantedTo'))} value={grantedTo} onChange={(e) => setGrantedTo(e.target.value)}>
            <option value="">— choose —</option>
            {options}
          </select>
        </Field>
        <Field id={`${id}-cat`} label="Category" error={err('category')}>
          <select
            {...described(`${id}-cat`, err('category'))}
            value={category}
            onChange={(e) => setCategory(e.target.value as DataCategory | '')}
          >
            <option value="">any category</option>
            {dataCategories.map((c) => (
              <option key={c} value={c}>
                {label(c)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-purpose`} label="Purpose" error={err('purpose')}>
          <select {...described(`${id}-purpose`, err('purpose'))} value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
            {purposes.map((p) => (
              <option key={p} value={p}>
                {label(p)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-cond`} label="Conditions" error={err('conditions')}>
          <textarea
            {...described(`${id}-cond`, err('conditions'))}
            rows={2}
            value={conditions}
            onChange={(e) => setConditions(e.target.value)}
          />
        </Field>
        <Field id={`${id}-at`} label="Granted on" error={err('grantedAt')}>
          <IsoDateInput {...described(`${id}-at`, err('grantedAt'))} value={grantedAt} onChange={(value) => setGrantedAt(value)} />
        </Field>
        <Field id={`${id}-exp`} label="Expires on (optional)" error={err('expiresAt')}>
          <IsoDateInput {...described(`${id}-exp`, err('expiresAt'))} value={expiresAt} onChange={(value) => setExpiresAt(value)} />
        </Field>
        <Field id={`${id}-ev`} label="Evidence reference" error={err('evidenceRef')} hint="e.g. the letter's reference">
          <input
            {...described(`${id}-ev`, err('evidenceRef'), true)}
            value={evidenceRef}
            onChange={(e) => setEvidenceRef(e.target.value)}
          />
        </Field>
        {formError && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
        {status && <p role="status">{status}</p>}
        <div className="actions">
          <button type="submit" disabled={saving}>
            Record consent
          </button>
        </div>
      </form>
    </section>
  );
}
