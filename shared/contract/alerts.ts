import { z } from 'zod';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/** Issue 14 §2: alerts from rules that are data (id, version, parameters, severity), each run reproducible. */
export const alertStatuses = ['new', 'acknowledged', 'escalated', 'dismissed'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export const alertSeverities = ['low', 'medium', 'high', 'critical'] as const;

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
  /** What to rank by within a rule (the shortfall for margin; the value otherwise). */
  rank: number;
  /** Where the drill shows it: a path and the keys chosen along it (one fewer than the path: the level below them). */
  drill: { path: string[]; at: string[] };
  status: AlertStatus;
  statusReason: string | null;
  createdAt: string;
}

export interface AlertRunResult {
  runId: number;
  snapshotId: number;
  rules: Array<{ id: string; version: number; parameters: Record<string, number> }>;
  /** Alerts this run raised that no earlier run of the snapshot had. */
  newAlerts: number;
  alerts: number;
}

export const alertsMethods = {
  'alerts.run': method<AlertRunResult>()(z.object({ snapshotId: snapshotIdSchema }).strict()),
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
