import { ContractError } from '../../../shared/contract/errors';
import type { Db } from './connection';

/** Whether an error is SQLite saying another connection holds the write lock (past the busy timeout). */
export function isDatabaseBusy(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : '';
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED';
}

/** What a user is told when the write lock stayed taken: what happened, that nothing changed, what to do. */
export function databaseBusyError(code = 'SQLITE_BUSY'): ContractError {
  return new ContractError(
    'UNAVAILABLE',
    'The database is busy finishing a long write (an import or a feed sync); nothing was changed. Try again in a moment.',
    { sqlite: code },
  );
}

export interface WriteWhenFreeOptions {
  signal?: AbortSignal;
  /** Called once, when the first attempt found the database busy (a job shows it as its progress). */
  onWaiting?: () => void;
  /** How long to keep trying, beyond the connection's own busy timeout. */
  maxWaitMs?: number;
}

/**
 * Runs one immediate write transaction for a job, waiting while another process or thread holds the write lock
 * (a snapshot import's final commit can hold it longer than the busy timeout). Each attempt takes the lock at once
 * or not at all (busy timeout 0 for it), and the wait between attempts is asynchronous: SQLite's own busy wait would
 * block the backend's thread, and every other call with it. The transaction is all or nothing, so trying it again
 * is safe; after `maxWaitMs` the job fails with databaseBusyError and nothing written.
 */
export async function writeWhenFree<T>(db: Db, fn: () => T, options: WriteWhenFreeOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.maxWaitMs ?? 180_000);
  let told = false;
  for (;;) {
    try {
      return attemptNow(db, fn);
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      if (Date.now() >= deadline) throw databaseBusyError(String((error as { code: unknown }).code));
      if (!told) options.onWaiting?.();
      told = true;
      options.signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 100));
      options.signal?.throwIfAborted();
    }
  }
}

/** One attempt that does not wait for the lock; the connection's busy timeout is restored before anything else runs. */
function attemptNow<T>(db: Db, fn: () => T): T {
  const busyTimeout = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
