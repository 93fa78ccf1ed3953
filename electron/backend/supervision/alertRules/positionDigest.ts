import type { Db } from '../../db/connection';
import type { RuleContext } from './types';
import { positionRange } from '../positionRange';
import { persistedDigest, requireColumns, stringTable, type DigestCodec } from '../snapshotDigest';

/**
 * What the position-level alert rules need from a snapshot, in one pass over its positions (issue 14 performance:
 * every rule ≤ 3 s at 1,000,000 trades, where each rule used to read the positions itself): sums small enough to
 * keep, stored as a snapshot digest so a later run reads them instead of the positions.
 *
 * - holdings, per underlier and holder: gross notional Σ |notional USD| and net Σ delta-adjusted notional (USD), over
 *   positions with an underlier (CONCENTRATION_HHI, DOMINANT_HOLDER);
 * - valuation dates, per holder and the date its valuation dates from: how many positions and their Σ |notional|
 *   (STALE_VALUATION applies its working-day parameter to the dates, so the parameter can change);
 * - per holder: its smallest group id and Σ notional of the positions whose margin was reported (LEVERAGE_ABOVE).
 *
 * Strings are indexes into `names`; -1 is none. A missing figure adds 0, as the rules read a missing figure.
 */
export interface PositionDigest {
  names: string[];
  holdingUnderlier: Int32Array;
  holdingHolder: Int32Array;
  holdingGross: Float64Array;
  holdingNet: Float64Array;
  valuationHolder: Int32Array;
  /** YYYY-MM-DD: the valuation's date when there is a valuation amount, else the execution date; -1 when neither. */
  valuationSince: Int32Array;
  valuationPositions: Int32Array;
  valuationNotional: Float64Array;
  holder: Int32Array;
  holderGroup: Int32Array;
  holderMarginedNotional: Float64Array;
}

type Row = [
  holdingKey: string | null,
  valuationKey: string,
  holder: string,
  underlier: string | null,
  notional: number | null,
  delta: number | null,
  groupId: string | null,
  marginReported: number,
  since: string | null,
];

/** SQL: the date the holder's own report of the trade dates its valuation from (alias r for that report). */
const valuationSince = (r: string) =>
  `substr(coalesce(CASE WHEN ${r}.valuation_amount IS NOT NULL THEN ${r}.valuation_ts END, ${r}.execution_ts), 1, 10)`;

function readDigest(db: Db, snapshotId: number): PositionDigest {
  const { names, indexOf: name } = stringTable();
  const holdings = new Map<string, { underlier: number; holder: number; gross: number; net: number }>();
  const valuations = new Map<string, { holder: number; since: number; positions: number; notional: number }>();
  const holders = new Map<string, { group: string | null; margined: number }>();
  // The holder's own report of the trade dates its valuation: on side 1 the position's report itself (trade_state's
  // key is snapshot, UTI and reporter), on side 2 the other side's report when it reported too (else none to date).
  // The map keys are built by SQLite: one string per key instead of a concatenation here, for every position.
  const rows = db
    .prepare(
      `SELECT CASE WHEN underlier IS NOT NULL THEN underlier || char(0) || holder END, holder || char(0) || coalesce(since, ''),
              holder, underlier, notional_usd, delta_usd, group_id, margin_reported, since
         FROM (SELECT p.holder, p.underlier, p.notional_usd, p.delta_usd, p.group_id, p.margin_reported,
                      CASE p.side WHEN 1 THEN ${valuationSince('t')}
                      ELSE (SELECT ${valuationSince('own')} FROM trade_state own
                             WHERE own.snapshot_id = p.snapshot_id AND own.uti = p.uti AND own.reporting_lei = p.holder) END AS since
                 FROM exposure_position p NOT INDEXED
                 JOIN trade_state t ON t.rowid = p.trade_row
                WHERE p.rowid BETWEEN :lo AND :hi AND p.snapshot_id = :s)`,
    )
    .raw()
    .iterate(positionRange(db, snapshotId)) as IterableIterator<Row>;
  for (const [holdingKey, valuationKey, holderLei, underlier, notional, delta, groupId, marginReported, since] of rows) {
    const size = Math.abs(notional ?? 0);
    if (holdingKey !== null) {
      const h = holdings.get(holdingKey);
      if (h) {
        h.gross += size;
        h.net += delta ?? 0;
      } else holdings.set(holdingKey, { holder: name(holderLei), underlier: name(underlier), gross: size, net: delta ?? 0 });
    }
    const v = valuations.get(valuationKey);
    if (v) {
      v.positions++;
      v.notional += size;
    } else valuations.set(valuationKey, { holder: name(holderLei), since: name(since), positions: 1, notional: size });
    const who = holders.get(holderLei);
    const margined = marginReported === 1 ? (notional ?? 0) : 0;
    if (!who) holders.set(holderLei, { group: groupId, margined });
    else {
      who.margined += margined;
      if (groupId !== null && (who.group === null || groupId < who.group)) who.group = groupId;
    }
  }
  const h = [...holdings.values()];
  const v = [...valuations.values()];
  const w = [...holders];
  return {
    names,
    holdingUnderlier: Int32Array.from(h, (x) => x.underlier),
    holdingHolder: Int32Array.from(h, (x) => x.holder),
    holdingGross: Float64Array.from(h, (x) => x.gross),
    holdingNet: Float64Array.from(h, (x) => x.net),
    valuationHolder: Int32Array.from(v, (x) => x.holder),
    valuationSince: Int32Array.from(v, (x) => x.since),
    valuationPositions: Int32Array.from(v, (x) => x.positions),
    valuationNotional: Float64Array.from(v, (x) => x.notional),
    holder: Int32Array.from(w, ([holder]) => name(holder)),
    holderGroup: Int32Array.from(w, ([, x]) => name(x.group)),
    holderMarginedNotional: Float64Array.from(w, ([, x]) => x.margined),
  };
}

/** Bump when what readDigest writes changes: older stored digests are then rebuilt, never misread. */
const codec: DigestCodec<PositionDigest> = {
  kind: 'alert-positions',
  format: 1,
  encode: ({ names, ...columns }) => ({ json: names, columns }),
  decode: (json, columns) => {
    if (!Array.isArray(json)) throw new Error('position digest names are damaged');
    return {
      names: json as string[],
      ...requireColumns<Omit<PositionDigest, 'names'>>(columns, [
        'holdingUnderlier',
        'holdingHolder',
        'holdingGross',
        'holdingNet',
        'valuationHolder',
        'valuationSince',
        'valuationPositions',
        'valuationNotional',
        'holder',
        'holderGroup',
        'holderMarginedNotional',
      ]),
    };
  },
};

/** The digest of an active snapshot, read from the store or built from its positions (and then stored). */
function positionDigest(db: Db, snapshotId: number): PositionDigest {
  return persistedDigest(db, snapshotId, codec, () => readDigest(db, snapshotId));
}

/** The digest of the run's snapshot, read once per alert run whichever rules ask (each read is a file and its names). */
export function positionDigestOf(ctx: RuleContext): PositionDigest {
  return ctx.memo(`positionDigest:${ctx.snapshotId}`, () => positionDigest(ctx.db, ctx.snapshotId));
}
