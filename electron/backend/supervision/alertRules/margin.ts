import type { MarginRow } from '../../../../shared/contract/margin';
import { computeMargin } from '../requiredMargin';
import { positionDigest } from './positionDigest';
import { param, type Evaluator, type Finding, type RuleContext } from './types';

/** One netting set of a snapshot under the schedule in effect (requiredMargin.ts), with its holder, group and jurisdiction. */
export interface NettingSetRow {
  label: string;
  holder: string;
  group: string | null;
  jurisdiction: string | null;
  row: MarginRow;
}

/** Every netting set of a snapshot, computed once per run whichever rules ask. */
export function nettingSets(ctx: RuleContext, snapshotId: number): NettingSetRow[] {
  return ctx.memo(`nettingSets:${snapshotId}`, () =>
    computeMargin(ctx.db, snapshotId, ['nettingSet', 'holder', 'group', 'jurisdiction']).rows.map((row) => ({
      label: row.key[0]!,
      holder: row.key[1]!,
      group: row.key[2] ?? null,
      jurisdiction: row.key[3] ?? null,
      row,
    })),
  );
}

/**
 * Coverage of a set of netting sets: Σ IM posted ÷ Σ required margin R. Netting sets of which no margin report is in
 * effect are left out unless `includeUnreported` (as MARGIN_BELOW_THRESHOLD does: a reporting gap, not a finding);
 * null when what is left requires nothing.
 */
export function coverageOf(sets: Iterable<NettingSetRow>, includeUnreported: boolean): number | null {
  let posted = 0;
  let required = 0;
  for (const { row } of sets) {
    if (!includeUnreported && row.unreported > 0) continue;
    posted += row.postedUsd;
    required += row.requiredUsd;
  }
  return required > 0 ? posted / required : null;
}

function byHolder(sets: NettingSetRow[]): Map<string, NettingSetRow[]> {
  const map = new Map<string, NettingSetRow[]>();
  for (const s of sets) {
    const list = map.get(s.holder);
    if (list) list.push(s);
    else map.set(s.holder, [s]);
  }
  return map;
}

export const marginRules: Record<string, Evaluator> = {
  /** Every netting set with coverage = IM posted / R below the parameter; sets with no margin report only if asked. */
  MARGIN_BELOW_THRESHOLD: {
    run: (ctx, p) => {
      const coverageBelow = param(p, 'coverageBelow');
      const includeUnreported = param(p, 'includeUnreported') === 1;
      return nettingSets(ctx, ctx.snapshotId)
        .filter(({ row }) => row.coverage !== null && row.coverage < coverageBelow && (includeUnreported || row.unreported === 0))
        .map(({ label, holder, row }) => ({
          subject: label,
          value: row.coverage!,
          threshold: coverageBelow,
          rank: row.shortfallUsd,
          drill: { path: ['counterparty', 'underlier'], at: [holder] },
        }));
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
      const digest = positionDigest(ctx.db, ctx.snapshotId);
      const rows = Array.from(digest.holder, (holder, i) => ({
        holder: digest.names[holder]!,
        // A holder's group is its ultimate parent, or itself when none is known (rollups.ts): never none.
        groupId: digest.holderGroup[i]! >= 0 ? digest.names[digest.holderGroup[i]!]! : digest.names[holder]!,
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
      const before = byHolder(nettingSets(ctx, ctx.compareSnapshotId!));
      return [...byHolder(nettingSets(ctx, ctx.snapshotId))].flatMap(([holder, sets]): Finding[] => {
        const was = before.get(holder);
        if (!was) return [];
        const now = coverageOf(sets, includeUnreported);
        const then = coverageOf(was, includeUnreported);
        if (now === null || then === null || !(then - now > dropAbove)) return [];
        return [
          {
            subject: holder,
            value: then - now,
            threshold: dropAbove,
            rank: then - now,
            drill: { path: ['group', 'counterparty'], at: [sets[0]!.group ?? holder] },
          },
        ];
      });
    },
  },
};
