import { useEffect, useRef, useState } from 'react';
import {
  purposes,
  type BundleExportResult,
  type BundlePreview,
  type JobProgress,
  type PartnerKey,
  type Purpose,
  type RecipientPreview,
} from '../../../../shared/contract';
import { ErrorLine } from '../../components/ErrorLine';
import { runJob, type RunningJob } from '../../api/runJob';
import { saveBlob } from '../../components/saveTextFile';
import { messageOf } from '../../stores/cases.store';
import { useApi, useAppStore, useCasesStore } from '../../stores/StoresContext';
import { label, outcomeText } from '../cooperation/labels';

type Step = 'recipients' | 'preview' | 'progress' | 'done';

const stepTitles: Record<Step, string> = {
  recipients: '1. Recipients and purpose',
  preview: '2. What each recipient receives',
  progress: '3. Writing the bundle',
  done: '4. Saved',
};

/** The authorities a bundle can be encrypted to: those with a trusted key, once each. */
function trustedAuthorities(partners: PartnerKey[]): string[] {
  return [...new Set(partners.filter((p) => p.status === 'trusted' && p.ageRecipient).map((p) => p.authority))].sort();
}

/**
 * "Export bundle…": recipients → a preview per recipient (what goes, what is withheld and the engine's reason) →
 * confirm → progress with Cancel → the saved file(s). Redaction is the backend's (the cooperation engine, item by
 * item); this wizard only shows it and asks for confirmation.
 */
export function ExportWizard({ caseNumber, onClose }: { caseNumber: string; onClose: () => void }) {
  const api = useApi();
  const mode = useAppStore((s) => s.info?.mode);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const [step, setStep] = useState<Step>('recipients');
  const [partners, setPartners] = useState<PartnerKey[]>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [other, setOther] = useState('');
  const [purpose, setPurpose] = useState<Purpose>('civil_admin_enforcement');
  const [encrypt, setEncrypt] = useState(true);
  const [preview, setPreview] = useState<BundlePreview>();
  const [progress, setProgress] = useState<JobProgress>();
  const [result, setResult] = useState<BundleExportResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const job = useRef<RunningJob<BundleExportResult> | null>(null);

  useEffect(() => {
    api.call('keys.partners', {}).then(setPartners, (e: unknown) => setError(messageOf(e)));
  }, [api]);

  const recipients = [...chosen, ...other.split(',').map((s) => s.trim())].filter((s, i, all) => s && all.indexOf(s) === i);

  const showPreview = async () => {
    setError(undefined);
    setBusy(true);
    try {
      setPreview(await api.call('bundles.preview', { caseNumber, to: recipients, purpose, encrypt }));
      setStep('preview');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const exportNow = async () => {
    setError(undefined);
    // Desktop: the person chooses where the bundle goes (a USB stick, a transfer folder); browser mode downloads it.
    let out: string | null | undefined;
    if (api.dialogs) {
      try {
        out = await api.dialogs.saveFile({ purpose: 'bundle-export', suggestedName: `${caseNumber}.casebundle` });
      } catch (e) {
        return setError(messageOf(e));
      }
      if (!out) return;
    }
    setStep('progress');
    const running = runJob<BundleExportResult>(
      api,
      'bundles.export',
      { caseNumber, to: recipients, purpose, encrypt, ...(out ? { out } : {}) },
      setProgress,
    );
    job.current = running;
    try {
      const done = await running.result;
      setResult(done);
      setStep('done');
      // The export is an audit entry of the case.
      void reloadCase();
      if (api.downloadOutbox) for (const b of done.bundles) if (b.outboxId) await download(b.outboxId);
    } catch (e) {
      setError(messageOf(e));
      setStep('preview');
    } finally {
      job.current = null;
    }
  };

  const download = async (outboxId: string) => {
    try {
      saveBlob(outboxId.split('/').pop()!, await api.downloadOutbox!(outboxId));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const blocked = preview?.recipients.filter((r) => encrypt && r.keyProblem) ?? [];
  const nothingToSend = preview?.recipients.every((r) => r.shared.length === 0) ?? false;

  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby="export-title">
      <div className="modal-body wide" data-testid="export-wizard">
        <h2 id="export-title">Export {caseNumber} as a case bundle</h2>
        <p className="muted small">{stepTitles[step]}</p>

        {step === 'recipients' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void showPreview();
            }}
          >
            <fieldset>
              <legend>Recipient authorities</legend>
              {partners === undefined && <p className="muted">Loading partners' keys…</p>}
              {partners && trustedAuthorities(partners).length === 0 && (
                <p className="notice small">
                  No partner key is trusted yet: add and trust one in Settings → Keys to encrypt a bundle, or export unencrypted.
                </p>
              )}
              {partners &&
                trustedAuthorities(partners).map((a) => (
                  <label key={a} className="check">
                    <input
                      type="checkbox"
                      checked={chosen.includes(a)}
                      onChange={(e) => setChosen(e.target.checked ? [...chosen, a] : chosen.filter((c) => c !== a))}
                    />{' '}
                    {a}
                  </label>
                ))}
              <label>
                Other authorities (comma-separated, as the MoU registry names them){' '}
                <input value={other} onChange={(e) => setOther(e.target.value)} maxLength={200} placeholder="e.g. SEC, BaFin" />
              </label>
            </fieldset>
            <label>
              Purpose{' '}
              <select value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
                {purposes.map((p) => (
                  <option key={p} value={p}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} /> Encrypt to each recipient's key
              (recommended)
            </label>
            {!encrypt && (
              <p className="notice small">
                Unencrypted: anyone who gets the file can read it. Send it only over a channel that protects it.
              </p>
            )}
            <ErrorLine message={error} />
            <div className="actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" disabled={recipients.length === 0 || busy}>
                {busy ? 'Asking the cooperation engine…' : 'Preview'}
              </button>
            </div>
          </form>
        )}

        {step === 'preview' && preview && (
          <>
            {preview.recipients.map((r) => (
              <RecipientCard key={r.authority} recipient={r} encrypt={encrypt} />
            ))}
            <p>
              {preview.bundles.length === 1
                ? `One bundle, for ${preview.bundles[0]!.join(', ')}.`
                : `${preview.bundles.length} separate bundles (the recipients' outcomes differ, so none gets another's share): ${preview.bundles
                    .map((g) => g.join(' + '))
                    .join('; ')}.`}
            </p>
            {blocked.length > 0 && (
              <p className="error" role="alert">
                Cannot encrypt to {blocked.map((r) => `${r.authority} (${r.keyProblem})`).join('; ')}. Add or trust their key in Settings,
                or go back and export unencrypted.
              </p>
            )}
            <ErrorLine message={error} />
            <div className="actions">
              <button type="button" onClick={() => setStep('recipients')}>
                ‹ Back
              </button>
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="button" onClick={() => void exportNow()} disabled={blocked.length > 0 || nothingToSend}>
                {nothingToSend
                  ? 'Nothing may be sent'
                  : `Export ${preview.bundles.length === 1 ? 'the bundle' : `${preview.bundles.length} bundles`}`}
              </button>
            </div>
          </>
        )}

        {step === 'progress' && (
          <div role="status" aria-live="polite">
            <p>{progress?.message ?? 'Starting…'}</p>
            <progress
              max={100}
              value={progress?.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : undefined}
              aria-label="Export progress"
            />
            <div className="actions">
              <button type="button" onClick={() => void job.current?.cancel()}>
                Cancel export
              </button>
            </div>
          </div>
        )}

        {step === 'done' && result && (
          <>
            <ul className="plain" data-testid="exported-bundles">
              {result.bundles.map((b) => (
                <li key={b.bundleId}>
                  <strong>{b.authorities.join(', ')}</strong>: {b.itemsSent} item(s) sent, {b.itemsWithheld} withheld,{' '}
                  {b.encrypted ? 'encrypted' : 'not encrypted'}, {(b.bytes / 1024).toFixed(1)} KiB.{' '}
                  {b.outboxId && api.downloadOutbox ? (
                    <button type="button" onClick={() => void download(b.outboxId!)}>
                      Download {b.outboxId.split('/').pop()}
                    </button>
                  ) : (
                    <span className="mono small">Saved to {b.file}</span>
                  )}
                  <div className="mono small muted">SHA-256 {b.sha256}</div>
                </li>
              ))}
            </ul>
            {mode === 'browser' && <p className="muted small">The download started; the button saves it again.</p>}
            <ErrorLine message={error} />
            <div className="actions">
              <button type="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}

/** One recipient's preview: the key it is encrypted to, what goes, what is withheld and why, the conditions. */
function RecipientCard({ recipient: r, encrypt }: { recipient: RecipientPreview; encrypt: boolean }) {
  return (
    <section className="card" aria-label={`For ${r.authority}`} data-testid={`preview-${r.authority}`}>
      <h3>For {r.authority}</h3>
      {encrypt && <p className="small">{r.keyProblem ? `No key to encrypt to: ${r.keyProblem}` : `Encrypted to key ${r.fingerprint}`}</p>}
      <p>
        {r.shared.length} item(s) sent, {r.withheld.length} withheld
        {r.subjectsWithheld > 0 ? `, ${r.subjectsWithheld} subject(s) withheld` : ''}.
      </p>
      {r.shared.length > 0 && (
        <details>
          <summary>Items sent</summary>
          <ul>
            {r.shared.map((i) => (
              <li key={i.itemId}>
                #{i.itemId} {i.title}{' '}
                <span className="muted">
                  ({label(i.category)}: {outcomeText(i.outcome)})
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {r.withheld.length > 0 && (
        <table className="withheld">
          <caption>Withheld</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Category</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {r.withheld.map((i) => (
              <tr key={i.itemId}>
                <td>
                  #{i.itemId} {i.title}
                </td>
                <td>{label(i.category)}</td>
                <td>{outcomeText(i.outcome)}</td>
                <td>{i.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.conditions.length > 0 && (
        <>
          <h4>Conditions that travel with the bundle</h4>
          <ul>
            {r.conditions.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      <p className="legend small">{r.legend}</p>
    </section>
  );
}
