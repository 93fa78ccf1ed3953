import type { Db } from '../db/openDatabase';

/**
 * Builds the drill-down data of one snapshot (before it becomes visible): the position fact
 * table every drill level is read from.
 *
 * Unit of exposure: a counterparty's side of a trade. Each live UTI counts once (its
 * "canonical" report: the one from the lowest reporting LEI, so two-sided EMIR reports are
 * not summed twice) and yields two positions: the reporting side with its direction, the
 * other side with the opposite one. A position's jurisdiction is the holder's legal country
 * from the snapshot's entity data, or for a natural person the reported country; its group is
 * the holder's ultimate parent (itself when none is known). Terminated and erroneous reports
 * (TERM, EROR) carry no exposure and are left out.
 */
export function computeRollups(db: Db, snapshotId: number): void {
  buildPositions(db, snapshotId);
}

function buildPositions(db: Db, snapshotId: number): void {
  const s = { s: snapshotId };
  db.exec(`DROP TABLE IF EXISTS temp.canon; DROP TABLE IF EXISTS temp.netting; DROP TABLE IF EXISTS temp.trade_margin`);
  // The canonical report of each live UTI: one grouped pass, kept as the rowid to read back.
  db.exec(`CREATE TEMP TABLE canon (row INTEGER PRIMARY KEY)`);
  db.prepare(
    `INSERT INTO temp.canon (row)
     SELECT rowid FROM (
       SELECT rowid, row_number() OVER (PARTITION BY uti ORDER BY reporting_lei) AS n
         FROM trade_state
        WHERE snapshot_id = :s AND (action_type IS NULL OR action_type NOT IN ('TERM', 'EROR'))
     ) WHERE n = 1`,
  ).run(s);
  // Collateralisation category by netting set and by per-trade margin: small keyed tables,
  // so each position finds its category with one lookup.
  db.exec(
    `CREATE TEMP TABLE netting (reporting_lei TEXT, other_cpty_id TEXT, code TEXT, cat TEXT, PRIMARY KEY (reporting_lei, other_cpty_id, code))`,
  );
  db.prepare(
    `INSERT INTO temp.netting SELECT reporting_lei, other_cpty_id, collateral_portfolio_code, min(collateralisation_cat)
       FROM margin_state WHERE snapshot_id = :s AND collateral_portfolio_code IS NOT NULL
      GROUP BY reporting_lei, other_cpty_id, collateral_portfolio_code`,
  ).run(s);
  db.exec(`CREATE TEMP TABLE trade_margin (uti TEXT, reporting_lei TEXT, cat TEXT, PRIMARY KEY (uti, reporting_lei))`);
  db.prepare(
    `INSERT INTO temp.trade_margin SELECT uti, reporting_lei, min(collateralisation_cat)
       FROM margin_state WHERE snapshot_id = :s AND uti IS NOT NULL GROUP BY uti, reporting_lei`,
  ).run(s);

  db.prepare(
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
              coalesce(tm.cat, n.cat, 'NONE') AS coll
         FROM temp.canon k
         JOIN trade_state t ON t.rowid = k.row
         LEFT JOIN entity e1 ON e1.snapshot_id = :s AND e1.lei = t.reporting_lei
         LEFT JOIN entity e2 ON e2.snapshot_id = :s AND e2.lei = t.other_cpty_id AND t.other_cpty_is_lei = 1
         LEFT JOIN temp.netting n ON n.reporting_lei = t.reporting_lei AND n.other_cpty_id = t.other_cpty_id AND n.code = t.collateral_portfolio_code
         LEFT JOIN temp.trade_margin tm ON tm.uti = t.uti AND tm.reporting_lei = t.reporting_lei
     ),
     x AS (SELECT c.*, CASE WHEN j1 IS NULL OR j2 IS NULL THEN 'unknown' WHEN j1 <> j2 THEN 'cross-border' ELSE 'domestic' END AS xb FROM c)
     INSERT INTO exposure_position (snapshot_id, trade_row, uti, side, holder, jurisdiction, other_jurisdiction, group_id, underlier,
                                    contract_kind, venue, cleared, ccp, collateralisation, cross_border, sign, notional_usd, valuation_usd)
     SELECT :s, trade_row, uti, 1, reporting_lei, j1, j2, g1, und, kind, ven, clr, ccpv, coll, xb, s1, notional_usd, valuation_usd FROM x
     UNION ALL
     SELECT :s, trade_row, uti, 2, other_cpty_id, j2, j1, g2, und, kind, ven, clr, ccpv, coll, xb, -s1, notional_usd, -valuation_usd FROM x`,
  ).run(s);
  db.exec(`DROP TABLE temp.canon; DROP TABLE temp.netting; DROP TABLE temp.trade_margin`);
}
