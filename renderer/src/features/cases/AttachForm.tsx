import { useId, useRef, useState, type FormEvent } from 'react';
import type { CaseItem } from '../../../../shared/contract';
import { failureOf } from '../../stores/cases.store';
import { fileNameOf } from '../../api/client';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { sizeText } from './caseLabels';
import { useChange } from './useChange';
import { IsoDateInput } from '../../components/IsoDateInput';

/**
 * "Attach file": in the desktop app the file is chosen in the native dialog and attached by path; in browser mode
 * it is uploaded (with progress), then attached by its upload id. The backend stores it by its SHA-256 and sniffs
 * its type from its bytes.
 */
export function AttachForm({
  caseNumber,
  onDone,
  onCancel,
}: {
  caseNumber: string;
  onDone: (item: CaseItem) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const attach = useCasesStore((s) => s.attach);
  const [file, setFile] = useState<File>();
  const [path, setPath] = useState<string>();
  const [receivedFrom, setReceivedFrom] = useState('');
  const [receivedOn, setReceivedOn] = useState('');
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController>(undefined);
  const { run, busy, failure, notice } = useChange();
  const id = useId();

  const dialogs = api.dialogs;
  if (!api.upload && !dialogs)
    return (
      <div className="case-panel-form">
        <h3>Attach file</h3>
        <p className="muted small">
          In the desktop app, attach files with <code>concordat case attach {caseNumber} FILE…</code> (each stored by its SHA-256).
        </p>
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Close
          </button>
        </div>
      </div>
    );
  const upload = api.upload;

  const chooseFile = async () => {
    try {
      const [picked] = await dialogs!.openFiles({ purpose: 'evidence' });
      if (picked) setPath(picked);
    } catch (err) {
      setError(failureOf(err).message);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file && !path) return setError('Choose a file to attach.');
    setError(undefined);
    abort.current = new AbortController();
    const item = await run(async () => {
      let source: { uploadId: string } | { path: string };
      if (path) source = { path };
      else
        try {
          source = { uploadId: (await upload!(file!, (sent, total) => setProgress({ sent, total }), abort.current?.signal)).uploadId };
        } catch (err) {
          return failureOf(err);
        } finally {
          setProgress(undefined);
        }
      return attach({
        caseNumber,
        source,
        originalName: path ? fileNameOf(path) : file!.name,
        ...(receivedFrom.trim() ? { receivedFrom: receivedFrom.trim() } : {}),
        ...(receivedOn ? { receivedOn } : {}),
      });
    });
    if (item) onDone(item);
  };
  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.sent / progress.total) * 100)) : undefined;
  return (
    <form className="case-panel-form" aria-label="Attach file" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Attach file</h3>
      {notice}
      <div className="form-grid">
        <div className="form-field">
          {/* Desktop: the button says what it does; the label names the browser's file input only. */}
          <label htmlFor={dialogs ? undefined : `${id}-file`}>File to attach</label>
          {dialogs ? (
            <button type="button" onClick={() => void chooseFile()}>
              Choose a file…
            </button>
          ) : (
            <input
              id={`${id}-file`}
              type="file"
              aria-invalid={error || failure?.fieldErrors.originalName ? true : undefined}
              onChange={(e) => setFile(e.target.files?.[0])}
            />
          )}
          {path && <span className="muted small">{fileNameOf(path)}</span>}
          {file && <span className="muted small">{`${file.name} · ${sizeText(file.size)}`}</span>}
          {(error ?? failure?.fieldErrors.originalName) && (
            <span className="field-error">{error ?? failure?.fieldErrors.originalName}</span>
          )}
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-from`}>Received from (optional)</label>
          <input id={`${id}-from`} value={receivedFrom} maxLength={200} onChange={(e) => setReceivedFrom(e.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-on`}>Received on (optional)</label>
          <IsoDateInput id={`${id}-on`} value={receivedOn} onChange={(value) => setReceivedOn(value)} />
          {failure?.fieldErrors.receivedOn && <span className="field-error">{failure.fieldErrors.receivedOn}</span>}
        </div>
      </div>
      {progress && (
        <div className="upload-progress" role="status">
          <progress max={100} value={pct} aria-label={`Uploading ${file?.name ?? 'the file'}`} />
          <span className="small">
            {pct ?? 0}% of {sizeText(progress.total)}
          </span>
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel upload
          </button>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Attaching…' : 'Attach'}
        </button>
      </div>
    </form>
  );
}
