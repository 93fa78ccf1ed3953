import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { assertDrillCurrent } from '../snapshots/drillStale';
import { positionRange } from './positionRange';
import { cacheUnder } from './scheduledSnapshot';
import { persistedDigest, requireColumns, sourceOf, stringTable, type DigestCodec } from './snapshotDigest';

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

/**
 * The netting sets of a snapshot, as columns (`set*` indexed by set, `net*` by net, `venue*` by a set's venue slot):
 * 343,000 sets at 1,000,000 trades, kept in memory per snapshot and stored as a snapshot digest, where an object per
 * set took seconds to encode and decode. Strings are indexes into `names` (-1 for none).
 *
 * A netting set is a holder's collateral portfolio with a counterparty, or (no portfolio code) the pair itself. Its
 * nets are the net signed delta-adjusted notional (USD) per underlier and rate class, nets `setNetStart[s]` up to
 * `setNetStart[s + 1]`; its venues are slots `setVenueStart[s]` up to `setVenueStart[s + 1]`, and net `k` has its gross
 * |delta| on the set's i-th venue at `gross[netGrossStart[k] + i]` (for the venue split).
 */
export interface MarginBasis {
  asOf: string;
  names: string[];
  rateClasses: RateClass[];
  /** Positions without a delta-adjusted notional in USD (no price or FX, no delta obtainable). */
  unpriced: number;
  sets: number;
  setHolder: Int32Array;
  setCounterparty: Int32Array;
  setCode: Int32Array;
  setGroup: Int32Array;
  setJurisdiction: Int32Array;
  setPositions: Int32Array;
  setPosted: Float64Array;
  /** 1 when a margin report of the holder's is in effect for the set. */
  setReported: Uint8Array;
  setNetStart: Int32Array;
  setVenueStart: Int32Array;
  venueName: Int32Array;
  venuePositions: Int32Array;
  netUnderlier: Int32Array;
  netRateClass: Int32Array;
  netValue: Float64Array;
  netGrossStart: Int32Array;
  gross: Float64Array;
}

/** A netting set as people read it: holder ↔ counterparty, and the portfolio code when there is one. */
export function setLabel(basis: MarginBasis, s: number): string {
  const code = basis.setCode[s]!;
  return `${basis.names[basis.setHolder[s]!]} ↔ ${basis.names[basis.setCounterparty[s]!]}${code >= 0 ? ` · ${basis.names[code]}` : ''}`;
}

type PositionTuple = [
  setKey: string,
  uti: string,
  underlier: string | null,
  delta: number,
  groupId: string | null,
  jurisdiction: string | null,
  classKey: string,
  venue: string,
];

type MarginTuple = [setKey: string, holder: string, code: string | null, uti: string | null, im: number | null];

/**
 * SQL: a key of nullable text columns, built by SQLite (every key compared with another is): each value marked, '='
 * before a value and '-' for NULL, joined by NUL. So the key tells NULL from any text and splits back into the values
 * (splitKey). No imported value holds a NUL: the CSV reader refuses the character and XML cannot carry it. (SQLite's
 * json_array would do the same job, but took the margin basis from 10 s to 18 s at 1,000,000 trades.)
 */
const keyOf = (...columns: string[]) => columns.map((c) => `coalesce('=' || ${c}, '-')`).join(` || char(0) || `);

function splitKey(key: string): Array<string | null> {
  return key.split('\u0000').map((part) => (part === '-' ? null : part.slice(1)));
}

/** SQL: the collateral portfolio code of the holder's own report of the trade (alias p for the position, t its report). */
const ownCode = `CASE p.side WHEN 1 THEN t.collateral_portfolio_code
                 ELSE (SELECT own.collateral_portfolio_code FROM trade_state own
                        WHERE own.snapshot_id = p.snapshot_id AND own.uti = p.uti AND own.reporting_lei = p.holder) END`;

/** The columns of MarginBasis while they grow (plain arrays), turned into typed arrays at the end. */
type GrowingColumns = { [K in (typeof basisColumns)[number]]: number[] };

function readBasis(db: Db, snapshotId: number, asOf: string): MarginBasis {
  // Initial margin posted: the reports in effect at the as-of date (the latest per portfolio or trade, none dated
  // after it), each counted once; amounts are totals, not changes. Read first, so that the positions loop remembers
  // only the sets these reports name: by portfolio (holder, counterparty, code), or per trade through the trade.
  // Read twice (the keys now, the amounts once the sets are known) rather than held: 450,000 reports at 1M trades.
  const marginQuery = db
    .prepare(
      `SELECT ${keyOf('reporting_lei', 'other_cpty_id', 'collateral_portfolio_code')} AS setKey, reporting_lei AS holder,
              collateral_portfolio_code AS code, uti, im_posted_usd AS im
         FROM (SELECT m.*, row_number() OVER (
                        PARTITION BY reporting_lei, other_cpty_id, collateral_portfolio_code, uti
                        ORDER BY collateral_ts DESC NULLS LAST, rowid DESC) AS n
                 FROM margin_state m
                WHERE snapshot_id = :s AND (collateral_ts IS NULL OR substr(collateral_ts, 1, 10) <= :asOf))
        WHERE n = 1`,
    )
    .raw();
  const margins = () => marginQuery.iterate({ s: snapshotId, asOf }) as IterableIterator<MarginTuple>;
  const perTradeUtis = new Set<string>();
  const portfolioKeys = new Set<string>();
  for (const [setKey, , code, uti] of margins()) {
    if (code !== null) portfolioKeys.add(setKey);
    else if (uti !== null) perTradeUtis.add(uti);
  }
  const setOfKey = new Map<string, number>();
  /** The set of each holder's side of a trade, for the trades with a margin report of their own. */
  const setOfTrade = new Map<string, number>();

  const range = positionRange(db, snapshotId);
  // Positions without a delta-adjusted notional are counted, not netted.
  const unpriced = db
    .prepare(
      `SELECT count(*) FROM exposure_position p NOT INDEXED WHERE p.rowid BETWEEN :lo AND :hi AND p.snapshot_id = :s AND p.delta_usd IS NULL`,
    )
    .pluck()
    .get(range) as number;
  // The positions one netting set after the other (SQLite sorts, spilling to disk: at 1,000,000 trades the sets held
  // in memory at once took 700 MB), each set's in table order, so its nets, venues and sums come out as they would in
  // one pass over the table. The keys are built by SQLite: one string per key, no concatenation per row here. The
  // holder's own report of the trade is the position's own report on side 1 (trade_state's key is snapshot, UTI and
  // reporter), looked up only on side 2.
  const positions = db.prepare(
    `SELECT ${keyOf('p.holder', 'CASE p.side WHEN 1 THEN t.other_cpty_id ELSE t.reporting_lei END', ownCode)} AS setKey,
            p.uti, p.underlier, p.delta_usd AS delta, p.group_id AS groupId, p.jurisdiction,
            ${keyOf('t.asset_class', 'p.contract_kind', 't.underlier_dti', 't.underlier_symbol')} AS classKey, p.venue
       FROM exposure_position p NOT INDEXED
       JOIN trade_state t ON t.rowid = p.trade_row
      WHERE p.rowid BETWEEN :lo AND :hi AND p.snapshot_id = :s AND p.delta_usd IS NOT NULL
      ORDER BY setKey, p.rowid`,
  );

  const { names, indexOf: name } = stringTable();
  const classIndex = new Map<string, number>();
  const rateClasses: RateClass[] = [];
  const c = Object.fromEntries(basisColumns.map((column) => [column, []])) as unknown as GrowingColumns;
  // The set being read: its nets (underlier and rate class → index into nets), venues and counts.
  let currentKey: string | undefined;
  let nets: Array<{ underlier: string; rateClass: number; net: number; gross: number[] }> = [];
  let netIndex = new Map<string, number>();
  let venues: string[] = [];
  let venuePositions: number[] = [];
  let setPositions = 0;
  const closeSet = () => {
    if (currentKey === undefined) return;
    c.setPositions.push(setPositions);
    for (let v = 0; v < venues.length; v++) {
      c.venueName.push(name(venues[v]!));
      c.venuePositions.push(venuePositions[v] ?? 0);
    }
    for (const net of nets) {
      c.netUnderlier.push(name(net.underlier));
      c.netRateClass.push(net.rateClass);
      c.netValue.push(net.net);
      c.netGrossStart.push(c.gross.length);
      for (let v = 0; v < venues.length; v++) c.gross.push(net.gross[v] ?? 0);
    }
  };
  for (const [setKey, uti, underlier, delta, groupId, jurisdiction, classKey, venue] of positions
    .raw()
    .iterate(range) as IterableIterator<PositionTuple>) {
    if (setKey !== currentKey) {
      closeSet();
      currentKey = setKey;
      const s = c.setHolder.length;
      const [holder, counterparty, code] = splitKey(setKey) as [string, string, string | null];
      // A set's group and jurisdiction are those of its first position.
      c.setHolder.push(name(holder));
      c.setCounterparty.push(name(counterparty));
      c.setCode.push(name(code));
      c.setGroup.push(name(groupId));
      c.setJurisdiction.push(name(jurisdiction));
      c.setNetStart.push(c.netValue.length);
      c.setVenueStart.push(c.venueName.length);
      c.setPosted.push(0);
      c.setReported.push(0);
      if (portfolioKeys.has(setKey)) setOfKey.set(setKey, s);
      nets = [];
      netIndex = new Map();
      venues = [];
      venuePositions = [];
      setPositions = 0;
    }
    if (perTradeUtis.has(uti)) setOfTrade.set(`${uti}\u0000${names[c.setHolder[c.setHolder.length - 1]!]}`, c.setHolder.length - 1);
    let rateClass = classIndex.get(classKey);
    if (rateClass === undefined) {
      const [assetClass, kind, dti, symbol] = splitKey(classKey) as [string | null, string, string | null, string | null];
      rateClass = rateClasses.push({ assetClass, contractType: kind, underlierDti: dti, underlierSymbol: symbol }) - 1;
      classIndex.set(classKey, rateClass);
    }
    const netKey = `${underlier ?? ''}\u0000${rateClass}`;
    let at = netIndex.get(netKey);
    if (at === undefined) {
      at = nets.push({ underlier: underlier ?? '', rateClass, net: 0, gross: [] }) - 1;
      netIndex.set(netKey, at);
    }
    let v = venues.indexOf(venue);
    if (v < 0) v = venues.push(venue) - 1;
    const entry = nets[at]!;
    entry.net += delta;
    entry.gross[v] = (entry.gross[v] ?? 0) + Math.abs(delta);
    venuePositions[v] = (venuePositions[v] ?? 0) + 1;
    setPositions++;
  }
  closeSet();
  c.setNetStart.push(c.netValue.length);
  c.setVenueStart.push(c.venueName.length);

  for (const [setKey, holder, code, uti, im] of margins()) {
    const s = code !== null ? setOfKey.get(setKey) : setOfTrade.get(`${uti}\u0000${holder}`);
    if (s === undefined || im === null) continue;
    c.setPosted[s]! += im;
    c.setReported[s] = 1;
  }
  const basis = { asOf, names, rateClasses, unpriced, sets: c.setHolder.length } as MarginBasis;
  for (const column of basisColumns) (basis as unknown as Record<string, unknown>)[column] = columnTypes[column].from(c[column]);
  return basis;
}

const basisColumns = [
  'setHolder',
  'setCounterparty',
  'setCode',
  'setGroup',
  'setJurisdiction',
  'setPositions',
  'setPosted',
  'setReported',
  'setNetStart',
  'setVenueStart',
  'venueName',
  'venuePositions',
  'netUnderlier',
  'netRateClass',
  'netValue',
  'netGrossStart',
  'gross',
] as const;

/** The typed array each column is kept in. */
const columnTypes: Record<(typeof basisColumns)[number], { from(values: number[]): Int32Array | Float64Array | Uint8Array }> = {
  setHolder: Int32Array,
  setCounterparty: Int32Array,
  setCode: Int32Array,
  setGroup: Int32Array,
  setJurisdiction: Int32Array,
  setPositions: Int32Array,
  setPosted: Float64Array,
  setReported: Uint8Array,
  setNetStart: Int32Array,
  setVenueStart: Int32Array,
  venueName: Int32Array,
  venuePositions: Int32Array,
  netUnderlier: Int32Array,
  netRateClass: Int32Array,
  netValue: Float64Array,
  netGrossStart: Int32Array,
  gross: Float64Array,
};

/** Bump when what readBasis writes changes: older stored bases are then rebuilt, never misread. */
const basisCodec: DigestCodec<MarginBasis> = {
  kind: 'margin-basis',
  format: 1,
  encode: ({ asOf, names, rateClasses, unpriced, sets, ...columns }) => ({ json: { asOf, names, rateClasses, unpriced, sets }, columns }),
  decode: (json, columns) => {
    const head = json as Pick<MarginBasis, 'asOf' | 'names' | 'rateClasses' | 'unpriced' | 'sets'>;
    if (!Array.isArray(head?.names) || !Array.isArray(head.rateClasses) || typeof head.sets !== 'number')
      throw new Error('margin basis head is damaged');
    const c = requireColumns<Omit<MarginBasis, keyof typeof head>>(columns, basisColumns);
    if (c.setNetStart.length !== head.sets + 1 || c.setVenueStart.length !== head.sets + 1)
      throw new Error('margin basis columns disagree');
    return { ...head, ...c };
  },
};

/** The bases in use, per database connection: the two most recently used snapshots (tens of MB each at 1M trades). */
/** Kept under the snapshot's identity alone: the basis holds no rates, so a new schedule version reuses it. */
const cached = cacheUnder<MarginBasis>(2, (db, snapshotId) => sourceOf(db, snapshotId) ?? `${snapshotId}\u0000missing`);

/**
 * The margin basis of an active snapshot: kept in memory while it is in use, stored as a snapshot digest for the
 * next process (the after-import alert run writes it), read from every position only when neither has it.
 */
export function marginBasis(db: Db, snapshotId: number): MarginBasis {
  // Before the caches: a stored basis of a snapshot awaiting its rebuild was made by the earlier rules.
  assertDrillCurrent(db, snapshotId);
  return cached(db, snapshotId, () => {
    const snapshot = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId) as
      { asOf: string } | undefined;
    if (!snapshot) throw new ContractError('NOT_FOUND', `No snapshot ${snapshotId}: choose one from \`concordat snapshots list\`.`);
    return persistedDigest(db, snapshotId, basisCodec, () => readBasis(db, snapshotId, snapshot.asOf));
  });
}
