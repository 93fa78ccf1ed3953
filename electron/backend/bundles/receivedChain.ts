import type { ReceivedChainCheck } from '../../../shared/contract/bundles';
import type { AuditEntry } from '../../../shared/contract/cases';
import { entryHash, GENESIS_HASH, signedHeadText } from '../cases/audit';
import { verifySignature } from '../keys/workstationIdentity';
import type { SharedEntry } from './sharedChain';

/**
 * Checks the chain a bundle carries: every entry links to the one before (from genesis), every
 * entry shown in full hashes to its recorded hash, and the head is signed by the sender's key
 * (the same key as the bundle's signature, so a chain cannot be borrowed from another case).
 */
export function checkReceivedChain(
  caseNumber: string,
  entries: SharedEntry[],
  signature: { seq: number; headHash: string; signature: string } | null,
  senderSigningKey: string,
): ReceivedChainCheck {
  let prev = GENESIS_HASH;
  let recomputed = 0;
  let problem: string | null = null;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i + 1) problem ??= `entry ${i + 1} is numbered ${e.seq}`;
    if (e.prevHash !== prev) problem ??= `entry ${e.seq} does not link to the entry before it`;
    if (e.entry) {
      const { hash: _hash, ...rest } = e.entry as AuditEntry;
      if (e.entry.seq !== e.seq || e.entry.hash !== e.hash || entryHash(rest) !== e.hash)
        problem ??= `entry ${e.seq} does not hash to its recorded hash`;
      recomputed++;
    }
    prev = e.hash;
  }
  const head = entries.at(-1) ?? null;
  const signedBySender =
    !!signature &&
    !!head &&
    signature.seq === head.seq &&
    signature.headHash === head.hash &&
    verifySignature(senderSigningKey, signedHeadText(caseNumber, head.seq, head.hash), signature.signature);
  if (!signedBySender) problem ??= 'the chain head is not signed by the sender';
  return {
    ok: problem === null,
    entries: entries.length,
    recomputed,
    redacted: entries.length - recomputed,
    headSeq: head?.seq ?? null,
    headHash: head?.hash ?? null,
    signedBySender,
    problem,
  };
}
