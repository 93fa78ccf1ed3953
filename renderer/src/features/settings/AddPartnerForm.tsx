import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { PartnerKey } from '../../../../shared/contract';
import { failureOf, type Failure } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { groupedFingerprint } from './fingerprint';

/**
 * A partner authority that does not run Concordat (`keys add`): its age recipient, and optionally its Ed25519 public
 * key (SPKI PEM) if it will sign what it sends back. Added as unverified, like a card.
 */
export function AddPartnerForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const api = useApi();
  const id = useId();
  const [authority, setAuthority] = useState('');
  const [name, setName] = useState('');
  const [ageRecipient, setAgeRecipient] = useState('');
  const [signingKey, setSigningKey] = useState('');
  const [failure, setFailure] = useState<Failure>();
  const [added, setAdded] = useState<PartnerKey>();
  const errors = failure?.fieldErrors ?? {};
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    try {
      setAdded(
        await api.call('keys.addPartner', {
          authority: authority.trim(),
          ageRecipient: ageRecipient.trim(),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(signingKey.trim() ? { signingKey: signingKey.trim() } : {}),
        }),
      );
      setAuthority('');
      setName('');
      setAgeRecipient('');
      setSigningKey('');
      await onAdded();
    } catch (err) {
      setFailure(failureOf(err));
    }
  };
  const field = (
    key: string,
    text: string,
    control: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactElement,
  ) => (
    <div className={errors[key] ? 'field invalid' : 'field'}>
      <label htmlFor={`${id}-${key}`}>{text}</label>
      {control({
        id: `${id}-${key}`,
        ...(errors[key] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${key}-error` } : {}),
      })}
      {errors[key] && (
        <span id={`${id}-${key}-error`} className="field-error">
          {errors[key]}
        </span>
      )}
    </div>
  );
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="request-form" aria-label="Authority without Concordat">
      <h4>An authority without Concordat</h4>
      <p className="muted small">Its age recipient (from `age-keygen`), and its signing key if it will sign what it sends.</p>
      {failure && Object.keys(errors).length === 0 && (
        <p className="error small" role="alert">
          {failure.message}
        </p>
      )}
      {field('authority', 'Authority', (p) => (
        <input {...p} value={authority} maxLength={40} placeholder="e.g. SEC" onChange={(e) => setAuthority(e.target.value)} />
      ))}
      {field('name', 'Name (optional)', (p) => (
        <input {...p} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
      ))}
      {field('ageRecipient', 'age recipient', (p) => (
        <input {...p} value={ageRecipient} placeholder="age1…" className="mono" onChange={(e) => setAgeRecipient(e.target.value)} />
      ))}
      {field('signingKey', 'Ed25519 public key, PEM (optional)', (p) => (
        <textarea {...p} rows={4} value={signingKey} className="mono" onChange={(e) => setSigningKey(e.target.value)} />
      ))}
      {added && (
        <p className="notice small" role="status">
          Added {added.authority} as {added.status}. Compare this fingerprint with {added.authority} before trusting it:{' '}
          <span className="mono">{groupedFingerprint(added.fingerprint)}</span>
        </p>
      )}
      <div className="actions">
        <button type="submit">Add authority</button>
      </div>
    </form>
  );
}
