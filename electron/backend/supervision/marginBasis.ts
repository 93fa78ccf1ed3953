import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { positionRange } from './positionRange';

/**
 * What required margin is computed from, read once per snapshot (issue 14 performance: margin by netting set ≤ 1 s
 * at 1,000,000 trades). A snapshot's positions and margin reports never change once it is active, and the rates are
 * not in here (they depend on the schedule in effect, which may change): computeMargin applies them per class, so
 * a new schedule version needs no re-read. The read is the slow part (every position of the snapshot through SQL);
 * what it keeps is small: per netting set, the net delta-adjusted notional per underlier and rate class.
 */

/** What chooses a position's rate in the schedule (shared by many positions). */
export interface RateClass {
  assetClass: string | null;
  contractType: string;
  underlierDti: string | null;
  underlierSymbol: string | null;
}

/** One netting set: a holder's collateral portfolio with a counterparty, or (no portfolio code) the pair itself. */
export interface BasisSet {
  label: string;
  holder: string;
  counterparty: string;
  group: string | null;
  jurisdiction: string | null;
  positions: number;
  /**
   * Net signed delta-adjusted notional (USD) by underlier and rate class, with its gross |delta| on each of the set's
   * venues (`gross[i]` on `venues[i]`; missing = 0): for the venue split. Arrays, not maps: most sets have one venue.
   */
  nets: Array<{ underlier: string; rateClass: number; net: number; gross: number[] }>;
  venues: string[];
  venuePositions: number[];
  posted: number;
  reported: boolean;
}

export interface MarginBasis {
  asOf: string;
  sets: BasisSet[];
  rateClasses: RateClass[];
  /** Positions without a delta-adjusted notional in USD (no price or FX, no delta obtainable). */
  unpriced: number;
}

type PositionTuple = [
  holder: string,
  counterparty: string,
  uti: string,
  underlier: string | null,
  kind: string,
  delta: number | null,
  groupId: string | null,
  jurisdiction: string | null,
  assetClass: string | null,
  dti: string | null,
  symbol: string | null,
  code: string | null,
  venue: string,
];

function readBasis(db: Db, snapshotId: number, asOf: string): MarginBasis {
  const sets = new Map<string, BasisSet & { netIndex: Map<string, number> }>();
  /** Which netting set each holder's side of a trade is in, for per-trade margin reports. */
  const setOfTrade = new Map<string, BasisSet>();
  const classIndex = new Map<string, number>();
  const rateClasses: RateClass[] = [];
  let unpriced = 0;
  const positions = db.prepare(
    `SELECT p.holder, CASE p.side WHEN 1 THEN t.other_cpty_id ELSE t.reporting_lei END AS counterparty, p.uti,
            p.underlier, p.contract_kind AS kind, p.delta_usd AS delta, p.group_id AS groupId, p.jurisdiction,
            t.asset_class AS assetClass, t.underlier_dti AS dti, t.underlier_symbol AS symbol,
            own.collateral_portfolio_code AS code, p.venue
       FROM exposure_position p NOT INDEXED
       JOIN trade_state t ON t.rowid = p.trade_row
       LEFT JOIN trade_state own ON own.snapshot_id = p.snapshot_id AND own.uti = p.uti AND own.reporting_lei = p.holder
      WHERE p.rowid BETWEEN :lo AND :hi AND p.snapshot_id = :s`,
  );
  // Rows as arrays (no object per row): this loop sees every position of the snapshot.
  for (const [holder, counterparty, uti, underlier, kind, delta, groupId, jurisdiction, assetClass, dti, symbol, code, venue] of positions
    .raw()
    .iterate(positionRange(db, snapshotId)) as IterableIterator<PositionTuple>) {
    if (delta === null) {
      unpriced++;
      continue;
    }
    const key = `${holder}\u0000${counterparty}\u0000${code ?? ''}`;
    let set = sets.get(key);
    if (!set) {
      set = {
        label: `${holder} ↔ ${counterparty}${code ? ` · ${code}` : ''}`,
        holder,
        counterparty,
        group: groupId,
        jurisdiction,
        positions: 0,
        nets: [],
        venues: [],
        venuePositions: [],
        posted: 0,
        reported: false,
        netIndex: new Map(),
      };
      sets.set(key, set);
    }
    setOfTrade.set(`${uti}\u0000${holder}`, set);
    const classKey = `${assetClass}\u0000${kind}\u0000${dti}\u0000${symbol}`;
    let rateClass = classIndex.get(classKey);
    if (rateClass === undefined) {
      rateClass = rateClasses.push({ assetClass, contractType: kind, underlierDti: dti, underlierSymbol: symbol }) - 1;
      classIndex.set(classKey, rateClass);
    }
    const netKey = `${underlier ?? ''}\u0000${rateClass}`;
    let at = set.netIndex.get(netKey);
    if (at === undefined) {
      at = set.nets.push({ underlier: underlier ?? '', rateClass, net: 0, gross: [] }) - 1;
      set.netIndex.set(netKey, at);
    }
    let v = set.venues.indexOf(venue);
    if (v < 0) v = set.venues.push(venue) - 1;
    const entry = set.nets[at]!;
    entry.net += delta;
    entry.gross[v] = (entry.gross[v] ?? 0) + Math.abs(delta);
    set.venuePositions[v] = (set.venuePositions[v] ?? 0) + 1;
    set.positions++;
  }

  // Initial margin posted: the reports in effect at the as-of date (the latest per portfolio or trade, none dated
  // after it), each counted once; amounts are totals, not changes.
  const margins = db.prepare(
    `SELECT reporting_lei AS holder, other_cpty_id AS counterparty, collateral_portfolio_code AS code, uti, im_posted_usd AS im
       FROM (SELECT m.*, row_number() OVER (
                      PARTITION BY reporting_lei, other_cpty_id, collateral_portfolio_code, uti
                      ORDER BY collateral_ts DESC NULLS LAST, rowid DESC) AS n
               FROM margin_state m
              WHERE snapshot_id = :s AND (collateral_ts IS NULL OR substr(collateral_ts, 1, 10) <= :asOf))
      WHERE n = 1`,
  );
  for (const [holder, counterparty, code, uti, im] of margins.raw().iterate({ s: snapshotId, asOf }) as IterableIterator<
    [string, string, string | null, string | null, number | null]
  >) {
    const set = code !== null ? sets.get(`${holder}\u0000${counterparty}\u0000${code}`) : setOfTrade.get(`${uti}\u0000${holder}`);
    if (!set || im === null) continue;
    set.posted += im;
    set.reported = true;
  }
  const kept: BasisSet[] = [];
  for (const { netIndex: _dropped, ...set } of sets.values()) kept.push(set);
  return { asOf, sets: kept, rateClasses, unpriced };
}

/** The bases read, per database connection: the two most recently used snapshots (each can be tens of MB at 1M trades). */
const cache = new WeakMap<Db, Array<{ identity: string; basis: MarginBasis }>>();
const KEEP = 2;

/**
 * The margin basis of an active snapshot, read once and kept while the snapshot is the same one (its id, source hash
 * and import time: an id is only reused after the snapshot was removed, and then the import time differs).
 */
export function marginBasis(db: Db, snapshotId: number): MarginBasis {
  const snapshot = db
    .prepare(`SELECT as_of_date AS asOf, source_sha256 AS sha, imported_at AS at FROM snapshot WHERE snapshot_id = ? AND status = 'active'`)
    .get(snapshotId) as { asOf: string; sha: string; at: string } | undefined;
  if (!snapshot) throw new ContractError('NOT_FOUND', `No snapshot ${snapshotId}: choose one from \`concordat snapshots list\`.`);
  const identity = `${snapshotId}\u0000${snapshot.sha}\u0000${snapshot.at}`;
  const kept = cache.get(db) ?? [];
  const hit = kept.find((k) => k.identity === identity);
  if (hit) {
    cache.set(db, [hit, ...kept.filter((k) => k !== hit)]);
    return hit.basis;
  }
  const basis = readBasis(db, snapshotId, snapshot.asOf);
  cache.set(db, [{ identity, basis }, ...kept].slice(0, KEEP));
  return basis;
}
