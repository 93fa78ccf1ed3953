import type { AuditEntry } from '../../../shared/contract/cases';

/**
 * A case's audit chain as a partner receives it: every entry keeps its place, time and hash (so
 * the links from genesis to the signed head can still be checked), but an entry about something
 * not sent — a withheld item or subject, a task, an earlier export — shows nothing else. The
 * recipient recomputes the hash of every entry shown in full and checks the links of all.
 */
export interface SharedEntry {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
  /** The whole entry, when it is about what was sent. */
  entry?: AuditEntry;
}

function isShown(e: AuditEntry, items: ReadonlySet<number>, subjects: ReadonlySet<number>): boolean {
  if (e.action === 'export') return false;
  if (e.objectType === 'case') return true;
  if (e.objectType.startsWith('item:')) return items.has(Number(e.objectId));
  if (e.objectType === 'subject') return subjects.has(Number(e.objectId));
  return false;
}

export function redactedChain(entries: AuditEntry[], items: ReadonlySet<number>, subjects: ReadonlySet<number>): SharedEntry[] {
  return entries.map((e) =>
    isShown(e, items, subjects)
      ? { seq: e.seq, at: e.at, prevHash: e.prevHash, hash: e.hash, entry: e }
      : { seq: e.seq, at: e.at, prevHash: e.prevHash, hash: e.hash },
  );
}
