import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleImportResult, BundleSource, BundleVerifyReport, InboxListing, JobProgress } from '../../../../shared/contract';
import { ErrorLine } from '../../components/ErrorLine';
import { runJob, type RunningJob } from '../../api/runJob';
import { messageOf } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { fileNameOf } from '../../api/client';

/** A bundle's verification as the handbook orders it: each step passed or the one that failed, with why. */
export function VerifyChecklist({ report }: { report: BundleVerifyReport }) {
  return (
    <div data-testid="verify-checklist">
      <p className={report.ok ? 'ok' : 'error'}>
        <strong>{report.ok ? 'Verified' : 'NOT verified'}</strong>
        {report.sender && `: ${report.caseNumber ?? 'a case'} from ${report.sender.authority} (${report.sender.name})`}
        {report.recipients.length > 0 && `, for ${report.recipients.join(', ')}`}
      </p>
      <ol className="checklist small">
        {report.steps.map((s) => (
          <li key={s.step} className={s.ok ? 'ok' : 'error'}>
            {s.ok ? '✓' : '✗'} {s.step}
            {s.detail ? `: ${s.detail}` : ''}
          </li>
        ))}
      </ol>
      {report.warnings.length > 0 && (
        <ul className="small">
          {report.warnings.map((w) => (
            <li key={w}>Warning: {w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

const percent = (p: JobProgress | undefined) => (p?.total ? Math.min(100, Math.round((p.done / p.total) * 100)) : undefined);

/**
 * "Received bundles…": open a bundle file (uploaded in browser mode) or one a partner dropped into the inbox folder;
 * each is verified first and shown with its checklist; nothing is imported until "Import" is clicked.
 */
export function ReceiveBundles({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const navigate = useCasesStore((s) => s.navigate);
  const loadList = useCasesStore((s) => s.loadList);
  const [inbox, setInbox] = useState<InboxListing>();
  const [opened, setOpened] = useState<{ source: BundleSource; name: string; report: BundleVerifyReport }>();
  const [progress, setProgress] = useState<JobProgress>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const job = useRef<RunningJob<unknown> | null>(null);

  const follow = useCallback(
    async <T,>(what: string, started: RunningJob<T>, subject?: { source: BundleSource; name: string }): Promise<T | undefined> => {
      setBusy(what);
      setError(undefined);
      setProgress(undefined);
      job.current = started as RunningJob<unknown>;
      try {
        return await started.result;
      } catch (e) {
        const report = (e as { details?: { report?: BundleVerifyReport } }).details?.report;
        setError(messageOf(e));
        // The report belongs to the bundle being verified now, never to one opened before.
        if (report) setOpened(subject ? { ...subject, report } : (prev) => (prev ? { ...prev, report } : prev));
        return undefined;
      } finally {
        job.current = null;
        setBusy(undefined);
      }
    },
    [],
  );

  const readInbox = useCallback(async () => {
    const listing = await follow('Verifying the inbox', runJob<InboxListing>(api, 'bundles.inbox', {}, setProgress));
    if (listing) setInbox(listing);
  }, [api, follow]);

  useEffect(() => {
    void readInbox();
    // Once, when the dialog opens; "Check again" reads it again.
  }, []);

  const openFile = async (file: File) => {
    if (!api.upload) return setError('This window cannot upload files.');
    setBusy(`Uploading ${file.name}`);
    setOpened(undefined);
    try {
      const receipt = await api.upload(file, (sent, total) =>
        setProgress({ jobId: '', kind: 'bundles.verify', phase: 'upload', message: `Uploading ${file.name}`, done: sent, total }),
      );
      const source: BundleSource = { uploadId: receipt.uploadId };
      const report = await follow(`Verifying ${file.name}`, runJob<BundleVerifyReport>(api, 'bundles.verify', source, setProgress), {
        source,
        name: file.name,
      });
      if (report) setOpened({ source, name: file.name, report });
    } catch (e) {
      setError(messageOf(e));
      setBusy(undefined);
    }
  };

  /** Desktop: the bundle chosen in the native dialog, verified where it lies (nothing is copied first). */
  const openChosen = async () => {
    setOpened(undefined);
    try {
      const [picked] = await api.dialogs!.openFiles({ purpose: 'bundle-open' });
      if (!picked) return;
      const source: BundleSource = { file: picked };
      const name = fileNameOf(picked);
      const report = await follow(`Verifying ${name}`, runJob<BundleVerifyReport>(api, 'bundles.verify', source, setProgress), {
        source,
        name,
      });
      if (report) setOpened({ source, name, report });
    } catch (e) {
      setError(messageOf(e));
      setBusy(undefined);
    }
  };

  const importBundle = async (source: BundleSource, name: string) => {
    const result = await follow(`Importing ${name}`, runJob<BundleImportResult>(api, 'bundles.import', source, setProgress));
    if (!result) return;
    void loadList();
    onClose();
    void navigate({ caseNumber: result.caseNumber, tab: 'items' });
  };

  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby="receive-title">
      <div className="modal-body wide" data-testid="receive-bundles">
        <h2 id="receive-title">Received case bundles</h2>
        <p className="muted small">
          Every bundle is verified (signature by a trusted partner key, decryption, every file's checksum) before anything in it is shown.
          Nothing is imported until you choose Import; an import makes a read-only received case.
        </p>

        <h3>Open a bundle file</h3>
        {api.dialogs ? (
          <p>
            <button type="button" disabled={busy !== undefined} onClick={() => void openChosen()}>
              Choose a bundle file…
            </button>
          </p>
        ) : (
          <label>
            Bundle file{' '}
            <input
              type="file"
              accept=".casebundle"
              aria-label="Bundle file"
              disabled={busy !== undefined}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void openFile(file);
                e.target.value = '';
              }}
            />
          </label>
        )}
        {opened && (
          <div className="card" data-testid="opened-bundle">
            <h4>{opened.name}</h4>
            <VerifyChecklist report={opened.report} />
            {opened.report.ok && (
              <button type="button" disabled={busy !== undefined} onClick={() => void importBundle(opened.source, opened.name)}>
                Import {opened.name}
              </button>
            )}
          </div>
        )}

        <h3>Inbox folder</h3>
        <p className="small">
          <span className="mono">{inbox?.folder ?? '…'}</span> <span className="muted">(change it in Settings → Bundle inbox)</span>{' '}
          <button type="button" disabled={busy !== undefined} onClick={() => void readInbox()}>
            Check again
          </button>
        </p>
        {inbox && inbox.entries.length === 0 && <p className="muted">No .casebundle files in the inbox folder.</p>}
        {inbox && inbox.entries.length > 0 && (
          <ul className="plain" data-testid="inbox-entries">
            {inbox.entries.map((entry) => (
              <li key={entry.name} className="card">
                <h4>
                  {entry.name} <span className="muted small">({(entry.bytes / 1024).toFixed(1)} KiB)</span>
                </h4>
                <VerifyChecklist report={entry.report} />
                {entry.importedAs ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() => (onClose(), void navigate({ caseNumber: entry.importedAs!, tab: 'items' }))}
                  >
                    Imported as {entry.importedAs}
                  </button>
                ) : (
                  entry.report.ok && (
                    <button
                      type="button"
                      disabled={busy !== undefined}
                      onClick={() => void importBundle({ inboxFile: entry.name }, entry.name)}
                    >
                      Import {entry.name}
                    </button>
                  )
                )}
              </li>
            ))}
          </ul>
        )}

        {busy && (
          <div role="status" aria-live="polite">
            <span>{progress?.message ?? busy}…</span> <progress max={100} value={percent(progress)} aria-label={busy} />{' '}
            {job.current && (
              <button type="button" onClick={() => void job.current?.cancel()}>
                Cancel
              </button>
            )}
          </div>
        )}
        <ErrorLine message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
