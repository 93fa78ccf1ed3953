import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { writeWhenFree } from '../db/writeWhenFree';
import { rebuildDrillData } from './rollups';

export interface DrillRebuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; snapshotId?: number }) => void;
}

/** The snapshots whose drill data a schema change left to rebuild. */
export function staleSnapshots(db: Db): number[] {
  return db
    .prepare(`SELECT snapshot_id FROM snapshot WHERE status = 'active' AND drill_stale = 1 ORDER BY snapshot_id`)
    .pluck()
    .all() as number[];
}

/**
 * Rebuilds the drill data a schema change marked stale, one snapshot per transaction: the write lock is held for one
 * snapshot at a time (readers never wait: WAL), a snapshot is either rebuilt whole or keeps its earlier data, and a
 * cancel between two snapshots leaves the rest stale for the next start. Another process rebuilding the same
 * database at once is harmless: each snapshot is looked at again under the lock and skipped when already done.
 */
export async function rebuildStaleDrillData(db: Db, options: DrillRebuildOptions = {}): Promise<{ rebuilt: number[] }> {
  const pending = staleSnapshots(db);
  const rebuilt: number[] = [];
  options.onProgress?.({ done: 0, total: pending.length });
  for (const [i, snapshotId] of pending.entries()) {
    if (options.signal?.aborted)
      throw new ContractError(
        'CANCELLED',
        `Rebuilding the drill data was cancelled after ${i} of ${pending.length} snapshots; the others keep their earlier data and are rebuilt at the next start.`,
      );
    const done = await writeWhenFree(
      db,
      () => {
        const still = db.prepare(`SELECT drill_stale FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).pluck().get(snapshotId);
        if (still !== 1) return false;
        rebuildDrillData(db, snapshotId);
        db.prepare(`UPDATE snapshot SET drill_stale = 0 WHERE snapshot_id = ?`).run(snapshotId);
        return true;
      },
      options.signal ? { signal: options.signal } : {},
    );
    if (done) rebuilt.push(snapshotId);
    options.onProgress?.({ done: i + 1, total: pending.length, snapshotId });
    // Let the event loop breathe between snapshots (a cancel, other calls of this thread).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { rebuilt };
}
