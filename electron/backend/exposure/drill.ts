import type { Dimension, DrillResult, ExposureMetrics } from '../../../shared/contract/exposure';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/openDatabase';
import { dimensionColumn, holderDimensions } from './dimensionColumns';
import { labelKeys } from './dimensionLabels';

export interface DrillQuery {
  snapshotId: number;
  path: Dimension[];
  at: (string | null)[];
  filters: Array<{ dimension: Dimension; value: string | null }>;
}

interface AggregateRow {
  key: string | null;
  trades: number;
  counterparties: number;
  gross: number;
  net: number;
  mtm: number;
  unconverted: number;
  im: number | null;
}

/**
 * One level of a drill-down: positions matching the keys chosen above and the filters,
 * grouped by path[at.length]. Per row: distinct UTIs (each trade once, even when both of its
 * sides fall in the row), their notional once each (gross), signed notional and valuation
 * summed over the positions (net, MTM), distinct holders, and, where every dimension in play
 * describes the holder, the initial margin those holders reported posting.
 */
export function drill(db: Db, query: DrillQuery): DrillResult {
  const snapshot = db.prepare(`SELECT status FROM snapshot WHERE snapshot_id = ?`).get(query.snapshotId) as { status: string } | undefined;
  if (!snapshot || snapshot.status !== 'active')
    throw new ContractError('NOT_FOUND', `Snapshot ${query.snapshotId} does not exist.`, { snapshotId: query.snapshotId });
  const dimension = query.path[query.at.length]!;
  const conditions = [...query.at.map((value, i) => ({ dimension: query.path[i]!, value })), ...query.filters];
  const where = ['snapshot_id = ?', ...conditions.map((c) => `${dimensionColumn[c.dimension]} IS ?`)].join(' AND ');
  const params = [query.snapshotId, ...conditions.map((c) => c.value)];
  const marginShown = holderDimensions.has(dimension) && conditions.every((c) => holderDimensions.has(c.dimension));
  const marginParams = marginShown ? [query.snapshotId] : [];

  const body = (keyExpr: string) => `
    WITH p AS (SELECT ${keyExpr} AS key, trade_row, holder, sign, notional_usd, valuation_usd FROM exposure_position WHERE ${where}),
    per_trade AS (SELECT key, trade_row, max(notional_usd) AS n, total(sign * notional_usd) AS net, total(valuation_usd) AS v FROM p GROUP BY key, trade_row),
    agg AS (SELECT key, count(*) AS trades, total(n) AS gross, total(net) AS net, total(v) AS mtm, sum(n IS NULL) AS unconverted FROM per_trade GROUP BY key),
    hold AS (SELECT DISTINCT key, holder FROM p),
    hc AS (SELECT key, count(*) AS counterparties FROM hold GROUP BY key),
    -- Each holder's reported margin, found through the (snapshot_id, reporting_lei) index.
    im AS (${
      marginShown
        ? `SELECT h.key, total(m.im_posted_usd) AS im, total(m.im_posted IS NOT NULL AND m.im_posted_usd IS NULL) AS unconverted
             FROM hold h JOIN margin_state m ON m.snapshot_id = ? AND m.reporting_lei = h.holder GROUP BY h.key`
        : `SELECT NULL AS key, NULL AS im, 0 AS unconverted WHERE 0`
    })
    SELECT agg.key, agg.trades, hc.counterparties, agg.gross, agg.net, agg.mtm,
           agg.unconverted + ${marginShown ? 'ifnull(im.unconverted, 0)' : '0'} AS unconverted,
           ${marginShown ? 'ifnull(im.im, 0)' : 'NULL'} AS im
      FROM agg JOIN hc ON hc.key IS agg.key LEFT JOIN im ON im.key IS agg.key`;

  const rows = db
    .prepare(`${body(dimensionColumn[dimension])} ORDER BY agg.gross DESC, agg.key`)
    .all(...params, ...marginParams) as AggregateRow[];
  const [total] = db.prepare(body('NULL')).all(...params, ...marginParams) as AggregateRow[];
  const labels = labelKeys(
    db,
    query.snapshotId,
    dimension,
    rows.map((r) => r.key),
  );
  const metrics = (r: AggregateRow | undefined): ExposureMetrics => ({
    tradeCount: r?.trades ?? 0,
    counterpartyCount: r?.counterparties ?? 0,
    grossNotionalUsd: r?.gross ?? 0,
    netNotionalUsd: r?.net ?? 0,
    mtmValuationUsd: r?.mtm ?? 0,
    initialMarginPostedUsd: marginShown ? (r?.im ?? 0) : null,
    unconvertedCount: r?.unconverted ?? 0,
  });
  return {
    snapshotId: query.snapshotId,
    path: query.path,
    dimension,
    at: query.at,
    rows: rows.map((r) => ({ key: r.key, label: labels.get(r.key) ?? String(r.key), ...metrics(r) })),
    totals: metrics(total),
  };
}
