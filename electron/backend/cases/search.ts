import type { SearchHit } from '../../../shared/contract/cases';
import type { Db } from '../db/connection';

/**
 * Full-text search across cases (FTS5): case titles and summaries, item titles and notes,
 * subjects, tasks and evidence file names. The repositories keep the index in the same
 * transaction as the change it reflects.
 */
export type IndexedType = SearchHit['objectType'];

export function indexObject(db: Db, caseId: number, type: IndexedType, objectId: number | null, title: string, body: string): void {
  db.prepare(`DELETE FROM case_fts WHERE case_id = ? AND object_type = ? AND object_id IS ?`).run(caseId, type, objectId);
  db.prepare(`INSERT INTO case_fts (case_id, object_type, object_id, title, body) VALUES (?, ?, ?, ?, ?)`).run(
    caseId,
    type,
    objectId,
    title,
    body,
  );
}

export function unindexObject(db: Db, caseId: number, type: IndexedType, objectId: number): void {
  db.prepare(`DELETE FROM case_fts WHERE case_id = ? AND object_type = ? AND object_id IS ?`).run(caseId, type, objectId);
}

/**
 * The user's words as an FTS5 query: each word a quoted prefix term, all required. Quoting
 * makes every character data (no FTS5 syntax from the user: AND, NEAR, column filters, quotes).
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .split(/[\s\p{P}\p{S}]+/u)
    .map((w) => w.trim())
    .filter((w) => w.length > 0)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
}

export function searchCases(db: Db, text: string, caseNumber: string | undefined, limit: number): SearchHit[] {
  const query = ftsQuery(text);
  if (!query) return [];
  const rows = db
    .prepare(
      `SELECT c.case_number, c.title AS case_title, f.object_type, f.object_id, f.title,
              snippet(case_fts, -1, '«', '»', '…', 12) AS snippet
         FROM case_fts f JOIN case_file c ON c.case_id = f.case_id
        WHERE case_fts MATCH ? ${caseNumber ? 'AND c.case_number = ?' : ''}
        ORDER BY rank LIMIT ?`,
    )
    .all(query, ...(caseNumber ? [caseNumber] : []), limit) as Array<{
    case_number: string;
    case_title: string;
    object_type: IndexedType;
    object_id: number | null;
    title: string;
    snippet: string;
  }>;
  return rows.map((r) => ({
    caseNumber: r.case_number,
    caseTitle: r.case_title,
    objectType: r.object_type,
    objectId: r.object_id === null ? null : Number(r.object_id),
    title: r.title,
    snippet: r.snippet,
  }));
}
