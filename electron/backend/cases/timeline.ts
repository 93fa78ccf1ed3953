import { auditEntryWords } from '../../../shared/domain/caseVocabulary';
import type { TimelineEntry } from '../../../shared/contract/cases';
import { getRequest } from '../cooperation/requests.repo';
import type { Db } from '../db/connection';
import { caseRow } from './cases.repo';

/**
 * Everything of a case on one chronological line: items at their event dates (or when added),
 * the changes recorded in the audit trail, tasks at their due dates, and the events of the
 * requests for assistance linked to the case. Times keep the zone they were given in; sorting
 * compares them as instants where they carry one, and a bare date sorts as its start.
 */
export function caseTimeline(db: Db, caseNumber: string): TimelineEntry[] {
  const c = caseRow(db, caseNumber);
  const entries: TimelineEntry[] = [];
  const items = db
    .prepare(`SELECT item_id, kind, title, event_date, created_at, status, payload_json FROM case_item WHERE case_id = ?`)
    .all(c.case_id) as Array<{
    item_id: number;
    kind: string;
    title: string;
    event_date: string | null;
    created_at: string;
    status: string;
    payload_json: string;
  }>;
  for (const i of items) {
    if (i.status === 'withdrawn') continue;
    entries.push({ at: i.event_date ?? i.created_at, source: 'item', kind: i.kind, title: i.title, itemId: i.item_id });
    if (i.kind === 'request') {
      const { requestId } = JSON.parse(i.payload_json) as { requestId: number };
      try {
        for (const e of getRequest(db, requestId).events)
          entries.push({
            at: e.at,
            source: 'request',
            kind: e.kind,
            title: `Request #${requestId}: ${e.kind.replace(/_/g, ' ')}${e.text ? ` — ${e.text}` : ''}`,
            itemId: i.item_id,
          });
      } catch {
        // A request removed from the log since: the item itself still says what it was.
      }
    }
  }
  for (const a of db
    .prepare(`SELECT at, action, object_type, object_id FROM case_audit WHERE case_id = ? ORDER BY seq`)
    .all(c.case_id) as Array<{
    at: string;
    action: string;
    object_type: string;
    object_id: string | null;
  }>)
    entries.push({
      at: a.at,
      source: 'audit',
      kind: a.action,
      title: auditEntryWords(a.action, a.object_type, a.object_id),
      itemId: a.object_type.startsWith('item') && a.object_id ? Number(a.object_id) : null,
    });
  for (const t of db
    .prepare(`SELECT text, due_date, status FROM case_task WHERE case_id = ? AND due_date IS NOT NULL`)
    .all(c.case_id) as Array<{
    text: string;
    due_date: string;
    status: string;
  }>)
    entries.push({ at: t.due_date, source: 'task', kind: t.status, title: `Task due: ${t.text}`, itemId: null });
  const instant = (at: string) => Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at);
  return entries.sort((a, b) => instant(a.at) - instant(b.at) || a.source.localeCompare(b.source));
}
