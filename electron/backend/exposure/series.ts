import type { z } from 'zod';
import {
  dimensions,
  type Dimension,
  type DimensionFilter,
  type Series,
  type drillInput,
  type seriesInput,
} from '../../../shared/contract/exposure';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { holderDimensions } from './dimensionColumns';
import { drill } from './drill';

export type SeriesQuery = z.output<typeof seriesInput>;
type DrillQuery = z.output<typeof drillInput>;

interface SnapshotRow {
  snapshot_id: number;
  source_name: string;
  regime: string;
  as_of_date: string;
  version: number;
}

/**
 * The dimension the per-snapshot drill groups by. Only its totals are kept, but the grouping
 * still decides two of them: margin is shown only where every dimension in play describes the
 * holder, and the totals' concentration is taken over the grouped rows. So: a holder dimension
 * the cell does not already fix, else any dimension it does not fix.
 */
function groupingDimension(conditions: readonly DimensionFilter[]): Dimension {
  const fixed = new Set(conditions.map((c) => c.dimension));
  const free = dimensions.filter((d) => !fixed.has(d));
  return free.find((d) => holderDimensions.has(d)) ?? free[0] ?? 'jurisdiction';
}

/**
 * A drill cell's figures across the snapshots of one source: every active snapshot with the
 * same source name and regime as `snapshotId`, one per as-of date (its highest version), oldest
 * first. Each point is the drill totals of the cell (the keys chosen along `path`, plus the
 * filters) in that snapshot, computed by the same drill as the Exposure view, so a point always
 * equals the figure the grid shows for that snapshot.
 */
export function exposureSeries(db: Db, input: SeriesQuery): Series {
  const origin = db
    .prepare(`SELECT snapshot_id, source_name, regime, as_of_date, version FROM snapshot WHERE snapshot_id = ? AND status = 'active'`)
    .get(input.snapshotId) as SnapshotRow | undefined;
  if (!origin) throw new ContractError('NOT_FOUND', `Snapshot ${input.snapshotId} does not exist.`, { snapshotId: input.snapshotId });

  const snapshots = db
    .prepare(
      `SELECT s.snapshot_id, s.source_name, s.regime, s.as_of_date, s.version
         FROM snapshot s
        WHERE s.source_name = ? AND s.regime = ? AND s.status = 'active'
          AND s.version = (SELECT max(v.version) FROM snapshot v
                            WHERE v.source_name = s.source_name AND v.regime = s.regime
                              AND v.as_of_date = s.as_of_date AND v.status = 'active')
        ORDER BY s.as_of_date`,
    )
    .all(origin.source_name, origin.regime) as SnapshotRow[];

  const conditions: DimensionFilter[] = [
    ...input.filters,
    ...input.path.map((dimension, i) => ({ dimension, value: input.at[i] ?? null })),
  ];
  const dimension = groupingDimension(conditions);
  return {
    points: snapshots.map((s) => {
      const query: DrillQuery = {
        snapshotId: s.snapshot_id,
        path: [dimension],
        at: [],
        filters: conditions,
        sort: { by: 'grossNotionalUsd', direction: 'desc' },
        // Only the totals are kept: no row need be built.
        limit: 1,
        // Not charted: the harmonised margin would cost a margin computation per snapshot (Supervision page instead).
        harmonisedMargin: false,
      };
      return { snapshotId: s.snapshot_id, asOfDate: s.as_of_date, version: s.version, metrics: drill(db, query).totals };
    }),
  };
}
