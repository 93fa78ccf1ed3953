import { positionDigestOf } from './positionDigest';
import { param, type Evaluator, type RuleContext } from './types';

/**
 * Per underlier and holder: gross notional (each side of a trade counts for its holder) and net delta-adjusted
 * notional, from the snapshot's position digest.
 */
function holdings(ctx: RuleContext) {
  return ctx.memo(`holdings:${ctx.snapshotId}`, () => {
    const d = positionDigestOf(ctx);
    return Array.from(d.holdingUnderlier, (underlier, i) => ({
      underlier: d.names[underlier]!,
      holder: d.names[d.holdingHolder[i]!]!,
      gross: d.holdingGross[i]!,
      net: d.holdingNet[i]!,
    }));
  });
}

function byUnderlier<T extends { underlier: string }>(rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const list = map.get(r.underlier);
    if (list) list.push(r);
    else map.set(r.underlier, [r]);
  }
  return map;
}

export const concentrationRules: Record<string, Evaluator> = {
  /** HHI = Σ (100 × holder's share of the underlier's gross notional)², 0–10,000, above the parameter. */
  CONCENTRATION_HHI: {
    run: (ctx, p) => {
      const hhiAbove = param(p, 'hhiAbove');
      return [...byUnderlier(holdings(ctx))].flatMap(([underlier, rows]) => {
        const total = rows.reduce((s, r) => s + r.gross, 0);
        if (total <= 0) return [];
        const hhi = rows.reduce((s, r) => s + (100 * (r.gross / total)) ** 2, 0);
        return hhi > hhiAbove
          ? [
              {
                subject: underlier,
                value: hhi,
                threshold: hhiAbove,
                rank: hhi,
                drill: { path: ['underlier', 'counterparty'], at: [underlier] },
              },
            ]
          : [];
      });
    },
  },
  /** A holder's |net position| ÷ open interest (Σ of the net long positions) above the parameter. */
  DOMINANT_HOLDER: {
    run: (ctx, p) => {
      const shareAbove = param(p, 'shareAbove');
      return [...byUnderlier(holdings(ctx))].flatMap(([underlier, rows]) => {
        const openInterest = rows.reduce((s, r) => s + Math.max(0, r.net), 0);
        if (openInterest <= 0) return [];
        return rows
          .filter((r) => Math.abs(r.net) / openInterest > shareAbove)
          .map((r) => {
            const share = Math.abs(r.net) / openInterest;
            return {
              subject: `${r.holder} in ${underlier}`,
              value: share,
              threshold: shareAbove,
              rank: share,
              drill: { path: ['underlier', 'counterparty', 'venue'], at: [underlier, r.holder] },
            };
          });
      });
    },
  },
};
