import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';

/**
 * A snapshot whose drill data an update marked for rebuilding (`snapshot.drill_stale`) still holds the figures of the
 * earlier rules: its positions, cells, holder margins and the digests made from them. Everything computed from them
 * (drill, trades, series, margin, stress, alert rules) refuses it until the rebuild job has reached it, rather than
 * show a mix of old and new rules.
 */
export function staleDrillError(snapshotId: number): ContractError {
  return new ContractError(
    'UNAVAILABLE',
    `The drill data of snapshot ${snapshotId} is being rebuilt after an update of Concordat ("Rebuilding the drill data after an update" in the jobs bar): its exposures, margin, stress figures and alert rules open again when that job has reached it. Other snapshots and pages work meanwhile.`,
    { snapshotId, reason: 'drill_stale' },
  );
}

/** Whether the snapshot's drill data awaits its rebuild after an update. */
export function isDrillStale(db: Db, snapshotId: number): boolean {
  return db.prepare(`SELECT drill_stale FROM snapshot WHERE snapshot_id = ?`).pluck().get(snapshotId) === 1;
}

/** Throws {@link staleDrillError} when the snapshot's drill data awaits its rebuild; a missing snapshot is left to the caller. */
export function assertDrillCurrent(db: Db, snapshotId: number): void {
  if (isDrillStale(db, snapshotId)) throw staleDrillError(snapshotId);
}
