import type { Db } from '../db/connection';

/**
 * What a figure computed from a snapshot under the margin schedule depends on: the snapshot (its id, content and
 * import: an id is reused only after a removal, and then the import time differs) and the schedule version in
 * effect at its as-of date (rates, market depth). A cache kept under this identity sees a new schedule version at
 * once. An unknown snapshot gets an identity of its own; the computation then says in words that it does not exist.
 */
export function scheduledSnapshotIdentity(db: Db, snapshotId: number): string {
  const row = db
    .prepare(
      `SELECT s.source_sha256 AS sha, s.imported_at AS at, s.status,
              (SELECT schedule_id FROM margin_schedule m WHERE m.effective_from <= s.as_of_date
                ORDER BY m.effective_from DESC LIMIT 1) AS scheduleId
         FROM snapshot s WHERE s.snapshot_id = ?`,
    )
    .get(snapshotId) as { sha: string; at: string; status: string; scheduleId: number | null } | undefined;
  return row ? `${snapshotId}\u0000${row.sha}\u0000${row.at}\u0000${row.status}\u0000${row.scheduleId ?? 0}` : `${snapshotId}\u0000missing`;
}

/** A small most-recently-used cache per database of values kept under scheduledSnapshotIdentity. */
export function scheduledCache<T>(keep: number): (db: Db, snapshotId: number, compute: () => T) => T {
  return cacheUnder(keep, scheduledSnapshotIdentity);
}

/**
 * A small most-recently-used cache per database of values kept under an identity of the snapshot: the schedule's
 * (scheduledSnapshotIdentity) for figures with rates in them, the snapshot's alone for what holds none.
 */
export function cacheUnder<T>(
  keep: number,
  identityOf: (db: Db, snapshotId: number) => string,
): (db: Db, snapshotId: number, compute: () => T) => T {
  const cache = new WeakMap<Db, Array<{ identity: string; value: T }>>();
  return (db, snapshotId, compute) => {
    const identity = identityOf(db, snapshotId);
    const kept = cache.get(db) ?? [];
    const hit = kept.find((k) => k.identity === identity);
    if (hit) {
      cache.set(db, [hit, ...kept.filter((k) => k !== hit)]);
      return hit.value;
    }
    const value = compute();
    cache.set(db, [{ identity, value }, ...kept].slice(0, keep));
    return value;
  };
}
