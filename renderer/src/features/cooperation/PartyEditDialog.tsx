import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { partyEditInput, type InputOf, type InstrumentParty } from '../../../../shared/contract';
import { callError, type FieldErrors } from '../../stores/cooperation.store';
import { useCooperationStore } from '../../stores/StoresContext';
import { described, Field } from './parts';
import { IsoDateInput } from '../../components/IsoDateInput';

type TriState = 'yes' | 'no' | 'unknown';
const toTri = (v: boolean | null): TriState => (v === true ? 'yes' : v === false ? 'no' : 'unknown');
const fromTri = (v: TriState): boolean | null => (v === 'yes' ? true : v === 'no' ? false : null);

/** The issues of a schema check, by field (the first message per field). */
function issuesByField(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldErrors {
  const fields: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.');
    if (fields[key] === undefined) fields[key] = i.message;
  }
  return fields;
}

/**
 * Corrects one party row locally (tier, powers, validity, status, source), with the reason:
 * only the fields that changed are sent, and the backend records who, when, before and after.
 */
export function PartyEditDialog({ party, onClose }: { party: InstrumentParty; onClose: () => void }) {
  const editParty = useCooperationStore((s) => s.editParty);
  const id = useId();
  const first = useRef<HTMLInputElement>(null);
  const [tier, setTier] = useState(party.tier ?? '');
  const [canRequest, setCanRequest] = useState<TriState>(toTri(party.canRequest));
  const [canReceive, setCanReceive] = useState<TriState>(toTri(party.canReceive));
  const [validFrom, setValidFrom] = useState(party.validFrom);
  const [validTo, setValidTo] = useState(party.validTo ?? '');
  const [status, setStatus] = useState<string>(party.status);
  const [sourceUrl, setSourceUrl] = useState(party.sourceUrl ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => first.current?.focus(), []);

  const input = (): InputOf<'cooperation.editParty'> => {
    const out: InputOf<'cooperation.editParty'> = { partyId: party.partyId, reason };
    const t = tier.trim() === '' ? null : tier.trim();
    if (t !== party.tier) out.tier = t;
    if (fromTri(canRequest) !== party.canRequest) out.canRequest = fromTri(canRequest);
    if (fromTri(canReceive) !== party.canReceive) out.canReceive = fromTri(canReceive);
    if (validFrom !== party.validFrom) out.validFrom = validFrom;
    const to = validTo === '' ? null : validTo;
    if (to !== party.validTo) out.validTo = to;
    if (status !== party.status && (status === 'verified' || status === 'unknown')) out.status = status;
    const src = sourceUrl.trim() === '' ? null : sourceUrl.trim();
    if (src !== party.sourceUrl) out.sourceUrl = src;
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(undefined);
    const candidate = input();
    const parsed = partyEditInput.safeParse(candidate);
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      setFormError('Check the fields marked below.');
      return;
    }
    if (Object.keys(candidate).every((k) => k === 'partyId' || k === 'reason')) {
      setErrors({});
      setFormError('Nothing has changed: change a field, or cancel.');
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      await editParty(candidate);
      onClose();
    } catch (error) {
      const failure = callError(error);
      setErrors(failure.fields);
      setFormError(failure.message);
    } finally {
      setSaving(false);
    }
  };

  const err = (field: string) => errors[field];
  return (
    <div
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <form className="modal-body coop-form" onSubmit={(e) => void submit(e)} aria-label="Edit party" noValidate>
        <h2 id={`${id}-title`}>
          Edit party {party.authority} ({party.role})
        </h2>
        <p className="muted small">
          A local correction of the registry. It is recorded with your name, the time, the values before and after, and the reason.
        </p>
        {formError && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
        <Field id={`${id}-tier`} label="Tier" error={err('tier')} hint="e.g. A, B, A.1; empty for none">
          <input ref={first} {...described(`${id}-tier`, err('tier'), true)} value={tier} onChange={(e) => setTier(e.target.value)} />
        </Field>
        <Field id={`${id}-req`} label="Can request" error={err('canRequest')}>
          <select
            {...described(`${id}-req`, err('canRequest'))}
            value={canRequest}
            onChange={(e) => setCanRequest(e.target.value as TriState)}
          >
            <option value="yes">yes</option>
            <option value="no">no</option>
            <option value="unknown">unknown</option>
          </select>
        </Field>
        <Field id={`${id}-rec`} label="Can receive" error={err('canReceive')}>
          <select
            {...described(`${id}-rec`, err('canReceive'))}
            value={canReceive}
            onChange={(e) => setCanReceive(e.target.value as TriState)}
          >
            <option value="yes">yes</option>
            <option value="no">no</option>
            <option value="unknown">unknown</option>
          </select>
        </Field>
        <Field id={`${id}-from`} label="Valid from" error={err('validFrom')}>
          <IsoDateInput {...described(`${id}-from`, err('validFrom'))} value={validFrom} onChange={(value) => setValidFrom(value)} />
        </Field>
        <Field id={`${id}-to`} label="Valid to" error={err('validTo')} hint="empty: open-ended">
          <IsoDateInput {...described(`${id}-to`, err('validTo'), true)} value={validTo} onChange={(value) => setValidTo(value)} />
        </Field>
        <Field id={`${id}-status`} label="Status" error={err('status')}>
          <select {...described(`${id}-status`, err('status'))} value={status} onChange={(e) => setStatus(e.target.value)}>
            {party.status === 'synthetic' && <option value="synthetic">synthetic (unchanged)</option>}
            <option value="verified">verified</option>
            <option value="unknown">unknown</option>
          </select>
        </Field>
        <Field id={`${id}-src`} label="Source URL" error={err('sourceUrl')}>
          <input
            type="url"
            {...described(`${id}-src`, err('sourceUrl'))}
            value={sourceUrl}
            onChange={(e) => setSourceUrl(e.target.value)}
          />
        </Field>
        <Field id={`${id}-reason`} label="Reason (required)" error={err('reason')}>
          <textarea
            {...described(`${id}-reason`, err('reason'))}
            required
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="Why the entry changed, and on what evidence"
          />
        </Field>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={saving}>
            Save edit
          </button>
        </div>
      </form>
    </div>
  );
}
