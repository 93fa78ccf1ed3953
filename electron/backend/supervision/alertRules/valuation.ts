import { positionDigestOf } from './positionDigest';
import { param, type Evaluator, type Finding } from './types';

const DAY = 86_400_000;

/**
 * Working days (Monday to Friday; public holidays are not counted out) after `from` up to and including `to`, both
 * YYYY-MM-DD: Friday → the next Tuesday is 2. Zero or less when `from` is not before `to`.
 */
export function workingDaysAfter(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  if (!(b > a)) return 0;
  const days = Math.round((b - a) / DAY);
  let count = Math.floor(days / 7) * 5;
  // The days left over after whole weeks: the last `days % 7` days up to `to`.
  for (let i = 0; i < days % 7; i++) {
    const weekday = new Date(b - i * DAY).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

export const valuationRules: Record<string, Evaluator> = {
  /**
   * Per reporting counterparty: its reports of outstanding trades whose valuation is older than the parameter in
   * working days before the as-of date, or missing (no amount or no timestamp: then counted from the execution date,
   * since a valuation is due from then). Value = how many trades, ranked by their gross notional.
   */
  STALE_VALUATION: {
    run: (ctx, p) => {
      const olderThan = param(p, 'workingDaysOlderThan');
      const countAbove = param(p, 'countAbove');
      const ages = new Map<string, number>();
      const age = (date: string) => {
        let a = ages.get(date);
        if (a === undefined) ages.set(date, (a = workingDaysAfter(date, ctx.asOf)));
        return a;
      };
      const digest = positionDigestOf(ctx);
      const stale = new Map<string, { count: number; notional: number }>();
      digest.valuationHolder.forEach((holderIndex, i) => {
        const since = digest.valuationSince[i]!;
        if (since < 0 || !(age(digest.names[since]!) > olderThan)) return;
        const holder = digest.names[holderIndex]!;
        const s = stale.get(holder) ?? { count: 0, notional: 0 };
        s.count += digest.valuationPositions[i]!;
        s.notional += digest.valuationNotional[i]!;
        stale.set(holder, s);
      });
      return [...stale].flatMap(([holder, s]): Finding[] =>
        s.count > countAbove
          ? [
              {
                subject: holder,
                value: s.count,
                threshold: countAbove,
                rank: s.notional,
                drill: { path: ['counterparty', 'underlier'], at: [holder] },
              },
            ]
          : [],
      );
    },
  },
};
