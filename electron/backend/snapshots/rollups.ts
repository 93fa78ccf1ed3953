import type { Db } from '../db/openDatabase';

/**
 * Computes the drill-down rollups of one snapshot (before it becomes visible).
 *
 * Unit of exposure: a counterparty's side of a trade. Each UTI counts once ("canonical"
 * report: the one from the lowest reporting LEI, so two-sided EMIR reports are not summed
 * twice) and yields two positions: the reporting side with its direction, the other side
 * with the opposite one. A position's jurisdiction is the holder's legal country from the
 * snapshot's entity data, or for a natural person the reported country.
 *
 * Per jurisdiction: trades = distinct UTIs with a side there (a cross-border trade appears
 * under both jurisdictions, a domestic one once); gross notional sums those UTIs' notionals
 * once each; net notional sums the signed positions held there; IM posted sums margin
 * reported by counterparties there. Terminated and erroneous reports (TERM, EROR) carry no
 * exposure and are left out.
 */
export function computeRollups(db: Db, snapshotId: number): void {
  db.exec(`DROP TABLE IF EXISTS temp.position`);
  db.exec(`DROP TABLE IF EXISTS temp.canon`);
  db.exec(`
    CREATE TEMP TABLE position (
      uti TEXT NOT NULL, holder TEXT NOT NULL, jurisdiction TEXT, sign INTEGER NOT NULL, notional_usd REAL
    )`);
  // The canonical report of each live UTI: one grouped pass, kept as the rowid to read back.
  db.exec(`CREATE TEMP TABLE canon (row INTEGER PRIMARY KEY)`);
  db.prepare(
    `INSERT INTO temp.canon (row)
     SELECT rowid FROM (
       SELECT rowid, row_number() OVER (PARTITION BY uti ORDER BY reporting_lei) AS n
         FROM trade_state
        WHERE snapshot_id = :s AND (action_type IS NULL OR action_type NOT IN ('TERM', 'EROR'))
     ) WHERE n = 1`,
  ).run({ s: snapshotId });
  db.prepare(
    `WITH c AS (SELECT t.* FROM temp.canon k JOIN trade_state t ON t.rowid = k.row)
     INSERT INTO temp.position (uti, holder, jurisdiction, sign, notional_usd)
     SELECT c.uti, c.reporting_lei, e.legal_country,
            CASE c.direction WHEN 'BYER' THEN 1 WHEN 'SLLR' THEN -1 ELSE 0 END, c.notional_usd
       FROM c LEFT JOIN entity e ON e.snapshot_id = :s AND e.lei = c.reporting_lei
     UNION ALL
     SELECT c.uti, c.other_cpty_id,
            CASE WHEN c.other_cpty_is_lei = 1 THEN e.legal_country ELSE c.other_cpty_country END,
            CASE c.direction WHEN 'BYER' THEN -1 WHEN 'SLLR' THEN 1 ELSE 0 END, c.notional_usd
       FROM c LEFT JOIN entity e ON e.snapshot_id = :s AND e.lei = c.other_cpty_id AND c.other_cpty_is_lei = 1`,
  ).run({ s: snapshotId });

  db.prepare(
    `INSERT INTO rollup_jurisdiction (snapshot_id, jurisdiction, trade_count, counterparty_count, gross_notional_usd,
                                      net_notional_usd, im_posted_usd, unconverted_count)
     WITH per_trade AS (
       SELECT jurisdiction, uti, max(notional_usd) AS notional_usd, sum(sign * notional_usd) AS net
         FROM temp.position GROUP BY jurisdiction, uti
     ),
     trades AS (
       SELECT jurisdiction, count(*) AS trade_count, total(notional_usd) AS gross, total(net) AS net,
              sum(notional_usd IS NULL) AS unconverted
         FROM per_trade GROUP BY jurisdiction
     ),
     holders AS (
       SELECT jurisdiction, count(DISTINCT holder) AS counterparty_count FROM temp.position GROUP BY jurisdiction
     ),
     margin AS (
       SELECT e.legal_country AS jurisdiction, total(m.im_posted_usd) AS im,
              sum(m.im_posted IS NOT NULL AND m.im_posted_usd IS NULL) AS unconverted
         FROM margin_state m LEFT JOIN entity e ON e.snapshot_id = m.snapshot_id AND e.lei = m.reporting_lei
        WHERE m.snapshot_id = :s GROUP BY e.legal_country
     ),
     keys AS (SELECT jurisdiction FROM trades UNION SELECT jurisdiction FROM margin)
     SELECT :s, k.jurisdiction, ifnull(t.trade_count, 0), ifnull(h.counterparty_count, 0), ifnull(t.gross, 0),
            ifnull(t.net, 0), ifnull(m.im, 0), ifnull(t.unconverted, 0) + ifnull(m.unconverted, 0)
       FROM keys k
       LEFT JOIN trades t ON t.jurisdiction IS k.jurisdiction
       LEFT JOIN holders h ON h.jurisdiction IS k.jurisdiction
       LEFT JOIN margin m ON m.jurisdiction IS k.jurisdiction`,
  ).run({ s: snapshotId });

  db.prepare(
    `INSERT INTO rollup_total (snapshot_id, trade_count, counterparty_count, gross_notional_usd, net_notional_usd,
                               im_posted_usd, unconverted_count)
     SELECT :s,
            (SELECT count(DISTINCT uti) FROM temp.position),
            (SELECT count(DISTINCT holder) FROM temp.position),
            (SELECT total(n) FROM (SELECT max(notional_usd) AS n FROM temp.position GROUP BY uti)),
            (SELECT total(sign * notional_usd) FROM temp.position),
            (SELECT total(im_posted_usd) FROM margin_state WHERE snapshot_id = :s),
            (SELECT count(DISTINCT uti) FROM temp.position WHERE notional_usd IS NULL)
              + (SELECT count(*) FROM margin_state WHERE snapshot_id = :s AND im_posted IS NOT NULL AND im_posted_usd IS NULL)`,
  ).run({ s: snapshotId });
  db.exec(`DROP TABLE temp.position`);
  db.exec(`DROP TABLE temp.canon`);
}
