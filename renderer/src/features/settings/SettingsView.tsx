import { useEffect, useId, useState, type FormEvent } from 'react';
import type { WorkstationInfo } from '../../../../shared/contract';
import { failureOf, messageOf, type Failure } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { dateFormatNames, dateFormats, isDateFormat } from '../../../../shared/domain/dateFormat';
import { usePreferences } from '../../stores/preferences';
import { groupedFingerprint } from './fingerprint';
import { InboxFolderSetting } from './InboxFolderSetting';
import { PartnersPanel } from './PartnersPanel';

/**
 * Settings: this workstation's identity (the Ed25519 key that signs case audit chains and
 * dossiers), its fingerprint to compare out of band with a partner, where its secret is kept,
 * and the name and authority signatures are made in.
 */
export function SettingsView() {
  const api = useApi();
  const [identity, setIdentity] = useState<WorkstationInfo>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.call('keys.identity', {}).then(setIdentity, (e: unknown) => setError(messageOf(e)));
  }, [api]);
  return (
    <section className="view settings-view" data-testid="settings-view">
      <header className="view-header">
        <h1>Settings</h1>
      </header>
      <h2>Workstation identity</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!identity && !error && <p className="muted">Reading the workstation’s identity…</p>}
      {identity && (
        <>
          <IdentityFacts identity={identity} />
          <ProfileForm key={identity.keyId} identity={identity} onSaved={setIdentity} />
          <PartnersPanel identity={identity} onIdentity={setIdentity} />
        </>
      )}
      <InboxFolderSetting />
      <DateFormatSetting />
    </section>
  );
}

/** How dates are shown and typed on this workstation (stored, exported and exchanged dates stay ISO 8601). */
function DateFormatSetting() {
  const format = usePreferences((s) => s.dateFormat);
  const setFormat = usePreferences((s) => s.setDateFormat);
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} data-testid="date-format-setting">
      <h2 id={`${id}-title`}>Dates</h2>
      <p>
        <label htmlFor={id}>Date format </label>
        <select id={id} value={format} onChange={(e) => isDateFormat(e.target.value) && setFormat(e.target.value)}>
          {dateFormats.map((f) => (
            <option key={f} value={f}>
              {dateFormatNames[f]}
            </option>
          ))}
        </select>
      </p>
      <p className="muted small">
        How dates are shown and typed here. Files, bundles, exports and the command line always use ISO 8601 (yyyy-mm-dd), and a date typed
        as yyyy-mm-dd is understood in every format.
      </p>
    </section>
  );
}

function IdentityFacts({ identity }: { identity: WorkstationInfo }) {
  return (
    <div className="identity">
      <dl className="request-facts" data-testid="identity">
        <div>
          <dt>Name</dt>
          <dd>{identity.name}</dd>
        </div>
        <div>
          <dt>Authority</dt>
          <dd>{identity.authority ?? '— not set —'}</dd>
        </div>
        <div>
          <dt>Key id</dt>
          <dd className="mono">{identity.keyId}</dd>
        </div>
        <div>
          <dt>Fingerprint</dt>
          <dd>
            <span className="mono fingerprint" data-testid="fingerprint">
              {groupedFingerprint(identity.fingerprint)}
            </span>
            <div className="muted small">
              SHA-256 of the raw Ed25519 public key. Read it to a partner over a channel you trust (telephone, in person) before they rely
              on your signatures; they compare it with the one they received.
            </div>
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{identity.createdAt}</dd>
        </div>
        <div>
          <dt>Secret kept in</dt>
          <dd>{identity.secretStorage}</dd>
        </div>
      </dl>
      <details>
        <summary className="small">Public key (PEM)</summary>
        <pre className="legend">{identity.signingKey}</pre>
      </details>
    </div>
  );
}

/** The name and authority signatures carry; the authority is chosen from the MoU registry. */
function ProfileForm({ identity, onSaved }: { identity: WorkstationInfo; onSaved: (i: WorkstationInfo) => void }) {
  const api = useApi();
  const authorities = useCasesStore((s) => s.authorities);
  const loadRegistry = useCasesStore((s) => s.loadRegistry);
  const [name, setName] = useState(identity.name);
  const [authority, setAuthority] = useState(identity.authority ?? '');
  const [failure, setFailure] = useState<Failure>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  useEffect(() => {
    void loadRegistry();
  }, [loadRegistry]);
  const errors = failure?.fieldErrors ?? {};
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setStatus(undefined);
    try {
      const saved = await api.call('keys.setProfile', { name, authority: authority.trim() === '' ? null : authority.trim() });
      onSaved(saved);
      setStatus('Saved: new audit entries and signatures carry this name.');
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="coop-form profile-form" aria-label="Workstation profile" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Name and authority</h3>
      {failure && !errors.name && !errors.authority && (
        <p className="error small" role="alert">
          {failure.message}
        </p>
      )}
      <div className={errors.name ? 'field invalid' : 'field'}>
        <label htmlFor={`${id}-name`}>Display name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={120}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${id}-name-error` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        {errors.name && (
          <span id={`${id}-name-error`} className="field-error">
            {errors.name}
          </span>
        )}
      </div>
      <div className={errors.authority ? 'field invalid' : 'field'}>
        <label htmlFor={`${id}-authority`}>Authority</label>
        {authorities ? (
          <select id={`${id}-authority`} value={authority} onChange={(e) => setAuthority(e.target.value)}>
            <option value="">— not set —</option>
            {authority && !authorities.some((a) => a.shortName === authority) && <option value={authority}>{authority}</option>}
            {authorities.map((a) => (
              <option key={a.shortName} value={a.shortName}>
                {a.shortName} · {a.fullName}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${id}-authority`}
            value={authority}
            maxLength={40}
            placeholder="short name, e.g. CFTC"
            onChange={(e) => setAuthority(e.target.value)}
          />
        )}
        {errors.authority && <span className="field-error">{errors.authority}</span>}
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <span role="status" className="muted small">
          {status}
        </span>
      </div>
    </form>
  );
}
