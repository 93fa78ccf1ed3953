import type { ConsentRow } from '../../../shared/contract/cooperation';
import type { Db } from '../db/connection';

/** Consents recorded locally, read the one way the UI and the engine both use. */
const consentSql = `SELECT c.*, g.short_name AS granted_by_name, t.short_name AS granted_to_name FROM consent c
  JOIN authority g ON g.authority_id = c.granted_by JOIN authority t ON t.authority_id = c.granted_to`;

function consentRow(c: Record<string, string | number | null>): ConsentRow {
  return {
    consentId: c.consent_id as number,
    grantedBy: c.granted_by_name as string,
    grantedTo: c.granted_to_name as string,
    category: c.category as string | null,
    purpose: c.purpose as string,
    conditions: c.conditions as string | null,
    grantedAt: c.granted_at as string,
    expiresAt: c.expires_at as string | null,
    evidenceRef: c.evidence_ref as string | null,
    recordedAt: c.recorded_at as string,
    recordedBy: c.recorded_by as string,
  };
}

/** Recorded consents, newest first. */
export function listConsents(db: Db): ConsentRow[] {
  return (db.prepare(`${consentSql} ORDER BY c.consent_id DESC`).all() as Array<Record<string, string | number | null>>).map(consentRow);
}

export function consentById(db: Db, consentId: number): ConsentRow {
  return consentRow(db.prepare(`${consentSql} WHERE c.consent_id = ?`).get(consentId) as Record<string, string | number | null>);
}
