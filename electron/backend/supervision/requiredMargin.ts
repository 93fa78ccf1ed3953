import { ContractError } from '../../../shared/contract/errors';
import type { MarginDimension, MarginResult, MarginRow } from '../../../shared/contract/margin';
import type { Db } from '../db/connection';
import { rateFor, scheduleInEffect } from './marginSchedule';

export const marginFormula =
  'R = Σ over underliers of r × |Σ signed delta-adjusted notional (USD)| per netting set (net within an underlier, gross across); ' +
  'coverage = IM posted / R; shortfall = Σ over netting sets of max(0, R − IM posted).';

/** One netting set: a holder's collateral portfolio with a counterparty, or (no portfolio code) the pair itself. */
interface NettingSet {
  label: string;
  holder: string;
  counterparty: string;
  group: string | null;
  jurisdiction: string | null;
  positions: number;
  /** Net signed delta-adjusted notional by underlier and rate ("underlier|rate"); with the venues' gross in it. */
  net: Map<string, { rate: number; net: number; venues: Map<string, number> }>;
  /** Positions by venue (for the venue roll-up). */
  venuePositions: Map<string, number>;
  posted: number;
  reported: boolean;
}

interface PositionRow {
  holder: string;
  counterparty: string;
  uti: string;
  underlier: string | null;
  kind: string;
  delta: number | null;
  groupId: string | null;
  jurisdiction: string | null;
  assetClass: string | null;
  dti: string | null;
  symbol: string | null;
  code: string | null;
  venue: string;
}

const setKey = (holder: string, counterparty: string, code: string | null) => `${holder}\u0000${counterparty}\u0000${code ?? ''}`;

/**
 * Required initial margin per netting set under the harmonised schedule in effect at the snapshot's as-of date, and
 * the initial margin posted against it (the holder's own reports in effect then), rolled up along `by`.
 *
 * A netting set is the holder's collateral portfolio code on its own report of the trade, with that counterparty;
 * without one, the holder–counterparty pair. Positions are the drill's (outstanding trades, each side from its
 * holder's view, delta-adjusted notional in USD, signed).
 */
export function computeMargin(db: Db, snapshotId: number, by: MarginDimension[]): MarginResult {
  const snapshot = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId) as
    { asOf: string } | undefined;
  if (!snapshot) throw new ContractError('NOT_FOUND', `No snapshot ${snapshotId}: choose one from \`concordat snapshots list\`.`);
  const schedule = scheduleInEffect(db, snapshot.asOf);
  const byVenue = by.includes('venue');
  const sets = new Map<string, NettingSet>();
  /** Which netting set each holder's side of a trade is in, for per-trade margin reports. */
  const setOfTrade = new Map<string, NettingSet>();
  const rates = new Map<string, number>();
  let unpriced = 0;

  const positions = db.prepare(
    `SELECT p.holder, CASE p.side WHEN 1 THEN t.other_cpty_id ELSE t.reporting_lei END AS counterparty, p.uti,
            p.underlier, p.contract_kind AS kind, p.delta_usd AS delta, p.group_id AS groupId, p.jurisdiction,
            t.asset_class AS assetClass, t.underlier_dti AS dti, t.underlier_symbol AS symbol,
            own.collateral_portfolio_code AS code, p.venue
       FROM exposure_position p
       JOIN trade_state t ON t.rowid = p.trade_row
       LEFT JOIN trade_state own ON own.snapshot_id = p.snapshot_id AND own.uti = p.uti AND own.reporting_lei = p.holder
      WHERE p.snapshot_id = ?`,
  );
  for (const p of positions.iterate(snapshotId) as IterableIterator<PositionRow>) {
    if (p.delta === null) {
      unpriced++;
      continue;
    }
    const key = setKey(p.holder, p.counterparty, p.code);
    let set = sets.get(key);
    if (!set) {
      set = {
        label: `${p.holder} ↔ ${p.counterparty}${p.code ? ` · ${p.code}` : ''}`,
        holder: p.holder,
        counterparty: p.counterparty,
        group: p.groupId,
        jurisdiction: p.jurisdiction,
        positions: 0,
        net: new Map(),
        venuePositions: new Map(),
        posted: 0,
        reported: false,
      };
      sets.set(key, set);
    }
    setOfTrade.set(`${p.uti}\u0000${p.holder}`, set);
    const rateKey = `${p.assetClass}\u0000${p.kind}\u0000${p.dti}\u0000${p.symbol}`;
    let rate = rates.get(rateKey);
    if (rate === undefined) {
      rate = rateFor(schedule, { assetClass: p.assetClass, contractType: p.kind, underlierDti: p.dti, underlierSymbol: p.symbol });
      rates.set(rateKey, rate);
    }
    const bucket = `${p.underlier ?? ''}\u0000${rate}`;
    const entry = set.net.get(bucket) ?? { rate, net: 0, venues: new Map<string, number>() };
    entry.net += p.delta;
    if (byVenue) {
      entry.venues.set(p.venue, (entry.venues.get(p.venue) ?? 0) + Math.abs(p.delta));
      set.venuePositions.set(p.venue, (set.venuePositions.get(p.venue) ?? 0) + 1);
    }
    set.net.set(bucket, entry);
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
  for (const m of margins.iterate({ s: snapshotId, asOf: snapshot.asOf }) as IterableIterator<{
    holder: string;
    counterparty: string;
    code: string | null;
    uti: string | null;
    im: number | null;
  }>) {
    const set = m.code !== null ? sets.get(setKey(m.holder, m.counterparty, m.code)) : setOfTrade.get(`${m.uti}\u0000${m.holder}`);
    if (!set || m.im === null) continue;
    set.posted += m.im;
    set.reported = true;
  }

  const groups = new Map<string, { key: Array<string | null>; row: MarginRow }>();
  const total = emptyRow([]);
  for (const set of sets.values()) {
    const required = [...set.net.values()].reduce((sum, b) => sum + b.rate * Math.abs(b.net), 0);
    const whole: SetPart = { venue: null, weight: 1, required, positions: set.positions };
    add(total, set, whole, required);
    for (const part of byVenue ? venueParts(set, required) : [whole]) {
      const key = by.map((d) => (d === 'venue' ? part.venue : dimensionValue(set, d)));
      const id = JSON.stringify(key);
      const group = groups.get(id) ?? { key, row: emptyRow(key) };
      groups.set(id, group);
      add(group.row, set, part, required);
    }
  }
  const rows = [...groups.values()]
    .map((g) => finish(g.row))
    .sort((a, b) => b.shortfallUsd - a.shortfallUsd || b.requiredUsd - a.requiredUsd);
  return {
    snapshotId,
    asOf: snapshot.asOf,
    schedule: {
      scheduleId: schedule.scheduleId,
      name: schedule.name,
      effectiveFrom: schedule.effectiveFrom,
      source: schedule.source,
      illustrative: schedule.illustrative,
    },
    by,
    rows,
    total: finish(total),
    unpriced,
    formula: marginFormula,
  };
}

interface SetPart {
  venue: string | null;
  /** The part of the set's posted margin and shortfall that goes to this venue (1 when not split). */
  weight: number;
  required: number;
  positions: number;
}

/**
 * A netting set split over the venues of its positions, for the venue roll-up (a set is margined whole, so this is
 * an allocation): each underlier's r × |net| goes to venues by their share of that underlier's gross |delta| in the
 * set; posted margin and shortfall follow the venues' share of R (of gross |delta| when R is 0).
 */
function venueParts(set: NettingSet, required: number): SetPart[] {
  const requiredByVenue = new Map<string, number>();
  const grossByVenue = new Map<string, number>();
  for (const b of set.net.values()) {
    const gross = [...b.venues.values()].reduce((s, g) => s + g, 0);
    for (const [venue, g] of b.venues) {
      grossByVenue.set(venue, (grossByVenue.get(venue) ?? 0) + g);
      if (gross > 0) requiredByVenue.set(venue, (requiredByVenue.get(venue) ?? 0) + (b.rate * Math.abs(b.net) * g) / gross);
    }
  }
  const allGross = [...grossByVenue.values()].reduce((s, g) => s + g, 0);
  return [...set.venuePositions].map(([venue, positions]) => {
    const r = requiredByVenue.get(venue) ?? 0;
    const weight = required > 0 ? r / required : allGross > 0 ? (grossByVenue.get(venue) ?? 0) / allGross : 1 / set.venuePositions.size;
    return { venue, weight, required: r, positions };
  });
}

function dimensionValue(set: NettingSet, d: Exclude<MarginDimension, 'venue'>): string | null {
  switch (d) {
    case 'nettingSet':
      return set.label;
    case 'holder':
      return set.holder;
    case 'counterparty':
      return set.counterparty;
    case 'group':
      return set.group;
    case 'jurisdiction':
      return set.jurisdiction;
  }
}

const emptyRow = (key: Array<string | null>): MarginRow => ({
  key,
  nettingSets: 0,
  positions: 0,
  requiredUsd: 0,
  postedUsd: 0,
  coverage: null,
  shortfallUsd: 0,
  unreported: 0,
});

/** Adds a netting set, or its part on one venue, to a row: a part brings its share of posted margin and shortfall. */
function add(row: MarginRow, set: NettingSet, part: SetPart, requiredOfSet: number): void {
  row.nettingSets++;
  if (!set.reported) row.unreported++;
  row.positions += part.positions;
  row.requiredUsd += part.required;
  row.postedUsd += set.posted * part.weight;
  row.shortfallUsd += Math.max(0, requiredOfSet - set.posted) * part.weight;
}

function finish(row: MarginRow): MarginRow {
  return { ...row, coverage: row.requiredUsd > 0 ? row.postedUsd / row.requiredUsd : null };
}
