import type {
  FxRateApplied,
  IssueSummaryRow,
  IssuesPage,
  RejectedRow,
  SnapshotBasis,
  SnapshotFile,
  TradeStateCount,
  ValidationIssueRow,
} from '../../../shared/contract/snapshots';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { csvCell, csvHeaderLine } from '../../../shared/domain/csv';

export interface IssueFilter {
  snapshotId: number;
  severity?: string | undefined;
  ruleId?: string | undefined;
  file?: string | undefined;
  field?: string | undefined;
  text?: string | undefined;
}

/** WHERE clause for the filters: values only ever travel as bound parameters. */
function where(filter: IssueFilter): { sql: string; params: unknown[] } {
  const clauses = ['i.snapshot_id = ?'];
  const params: unknown[] = [filter.snapshotId];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.severity) add('i.severity = ?', filter.severity);
  if (filter.ruleId) add('i.rule_id = ?', filter.ruleId);
  if (filter.file) add('i.file = ?', filter.file);
  if (filter.field) add('i.field = ?', filter.field);
  // LIKE wildcards in the user's text are escaped: it matches literally.
  if (filter.text) add("i.message LIKE ? ESCAPE '\\'", `%${filter.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  return { sql: clauses.join(' AND '), params };
}

// A finding belongs to a rejected row when that very record was rejected: the same line and location
// (several reports share a line in a minified XML file). Findings from before locations were
// recorded (schema 1, CSV) have none; their rejected rows are located "line N" (migration 10).
const SELECT_ISSUES = `SELECT i.file, i.line, i.location, i.field, i.rule_id AS ruleId, i.severity, i.message,
  EXISTS (SELECT 1 FROM rejected_row r WHERE r.snapshot_id = i.snapshot_id AND r.file = i.file AND r.line = i.line
    AND r.location = coalesce(i.location, 'line ' || i.line)) AS rejected
  FROM validation_issue i`;

/** What a supervisor reads first: the errors that rejected rows, then warnings, then anything else. */
const BY_SEVERITY = `CASE i.severity WHEN 'ERROR' THEN 0 WHEN 'WARN' THEN 1 ELSE 2 END`;

function toRow(r: Omit<ValidationIssueRow, 'rejected'> & { rejected: number }): ValidationIssueRow {
  return { ...r, rejected: r.rejected === 1 };
}

export function assertSnapshot(db: Db, snapshotId: number): void {
  const row = db.prepare(`SELECT 1 FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId);
  if (!row) throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
}

/** One page of findings: errors (rejected rows) first, then warnings, each in file and line order. */
export function listIssues(db: Db, filter: IssueFilter, startRow: number, endRow: number): IssuesPage {
  assertSnapshot(db, filter.snapshotId);
  const w = where(filter);
  const total = (db.prepare(`SELECT count(*) AS n FROM validation_issue i WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
  const limit = Math.max(0, Math.min(endRow - startRow, 1000));
  const rows = db
    .prepare(`${SELECT_ISSUES} WHERE ${w.sql} ORDER BY ${BY_SEVERITY}, i.file, i.line, i.rowid LIMIT ? OFFSET ?`)
    .all(...w.params, limit, startRow) as Array<Omit<ValidationIssueRow, 'rejected'> & { rejected: number }>;
  return { rows: rows.map(toRow), total };
}

/** Findings counted by rule, most frequent first, with one example message each. */
export function summariseIssues(db: Db, snapshotId: number): IssueSummaryRow[] {
  assertSnapshot(db, snapshotId);
  return db
    .prepare(
      `SELECT rule_id AS ruleId, severity, count(*) AS count, min(message) AS example
         FROM validation_issue WHERE snapshot_id = ? GROUP BY rule_id, severity ORDER BY count DESC, rule_id`,
    )
    .all(snapshotId) as IssueSummaryRow[];
}

/** The matching findings as CSV, with a header block saying what was exported and when. */
export function exportIssuesCsv(db: Db, filter: IssueFilter, now = new Date()): { fileName: string; csv: string } {
  assertSnapshot(db, filter.snapshotId);
  const snapshot = db
    .prepare(`SELECT source_name, regime, as_of_date, version FROM snapshot WHERE snapshot_id = ?`)
    .get(filter.snapshotId) as {
    source_name: string;
    regime: string;
    as_of_date: string;
    version: number;
  };
  const w = where(filter);
  const rows = db.prepare(`${SELECT_ISSUES} WHERE ${w.sql} ORDER BY ${BY_SEVERITY}, i.file, i.line, i.rowid`).all(...w.params) as Array<
    Omit<ValidationIssueRow, 'rejected'> & { rejected: number }
  >;
  const filters = Object.entries(filter)
    .filter(([k, v]) => k !== 'snapshotId' && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  const lines = [
    ...[
      `# Concordat validation findings`,
      `# Snapshot: ${filter.snapshotId} (${snapshot.source_name}, ${snapshot.regime}, as of ${snapshot.as_of_date}, version ${snapshot.version})`,
      `# Filters: ${filters || 'none'}`,
      `# Exported at: ${now.toISOString()}`,
      `# Rows: ${rows.length}`,
    ].map(csvHeaderLine),
    ['file', 'line', 'location', 'field', 'rule_id', 'severity', 'rejected', 'message'].join(','),
    ...rows.map((r) =>
      [r.file, r.line, r.location, r.field, r.ruleId, r.severity, r.rejected ? 'yes' : 'no', r.message].map(csvCell).join(','),
    ),
  ];
  return { fileName: `concordat-findings-snapshot-${filter.snapshotId}.csv`, csv: `${lines.join('\n')}\n` };
}

export function listSnapshotFiles(db: Db, snapshotId: number): SnapshotFile[] {
  assertSnapshot(db, snapshotId);
  return db
    .prepare(
      `SELECT kind, file_name AS fileName, format, message_type AS messageType, bytes, sha256, rows_read AS rowsRead, rows_rejected AS rowsRejected
         FROM snapshot_file WHERE snapshot_id = ? ORDER BY kind, file_name`,
    )
    .all(snapshotId) as SnapshotFile[];
}

/**
 * The raw values of one rejected row, by its line and, where one line holds several records (a
 * minified XML file, the two sides of one report), its location. Without a location, the first
 * rejected record of that line in file order.
 */
export function getRejectedRow(db: Db, snapshotId: number, file: string, line: number, location?: string): RejectedRow {
  const select = `SELECT file, line, location, raw_json FROM rejected_row WHERE snapshot_id = ? AND file = ? AND line = ?`;
  const row = (
    location === undefined
      ? db.prepare(`${select} ORDER BY rowid LIMIT 1`).get(snapshotId, file, line)
      : db.prepare(`${select} AND location = ?`).get(snapshotId, file, line, location)
  ) as { file: string; line: number; location: string; raw_json: string } | undefined;
  if (!row) {
    const where = location === undefined ? '' : `, ${location}`;
    throw new ContractError('NOT_FOUND', `No rejected row at ${file} line ${line}${where} in snapshot ${snapshotId}.`, {
      file,
      line,
      ...(location === undefined ? {} : { location }),
    });
  }
  return { file: row.file, line: row.line, location: row.location, values: JSON.parse(row.raw_json) as Record<string, string> };
}

/** The FX rates a snapshot's amounts were converted with, and how many of its trades are outstanding and why not. */
export function snapshotBasis(db: Db, snapshotId: number): SnapshotBasis {
  const snapshot = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId) as
    { asOf: string } | undefined;
  if (!snapshot) throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
  const fxRates = (
    db
      .prepare(`SELECT ccy, usd_per_unit AS usdPerUnit, rate_date AS rateDate FROM snapshot_fx WHERE snapshot_id = ? ORDER BY ccy`)
      .all(snapshotId) as Array<Omit<FxRateApplied, 'daysStale'>>
  ).map((r) => ({ ...r, daysStale: Math.round((Date.parse(snapshot.asOf) - Date.parse(r.rateDate)) / 86_400_000) }));
  const tradeStates = db
    .prepare(
      `SELECT state, reports, trades FROM trade_state_count WHERE snapshot_id = ?
        ORDER BY CASE state WHEN 'outstanding' THEN 0 ELSE 1 END, state`,
    )
    .all(snapshotId) as TradeStateCount[];
  return { asOfDate: snapshot.asOf, fxRates, tradeStates };
}
