import { blackScholesDelta, yearsBetween } from '../../../shared/domain/blackScholes';
import { actionTypeRules, actionTypes } from '../../../shared/domain/lifecycle';
import type { Db } from '../db/connection';
import { rowRange, type RowRange } from './rowRange';

/**
 * Builds the drill-down data of one snapshot (before it becomes visible): the position fact
 * table every drill level is read from.
 *
 * Unit of exposure: a counterparty's side of a trade. Each outstanding UTI counts once (its
 * "canonical" report: the one from the lowest reporting LEI, so two-sided EMIR reports are
 * not summed twice) and yields two positions: the reporting side with its direction, the
 * other side with the opposite one. A position's jurisdiction is the holder's legal country
 * from the snapshot's entity data, or for a natural person the reported country; its group is
 * the holder's ultimate parent (itself when none is known).
 *
 * Outstanding: the report's action type leaves the trade live (shared/domain/lifecycle.ts:
 * not TERM, EROR, POSC or PRTO) and the trade has not matured (expiration before the as-of
 * date). Margin is a stock: only the latest report of each collateral portfolio (or trade) and
 * side, as of the snapshot date, is in effect.
 */
export function computeRollups(db: Db, snapshotId: number): void {
  for (const step of rollupSteps(db, snapshotId)) void step;
}

/** How many canonical trades one step of the position build writes (two positions each). */
export const POSITION_CHUNK_TRADES = 50_000;

/**
 * The rollups as a sequence of steps, so that an import commits each in its own write transaction and other writers
 * get the lock between two (issue 16: no writer waits for a whole snapshot's rollups). Each step does its heavy
 * reading into this connection's temp tables, which takes no write lock on the database, and writes a bounded part:
 * a range of trades' positions, the cells, the margins. The snapshot is still staging, so readers never see the
 * steps' rows before it turns active; run in one go (computeRollups, inside one transaction) the result is the same
 * row for row. Yields what it has done, for progress.
 */
export function* rollupSteps(db: Db, snapshotId: number, chunkTrades = POSITION_CHUNK_TRADES): Generator<RollupProgress> {
  const { asOf } = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { asOf: string };
  const reports = rowRange(db, 'trade_state', snapshotId);
  try {
    selectMarginInEffect(db, snapshotId, asOf);
    classifyReports(db, snapshotId, asOf, reports);
    countTradeStates(db, snapshotId);
    yield { step: 'trade states' };
    yield* buildPositions(db, snapshotId, asOf, chunkTrades, reports);
    // Where the positions landed, taken after they are written: another connection may write or delete rows of other
    // snapshots between two steps.
    yield* buildCells(db, snapshotId, rowRange(db, 'exposure_position', snapshotId));
    buildHolderMargin(db, snapshotId);
    yield { step: 'margin' };
  } finally {
    // Also when abandoned (a cancelled or failed import): the connection lives on (the CLI's, the app's).
    db.exec(ROLLUP_TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join(' '));
  }
}

/** The temp tables the rollups build on their connection. */
const ROLLUP_TEMP_TABLES = ['margin_used', 'report_state', 'canon', 'netting', 'trade_margin', 'margined', 'cells'] as const;

export interface RollupProgress {
  step: 'trade states' | 'positions' | 'cells' | 'margin';
  /** Positions: canonical trades written so far, of how many. */
  done?: number;
  total?: number;
}

/**
 * Recomputes a snapshot's drill data from its stored reports (after a schema change). The digests derived from the
 * positions (snapshot_digest) go too: the next computation writes them again from the new positions.
 */
export function rebuildDrillData(db: Db, snapshotId: number): void {
  for (const table of ['exposure_position', 'exposure_cell', 'holder_margin', 'trade_state_count', 'snapshot_digest'])
    db.prepare(`DELETE FROM ${table} WHERE snapshot_id = ?`).run(snapshotId);
  computeRollups(db, snapshotId);
}

/**
 * SQL function modelled_delta(option_type, spot_usd, strike_usd, as_of, expiry, volatility):
 * the Black–Scholes delta (risk-free rate 0: the snapshot carries no rate curve), or NULL when
 * an input is missing or meaningless, so the position is counted as "no delta", never as 0.
 */
function registerModelledDelta(db: Db): void {
  db.function(
    'modelled_delta',
    { deterministic: true },
    (optionType: unknown, spot: unknown, strike: unknown, asOf: unknown, expiry: unknown, volatility: unknown) => {
      if (typeof asOf !== 'string' || typeof expiry !== 'string') return null;
      const delta = blackScholesDelta({
        optionType: optionType as 'CALL' | 'PUTO',
        spot: Number(spot),
        strike: Number(strike),
        yearsToExpiry: yearsBetween(asOf, expiry.slice(0, 10)),
        volatility: Number(volatility),
      });
      return Number.isFinite(delta) ? delta : null;
    },
  );
}

/**
 * The margin reports in effect as of the snapshot: per reporting side and collateral portfolio
 * (reporting LEI, other counterparty, portfolio code) or per trade (reporting LEI, UTI), the
 * latest by collateral timestamp (a report without one is older than any dated one; ties go to
 * the report read last). Reports dated after the as-of date are not in effect. Margin amounts
 * are totals, not changes (CDE 2.31–2.46), so summing several reports of one portfolio would
 * count the same collateral several times.
 */
function selectMarginInEffect(db: Db, snapshotId: number, asOf: string): void {
  db.exec(`DROP TABLE IF EXISTS temp.margin_used; CREATE TEMP TABLE margin_used (row INTEGER PRIMARY KEY)`);
  db.prepare(
    `INSERT INTO temp.margin_used (row)
     SELECT rowid FROM (
       SELECT rowid, row_number() OVER (
                PARTITION BY reporting_lei, other_cpty_id, collateral_portfolio_code, uti
                ORDER BY collateral_ts DESC NULLS LAST, rowid DESC) AS n
         FROM margin_state
        WHERE snapshot_id = :s AND (collateral_ts IS NULL OR substr(collateral_ts, 1, 10) <= :asOf)
     ) WHERE n = 1`,
  ).run({ s: snapshotId, asOf });
}

/**
 * Each report's state as of the snapshot date (outstanding, matured, or its action type's effect), and whether it is
 * the first of its trade in that state by reporting LEI: one sorted pass that both the counts (countTradeStates) and
 * the canonical reports (buildPositions) read. The first outstanding report of a UTI is its canonical one.
 */
function classifyReports(db: Db, snapshotId: number, asOf: string, reports: RowRange): void {
  const byAction = actionTypes
    .filter((a) => actionTypeRules[a].effect !== 'outstanding')
    .map((a) => `WHEN '${a}' THEN '${actionTypeRules[a].effect}'`)
    .join(' ');
  db.exec(`DROP TABLE IF EXISTS temp.report_state`);
  db.prepare(
    `CREATE TEMP TABLE report_state AS
     SELECT row, state, row_number() OVER (PARTITION BY uti, state ORDER BY reporting_lei) = 1 AS first FROM (
       SELECT rowid AS row, uti, reporting_lei,
              CASE action_type ${byAction}
              ELSE CASE WHEN expiration_date IS NOT NULL AND substr(expiration_date, 1, 10) < :asOf THEN 'matured'
                        ELSE 'outstanding' END END AS state
         FROM trade_state NOT INDEXED WHERE rowid BETWEEN :lo AND :hi AND snapshot_id = :s)`,
  ).run({ s: snapshotId, asOf, ...reports });
}

/** How many reports and distinct trades of the snapshot are outstanding, and why the others are not. */
function countTradeStates(db: Db, snapshotId: number): void {
  // Counted first, written after: the read holds no write lock (a handful of rows to write).
  const counts = db
    .prepare(`SELECT state, count(*) AS reports, sum(first) AS trades FROM temp.report_state GROUP BY state`)
    .all() as Array<{ state: string; reports: number; trades: number }>;
  const insert = db.prepare(`INSERT INTO trade_state_count (snapshot_id, state, reports, trades) VALUES (?, ?, ?, ?)`);
  for (const c of counts) insert.run(snapshotId, c.state, c.reports, c.trades);
}

function* buildPositions(db: Db, snapshotId: number, asOf: string, chunkTrades: number, reports: RowRange): Generator<RollupProgress> {
  const s = { s: snapshotId };
  db.exec(
    `DROP TABLE IF EXISTS temp.canon; DROP TABLE IF EXISTS temp.netting; DROP TABLE IF EXISTS temp.trade_margin; DROP TABLE IF EXISTS temp.margined`,
  );
  // The canonical report of each outstanding UTI (its first outstanding report by reporting LEI), kept as the rowid.
  db.exec(`CREATE TEMP TABLE canon (row INTEGER PRIMARY KEY)`);
  db.prepare(`INSERT INTO temp.canon (row) SELECT row FROM temp.report_state WHERE state = 'outstanding' AND first ORDER BY row`).run();
  // Collateralisation category by netting set and by per-trade margin, from the reports in
  // effect: small keyed tables, so each position finds its category with one lookup.
  db.exec(
    `CREATE TEMP TABLE netting (reporting_lei TEXT, other_cpty_id TEXT, code TEXT, cat TEXT, PRIMARY KEY (reporting_lei, other_cpty_id, code))`,
  );
  db.prepare(
    `INSERT INTO temp.netting SELECT m.reporting_lei, m.other_cpty_id, m.collateral_portfolio_code, min(m.collateralisation_cat)
       FROM temp.margin_used u JOIN margin_state m ON m.rowid = u.row
      WHERE m.collateral_portfolio_code IS NOT NULL
      GROUP BY m.reporting_lei, m.other_cpty_id, m.collateral_portfolio_code`,
  ).run();
  db.exec(`CREATE TEMP TABLE trade_margin (uti TEXT, reporting_lei TEXT, cat TEXT, PRIMARY KEY (uti, reporting_lei))`);
  db.prepare(
    `INSERT INTO temp.trade_margin SELECT m.uti, m.reporting_lei, min(m.collateralisation_cat)
       FROM temp.margin_used u JOIN margin_state m ON m.rowid = u.row
      WHERE m.uti IS NOT NULL GROUP BY m.uti, m.reporting_lei`,
  ).run();
  // Which side of which trade has margin reported: the side's own report of the trade names a
  // netting set its reporter has a margin report for, or the side reported margin for the trade
  // itself. A side that reported nothing (the other side under one-sided reporting) has none.
  db.exec(`CREATE TEMP TABLE margined (uti TEXT, holder TEXT, PRIMARY KEY (uti, holder)) WITHOUT ROWID`);
  db.prepare(`INSERT OR IGNORE INTO temp.margined SELECT uti, reporting_lei FROM temp.trade_margin`).run();
  // The reports in table order, each looking its netting set up (CROSS JOIN keeps that order); none when no set.
  if (db.prepare(`SELECT 1 FROM temp.netting LIMIT 1`).get())
    db.prepare(
      `INSERT OR IGNORE INTO temp.margined
       SELECT t.uti, t.reporting_lei FROM trade_state t NOT INDEXED
        CROSS JOIN temp.netting n ON n.reporting_lei = t.reporting_lei AND n.other_cpty_id = t.other_cpty_id AND n.code = t.collateral_portfolio_code
        WHERE t.rowid BETWEEN :lo AND :hi AND t.snapshot_id = :s`,
    ).run({ ...s, ...reports });

  registerModelledDelta(db);
  // Written a range of canonical trades at a time, in the order of their rows (each range's reporting sides, then its
  // other sides): the same rows in the same order whether run in steps or at once.
  const total = db.prepare(`SELECT count(*) FROM temp.canon`).pluck().get() as number;
  const boundaries = db
    .prepare(`SELECT row FROM (SELECT row, (row_number() OVER (ORDER BY row) - 1) % ? AS k FROM temp.canon) WHERE k = 0 ORDER BY row`)
    .pluck()
    .all(chunkTrades) as number[];
  const insertRange = db.prepare(
    `WITH c AS (
       SELECT t.rowid AS trade_row, t.*,
              e1.legal_country AS j1, coalesce(e1.ultimate_parent_lei, t.reporting_lei) AS g1,
              CASE WHEN t.other_cpty_is_lei = 1 THEN e2.legal_country ELSE t.other_cpty_country END AS j2,
              CASE WHEN t.other_cpty_is_lei = 1 THEN coalesce(e2.ultimate_parent_lei, t.other_cpty_id) ELSE t.other_cpty_id END AS g2,
              CASE t.direction WHEN 'BYER' THEN 1 WHEN 'SLLR' THEN -1 ELSE 0 END AS s1,
              coalesce(t.underlier_dti, t.underlier_symbol) AS und,
              CASE WHEN t.perpetual = 1 THEN 'PERP' ELSE coalesce(t.contract_type, 'OTHR') END AS kind,
              CASE WHEN t.venue_id IS NOT NULL THEN t.venue_id
                   WHEN t.platform_mic IS NULL OR t.platform_mic IN ('XOFF', 'XXXX', 'BILT') THEN 'OFF-VENUE'
                   ELSE t.platform_mic END AS ven,
              CASE t.cleared WHEN 'Y' THEN 'cleared' ELSE 'uncleared' END AS clr,
              coalesce(t.ccp_lei, 'NONE') AS ccpv,
              coalesce(tm.cat, n.cat, 'NONE') AS coll,
              (mr1.uti IS NOT NULL) AS mr1,
              (mr2.uti IS NOT NULL) AS mr2,
              -- An option's delta: as reported (from the reporting side), else modelled from the
              -- snapshot's price and volatility, signed by direction; other contracts move one for one.
              CASE WHEN t.contract_type IS NOT 'OPTN' THEN NULL
                   WHEN t.delta IS NOT NULL THEN CAST(t.delta AS REAL) END AS reported_delta,
              CASE WHEN t.contract_type = 'OPTN' AND t.delta IS NULL THEN
                   modelled_delta(t.option_type, pr.price_usd,
                                  CAST(t.strike AS REAL) * sfx.usd_per_unit,
                                  :asOf, t.expiration_date, pr.volatility) END AS model_delta
         FROM temp.canon k
         JOIN trade_state t ON t.rowid = k.row AND k.row >= :lo AND k.row < :hi
         LEFT JOIN entity e1 ON e1.snapshot_id = :s AND e1.lei = t.reporting_lei
         LEFT JOIN entity e2 ON e2.snapshot_id = :s AND e2.lei = t.other_cpty_id AND t.other_cpty_is_lei = 1
         LEFT JOIN temp.netting n ON n.reporting_lei = t.reporting_lei AND n.other_cpty_id = t.other_cpty_id AND n.code = t.collateral_portfolio_code
         LEFT JOIN temp.trade_margin tm ON tm.uti = t.uti AND tm.reporting_lei = t.reporting_lei
         LEFT JOIN temp.margined mr1 ON mr1.uti = t.uti AND mr1.holder = t.reporting_lei
         LEFT JOIN temp.margined mr2 ON mr2.uti = t.uti AND mr2.holder = t.other_cpty_id
         LEFT JOIN underlier_price pr ON pr.snapshot_id = :s AND pr.underlier_dti = t.underlier_dti
         LEFT JOIN snapshot_fx sfx ON sfx.snapshot_id = :s AND sfx.ccy = t.strike_ccy
     ),
     x AS (SELECT c.*, CASE WHEN j1 IS NULL OR j2 IS NULL THEN 'unknown' WHEN j1 <> j2 THEN 'cross-border' ELSE 'domestic' END AS xb,
                  (j1 IS j2) | ((g1 IS g2) << 1) | ((reporting_lei = other_cpty_id) << 2) AS flags,
                  CASE WHEN contract_type IS NOT 'OPTN' THEN 0 WHEN reported_delta IS NOT NULL THEN 0 WHEN model_delta IS NOT NULL THEN 1 ELSE 2 END AS dsrc,
                  notional_usd * CASE WHEN contract_type IS NOT 'OPTN' THEN s1
                                      WHEN reported_delta IS NOT NULL THEN reported_delta
                                      ELSE model_delta * s1 END AS d1
             FROM c)
     INSERT INTO exposure_position (snapshot_id, trade_row, uti, side, holder, jurisdiction, other_jurisdiction, group_id, underlier,
                                    contract_kind, venue, cleared, ccp, collateralisation, cross_border, sign, notional_usd, valuation_usd,
                                    delta_usd, delta_source, same_side_flags, margin_reported)
     SELECT :s, trade_row, uti, 1, reporting_lei, j1, j2, g1, und, kind, ven, clr, ccpv, coll, xb, s1, notional_usd, valuation_usd,
            d1, dsrc, flags, mr1 FROM x
     UNION ALL
     SELECT :s, trade_row, uti, 2, other_cpty_id, j2, j1, g2, und, kind, ven, clr, ccpv, coll, xb, -s1, notional_usd, -valuation_usd,
            -d1, dsrc, flags, mr2 FROM x`,
  );
  for (const [i, lo] of boundaries.entries()) {
    const hi = boundaries[i + 1] ?? Number.MAX_SAFE_INTEGER;
    insertRange.run({ ...s, asOf, lo, hi });
    yield { step: 'positions', done: Math.min((i + 1) * chunkTrades, total), total };
  }
  db.exec(`DROP TABLE temp.canon; DROP TABLE temp.netting; DROP TABLE temp.trade_margin; DROP TABLE temp.margined`);
}

/**
 * The drill rollup: positions summed per holder and combination of every other dimension (a
 * few hundred thousand cells for a million trades), ordered by holder so distinct holders can
 * be counted in one pass. Each cell keeps its positions' same-side flags, so a level counts a
 * trade whose two sides fall in one row once (see exposure/cube.ts).
 */
function* buildCells(db: Db, snapshotId: number, positions: RowRange): Generator<RollupProgress> {
  const dims = `holder, jurisdiction, other_jurisdiction, group_id, underlier, contract_kind, venue, cleared, ccp, collateralisation,
                cross_border, same_side_flags`;
  const sums = `positions, unconverted, notional_usd, net_usd, valuation_usd, delta_usd, delta_modelled, delta_missing,
                margined_positions, margined_notional_usd`;
  // Grouped into a temp table first (the sort of every position takes no write lock), then copied in ranges.
  db.exec(`DROP TABLE IF EXISTS temp.cells`);
  db.prepare(
    `CREATE TEMP TABLE cells AS
     SELECT ${dims}, count(*) AS positions, sum(notional_usd IS NULL) AS unconverted, total(notional_usd) AS notional_usd,
            total(sign * notional_usd) AS net_usd, total(valuation_usd) AS valuation_usd, total(delta_usd) AS delta_usd,
            sum(delta_source = 1) AS delta_modelled, sum(delta_source = 2) AS delta_missing, sum(margin_reported) AS margined_positions,
            total(CASE WHEN margin_reported = 1 THEN notional_usd END) AS margined_notional_usd
       FROM exposure_position NOT INDEXED WHERE rowid BETWEEN :lo AND :hi AND snapshot_id = :s
      GROUP BY ${dims}
      ORDER BY holder`,
  ).run({ s: snapshotId, ...positions });
  const total = db.prepare(`SELECT max(rowid) FROM temp.cells`).pluck().get() as number | null;
  const copy = db.prepare(
    `INSERT INTO exposure_cell (snapshot_id, ${dims}, ${sums}) SELECT :s, ${dims}, ${sums} FROM temp.cells WHERE rowid > :lo AND rowid <= :hi ORDER BY rowid`,
  );
  for (let lo = 0; lo < (total ?? 0); lo += CELL_CHUNK) {
    copy.run({ s: snapshotId, lo, hi: lo + CELL_CHUNK });
    yield { step: 'cells', done: Math.min(lo + CELL_CHUNK, total!), total: total! };
  }
  db.exec(`DROP TABLE temp.cells`);
}

/** How many drill cells one step copies. */
const CELL_CHUNK = 200_000;

/**
 * Each holder's reported margin in USD, from the reports in effect: every amount converted with
 * the snapshot's rate of its own currency (snapshot_fx); an amount without a rate is counted as
 * unconverted, never as zero, and an amount nobody reported stays NULL (not zero).
 */
function buildHolderMargin(db: Db, snapshotId: number): void {
  const amounts = ['im_posted', 'vm_posted', 'excess_posted', 'im_collected', 'vm_collected', 'excess_collected'];
  const usd = (a: string) => `CAST(m.${a} AS REAL) * (SELECT usd_per_unit FROM snapshot_fx WHERE snapshot_id = :s AND ccy = m.${a}_ccy)`;
  const lost = (a: string) => `(m.${a} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM snapshot_fx WHERE snapshot_id = :s AND ccy = m.${a}_ccy))`;
  db.prepare(
    `INSERT INTO holder_margin (snapshot_id, holder, ${amounts.map((a) => `${a}_usd`).join(', ')}, unconverted)
     SELECT :s, m.reporting_lei, ${amounts.map((a) => `sum(${usd(a)})`).join(', ')}, ${amounts.map((a) => `sum(${lost(a)})`).join(' + ')}
       FROM temp.margin_used u JOIN margin_state m ON m.rowid = u.row
      GROUP BY m.reporting_lei`,
  ).run({ s: snapshotId });
}
