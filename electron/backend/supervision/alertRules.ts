import { z } from 'zod';
import shippedRules from '../../../resources/supervision/alert-rules.json';
import { alertSeverities, alertUnits } from '../../../shared/contract/alerts';
import type { Db } from '../db/connection';
import { assertDrillCurrent } from '../snapshots/drillStale';
import { arbitrageRules } from './alertRules/arbitrage';
import { concentrationRules } from './alertRules/concentration';
import { identityRules } from './alertRules/identity';
import { marginRules } from './alertRules/margin';
import { protocolRules } from './alertRules/protocol';
import { RuleSkipped, type Evaluator, type Finding, type RuleContext } from './alertRules/types';
import { valuationRules } from './alertRules/valuation';

export { RuleSkipped, type Finding, type RuleContext } from './alertRules/types';

/** The built-in rules as data (resources/supervision/alert-rules.json): parameters and severities are not code. */
const ruleSchema = z
  .object({
    id: z.string(),
    version: z.number().int().positive(),
    title: z.string(),
    rationale: z.string(),
    severity: z.enum(alertSeverities),
    /** What the alerts' value and threshold measure. */
    unit: z.enum(alertUnits),
    parameters: z.record(z.string(), z.number()),
  })
  .strict();
export type AlertRule = z.infer<typeof ruleSchema>;
export const builtInRules: AlertRule[] = z.object({ v: z.literal(1), rules: z.array(ruleSchema) }).parse(shippedRules).rules;

/**
 * Each rule's code, one module per family (alertRules/*.ts). A new rule is an entry here and its data in
 * alert-rules.json; a rule in the data without code fails the run (and the tests), never silently passes.
 */
const evaluators: Record<string, Evaluator> = {
  ...marginRules,
  ...concentrationRules,
  ...valuationRules,
  ...arbitrageRules,
  ...identityRules,
  ...protocolRules,
};

/** A run's context: one snapshot (and maybe a compare snapshot), with a memo the rules share. */
export function ruleContext(
  db: Db,
  snapshotId: number,
  options: { compareSnapshotId?: number | undefined; homeAuthority?: string | null } = {},
): RuleContext {
  // The rules read positions, cells and digests of both snapshots: neither may await its rebuild after an update.
  assertDrillCurrent(db, snapshotId);
  if (options.compareSnapshotId !== undefined) assertDrillCurrent(db, options.compareSnapshotId);
  const { asOf } = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { asOf: string };
  const memo = new Map<string, unknown>();
  return {
    db,
    snapshotId,
    asOf,
    ...(options.compareSnapshotId !== undefined ? { compareSnapshotId: options.compareSnapshotId } : {}),
    homeAuthority: options.homeAuthority ?? null,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}

/** What one rule found, or why it could not run in this context (no compare snapshot, no home authority). */
export type Evaluation = { found: Finding[]; skipped?: undefined } | { found: []; skipped: string };

export function evaluateRule(ctx: RuleContext, rule: AlertRule): Evaluation {
  const evaluator = evaluators[rule.id];
  if (!evaluator) throw new Error(`No evaluator for alert rule ${rule.id}.`);
  for (const need of evaluator.needs ?? []) {
    if (need === 'compare' && ctx.compareSnapshotId === undefined)
      return { found: [], skipped: 'it compares two snapshots, and no compare snapshot was given.' };
    if (need === 'homeAuthority' && !ctx.homeAuthority)
      return {
        found: [],
        skipped:
          'it asks the MoU registry about the home authority, and this workstation has none set (`concordat keys init --authority`).',
      };
  }
  try {
    return { found: evaluator.run(ctx, rule.parameters) };
  } catch (error) {
    if (error instanceof RuleSkipped) return { found: [], skipped: error.message };
    throw error;
  }
}

/** One rule on one snapshot alone (no compare snapshot, no home authority): what it finds, [] when it cannot run. */
export function evaluate(db: Db, snapshotId: number, rule: AlertRule): Finding[] {
  return evaluateRule(ruleContext(db, snapshotId), rule).found;
}
