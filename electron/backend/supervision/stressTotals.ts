import type { StressTotalRow } from '../../../shared/contract/stress';
import type { StressPosition } from './stressValuation';

type Dimension = 'group' | 'venue' | 'ccp';

/** A holder's gross notional at the snapshot's prices, whole and by venue and CCP, and its group. */
export interface HolderGross {
  group: string | null;
  byVenue: Map<string, number>;
  byCcp: Map<string, number>;
  all: number;
}

/**
 * Every holder's gross notional as the totals split losses by: |units| × the snapshot's price, as the stress test
 * holds its positions. It does not depend on the scenario, so it is computed once per snapshot with the book (a
 * pass over two million positions at 1,000,000 trades), not once per run.
 */
export function holderGross(positions: readonly StressPosition[], prices: Record<string, number>): Map<string, HolderGross> {
  const gross = new Map<string, HolderGross>();
  for (const p of positions) {
    let g = gross.get(p.holder);
    if (!g) gross.set(p.holder, (g = { group: p.group ?? null, byVenue: new Map(), byCcp: new Map(), all: 0 }));
    const notional = Math.abs(p.units) * (prices[p.underlier] ?? 1);
    const venue = p.venue ?? '(unknown)';
    const ccp = p.ccp === undefined || p.ccp === 'NONE' ? 'uncleared' : p.ccp;
    g.byVenue.set(venue, (g.byVenue.get(venue) ?? 0) + notional);
    g.byCcp.set(ccp, (g.byCcp.get(ccp) ?? 0) + notional);
    g.all += notional;
  }
  return gross;
}

/**
 * The cascade's defaults and uncovered losses by the defaulted holders' group (ultimate parent), and by venue and
 * CCP. A holder belongs to one group, so its default and loss go there whole; it trades on several venues and
 * through several CCPs (or none: "uncleared"), so its uncovered loss is split by its share of gross notional on
 * each (holderGross), and it counts as a default on each it traded on.
 */
export function stressTotals(
  gross: ReadonlyMap<string, HolderGross>,
  defaults: ReadonlyArray<{ holder: string; uncoveredUsd: number }>,
): Record<Dimension, StressTotalRow[]> {
  const totals: Record<Dimension, Map<string, StressTotalRow>> = { group: new Map(), venue: new Map(), ccp: new Map() };
  const add = (dim: Dimension, key: string, uncovered: number) => {
    const row = totals[dim].get(key) ?? { key, defaults: 0, uncoveredUsd: 0 };
    row.defaults++;
    row.uncoveredUsd += uncovered;
    totals[dim].set(key, row);
  };
  for (const d of defaults) {
    const g = gross.get(d.holder);
    add('group', g?.group ?? d.holder, d.uncoveredUsd);
    if (!g) continue;
    for (const [dim, parts] of [
      ['venue', g.byVenue],
      ['ccp', g.byCcp],
    ] as const)
      for (const [key, notional] of parts) add(dim, key, g.all > 0 ? (d.uncoveredUsd * notional) / g.all : d.uncoveredUsd / parts.size);
  }
  const sorted = (m: Map<string, StressTotalRow>) =>
    [...m.values()].sort((a, b) => b.uncoveredUsd - a.uncoveredUsd || a.key.localeCompare(b.key));
  return { group: sorted(totals.group), venue: sorted(totals.venue), ccp: sorted(totals.ccp) };
}
