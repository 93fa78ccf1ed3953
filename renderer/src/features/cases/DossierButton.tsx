import { useState } from 'react';
import { saveBlob } from '../../components/saveTextFile';
import { messageOf } from '../../stores/cases.store';
import { useApi, useAppStore, useCasesStore } from '../../stores/StoresContext';

/**
 * "Dossier": the printable report of the case (classification banner on every page, the audit
 * head signed). It is saved as a file and, in browser mode, also opened in a new window to print,
 * from a blob: URL; the report carries its own CSP and no script, so nothing in it runs.
 */
export function DossierButton({ caseNumber }: { caseNumber: string }) {
  const api = useApi();
  const mode = useAppStore((s) => s.info?.mode);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const produce = async () => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const { fileName, html } = await api.call('cases.report', { caseNumber });
      const blob = new Blob([html], { type: 'text/html;charset=utf-8' });
      saveBlob(fileName, blob);
      if (mode === 'browser') {
        const url = URL.createObjectURL(blob);
        window.open(url, '_blank', 'noopener');
        // The new window has read it by then; the URL is not needed after.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      }
      setStatus(`Saved ${fileName}${mode === 'browser' ? ' and opened it for printing' : ''}.`);
      // Producing it is recorded and the head signed: the audit tab should show that.
      void reloadCase();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="dossier">
      <button type="button" onClick={() => void produce()} disabled={busy}>
        {busy ? 'Preparing the dossier…' : 'Dossier'}
      </button>
      <span role="status" className="muted small" data-testid="dossier-status">
        {status}
      </span>
      {error && (
        <span role="alert" className="error small">
          {error}
        </span>
      )}
    </span>
  );
}
