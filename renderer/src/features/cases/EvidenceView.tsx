import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CaseItem, EvidencePayload, EvidencePreview } from '../../../../shared/contract';
import { saveBlob } from '../../components/saveTextFile';
import { messageOf } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { sizeText, when } from './caseLabels';
import { ReasonField } from './ReasonField';
import { useChange } from './useChange';

/**
 * An evidence file: name, size, sniffed type and SHA-256; a preview the backend prepared (text
 * as text, an image as a data: URL; never the file itself in the page); "Save a copy"; and
 * "Purge file", which removes its bytes but keeps its record and hash.
 */
export function EvidenceView({ item, evidence, writable }: { item: CaseItem; evidence: EvidencePayload; writable: boolean }) {
  const api = useApi();
  const [preview, setPreview] = useState<EvidencePreview>();
  const [previewError, setPreviewError] = useState<string>();
  const [saveError, setSaveError] = useState<string>();
  const [purging, setPurging] = useState(false);
  const purged = evidence.purged !== null;

  useEffect(() => {
    let live = true;
    setPreview(undefined);
    api.call('cases.evidencePreview', { itemId: item.itemId }).then(
      (p) => live && setPreview(p),
      (e: unknown) => live && setPreviewError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [api, item.itemId, purged]);

  const saveCopy = async () => {
    if (!api.downloadEvidence) return;
    setSaveError(undefined);
    try {
      saveBlob(evidence.originalName, await api.downloadEvidence(item.itemId));
    } catch (e) {
      setSaveError(messageOf(e));
    }
  };

  return (
    <div className="payload evidence" data-testid="evidence">
      <dl className="facts">
        <dt>File name</dt>
        <dd>{evidence.originalName}</dd>
        <dt>Size</dt>
        <dd>
          {sizeText(evidence.size)} ({evidence.size.toLocaleString('en-US')} bytes)
        </dd>
        <dt>Type</dt>
        <dd>{evidence.mediaType} (from its bytes, not its name)</dd>
        <dt>SHA-256</dt>
        <dd className="mono small" data-testid="evidence-sha256">
          {evidence.sha256}
        </dd>
        <dt>Received from</dt>
        <dd>{evidence.receivedFrom ?? '—'}</dd>
        <dt>Received on</dt>
        <dd>{evidence.receivedOn ?? '—'}</dd>
        {evidence.purged && (
          <>
            <dt>Purged</dt>
            <dd className="flag-warn">
              {when(evidence.purged.at)}: {evidence.purged.reason}
            </dd>
          </>
        )}
      </dl>
      <div className="request-actions">
        {!purged && api.downloadEvidence && (
          <button type="button" onClick={() => void saveCopy()}>
            Save a copy
          </button>
        )}
        {!purged && !api.downloadEvidence && <span className="muted small">In the desktop app, export the case to get the file.</span>}
        {!purged && writable && (
          <button type="button" className="danger" onClick={() => setPurging(true)}>
            Purge file…
          </button>
        )}
        {saveError && (
          <span className="error small" role="alert">
            {saveError}
          </span>
        )}
      </div>
      <section className="evidence-preview" aria-label="Preview">
        <h4>Preview</h4>
        {previewError && <p className="error small">{previewError}</p>}
        {!preview && !previewError && <p className="muted small">Loading the preview…</p>}
        {preview?.kind === 'text' && (
          <>
            <pre className="text-preview" data-testid="text-preview">
              {preview.text}
            </pre>
            {preview.truncated && <p className="muted small">The start of the file only: save a copy for the rest.</p>}
          </>
        )}
        {preview?.kind === 'image' && preview.dataUrl?.startsWith('data:image/') && (
          <img className="image-preview" src={preview.dataUrl} alt={`Preview of ${evidence.originalName}`} />
        )}
        {preview?.kind === 'pdf' && (
          <p className="small">A PDF: save a copy and open it with a reader you trust (it is not opened here).</p>
        )}
        {preview?.kind === 'none' && <p className="muted small">{preview.reason ?? 'No preview.'}</p>}
      </section>
      {purging && <PurgeDialog item={item} name={evidence.originalName} onClose={() => setPurging(false)} />}
    </div>
  );
}

/** Confirms a purge with its reason: the bytes go for good, the record, hash and reason stay in the case and its audit trail. */
function PurgeDialog({ item, name, onClose }: { item: CaseItem; name: string; onClose: () => void }) {
  const purgeEvidence = useCasesStore((s) => s.purgeEvidence);
  const reloadItem = useCasesStore((s) => s.reloadItem);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, notice } = useChange(reloadItem);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setError('Say why the file is purged (a court order, data no longer needed…).');
    setError(undefined);
    const done = await run(() => purgeEvidence({ itemId: item.itemId, version: item.version, reason }));
    if (done) onClose();
  };
  return (
    <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-what`}>
      <form
        className="modal-body request-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2 id={`${id}-title`}>Purge {name}?</h2>
        <p id={`${id}-what`} className="small">
          The file’s bytes are deleted from this workstation and cannot be recovered. The item stays, with the file’s name, size and
          SHA-256, and the purge and its reason are recorded in the audit trail.
        </p>
        {notice}
        <div className="form-field">
          <ReasonField id={id} label="Reason" reason={reason} error={error} onChange={setReason} />
        </div>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy}>
            Purge file
          </button>
        </div>
      </form>
    </div>
  );
}
