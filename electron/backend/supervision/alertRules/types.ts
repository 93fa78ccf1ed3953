import type { Alert } from '../../../../shared/contract/alerts';
import type { Db } from '../../db/connection';

/**
 * What a rule is evaluated against. One context per run: `memo` shares a figure several rules need (margin by
 * netting set, the cooperation answers) so a run computes it once.
 */
export interface RuleContext {
  db: Db;
  snapshotId: number;
  /** The snapshot's as-of date (YYYY-MM-DD). */
  asOf: string;
  /** The snapshot the two-snapshot rules compare with (the earlier one, as a rule reads it), if any. */
  compareSnapshotId?: number;
  /** The workstation's own authority, as the MoU registry names it (CFTC, BaFin, …), or null when none is set. */
  homeAuthority: string | null;
  memo<T>(key: string, compute: () => T): T;
}

/** What a rule finds: everything of an alert but what the store adds. */
export type Finding = Pick<Alert, 'subject' | 'value' | 'threshold' | 'rank' | 'drill'>;

/** Thrown by a rule that cannot run in this context (no compare snapshot, no home authority): the run records why. */
export class RuleSkipped extends Error {}

/**
 * A rule's code: what it needs beyond one snapshot (checked before it runs, so it is skipped with a reason rather
 * than guessing), and the evaluation itself. Parameters come from the rule's data (alert-rules.json).
 */
export interface Evaluator {
  needs?: ReadonlyArray<'compare' | 'homeAuthority'>;
  run(ctx: RuleContext, parameters: Record<string, number>): Finding[];
}

/** A parameter the rule's data must give (a missing one is a broken rules file, not a default in code). */
export function param(parameters: Record<string, number>, name: string): number {
  const v = parameters[name];
  if (v === undefined) throw new Error(`Alert rule parameter ${name} is missing from resources/supervision/alert-rules.json.`);
  return v;
}
