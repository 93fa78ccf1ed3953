import { setLabel, type MarginBasis } from '../marginBasis';
import { requiredBySet } from '../requiredMargin';
import { nameAt } from '../snapshotDigest';
import { positionDigestOf } from './positionDigest';
import { param, type Evaluator, type Finding, type RuleContext } from './types';

/**
 * Every netting set of a snapshot under the schedule in effect (requiredMargin.ts): the basis's columns and R per set,
 * computed once per run whichever rules ask. Sets are numbers (343,000 at 1,000,000 trades): the rules make objects
 * only for what they find.
 */
export interface NettingSets {
  basis: MarginBasis;
  required: Float64Array;
}

export function nettingSets(ctx: RuleContext, snapshotId: number): NettingSets {
  return ctx.memo(`nettingSets:${snapshotId}`, () => requiredBySet(ctx.db, snapshotId));
}

/**
 * Coverage of some netting sets: Σ IM posted ÷ Σ required margin R. Netting sets of which no margin report is in
 * effect are left out unless `includeUnreported` (as MARGIN_BELOW_THRESHOLD does: a reporting gap, not a finding);
 * null when what is left requires nothing.
 */
export function coverageOf({ basis, required }: NettingSets, sets: Iterable<number>, includeUnreported: boolean): number | null {
  let posted = 0;
  let requiredSum = 0;
  for (const s of sets) {
    if (!includeUnreported && basis.setReported[s] === 0) continue;
    posted += basis.setPosted[s]!;
    requiredSum += required[s]!;
  }
  return requiredSum > 0 ? posted / requiredSum : null;
}

/** The sets of each holder (by the holder's name index). */
function byHolder({ basis }: NettingSets): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let s = 0; s < basis.sets; s++) {
    const holder = basis.names[basis.setHolder[s]!]!;
    const list = map.get(holder);
    if (list) list.push(s);
    else map.set(holder, [s]);
  }
  return map;
}

export const marginRules: Record<string, Evaluator> = {
  /** Every netting set with coverage = IM posted / R below the parameter; sets with no margin report only if asked. */
  MARGIN_BELOW_THRESHOLD: {
    run: (ctx, p) => {
      const coverageBelow = param(p, 'coverageBelow');
      const includeUnreported = param(p, 'includeUnreported') === 1;
      const { basis, required } = nettingSets(ctx, ctx.snapshotId);
      const found: Finding[] = [];
      for (let s = 0; s < basis.sets; s++) {
        const r = required[s]!;
        const posted = basis.setPosted[s]!;
        if (!(r > 0) || !(posted / r < coverageBelow) || (!includeUnreported && basis.setReported[s] === 0)) continue;
        found.push({
          subject: setLabel(basis, s),
          value: posted / r,
          threshold: coverageBelow,
          rank: Math.max(0, r - posted),
          drill: { path: ['counterparty', 'underlier'], at: [basis.names[basis.setHolder[s]!]!] },
        });
      }
      return found;
    },
  },

  /**
   * The drill's effective leverage per holder (shared/domain/metrics.ts `effectiveLeverage`, drill.ts metricsOf):
   * notional of the holder's positions whose margin was reported ÷ (IM posted + excess collateral posted where
   * reported), above the parameter. No leverage without reported IM or with nothing posted.
   */
  LEVERAGE_ABOVE: {
    run: (ctx, p) => {
      const leverageAbove = param(p, 'leverageAbove');
      // Posted collateral per holder (a small table), the margined notional from the position digest.
      const posted = new Map(
        (
          ctx.db
            .prepare(
              `SELECT holder, im_posted_usd + coalesce(excess_posted_usd, 0) AS posted
                 FROM holder_margin WHERE snapshot_id = ? AND im_posted_usd IS NOT NULL`,
            )
            .all(ctx.snapshotId) as Array<{ holder: string; posted: number }>
        ).map((r) => [r.holder, r.posted]),
      );
      const digest = positionDigestOf(ctx);
      const rows = Array.from(digest.holder, (holder, i) => ({
        holder: digest.names[holder]!,
        // A holder's group is its ultimate parent, or itself when none is known (rollups.ts): never none.
        groupId: nameAt(digest.names, digest.holderGroup[i]!) ?? digest.names[holder]!,
        margined: digest.holderMarginedNotional[i]!,
        posted: posted.get(digest.names[holder]!),
      })).filter((r): r is typeof r & { posted: number } => r.posted !== undefined);
      return rows.flatMap((r): Finding[] => {
        if (!(r.posted > 0) || !(r.margined > 0)) return [];
        const leverage = r.margined / r.posted;
        return leverage > leverageAbove
          ? [
              {
                subject: r.holder,
                value: leverage,
                threshold: leverageAbove,
                rank: leverage,
                drill: { path: ['group', 'counterparty'], at: [r.groupId] },
              },
            ]
          : [];
      });
    },
  },

  /**
   * A holder's margin coverage (Σ IM posted ÷ Σ required margin R over its netting sets, as MARGIN_BELOW_THRESHOLD
   * reads them) in the compare snapshot minus the same in this one, above the parameter (a fall in points).
   */
  COVERAGE_FALLING: {
    needs: ['compare'],
    run: (ctx, p) => {
      const dropAbove = param(p, 'dropAbove');
      const includeUnreported = param(p, 'includeUnreported') === 1;
      const earlier = nettingSets(ctx, ctx.compareSnapshotId!);
      const now = nettingSets(ctx, ctx.snapshotId);
      const before = byHolder(earlier);
      return [...byHolder(now)].flatMap(([holder, sets]): Finding[] => {
        const was = before.get(holder);
        if (!was) return [];
        const coverageNow = coverageOf(now, sets, includeUnreported);
        const coverageThen = coverageOf(earlier, was, includeUnreported);
        if (coverageNow === null || coverageThen === null || !(coverageThen - coverageNow > dropAbove)) return [];
        return [
          {
            subject: holder,
            value: coverageThen - coverageNow,
            threshold: dropAbove,
            rank: coverageThen - coverageNow,
            drill: { path: ['group', 'counterparty'], at: [nameAt(now.basis.names, now.basis.setGroup[sets[0]!]!) ?? holder] },
          },
        ];
      });
    },
  },
};
