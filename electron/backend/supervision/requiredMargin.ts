import type { MarginDimension, MarginResult, MarginRow } from '../../../shared/contract/margin';
import type { Db } from '../db/connection';
import { marginBasis, type BasisSet } from './marginBasis';
import { rateFor, scheduleInEffect } from './marginSchedule';

export const marginFormula =
  'R = Σ over underliers of r × |Σ signed delta-adjusted notional (USD)| per netting set (net within an underlier, gross across); ' +
  'coverage = IM posted / R; shortfall = Σ over netting sets of max(0, R − IM posted).';

/** A netting set with its rates applied: R and, for the venue split, R per venue. */
interface RatedSet {
  set: BasisSet;
  required: number;
  buckets: Array<{ amount: number; gross: number[] }>;
}

/**
 * Required initial margin per netting set under the harmonised schedule in effect at the snapshot's as-of date, and
 * the initial margin posted against it (the holder's own reports in effect then), rolled up along `by`.
 *
 * A netting set is the holder's collateral portfolio code on its own report of the trade, with that counterparty;
 * without one, the holder–counterparty pair. Positions are the drill's (outstanding trades, each side from its
 * holder's view, delta-adjusted notional in USD, signed).
 */
export function computeMargin(db: Db, snapshotId: number, by: MarginDimension[]): MarginResult {
  const basis = marginBasis(db, snapshotId);
  const schedule = scheduleInEffect(db, basis.asOf);
  const rates = basis.rateClasses.map((c) => rateFor(schedule, c));
  const byVenue = by.includes('venue');
  const groups = new Map<string, { key: Array<string | null>; row: MarginRow }>();
  const total = emptyRow([]);
  const perSet = by.length === 1 && by[0] === 'nettingSet';
  const rowsPerSet: MarginRow[] = [];
  // One key per row: the value itself for one dimension, the values joined for several (no JSON per set).
  const keyOf = (key: Array<string | null>) => (key.length === 1 ? (key[0] ?? '\u0002') : key.map((k) => k ?? '\u0002').join('\u0001'));
  for (const basisSet of basis.sets) {
    const rs = rated(basisSet, rates, byVenue);
    const whole: SetPart = { venue: null, weight: 1, required: rs.required, positions: basisSet.positions };
    add(total, rs, whole);
    if (perSet) {
      // Each netting set is its own row (its label is unique): no grouping needed.
      const row = emptyRow([basisSet.label]);
      add(row, rs, whole);
      rowsPerSet.push(finish(row));
      continue;
    }
    for (const part of byVenue ? venueParts(rs) : [whole]) {
      const key = by.map((d) => (d === 'venue' ? part.venue : dimensionValue(basisSet, d)));
      const id = keyOf(key);
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { key, row: emptyRow(key) }));
      add(group.row, rs, part);
    }
  }
  const rows = (perSet ? rowsPerSet : [...groups.values()].map((g) => finish(g.row))).sort(
    (a, b) => b.shortfallUsd - a.shortfallUsd || b.requiredUsd - a.requiredUsd,
  );
  return {
    snapshotId,
    asOf: basis.asOf,
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
    unpriced: basis.unpriced,
    formula: marginFormula,
  };
}

/**
 * R of a netting set: positions of an underlier with the same rate net together (rate classes that share a rate
 * merge), r × |net| per such bucket, summed across buckets. A set has a handful of buckets: arrays, not maps (this
 * runs once per netting set, hundreds of thousands of times at 1M trades).
 */
function rated(set: BasisSet, rates: number[], withVenues: boolean): RatedSet {
  if (set.nets.length === 1) {
    // Most sets: one underlier, one rate class.
    const only = set.nets[0]!;
    const amount = rates[only.rateClass]! * Math.abs(only.net);
    return { set, required: amount, buckets: [{ amount, gross: only.gross }] };
  }
  const merged: Array<{ underlier: string; rate: number; net: number; gross: number[] }> = [];
  for (const n of set.nets) {
    const rate = rates[n.rateClass]!;
    const same = merged.find((m) => m.underlier === n.underlier && m.rate === rate);
    if (!same) merged.push({ underlier: n.underlier, rate, net: n.net, gross: withVenues ? n.gross.slice() : n.gross });
    else {
      same.net += n.net;
      if (withVenues) n.gross.forEach((g, i) => (same.gross[i] = (same.gross[i] ?? 0) + (g ?? 0)));
    }
  }
  let required = 0;
  const buckets: RatedSet['buckets'] = [];
  for (const m of merged) {
    const amount = m.rate * Math.abs(m.net);
    required += amount;
    buckets.push({ amount, gross: m.gross });
  }
  return { set, required, buckets };
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
function venueParts({ set, required, buckets }: RatedSet): SetPart[] {
  const requiredByVenue: number[] = set.venues.map(() => 0);
  const grossByVenue: number[] = set.venues.map(() => 0);
  for (const b of buckets) {
    const gross = b.gross.reduce((s, g) => s + (g ?? 0), 0);
    b.gross.forEach((g, v) => {
      grossByVenue[v]! += g ?? 0;
      if (gross > 0) requiredByVenue[v]! += (b.amount * (g ?? 0)) / gross;
    });
  }
  const allGross = grossByVenue.reduce((s, g) => s + g, 0);
  return set.venues.map((venue, v) => {
    const r = requiredByVenue[v]!;
    const weight = required > 0 ? r / required : allGross > 0 ? grossByVenue[v]! / allGross : 1 / set.venues.length;
    return { venue, weight, required: r, positions: set.venuePositions[v] ?? 0 };
  });
}

function dimensionValue(set: BasisSet, d: Exclude<MarginDimension, 'venue'>): string | null {
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
function add(row: MarginRow, { set, required }: RatedSet, part: SetPart): void {
  row.nettingSets++;
  if (!set.reported) row.unreported++;
  row.positions += part.positions;
  row.requiredUsd += part.required;
  row.postedUsd += set.posted * part.weight;
  row.shortfallUsd += Math.max(0, required - set.posted) * part.weight;
}

function finish(row: MarginRow): MarginRow {
  return { ...row, coverage: row.requiredUsd > 0 ? row.postedUsd / row.requiredUsd : null };
}
