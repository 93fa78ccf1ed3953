import type { AuditEntry, ChainCheck, ChainSignature } from '../../../shared/contract/cases';
import type { Actor } from '../context';
import type { Db } from '../db/connection';
import { verifySignature, type WorkstationIdentity } from '../keys/workstationIdentity';
import { canonicalJson, sha256Hex } from './canonicalJson';

/**
 * The audit chain of a case. Every change appends one entry
 * {seq, at, actor, workstationKeyId, action, objectType, objectId, change, prevHash} whose hash is
 * SHA-256 of its RFC 8785 canonical JSON; prevHash is the previous entry's hash (64 zeros for the
 * first). SQLite triggers refuse UPDATE and DELETE on the table, so the application cannot rewrite
 * history; someone with the file and a SQLite shell still can, and verify() then names the first
 * entry that no longer holds.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  action: string;
  objectType: string;
  objectId: string | number | null;
  change: unknown;
}

interface AuditRow {
  case_id: number;
  seq: number;
  at: string;
  actor: string;
  workstation_key_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  change_json: string;
  prev_hash: string;
  hash: string;
}

/** The entry as hashed: exactly the fields the issue names, hash excluded. */
function hashedEntry(e: Omit<AuditEntry, 'hash'>): Omit<AuditEntry, 'hash'> {
  return {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    workstationKeyId: e.workstationKeyId,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    change: e.change,
    prevHash: e.prevHash,
  };
}

export const entryHash = (e: Omit<AuditEntry, 'hash'>): string => sha256Hex(canonicalJson(hashedEntry(e)));

type EntryFields = Omit<AuditEntry, 'hash' | 'change'>;

/**
 * The same bytes as canonicalJson(hashedEntry(e)) when changeCanonical is the RFC 8785 form of the
 * change, built by concatenation: the top-level keys are fixed, so their canonical order is written
 * out (sorted by UTF-16 code units), strings are escaped by JSON.stringify exactly as RFC 8785 asks,
 * and seq is an integer. Changes are stored in canonical form, so verifying a chain of 100,000
 * entries needs no JSON parse per entry. A test holds this equal to the general form.
 */
export function canonicalEntryText(e: EntryFields, changeCanonical: string): string {
  const q = JSON.stringify;
  return `{"action":${q(e.action)},"actor":${q(e.actor)},"at":${q(e.at)},"change":${changeCanonical},"objectId":${q(e.objectId)},"objectType":${q(e.objectType)},"prevHash":${q(e.prevHash)},"seq":${e.seq},"workstationKeyId":${q(e.workstationKeyId)}}`;
}

/** Appends one entry to a case's chain; call it inside the transaction that makes the change. */
export function appendAudit(db: Db, caseId: number, actor: Actor, input: AuditInput, at = new Date()): AuditEntry {
  const last = db.prepare(`SELECT seq, hash FROM case_audit WHERE case_id = ? ORDER BY seq DESC LIMIT 1`).get(caseId) as
    { seq: number; hash: string } | undefined;
  const entry: Omit<AuditEntry, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: actor.name,
    workstationKeyId: actor.workstationKeyId,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId === null ? null : String(input.objectId),
    // Through JSON once, so what is hashed is what is stored (undefined fields dropped, dates as text).
    change: JSON.parse(JSON.stringify(input.change ?? null)) as unknown,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  // Stored canonical, so the hash can be recomputed from the stored text as it is (see canonicalEntryText).
  const changeCanonical = canonicalJson(entry.change);
  const hash = sha256Hex(canonicalEntryText(entry, changeCanonical));
  db.prepare(
    `INSERT INTO case_audit (case_id, seq, at, actor, workstation_key_id, action, object_type, object_id, change_json, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    caseId,
    entry.seq,
    entry.at,
    entry.actor,
    entry.workstationKeyId,
    entry.action,
    entry.objectType,
    entry.objectId,
    changeCanonical,
    entry.prevHash,
    hash,
  );
  return { ...entry, hash };
}

/** The hashed fields of a stored entry, all but its change. */
function fieldsOf(r: AuditRow): EntryFields {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    workstationKeyId: r.workstation_key_id,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    prevHash: r.prev_hash,
  };
}

function toEntry(r: AuditRow): AuditEntry {
  return { ...fieldsOf(r), change: JSON.parse(r.change_json) as unknown, hash: r.hash };
}

export function auditPage(db: Db, caseId: number, startRow: number, endRow: number): { rows: AuditEntry[]; total: number } {
  const total = (db.prepare(`SELECT count(*) AS n FROM case_audit WHERE case_id = ?`).get(caseId) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM case_audit WHERE case_id = ? ORDER BY seq LIMIT ? OFFSET ?`)
    .all(caseId, endRow - startRow, startRow) as AuditRow[];
  return { rows: rows.map(toEntry), total };
}

export function chainHead(db: Db, caseId: number): { seq: number; hash: string } | null {
  return (
    (db.prepare(`SELECT seq, hash FROM case_audit WHERE case_id = ? ORDER BY seq DESC LIMIT 1`).get(caseId) as
      { seq: number; hash: string } | undefined) ?? null
  );
}

/**
 * Recomputes one case's chain: seq must run 1, 2, 3… (a gap: an entry removed; out of order:
 * reordered), each prevHash must be the previous entry's hash, each hash its entry's. The first
 * entry that fails is named with what differs. Signatures of earlier heads are checked too.
 */
export function verifyChain(db: Db, caseId: number, caseNumber: string): ChainCheck {
  const rows = db.prepare(`SELECT * FROM case_audit WHERE case_id = ? ORDER BY seq`).all(caseId) as AuditRow[];
  let firstBroken: ChainCheck['firstBroken'] = null;
  let prev = GENESIS_HASH;
  const bySeq = new Map<number, string>();
  for (let i = 0; i < rows.length && !firstBroken; i++) {
    const r = rows[i]!;
    const expectedSeq = i + 1;
    if (r.seq !== expectedSeq) {
      firstBroken = {
        seq: expectedSeq,
        problem:
          expectedSeq === 1
            ? `the chain starts at entry ${r.seq}: entries 1 to ${r.seq - 1} were removed`
            : `entry ${expectedSeq} is missing: the chain goes from ${expectedSeq - 1} to ${r.seq} (an entry was removed)`,
      };
      break;
    }
    if (r.prev_hash !== prev) {
      firstBroken = {
        seq: r.seq,
        problem: `entry ${r.seq} names ${r.prev_hash.slice(0, 12)}… as the previous hash, but entry ${r.seq - 1} hashes to ${prev.slice(0, 12)}… (an earlier entry was changed, removed or reordered)`,
      };
      break;
    }
    if (!entryHolds(r)) {
      firstBroken = {
        seq: r.seq,
        problem: !isJson(r.change_json)
          ? `entry ${r.seq}'s change is not JSON`
          : `entry ${r.seq} (${r.action} ${r.object_type}${r.object_id ? ` ${r.object_id}` : ''}) no longer matches its hash: its content or its position in the chain was changed after it was written`,
      };
      break;
    }
    bySeq.set(r.seq, r.hash);
    prev = r.hash;
  }
  const signatures = db.prepare(`SELECT * FROM case_chain_signature WHERE case_id = ?`).all(caseId) as SignatureRow[];
  let invalid = 0;
  for (const s of signatures) if (!signatureHolds(db, s) || bySeq.get(s.seq) !== s.head_hash) invalid++;
  if (!firstBroken && invalid > 0) {
    const bad = signatures.find((s) => !signatureHolds(db, s) || bySeq.get(s.seq) !== s.head_hash)!;
    firstBroken = {
      seq: bad.seq,
      problem: `the signature of the chain head at entry ${bad.seq} does not verify against the chain as it is now`,
    };
  }
  return { caseNumber, entries: rows.length, ok: firstBroken === null, firstBroken, signatures: { checked: signatures.length, invalid } };
}

/**
 * Whether an entry's stored hash is its content's. The quick form hashes the stored change text as
 * it is (canonical when Concordat wrote it); only when that differs is the change parsed and
 * canonicalised, the definition itself — so an entry whose change text was merely re-spaced still
 * holds, and one whose content changed does not.
 */
function entryHolds(r: AuditRow): boolean {
  const fields = fieldsOf(r);
  if (sha256Hex(canonicalEntryText(fields, r.change_json)) === r.hash) return true;
  let change: unknown;
  try {
    change = JSON.parse(r.change_json);
  } catch {
    return false;
  }
  return entryHash({ ...fields, change }) === r.hash;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

interface SignatureRow {
  case_id: number;
  seq: number;
  head_hash: string;
  key_id: string;
  fingerprint: string;
  public_key: string;
  signature: string;
  signed_at: string;
  reason: string;
}

/** What a head signature signs: the case, the entry and its hash, so it cannot be moved to another case. */
export const signedHeadText = (caseNumber: string, seq: number, headHash: string) =>
  canonicalJson({ type: 'concordat-case-chain-head', caseNumber, seq, headHash });

function caseNumberOf(db: Db, caseId: number): string {
  return (db.prepare(`SELECT case_number FROM case_file WHERE case_id = ?`).get(caseId) as { case_number: string }).case_number;
}

function signatureHolds(db: Db, s: SignatureRow): boolean {
  return verifySignature(s.public_key, signedHeadText(caseNumberOf(db, s.case_id), s.seq, s.head_hash), s.signature);
}

/** Signs the current head of a case's chain with the workstation key and records the signature. */
export function signHead(db: Db, caseId: number, identity: WorkstationIdentity, reason: string, at = new Date()): ChainSignature | null {
  const head = chainHead(db, caseId);
  if (!head) return null;
  const caseNumber = caseNumberOf(db, caseId);
  const signature = identity.sign(signedHeadText(caseNumber, head.seq, head.hash));
  const signedAt = at.toISOString();
  db.prepare(
    `INSERT OR REPLACE INTO case_chain_signature (case_id, seq, head_hash, key_id, fingerprint, public_key, signature, signed_at, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(caseId, head.seq, head.hash, identity.keyId, identity.fingerprint, identity.signingKeyPem, signature, signedAt, reason);
  return {
    seq: head.seq,
    headHash: head.hash,
    keyId: identity.keyId,
    fingerprint: identity.fingerprint,
    signature,
    signedAt,
    reason,
    valid: true,
  };
}

export function lastSignature(db: Db, caseId: number): ChainSignature | null {
  const s = db.prepare(`SELECT * FROM case_chain_signature WHERE case_id = ? ORDER BY seq DESC, signed_at DESC LIMIT 1`).get(caseId) as
    SignatureRow | undefined;
  if (!s) return null;
  const head = db.prepare(`SELECT hash FROM case_audit WHERE case_id = ? AND seq = ?`).get(caseId, s.seq) as { hash: string } | undefined;
  return {
    seq: s.seq,
    headHash: s.head_hash,
    keyId: s.key_id,
    fingerprint: s.fingerprint,
    signature: s.signature,
    signedAt: s.signed_at,
    reason: s.reason,
    valid: head?.hash === s.head_hash && signatureHolds(db, s),
  };
}
