import { useRef, useState, type FormEvent } from 'react';
import { regimes, type Regime } from '../../../../shared/contract';
import { fileNameOf } from '../../api/client';
import { useApi } from '../../stores/StoresContext';
import { IsoDateInput } from '../../components/IsoDateInput';

/**
 * "Import file…": in the desktop app the files are chosen in the native dialog and imported by path; in browser
 * mode they are uploaded with progress. Then an import job starts, whose progress and Cancel button appear in the
 * jobs bar.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const [files, setFiles] = useState<File[]>([]);
  const [paths, setPaths] = useState<string[]>([]);
  const chosen = api.dialogs ? paths.length : files.length;
  const [sourceName, setSourceName] = useState('');
  const [regime, setRegime] = useState<Regime>('EMIR');
  const [asOfDate, setAsOfDate] = useState('');
  const [trLei, setTrLei] = useState('');
  const [progress, setProgress] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const abort = useRef<AbortController | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (api.dialogs) return startImport(paths.map((path) => ({ path })));
    if (!api.upload) return setError('This window cannot upload files.');
    const controller = new AbortController();
    abort.current = controller;
    try {
      const uploads = [];
      for (const [i, file] of files.entries()) {
        uploads.push(
          await api.upload(
            file,
            (sent, total) =>
              setProgress(`Uploading ${file.name} (${i + 1}/${files.length}): ${Math.round((sent / Math.max(total, 1)) * 100)}%`),
            controller.signal,
          ),
        );
      }
      await startImport(uploads.map((u) => ({ uploadId: u.uploadId })));
    } catch (err) {
      failed(err);
    }
  };

  const failed = (err: unknown) => {
    setError(err instanceof Error ? err.message : ((err as { message?: string })?.message ?? String(err)));
    setProgress(undefined);
  };

  const startImport = async (sources: Array<{ uploadId: string } | { path: string }>) => {
    try {
      setProgress('Starting the import…');
      await api.call('snapshots.import', {
        files: sources,
        sourceName: sourceName.trim(),
        regime,
        asOfDate,
        ...(trLei.trim() ? { trLei: trLei.trim() } : {}),
      });
      onClose();
    } catch (err) {
      failed(err);
    }
  };

  const chooseFiles = async () => {
    try {
      const picked = await api.dialogs!.openFiles({ purpose: 'import' });
      if (picked.length > 0) setPaths(picked);
    } catch (err) {
      failed(err);
    }
  };

  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby="import-title">
      <form onSubmit={(e) => void submit(e)} className="modal-body">
        <h2 id="import-title">Import TR files</h2>
        <p className="muted small">
          Concordat CSV (trades.csv, margins.csv, entities.csv, venues.csv, prices.csv, fx.csv) or ISO 20022 XML (auth.107, auth.109,
          auth.030). The files form one snapshot.
        </p>
        {api.dialogs ? (
          <p>
            <button type="button" onClick={() => void chooseFiles()}>
              Choose files…
            </button>{' '}
            <span className="muted small" data-testid="chosen-files">
              {paths.length > 0 ? paths.map(fileNameOf).join(', ') : 'No files chosen'}
            </span>
          </p>
        ) : (
          <label>
            Files{' '}
            <input
              type="file"
              multiple
              accept=".csv,.xml"
              required
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
              aria-label="Files"
            />
          </label>
        )}
        <label>
          Source TR{' '}
          <input
            value={sourceName}
            onChange={(e) => setSourceName(e.target.value)}
            required
            maxLength={120}
            placeholder="e.g. DTCC Data Repository (Ireland)"
          />
        </label>
        <label>
          Regime{' '}
          <select value={regime} onChange={(e) => setRegime(e.target.value as Regime)}>
            {regimes.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          As of <IsoDateInput value={asOfDate} onChange={(value) => setAsOfDate(value)} required aria-label="As of" />
        </label>
        <label>
          TR LEI (optional){' '}
          <input
            value={trLei}
            onChange={(e) => setTrLei(e.target.value.toUpperCase())}
            pattern="[A-Z0-9]{18}[0-9]{2}"
            title="20-character LEI"
          />
        </label>
        {progress && <p role="status">{progress}</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              abort.current?.abort();
              onClose();
            }}
          >
            Cancel
          </button>
          <button type="submit" disabled={chosen === 0 || progress !== undefined}>
            Import
          </button>
        </div>
      </form>
    </div>
  );
}
