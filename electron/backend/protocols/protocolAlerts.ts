import type { Alert } from '../../../shared/contract/alerts';
import type { Db } from '../db/connection';
import { param } from '../supervision/alertRules/types';
import { auditState, listProtocols } from './protocolRegister';

type ProtocolFinding = Pick<Alert, 'subject' | 'value' | 'threshold' | 'rank' | 'drill'>;

/** The date `months` calendar months after `date` (YYYY-MM-DD), the day clamped to the month's end (Jan 31 + 1 = Feb 28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

const monthsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 / (365.25 / 12);

/**
 * Issue 14 §2.7 / §3: protocols through which the snapshot has exposure (gross notional on a linked venue above
 * `minExposureUsd`), checked against their audits as of the snapshot's as-of date. One rule id per condition, so
 * each has its own severity and parameters in alert-rules.json:
 * - PROTOCOL_UNAUDITED: no audit at all (value: the exposure, USD);
 * - PROTOCOL_AUDIT_STALE: the latest audit's date + `maxAgeMonths` calendar months is before the as-of date
 *   (value: its age in months of 365.25/12 days);
 * - PROTOCOL_OPEN_FINDINGS: critical + high findings still open, in any audit, above `openAbove` (value: the count);
 * - PROTOCOL_UNCOVERED_CONTRACT: contracts the latest audit's scope does not name (value: how many).
 */
export function protocolFindings(db: Db, snapshotId: number, ruleId: string, parameters: Record<string, number>): ProtocolFinding[] {
  const snapshot = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as
    { asOf: string } | undefined;
  if (!snapshot) return [];
  const exposure = db.prepare(
    `SELECT p.venue, sum(abs(p.notional_usd)) AS gross FROM exposure_position p
      WHERE p.snapshot_id = ? AND p.venue IN (SELECT venue_id FROM protocol_venue WHERE protocol_id = ?)
      GROUP BY p.venue ORDER BY gross DESC`,
  );
  const minExposure = param(parameters, 'minExposureUsd');
  return listProtocols(db).flatMap((protocol): ProtocolFinding[] => {
    const venues = exposure.all(snapshotId, protocol.id) as Array<{ venue: string; gross: number | null }>;
    const gross = venues.reduce((s, v) => s + (v.gross ?? 0), 0);
    if (venues.length === 0 || gross <= minExposure) return [];
    const audit = auditState(protocol);
    const at = (value: number, threshold: number): ProtocolFinding[] => [
      {
        subject: protocol.name,
        value,
        threshold,
        rank: gross,
        drill: { path: ['venue', 'counterparty', 'underlier'], at: [venues[0]!.venue] },
      },
    ];
    switch (ruleId) {
      case 'PROTOCOL_UNAUDITED':
        return audit.latestAuditDate === null ? at(gross, minExposure) : [];
      case 'PROTOCOL_AUDIT_STALE': {
        const maxAge = param(parameters, 'maxAgeMonths');
        if (audit.latestAuditDate === null || addMonths(audit.latestAuditDate, maxAge) >= snapshot.asOf) return [];
        return at(monthsBetween(audit.latestAuditDate, snapshot.asOf), maxAge);
      }
      case 'PROTOCOL_OPEN_FINDINGS': {
        const open = audit.openCritical + audit.openHigh;
        const above = param(parameters, 'openAbove');
        return open > above ? at(open, above) : [];
      }
      case 'PROTOCOL_UNCOVERED_CONTRACT':
        return audit.latestAuditDate !== null && audit.uncoveredContracts.length > 0 ? at(audit.uncoveredContracts.length, 0) : [];
      default:
        throw new Error(`No protocol evaluator for alert rule ${ruleId}.`);
    }
  });
}
