import type { DrillResult, DrillRow, ExposureMetrics } from '../../../shared/contract/exposure';
import { ContractError } from '../../../shared/contract/errors';
import { jurisdictionLabel } from '../../../shared/domain/jurisdictions';
import type { Db } from '../db/openDatabase';

interface RollupRow {
  jurisdiction: string | null;
  trade_count: number;
  counterparty_count: number;
  gross_notional_usd: number;
  net_notional_usd: number;
  im_posted_usd: number;
  unconverted_count: number;
}

function metrics(r: RollupRow): ExposureMetrics {
  return {
    tradeCount: r.trade_count,
    counterpartyCount: r.counterparty_count,
    grossNotionalUsd: r.gross_notional_usd,
    netNotionalUsd: r.net_notional_usd,
    initialMarginPostedUsd: r.im_posted_usd,
    unconvertedCount: r.unconverted_count,
  };
}

/** Exposure by counterparty jurisdiction, read from the rollups computed at import. */
export function drillByJurisdiction(db: Db, snapshotId: number): DrillResult {
  const snapshot = db.prepare(`SELECT status FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { status: string } | undefined;
  if (!snapshot || snapshot.status !== 'active') {
    throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
  }
  const rows = db
    .prepare(
      `SELECT jurisdiction, trade_count, counterparty_count, gross_notional_usd, net_notional_usd, im_posted_usd, unconverted_count
         FROM rollup_jurisdiction WHERE snapshot_id = ?
        ORDER BY gross_notional_usd DESC, jurisdiction`,
    )
    .all(snapshotId) as RollupRow[];
  const total = db
    .prepare(
      `SELECT NULL AS jurisdiction, trade_count, counterparty_count, gross_notional_usd, net_notional_usd, im_posted_usd, unconverted_count
         FROM rollup_total WHERE snapshot_id = ?`,
    )
    .get(snapshotId) as RollupRow | undefined;
  if (!total) throw new ContractError('INTEGRITY', `Snapshot ${snapshotId} has no totals; re-import it.`, { snapshotId });
  return {
    snapshotId,
    path: ['jurisdiction'],
    rows: rows.map((r): DrillRow => ({ key: r.jurisdiction, label: jurisdictionLabel(r.jurisdiction), ...metrics(r) })),
    totals: metrics(total),
  };
}
