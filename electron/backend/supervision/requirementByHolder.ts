import type { MarginRow } from '../../../shared/contract/margin';
import type { Db } from '../db/connection';
import { computeMargin } from './requiredMargin';
import { scheduledCache, scheduledSnapshotIdentity } from './scheduledSnapshot';

/** A holder's netting sets under the harmonised schedule: required margin, what was posted against it, the shortfall. */
export interface HolderRequirement {
  requiredUsd: number;
  postedUsd: number;
  shortfallUsd: number;
}

export interface RequirementsByHolder {
  /** What the figures depend on: the snapshot (id, content, import) and the schedule version in effect at its as-of date. */
  identity: string;
  byHolder: Map<string, HolderRequirement>;
}

/**
 * The harmonised required margin of each holder of a snapshot (issue 14 §1, for the drill's margin columns): the
 * `margin --by holder` roll-up, so the grid and the CLI agree to the cent. A holder's figures are sums over its
 * netting sets, so any set of holders (a jurisdiction, a group) adds them up; the shortfall stays a sum of per-set
 * shortfalls (a surplus in one set never covers another's gap).
 *
 * Kept per database for the most recent snapshots, under an identity that changes when a schedule version taking
 * effect on or before the as-of date is loaded: a schedule edit shows in the next drill.
 */
export function requirementsByHolder(db: Db, snapshotId: number): RequirementsByHolder {
  return cached(db, snapshotId, () => {
    const result = computeMargin(db, snapshotId, ['holder']);
    const byHolder = new Map<string, HolderRequirement>();
    for (const row of result.rows) byHolder.set(row.key[0] ?? '', figures(row));
    return { identity: scheduledSnapshotIdentity(db, snapshotId), byHolder };
  });
}

const cached = scheduledCache<RequirementsByHolder>(4);

const figures = (row: MarginRow): HolderRequirement => ({
  requiredUsd: row.requiredUsd,
  postedUsd: row.postedUsd,
  shortfallUsd: row.shortfallUsd,
});
