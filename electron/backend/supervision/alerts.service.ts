import { ContractError } from '../../../shared/contract/errors';
import type { Alert, AlertRunResult } from '../../../shared/contract/alerts';
import type { Db } from '../db/connection';
import type { HandlersOf, ServiceContext } from '../context';
import { builtInRules, evaluateRule, ruleContext } from './alertRules';

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
  unit: Alert['unit'] | null;
  rank: number;
  drill_json: string;
  compare_snapshot_id: number | null;
  status: Alert['status'];
  status_reason: string | null;
  created_at: string;
}

const unitOfRule = new Map(builtInRules.map((r) => [r.id, r.unit]));

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
  // Alerts stored before units were kept take their rule's.
  unit: r.unit ?? unitOfRule.get(r.rule_id) ?? 'ratio',
  rank: r.rank,
  drill: JSON.parse(r.drill_json) as Alert['drill'],
  compareSnapshotId: r.compare_snapshot_id,
  status: r.status,
  statusReason: r.status_reason,
  createdAt: r.created_at,
});

/** An alert with the compare snapshot of the run that last raised it. */
const alertSelect = `SELECT a.*, r.compare_snapshot_id FROM alert a JOIN alert_run r ON r.run_id = a.run_id`;

/**
 * How a backend learns its workstation's authority (the home authority of the arbitrage rules): registered with
 * the handlers, so the background run after an import (alertsAfterImport.ts, started with the database alone) asks
 * the same workstation identity as a run on demand.
 */
const homeAuthorityOf = new WeakMap<Db, () => string | null>();

export interface RunAlertsOptions {
  /** The snapshot the two-snapshot rules compare with; without one they are skipped (and keep their alerts). */
  compareSnapshotId?: number | undefined;
  /** The home authority; by default the workstation's (none: the arbitrage rules are skipped). */
  homeAuthority?: string | null;
  now?: Date;
}

function assertActive(db: Db, snapshotId: number, what: string): void {
  if (!db.prepare(`SELECT 1 FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId))
    throw new ContractError('NOT_FOUND', `No ${what} ${snapshotId}: choose one from \`concordat snapshots list\`.`, {
      snapshotId,
    });
}

/**
 * The snapshot an import's alert run compares with: the latest earlier one of the same source (source name and
 * regime), by as-of date and then version, that is active and of the same kind (demo or not). Undefined when there is
 * none (the first snapshot of a source): the two-snapshot rules are then skipped.
 */
export function previousSnapshotOf(db: Db, snapshotId: number): number | undefined {
  const row = db
    .prepare(
      `SELECT p.snapshot_id AS id FROM snapshot s JOIN snapshot p
          ON p.source_name = s.source_name AND p.regime = s.regime AND p.is_demo = s.is_demo
         AND p.status = 'active' AND p.as_of_date < s.as_of_date
       WHERE s.snapshot_id = ?
       ORDER BY p.as_of_date DESC, p.version DESC, p.snapshot_id DESC LIMIT 1`,
    )
    .get(snapshotId) as { id: number } | undefined;
  return row?.id;
}

/**
 * Runs every built-in rule on a snapshot in one transaction: the run is stored with its rules and parameters, the
 * snapshot it compared with, the home authority and the MoU registry it asked; an alert already raised for the same
 * snapshot, rule and subject keeps its status and takes the new figures. A rule that cannot run (no compare snapshot,
 * no home authority) is recorded as skipped with the reason, and the alerts it raised before are kept.
 */
export function runAlerts(db: Db, snapshotId: number, options: RunAlertsOptions = {}): AlertRunResult {
  assertActive(db, snapshotId, 'snapshot');
  const compareSnapshotId = options.compareSnapshotId;
  if (compareSnapshotId !== undefined) {
    if (compareSnapshotId === snapshotId)
      throw new ContractError('INVALID_INPUT', 'Compare with a different snapshot.', { field: 'compareSnapshotId' });
    assertActive(db, compareSnapshotId, 'compare snapshot');
  }
  const homeAuthority = options.homeAuthority !== undefined ? options.homeAuthority : (homeAuthorityOf.get(db)?.() ?? null);
  const ctx = ruleContext(db, snapshotId, { compareSnapshotId, homeAuthority });
  const evaluations = builtInRules.map((rule) => ({ rule, ...evaluateRule(ctx, rule) }));
  const registry = homeAuthority
    ? ((db.prepare(`SELECT sha256 FROM registry_load ORDER BY load_id DESC LIMIT 1`).get() as { sha256: string } | undefined)?.sha256 ??
      null)
    : null;
  const at = (options.now ?? new Date()).toISOString();
  return db.transaction(() => {
    const rules = evaluations.map(({ rule, skipped }) => ({
      id: rule.id,
      version: rule.version,
      parameters: rule.parameters,
      ...(skipped !== undefined ? { skipped } : {}),
    }));
    const runId = Number(
      db
        .prepare(
          `INSERT INTO alert_run (snapshot_id, rules_json, ran_at, compare_snapshot_id, home_authority, registry_sha256) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(snapshotId, JSON.stringify(rules), at, compareSnapshotId ?? null, homeAuthority, registry).lastInsertRowid,
    );
    const upsert = db.prepare(
      `INSERT INTO alert (run_id, snapshot_id, rule_id, rule_version, severity, title, subject, value, threshold, unit, rank, drill_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (snapshot_id, rule_id, subject) DO UPDATE SET
         run_id = excluded.run_id, rule_version = excluded.rule_version, severity = excluded.severity, title = excluded.title,
         value = excluded.value, threshold = excluded.threshold, unit = excluded.unit, rank = excluded.rank, drill_json = excluded.drill_json
       RETURNING (created_at = ?) AS fresh`,
    );
    let newAlerts = 0;
    let total = 0;
    for (const { rule, found } of evaluations)
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
          rule.unit,
          f.rank,
          JSON.stringify(f.drill),
          at,
          at,
        ) as { fresh: number };
        total++;
        if (fresh) newAlerts++;
      }
    // What this run no longer finds (the data or a parameter changed) goes, unless a supervisor has acted on it or
    // its rule was skipped this time (a run without a compare snapshot says nothing about a fall between two).
    const skippedIds = evaluations.filter((e) => e.skipped !== undefined).map((e) => e.rule.id);
    db.prepare(
      `DELETE FROM alert WHERE snapshot_id = ? AND run_id <> ? AND status = 'new' AND rule_id NOT IN (SELECT value FROM json_each(?))`,
    ).run(snapshotId, runId, JSON.stringify(skippedIds));
    return { runId, snapshotId, compareSnapshotId: compareSnapshotId ?? null, homeAuthority, rules, newAlerts, alerts: total };
  })();
}

export function createAlertHandlers(ctx: ServiceContext): HandlersOf<'alerts'> {
  const { db } = ctx;
  homeAuthorityOf.set(db, () => {
    try {
      return ctx.identity().authority;
    } catch {
      // An identity file that cannot be read is reported where keys are used; here it only means no home authority.
      return null;
    }
  });
  return {
    'alerts.run': ({ snapshotId, compareSnapshotId }) => runAlerts(db, snapshotId, { compareSnapshotId }),
    'alerts.count': () => db.prepare(`SELECT count(*) AS new FROM alert WHERE status = 'new'`).get() as { new: number },
    'alerts.list': ({ snapshotId, status, rule }) =>
      (
        db
          .prepare(
            `${alertSelect} WHERE (:s IS NULL OR a.snapshot_id = :s) AND (:status IS NULL OR a.status = :status)
               AND (:rule IS NULL OR a.rule_id = :rule)
             ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, a.rule_id, a.rank DESC, a.subject`,
          )
          .all({ s: snapshotId ?? null, status: status ?? null, rule: rule ?? null }) as AlertRow[]
      ).map(toAlert),
    'alerts.setStatus': ({ alertId, status, reason }) => {
      if ((status === 'dismissed' || status === 'escalated') && !reason)
        throw new ContractError('INVALID_INPUT', `Say why the alert is ${status}: a reason is required.`, { field: 'reason' });
      const changed = db
        .prepare(`UPDATE alert SET status = ?, status_reason = ?, status_at = ? WHERE alert_id = ?`)
        .run(status, reason ?? null, new Date().toISOString(), alertId).changes;
      if (!changed) throw new ContractError('NOT_FOUND', `No alert ${alertId}.`);
      return toAlert(db.prepare(`${alertSelect} WHERE a.alert_id = ?`).get(alertId) as AlertRow);
    },
  };
}
