import type { StressTotalRow } from '../../../shared/contract/stress';
import type { Db } from '../db/connection';

type Dimension = 'group' | 'venue' | 'ccp';

/**
 * The cascade's defaults and uncovered losses by the defaulted holders' group (ultimate parent), and by venue and
 * CCP. A holder belongs to one group, so its default and loss go there whole; it trades on several venues and
 * through several CCPs (or none: "uncleared"), so its uncovered loss is split by its share of gross notional on
 * each, and it counts as a default on each it traded on.
 */
export function stressTotals(
  db: Db,
  snapshotId: number,
  defaults: ReadonlyArray<{ holder: string; uncoveredUsd: number }>,
): Record<Dimension, StressTotalRow[]> {
  const holders = [...new Set(defaults.map((d) => d.holder))];
  const gross = new Map<string, Array<{ group: string | null; venue: string; ccp: string; gross: number }>>();
  const read = db.prepare(
    `SELECT group_id AS "group", venue, ccp, sum(abs(coalesce(notional_usd, 0))) AS gross
       FROM exposure_position WHERE snapshot_id = ? AND holder = ? GROUP BY group_id, venue, ccp`,
  );
  for (const h of holders)
    gross.set(h, read.all(snapshotId, h) as Array<{ group: string | null; venue: string; ccp: string; gross: number }>);
  const totals: Record<Dimension, Map<string, StressTotalRow>> = { group: new Map(), venue: new Map(), ccp: new Map() };
  const add = (dim: Dimension, key: string, uncovered: number, counted: Set<string>) => {
    const row = totals[dim].get(key) ?? { key, defaults: 0, uncoveredUsd: 0 };
    if (!counted.has(`${dim}\u0000${key}`)) {
      row.defaults++;
      counted.add(`${dim}\u0000${key}`);
    }
    row.uncoveredUsd += uncovered;
    totals[dim].set(key, row);
  };
  for (const d of defaults) {
    const rows = gross.get(d.holder) ?? [];
    const all = rows.reduce((s, r) => s + r.gross, 0);
    const counted = new Set<string>();
    add('group', rows[0]?.group ?? d.holder, d.uncoveredUsd, counted);
    for (const r of rows) {
      const share = all > 0 ? r.gross / all : 1 / rows.length;
      add('venue', r.venue, d.uncoveredUsd * share, counted);
      add('ccp', r.ccp === 'NONE' ? 'uncleared' : r.ccp, d.uncoveredUsd * share, counted);
    }
  }
  const sorted = (m: Map<string, StressTotalRow>) =>
    [...m.values()].sort((a, b) => b.uncoveredUsd - a.uncoveredUsd || a.key.localeCompare(b.key));
  return { group: sorted(totals.group), venue: sorted(totals.venue), ccp: sorted(totals.ccp) };
}
