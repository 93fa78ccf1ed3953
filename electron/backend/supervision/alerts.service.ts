import { ContractError } from '../../../shared/contract/errors';
import type { Alert, AlertRunResult } from '../../../shared/contract/alerts';
import type { Db } from '../db/connection';
import type { HandlersOf, ServiceContext } from '../context';
import { builtInRules, evaluate } from './alertRules';

interface AlertRow {
  alert_id: number;
  snapshot_id: number;
  rule_id: string;
  rule_version: number;
  severity: Alert['severity'];
  title: string;
  subject: string;
  value: number;
  threshold: number;
  rank: number;
  drill_json: string;
  status: Alert['status'];
  status_reason: string | null;
  created_at: string;
}

const toAlert = (r: AlertRow): Alert => ({
  alertId: r.alert_id,
  snapshotId: r.snapshot_id,
  ruleId: r.rule_id,
  ruleVersion: r.rule_version,
  severity: r.severity,
  title: r.title,
  subject: r.subject,
  value: r.value,
  threshold: r.threshold,
  rank: r.rank,
  drill: JSON.parse(r.drill_json) as Alert['drill'],
  status: r.status,
  statusReason: r.status_reason,
  createdAt: r.created_at,
});

/**
 * Runs every built-in rule on a snapshot in one transaction: the run is stored with its rules and parameters; an
 * alert already raised for the same snapshot, rule and subject keeps its status and takes the new figures.
 */
export function runAlerts(db: Db, snapshotId: number, now = new Date()): AlertRunResult {
  if (!db.prepare(`SELECT 1 FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId))
    throw new ContractError('NOT_FOUND', `No snapshot ${snapshotId}: choose one from \`concordat snapshots list\`.`);
  const findings = builtInRules.map((rule) => ({ rule, found: evaluate(db, snapshotId, rule) }));
  const at = now.toISOString();
  return db.transaction(() => {
    const rules = builtInRules.map((r) => ({ id: r.id, version: r.version, parameters: r.parameters }));
    const runId = Number(
      db.prepare(`INSERT INTO alert_run (snapshot_id, rules_json, ran_at) VALUES (?, ?, ?)`).run(snapshotId, JSON.stringify(rules), at)
        .lastInsertRowid,
    );
    const upsert = db.prepare(
      `INSERT INTO alert (run_id, snapshot_id, rule_id, rule_version, severity, title, subject, value, threshold, rank, drill_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (snapshot_id, rule_id, subject) DO UPDATE SET
         run_id = excluded.run_id, rule_version = excluded.rule_version, severity = excluded.severity, title = excluded.title,
         value = excluded.value, threshold = excluded.threshold, rank = excluded.rank, drill_json = excluded.drill_json
       RETURNING (created_at = ?) AS fresh`,
    );
    let newAlerts = 0;
    let total = 0;
    for (const { rule, found } of findings)
      for (const f of found) {
        const { fresh } = upsert.get(
          runId,
          snapshotId,
          rule.id,
          rule.version,
          rule.severity,
          rule.title,
          f.subject,
          f.value,
          f.threshold,
          f.rank,
          JSON.stringify(f.drill),
          at,
          at,
        ) as { fresh: number };
        total++;
        if (fresh) newAlerts++;
      }
    // What this run no longer finds (the data or a parameter changed) goes, unless a supervisor has acted on it.
    db.prepare(`DELETE FROM alert WHERE snapshot_id = ? AND run_id <> ? AND status = 'new'`).run(snapshotId, runId);
    return { runId, snapshotId, rules, newAlerts, alerts: total };
  })();
}

export function createAlertHandlers(ctx: ServiceContext): HandlersOf<'alerts'> {
  const { db } = ctx;
  return {
    'alerts.run': ({ snapshotId }) => runAlerts(db, snapshotId),
    'alerts.count': () => db.prepare(`SELECT count(*) AS new FROM alert WHERE status = 'new'`).get() as { new: number },
    'alerts.list': ({ snapshotId, status, rule }) =>
      (
        db
          .prepare(
            `SELECT * FROM alert WHERE (:s IS NULL OR snapshot_id = :s) AND (:status IS NULL OR status = :status)
               AND (:rule IS NULL OR rule_id = :rule)
             ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, rule_id, rank DESC, subject`,
          )
          .all({ s: snapshotId ?? null, status: status ?? null, rule: rule ?? null }) as AlertRow[]
      ).map(toAlert),
    'alerts.setStatus': ({ alertId, status, reason }) => {
      if ((status === 'dismissed' || status === 'escalated') && !reason)
        throw new ContractError('INVALID_INPUT', `Say why the alert is ${status}: a reason is required.`, { field: 'reason' });
      const changed = db
        .prepare(`UPDATE alert SET status = ?, status_reason = ?, status_at = ? WHERE alert_id = ? RETURNING *`)
        .get(status, reason ?? null, new Date().toISOString(), alertId) as AlertRow | undefined;
      if (!changed) throw new ContractError('NOT_FOUND', `No alert ${alertId}.`);
      return toAlert(changed);
    },
  };
}
