import { z } from 'zod';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/** Issue 14 §2: alerts from rules that are data (id, version, parameters, severity), each run reproducible. */
export const alertStatuses = ['new', 'acknowledged', 'escalated', 'dismissed'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export const alertSeverities = ['low', 'medium', 'high', 'critical'] as const;
/**
 * What an alert's value and threshold measure, so they can be shown right: `ratio` a fraction (0.7 is 70 %),
 * `points` a difference of two ratios (0.25 is 25 percentage points), `multiple` a leverage (12.5×), `hhi` 0–10,000,
 * `count` a number of things, `usd` an amount in USD, `months` an age in months (of 365.25 / 12 days).
 */
export const alertUnits = ['ratio', 'points', 'multiple', 'hhi', 'count', 'usd', 'months'] as const;
export type AlertUnit = (typeof alertUnits)[number];

export interface Alert {
  alertId: number;
  snapshotId: number;
  ruleId: string;
  ruleVersion: number;
  severity: (typeof alertSeverities)[number];
  title: string;
  /** Whom or what it is about: a netting set, an underlier, a holder in an underlier. */
  subject: string;
  value: number;
  threshold: number;
  /** What value and threshold measure (the rule's unit). */
  unit: AlertUnit;
  /** What to rank by within a rule (the shortfall for margin; the value otherwise). */
  rank: number;
  /** Where the drill shows it: a path and the keys chosen along it (one fewer than the path: the level below them). */
  drill: { path: string[]; at: string[] };
  /** The snapshot a two-snapshot rule compared with (the run's), else null. */
  compareSnapshotId: number | null;
  status: AlertStatus;
  statusReason: string | null;
  createdAt: string;
}

export interface AlertRunResult {
  runId: number;
  snapshotId: number;
  /** The snapshot the two-snapshot rules compared with; null when none was given (they were skipped). */
  compareSnapshotId: number | null;
  /** The authority whose cooperation bases the arbitrage rules asked about (the workstation's), or null. */
  homeAuthority: string | null;
  /** Every built-in rule with its version and parameters; a rule that could not run says why in `skipped`. */
  rules: Array<{ id: string; version: number; parameters: Record<string, number>; skipped?: string }>;
  /** Alerts this run raised that no earlier run of the snapshot had. */
  newAlerts: number;
  alerts: number;
}

export const alertsMethods = {
  'alerts.run': method<AlertRunResult>()(
    z
      .object({
        snapshotId: snapshotIdSchema,
        /** An earlier (or any other) snapshot for the two-snapshot rules; without one they are skipped. */
        compareSnapshotId: snapshotIdSchema.optional(),
      })
      .strict()
      .refine((r) => r.compareSnapshotId === undefined || r.compareSnapshotId !== r.snapshotId, {
        message: 'compare with a different snapshot',
        path: ['compareSnapshotId'],
      }),
  ),
  /** How many alerts are new (the sidebar's badge). */
  'alerts.count': method<{ new: number }>()(z.object({}).strict()),
  'alerts.list': method<Alert[]>()(
    z
      .object({
        snapshotId: snapshotIdSchema.optional(),
        status: z.enum(alertStatuses).optional(),
        rule: z.string().max(60).optional(),
      })
      .strict(),
  ),
  /** new → acknowledged → escalated (to a case) or dismissed; dismissing or escalating needs a reason. */
  'alerts.setStatus': method<Alert>()(
    z
      .object({
        alertId: z.number().int().positive(),
        status: z.enum(['acknowledged', 'escalated', 'dismissed']),
        reason: z.string().trim().max(2000).optional(),
      })
      .strict(),
  ),
};
