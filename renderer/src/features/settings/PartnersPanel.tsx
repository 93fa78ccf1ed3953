import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { KeyCard, PartnerKey, WorkstationInfo } from '../../../../shared/contract';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { AddPartnerForm } from './AddPartnerForm';
import { groupedFingerprint } from './fingerprint';

/**
 * Keys for case bundles: this workstation's key card to hand to partners, and the partners'
 * keys. A card pasted here is "unverified" until its fingerprint was compared with the partner
 * out of band (read aloud in groups of four); only trusted keys are encrypted to or believed.
 */
export function PartnersPanel({ identity, onIdentity }: { identity: WorkstationInfo; onIdentity: (i: WorkstationInfo) => void }) {
  const api = useApi();
  const [partners, setPartners] = useState<PartnerKey[]>();
  const [card, setCard] = useState<KeyCard>();
  const [error, setError] = useState<string>();
  const reload = useCallback(async () => {
    try {
      setPartners(await api.call('keys.partners', {}));
      setCard(identity.ageRecipient && identity.authority ? await api.call('keys.card', {}) : undefined);
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, identity]);
  useEffect(() => void reload(), [reload]);
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      await reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <section aria-labelledby="partners-title" data-testid="partners">
      <h2 id="partners-title">Keys for case bundles</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {card ? (
        <div className="key-card">
          <p className="small">
            Give this key card to partner authorities (it holds public keys only). Its fingerprint, to read out when they check it:{' '}
            <span className="mono">{groupedFingerprint(card.fingerprint)}</span>
          </p>
          <textarea readOnly aria-label="This workstation's key card" rows={6} value={JSON.stringify(card, null, 2)} />
        </div>
      ) : (
        <InitForm identity={identity} onDone={(i) => onIdentity(i)} />
      )}
      <h3>Partner authorities</h3>
      {partners && partners.length === 0 && <p className="muted small">No partner keys yet: paste a partner’s key card below.</p>}
      {partners && partners.length > 0 && (
        <table className="data-table" aria-label="Partner keys">
          <thead>
            <tr>
              <th>Authority</th>
              <th>Name</th>
              <th>Status</th>
              <th>Fingerprint</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <PartnerRow key={p.fingerprint} partner={p} act={act} />
            ))}
          </tbody>
        </table>
      )}
      <ImportCardForm onImported={reload} />
      <AddPartnerForm onAdded={reload} />
    </section>
  );
}

function PartnerRow({ partner: p, act }: { partner: PartnerKey; act: (run: () => Promise<unknown>) => Promise<void> }) {
  const api = useApi();
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <tr>
      <td>{p.authority}</td>
      <td>{p.name}</td>
      <td>{p.status === 'revoked' ? `revoked: ${p.revokedReason ?? ''}` : p.status}</td>
      <td className="mono small">{groupedFingerprint(p.fingerprint)}</td>
      <td>
        {p.status === 'unverified' && (
          <button type="button" onClick={() => void act(() => api.call('keys.trust', { fingerprint: p.fingerprint }))}>
            Fingerprint checked: trust
          </button>
        )}
        {p.status !== 'revoked' && !revoking && (
          <button type="button" onClick={() => setRevoking(true)}>
            Revoke…
          </button>
        )}
        {revoking && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim()) void act(() => api.call('keys.revoke', { fingerprint: p.fingerprint, reason }));
            }}
          >
            <input
              aria-label={`Why the key of ${p.authority} is revoked`}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required
            />
            <button type="submit" className="danger">
              Revoke
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function ImportCardForm({ onImported }: { onImported: () => Promise<void> }) {
  const api = useApi();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [imported, setImported] = useState<PartnerKey>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let card: unknown;
    try {
      card = JSON.parse(text);
    } catch {
      return setError('This is not a key card: paste the whole JSON file a partner sent, from { to }.');
    }
    try {
      setImported(await api.call('keys.importCard', { card }));
      setError(undefined);
      setText('');
      await onImported();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="request-form">
      <label htmlFor={`${id}-card`}>A partner’s key card</label>
      <textarea
        id={`${id}-card`}
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      {imported && (
        <p className="notice small" role="status">
          Added {imported.authority} as {imported.status}. Compare this fingerprint with {imported.authority} by telephone before trusting
          it: <span className="mono">{groupedFingerprint(imported.fingerprint)}</span>
        </p>
      )}
      <div className="actions">
        <button type="submit">Add key card</button>
      </div>
    </form>
  );
}

function InitForm({ identity, onDone }: { identity: WorkstationInfo; onDone: (i: WorkstationInfo) => void }) {
  const api = useApi();
  const id = useId();
  const [authority, setAuthority] = useState(identity.authority ?? '');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onDone(await api.call('keys.init', { authority, name: identity.name }));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="request-form">
      <p className="small">This workstation has no encryption key yet. Say which authority it speaks for, and one is made (once).</p>
      <label htmlFor={`${id}-authority`}>Authority (short name in the MoU registry)</label>
      <input
        id={`${id}-authority`}
        value={authority}
        onChange={(e) => setAuthority(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      <div className="actions">
        <button type="submit">Set up bundle keys</button>
      </div>
    </form>
  );
}
