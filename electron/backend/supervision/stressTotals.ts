import type { StressTotalRow } from '../../../shared/contract/stress';
import type { StressPosition } from './stressValuation';

type Dimension = 'group' | 'venue' | 'ccp';

/**
 * The cascade's defaults and uncovered losses by the defaulted holders' group (ultimate parent), and by venue and
 * CCP. A holder belongs to one group, so its default and loss go there whole; it trades on several venues and
 * through several CCPs (or none: "uncleared"), so its uncovered loss is split by its share of gross notional on
 * each (|units| × the snapshot's price, as the stress test holds its positions), and it counts as a default on
 * each it traded on. Computed from the positions the cascade ran on: no second pass over the snapshot.
 */
export function stressTotals(
  positions: readonly StressPosition[],
  prices: Record<string, number>,
  defaults: ReadonlyArray<{ holder: string; uncoveredUsd: number }>,
): Record<Dimension, StressTotalRow[]> {
  const defaulted = new Set(defaults.map((d) => d.holder));
  const gross = new Map<string, { group: string | null; byVenue: Map<string, number>; byCcp: Map<string, number>; all: number }>();
  for (const p of positions) {
    if (!defaulted.has(p.holder)) continue;
    let g = gross.get(p.holder);
    if (!g) gross.set(p.holder, (g = { group: p.group ?? null, byVenue: new Map(), byCcp: new Map(), all: 0 }));
    const notional = Math.abs(p.units) * (prices[p.underlier] ?? 1);
    const venue = p.venue ?? '(unknown)';
    const ccp = p.ccp === undefined || p.ccp === 'NONE' ? 'uncleared' : p.ccp;
    g.byVenue.set(venue, (g.byVenue.get(venue) ?? 0) + notional);
    g.byCcp.set(ccp, (g.byCcp.get(ccp) ?? 0) + notional);
    g.all += notional;
  }
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
