import { auditActionWords, auditObjectWords } from '../../../../shared/domain/caseVocabulary';
import { useEffect, useId, useState } from 'react';
import type { AuditEntry, CaseDetail, ChainCheck, ChainSignature } from '../../../../shared/contract';
import { countOf } from '../../../../shared/domain/format';
import { messageOf } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { when } from './caseLabels';

const PAGE = 50;

/**
 * The case's audit chain: every change, who made it, on which workstation key, and the hash
 * linking it to the one before. "Verify chain" recomputes every hash and names the first entry
 * that does not hold; "Sign head" signs the latest hash with this workstation's key.
 */
export function AuditPanel({ detail }: { detail: CaseDetail }) {
  const api = useApi();
  const caseNumber = detail.header.caseNumber;
  const entries = detail.audit.entries;
  const [start, setStart] = useState(0);
  const [rows, setRows] = useState<AuditEntry[]>();
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api.call('cases.audit', { caseNumber, startRow: start, endRow: start + PAGE }).then(
      (page) => {
        if (!live) return;
        setRows(page.rows);
        setTotal(page.total);
      },
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [api, caseNumber, start, entries]);

  const last = Math.min(total, start + PAGE);
  return (
    <div className="audit-panel" data-testid="audit">
      <ChainTools detail={detail} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="filters">
        <span className="muted small" role="status">
          {total === 0 ? 'No entries.' : `Entries ${start + 1}–${last} of ${total}, oldest first`}
        </span>
        <button type="button" disabled={start === 0} onClick={() => setStart(Math.max(0, start - PAGE))}>
          ‹ Earlier
        </button>
        <button type="button" disabled={last >= total} onClick={() => setStart(start + PAGE)}>
          Later ›
        </button>
      </div>
      {rows && (
        <div className="table-scroll">
          <table className="files audit-table" aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">Change</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td className="nowrap">{when(r.at)}</td>
                  <td>
                    {r.actor}
                    {r.workstationKeyId && <div className="muted small mono">key {r.workstationKeyId}</div>}
                  </td>
                  <td title={`Recorded as ${r.action}`}>{auditActionWords(r.action)}</td>
                  <td title={`Recorded as ${r.objectType}${r.objectId ? ` ${r.objectId}` : ''}`}>
                    {auditObjectWords(r.objectType, r.objectId)}
                  </td>
                  <td>
                    <ChangeText change={r.change} />
                  </td>
                  <td className="mono small" title={`hash ${r.hash}\nprevious ${r.prevHash}`}>
                    {r.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** A change as recorded (JSON, as hashed), folded when long. */
function ChangeText({ change }: { change: unknown }) {
  const text = JSON.stringify(change, null, 1) ?? 'null';
  if (text.length <= 120) return <code className="small change">{JSON.stringify(change)}</code>;
  return (
    <details>
      <summary className="small">{JSON.stringify(change).slice(0, 100)}…</summary>
      <pre className="small change">{text}</pre>
    </details>
  );
}

/** Verify the chain, sign its head; the last signature as it verifies now. */
function ChainTools({ detail }: { detail: CaseDetail }) {
  const api = useApi();
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const caseNumber = detail.header.caseNumber;
  const [check, setCheck] = useState<ChainCheck>();
  const [signed, setSigned] = useState<ChainSignature>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const verify = () =>
    act(async () => {
      const result = await api.call('cases.verify', { caseNumber });
      setCheck(result.cases.find((c) => c.caseNumber === caseNumber));
    });
  const sign = () =>
    act(async () => {
      setSigned(await api.call('cases.signHead', { caseNumber, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
      await reloadCase();
    });
  const sig = signed ?? detail.audit.lastSignature;
  return (
    <section className="chain-tools" aria-label="Audit chain">
      <p className="small">
        {countOf(detail.audit.entries, 'entry', 'entries')} · head hash <span className="mono">{detail.audit.headHash ?? '—'}</span>
      </p>
      <p className="small" data-testid="last-signature">
        {sig ? (
          <>
            Head signed at entry {sig.seq} on {when(sig.signedAt)} ({sig.reason}) with key <span className="mono">{sig.keyId}</span>:{' '}
            {sig.valid ? <strong className="ok">signature verifies</strong> : <strong className="error">signature does NOT verify</strong>}
          </>
        ) : (
          'The head has not been signed yet.'
        )}
      </p>
      <div className="filters">
        <button type="button" onClick={() => void verify()} disabled={busy}>
          Verify chain
        </button>
        <label htmlFor={`${id}-reason`}>Reason for signing</label>
        <input id={`${id}-reason`} value={reason} maxLength={200} placeholder="on demand" onChange={(e) => setReason(e.target.value)} />
        <button type="button" onClick={() => void sign()} disabled={busy}>
          Sign head
        </button>
      </div>
      <div role="status" aria-live="polite" data-testid="chain-check">
        {error && <p className="error small">{error}</p>}
        {check &&
          (check.ok ? (
            <p className="outcome outcome-allow">
              Chain intact: {check.entries === 1 ? 'the one entry holds' : `all ${countOf(check.entries, 'entry', 'entries')} hold`}
              {check.signatures.checked > 0
                ? `; ${countOf(check.signatures.checked, 'signature')} checked, ${check.signatures.invalid} invalid`
                : ''}
              .
            </p>
          ) : (
            <p className="outcome outcome-deny">
              {check.firstBroken
                ? `Chain broken at entry ${check.firstBroken.seq}: ${check.firstBroken.problem}`
                : `${check.signatures.invalid} of ${check.signatures.checked} signature(s) do not verify.`}
            </p>
          ))}
        {signed && (
          <p className="small">
            Signed entry {signed.seq} (head {signed.headHash.slice(0, 16)}…) with key {signed.keyId}.
          </p>
        )}
      </div>
    </section>
  );
}
