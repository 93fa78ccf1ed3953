import { useEffect, useState } from 'react';
import type { ReceivedProvenance } from '../../../../shared/contract';
import { useApi } from '../../stores/StoresContext';
import { when } from './caseLabels';

/**
 * On every view of a case received from another authority: who sent it (key fingerprint, bundle
 * id), when, for what purpose, the legend and conditions it travels under, how many items were
 * withheld, and whether the sender's audit chain checked out. The case itself is read-only.
 */
export function ReceivedProvenancePanel({ caseNumber }: { caseNumber: string }) {
  const api = useApi();
  const [provenance, setProvenance] = useState<ReceivedProvenance>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    api.call('bundles.received', { caseNumber }).then(
      (p) => live && setProvenance(p),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, caseNumber]);
  if (error)
    return (
      <p className="error" role="alert">
        Where this case came from could not be read: {error}
      </p>
    );
  if (!provenance) return <p className="muted small">Reading where this case came from…</p>;
  const chain = provenance.chain;
  return (
    <section className="notice received-provenance" aria-label="Received case" data-testid="received-provenance">
      <p>
        <strong>Received from {provenance.senderAuthority}</strong> (their {provenance.senderCaseNumber}) on {when(provenance.receivedAt)}{' '}
        for {provenance.purpose.replace(/_/g, ' ')}. Read-only: nothing in it can be changed here; passing its items on asks the engine,
        with {provenance.senderAuthority} as their origin.
      </p>
      <p className="legend">
        <strong>{provenance.legend}</strong>
      </p>
      {provenance.conditions.length > 0 && (
        <ul>
          {provenance.conditions.map((c) => (
            <li key={c.text}>{c.text}</li>
          ))}
        </ul>
      )}
      <p className="small">
        {provenance.withheldCount} item(s) were withheld by the sender. Sender key <code>{provenance.senderFingerprint}</code>; bundle{' '}
        <code>{provenance.bundleId}</code>. Sender’s audit chain:{' '}
        {chain.ok
          ? `verified (${chain.entries} entries, ${chain.recomputed} recomputed, ${chain.redacted} about what was not sent checked by their links; head signed by the sender)`
          : `NOT verified: ${chain.problem ?? 'unknown problem'}`}
        .
      </p>
    </section>
  );
}
