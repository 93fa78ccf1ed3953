import { z } from 'zod';
import shippedRules from '../../../resources/supervision/alert-rules.json';
import { alertSeverities, type Alert } from '../../../shared/contract/alerts';
import type { Db } from '../db/connection';
import { computeMargin } from './requiredMargin';

/** The built-in rules as data (resources/supervision/alert-rules.json): parameters and severities are not code. */
const ruleSchema = z
  .object({
    id: z.string(),
    version: z.number().int().positive(),
    title: z.string(),
    rationale: z.string(),
    severity: z.enum(alertSeverities),
    parameters: z.record(z.string(), z.number()),
  })
  .strict();
export type AlertRule = z.infer<typeof ruleSchema>;
export const builtInRules: AlertRule[] = z.object({ v: z.literal(1), rules: z.array(ruleSchema) }).parse(shippedRules).rules;

/** What a rule finds: everything of an alert but what the store adds. */
export type Finding = Pick<Alert, 'subject' | 'value' | 'threshold' | 'rank' | 'drill'>;

type Evaluator = (db: Db, snapshotId: number, parameters: Record<string, number>) => Finding[];

/** Per underlier and holder: gross notional (each side of a trade counts for its holder) and net delta-adjusted notional. */
function holdings(db: Db, snapshotId: number) {
  return db
    .prepare(
      `SELECT underlier, holder, sum(abs(notional_usd)) AS gross, sum(delta_usd) AS net
         FROM exposure_position WHERE snapshot_id = ? AND underlier IS NOT NULL GROUP BY underlier, holder`,
    )
    .all(snapshotId) as Array<{ underlier: string; holder: string; gross: number | null; net: number | null }>;
}

function byUnderlier<T extends { underlier: string }>(rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(r.underlier, [...(map.get(r.underlier) ?? []), r]);
  return map;
}

const evaluators: Record<string, Evaluator> = {
  /** Every netting set with coverage = IM posted / R below the parameter; sets with no margin report only if asked. */
  MARGIN_BELOW_THRESHOLD: (db, snapshotId, { coverageBelow = 1, includeUnreported = 0 }) =>
    computeMargin(db, snapshotId, ['nettingSet', 'holder'])
      .rows.filter((r) => r.coverage !== null && r.coverage < coverageBelow && (includeUnreported === 1 || r.unreported === 0))
      .map((r) => ({
        subject: r.key[0]!,
        value: r.coverage!,
        threshold: coverageBelow,
        rank: r.shortfallUsd,
        drill: { path: ['counterparty', 'underlier'], at: [r.key[1]!] },
      })),
  /** HHI = Σ (100 × holder's share of the underlier's gross notional)², 0–10,000, above the parameter. */
  CONCENTRATION_HHI: (db, snapshotId, { hhiAbove = 2500 }) =>
    [...byUnderlier(holdings(db, snapshotId))].flatMap(([underlier, rows]) => {
      const total = rows.reduce((s, r) => s + (r.gross ?? 0), 0);
      if (total <= 0) return [];
      const hhi = rows.reduce((s, r) => s + (100 * ((r.gross ?? 0) / total)) ** 2, 0);
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
    }),
  /** A holder's |net position| ÷ open interest (Σ of the net long positions) above the parameter. */
  DOMINANT_HOLDER: (db, snapshotId, { shareAbove = 0.25 }) =>
    [...byUnderlier(holdings(db, snapshotId))].flatMap(([underlier, rows]) => {
      const openInterest = rows.reduce((s, r) => s + Math.max(0, r.net ?? 0), 0);
      if (openInterest <= 0) return [];
      return rows
        .filter((r) => Math.abs(r.net ?? 0) / openInterest > shareAbove)
        .map((r) => {
          const share = Math.abs(r.net ?? 0) / openInterest;
          return {
            subject: `${r.holder} in ${underlier}`,
            value: share,
            threshold: shareAbove,
            rank: share,
            drill: { path: ['underlier', 'counterparty', 'venue'], at: [underlier, r.holder] },
          };
        });
    }),
};

export function evaluate(db: Db, snapshotId: number, rule: AlertRule): Finding[] {
  const evaluator = evaluators[rule.id];
  if (!evaluator) throw new Error(`No evaluator for alert rule ${rule.id}.`);
  return evaluator(db, snapshotId, rule.parameters);
}
