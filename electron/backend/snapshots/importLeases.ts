import { setTimeout as sleep } from 'node:timers/promises';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { currentProcess, processState, type ProcessIdentity } from '../db/processIdentity';

/**
 * One import at a time per data directory, across processes (the desktop app, browser mode and
 * CLI commands may share it). An import holds a lease on its staging snapshot naming the process
 * that runs it. Another import waits while that process lives; a staging snapshot is cleared as
 * abandoned only when its process is gone (killed mid-import), never because someone else opened
 * the data directory.
 */

interface LeaseRow {
  snapshot_id: number;
  source_name: string;
  host: string | null;
  pid: number | null;
  process_started_ms: number | null;
}

/** How often a waiting import looks again. */
const WAIT_POLL_MS = 400;

export interface RunningImport {
  snapshotId: number;
  sourceName: string;
  owner: ProcessIdentity;
}

/**
 * In the caller's write transaction: clears staging snapshots whose owner is gone (and those
 * from before leases existed, which no live process can own) and returns the import still
 * running, if any.
 */
function sweep(db: Db): RunningImport | undefined {
  const rows = db
    .prepare(
      `SELECT s.snapshot_id, s.source_name, l.host, l.pid, l.process_started_ms
         FROM snapshot s LEFT JOIN import_lease l USING (snapshot_id)
        WHERE s.status = 'staging'`,
    )
    .all() as LeaseRow[];
  let running: RunningImport | undefined;
  for (const r of rows) {
    const owner = r.pid === null ? undefined : { host: r.host!, pid: r.pid, startedMs: r.process_started_ms! };
    if (owner && processState(owner) !== 'gone') running ??= { snapshotId: r.snapshot_id, sourceName: r.source_name, owner };
    else db.prepare(`DELETE FROM snapshot WHERE snapshot_id = ?`).run(r.snapshot_id);
  }
  return running;
}

/**
 * Removes staging snapshots whose importing process is gone. Safe while imports run elsewhere:
 * it looks first without writing (a read-only command must not queue behind an import's long
 * write), and gives up quietly if the database is busy (the next start clears them).
 */
export function discardAbandonedImports(db: Db): number {
  const abandoned = (
    db
      .prepare(
        `SELECT l.host, l.pid, l.process_started_ms FROM snapshot s LEFT JOIN import_lease l USING (snapshot_id) WHERE s.status = 'staging'`,
      )
      .all() as Array<Omit<LeaseRow, 'snapshot_id' | 'source_name'>>
  ).filter((r) => r.pid === null || processState({ host: r.host!, pid: r.pid, startedMs: r.process_started_ms! }) === 'gone');
  if (abandoned.length === 0) return 0;
  const count = () => (db.prepare(`SELECT count(*) AS n FROM snapshot WHERE status = 'staging'`).get() as { n: number }).n;
  try {
    return db
      .transaction(() => {
        const before = count();
        sweep(db);
        return before - count();
      })
      .immediate();
  } catch (error) {
    if (isBusy(error)) return 0;
    throw error;
  }
}

const isBusy = (error: unknown) =>
  error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('SQLITE_BUSY');

export interface ClaimOptions {
  signal?: AbortSignal;
  /** Called while another import runs (once per look), with what it is. */
  onWaiting?: (running: RunningImport) => void;
}

/**
 * Waits until no other import runs, then, in the same write transaction, runs `create` (which
 * decides and inserts the staging snapshot, or returns undefined when there is nothing to import)
 * and records this process as its owner.
 */
export async function claimImportSlot<T extends { snapshotId: number }>(
  db: Db,
  create: () => T | undefined,
  options: ClaimOptions = {},
): Promise<T | undefined> {
  const me = currentProcess();
  const attempt = db.transaction((): { running: RunningImport } | { claimed: T | undefined } => {
    const running = sweep(db);
    if (running) return { running };
    const claimed = create();
    if (claimed)
      db.prepare(`INSERT INTO import_lease (snapshot_id, host, pid, process_started_ms, started_at) VALUES (?, ?, ?, ?, ?)`).run(
        claimed.snapshotId,
        me.host,
        me.pid,
        me.startedMs,
        new Date().toISOString(),
      );
    return { claimed };
  });
  for (;;) {
    if (options.signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled while it waited for another import.');
    let outcome: ReturnType<typeof attempt>;
    try {
      outcome = attempt.immediate();
    } catch (error) {
      // Another process holds the write lock past the busy timeout (an import's final commit):
      // that is waiting too, not a failure.
      if (!isBusy(error)) throw error;
      await sleep(WAIT_POLL_MS);
      continue;
    }
    if ('claimed' in outcome) return outcome.claimed;
    options.onWaiting?.(outcome.running);
    await sleep(WAIT_POLL_MS);
  }
}

/** The import switched its snapshot to active (or discarded it): nobody owns it any more. */
export function releaseImportLease(db: Db, snapshotId: number): void {
  db.prepare(`DELETE FROM import_lease WHERE snapshot_id = ?`).run(snapshotId);
}
