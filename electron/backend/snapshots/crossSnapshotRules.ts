import { notOutstandingActionTypes } from '../../../shared/domain/lifecycle';
import type { Db } from '../db/connection';
import { rowRange } from './rowRange';

/**
 * Rules that compare a snapshot with the previous one of the same source and regime (the latest
 * version of the latest earlier as-of date), run at import before the snapshot becomes visible.
 * Findings are WARNs in validation_issue, listed and filtered like the row rules. Sources: EMIR
 * Refit validation rules EMIR_VR_2001 (a UTI never changes; it differs from the prior UTI) and
 * EMIR_VR_2042-03 (the execution timestamp cannot change), the Refit reporting guidelines' lifecycle
 * sequences (a trade ends with TERM or EROR, or by maturity; a correction follows a report), and
 * CFTC Part 45 §45.5 (one UTI for the life of a swap).
 *
 * - CNC_XS_VANISHED: outstanding in the previous snapshot, no report at all in this one, and not
 *   matured by this as-of date: it ended without a TERM or EROR, or the TR dropped it.
 * - CNC_XS_UTI_CHANGED: a new UTI without a prior UTI, with the same reporting counterparty, other
 *   counterparty and execution timestamp as a UTI that vanished: the trade's UTI was changed.
 * - CNC_XS_EXECUTION_CHANGED: the same UTI and reporter, another execution timestamp: the UTI
 *   now names another trade.
 * - CNC_XS_CORR_WITHOUT_PRIOR: a correction (CORR) of a UTI the previous snapshot never had.
 * - CNC_XS_PRIOR_UTI_UNKNOWN: a prior UTI found neither in the previous snapshot nor in this one.
 * - CNC_XS_PRIOR_UTI_OUTSTANDING: the prior UTI is still outstanding in this snapshot, so both
 *   the old and the new trade carry the exposure.
 */
export const CROSS_SNAPSHOT_FILE = 'cross-snapshot checks';

export interface CrossSnapshotOutcome {
  previousSnapshotId: number | null;
  findings: number;
}

/** At most this many findings per rule: the count says the rest (a TR that dropped a whole book is one fault, not a million). */
const MAX_PER_RULE = 10_000;

export function runCrossSnapshotRules(db: Db, snapshotId: number): CrossSnapshotOutcome {
  const current = db.prepare(`SELECT source_name, regime, as_of_date FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as {
    source_name: string;
    regime: string;
    as_of_date: string;
  };
  const previous = db
    .prepare(
      `SELECT snapshot_id AS id, as_of_date AS asOf, version FROM snapshot
        WHERE status = 'active' AND source_name = ? AND regime = ? AND as_of_date < ?
        ORDER BY as_of_date DESC, version DESC LIMIT 1`,
    )
    .get(current.source_name, current.regime, current.as_of_date) as { id: number; asOf: string; version: number } | undefined;

  const tradeFiles = db.prepare(`SELECT file_name FROM snapshot_file WHERE snapshot_id = ? AND kind = 'trades'`).all(snapshotId) as Array<{
    file_name: string;
  }>;
  // trade_state keeps the line, not the file: name the file when there is one.
  const rowFile = tradeFiles.length === 1 ? tradeFiles[0]!.file_name : 'trade files';
  const insert = db.prepare(
    `INSERT INTO validation_issue (snapshot_id, file, line, location, field, rule_id, severity, message) VALUES (?, ?, ?, ?, ?, ?, 'WARN', ?)`,
  );
  /** A finding on a report of this snapshot, located by its line. */
  const atLine = (r: Record<string, unknown>, field: string, message: string): Finding => ({
    file: rowFile,
    line: r.source_line as number,
    location: `line ${r.source_line}, UTI ${r.uti}`,
    field,
    message,
  });
  let findings = 0;
  const emit = (ruleId: string, rows: Array<Record<string, unknown>>, toFinding: (r: Record<string, unknown>) => Finding) => {
    let n = 0;
    for (const r of rows) {
      if (n >= MAX_PER_RULE) break;
      const f = toFinding(r);
      insert.run(snapshotId, f.file, f.line, f.location, f.field, ruleId, f.message);
      n++;
    }
    findings += n;
  };
  const notOutstanding = notOutstandingActionTypes.map((a) => `'${a}'`).join(', ');
  const outstanding = (t: string, asOf: string) =>
    `(${t}.action_type IS NULL OR ${t}.action_type NOT IN (${notOutstanding}))
     AND NOT coalesce(substr(${t}.expiration_date, 1, 10) < '${asOf}', 0)`;
  const asOfPattern = /^\d{4}-\d{2}-\d{2}$/;
  if (!asOfPattern.test(current.as_of_date) || (previous && !asOfPattern.test(previous.asOf)))
    return { previousSnapshotId: null, findings };

  // This snapshot's reports are read in table order (see rowRange), each looking up the other reports through the key.
  const reports = rowRange(db, 'trade_state', snapshotId);
  const thisSnapshot = `t.rowid BETWEEN :lo AND :hi AND t.snapshot_id = :s`;
  db.transaction(() => {
    // In this snapshot, a prior UTI that is still outstanding here.
    emit(
      'CNC_XS_PRIOR_UTI_OUTSTANDING',
      db
        .prepare(
          `SELECT t.uti, t.prior_uti, t.source_line FROM trade_state t NOT INDEXED
            WHERE ${thisSnapshot} AND t.prior_uti IS NOT NULL
              AND EXISTS (SELECT 1 FROM trade_state p WHERE p.snapshot_id = :s AND p.uti = t.prior_uti AND ${outstanding('p', current.as_of_date)})
            ORDER BY t.source_line LIMIT ${MAX_PER_RULE}`,
        )
        .all({ s: snapshotId, ...reports }) as Array<Record<string, unknown>>,
      (r) =>
        atLine(
          r,
          'prior_uti',
          `The prior UTI ${r.prior_uti} is still outstanding in this snapshot: the trade that replaced it (${r.uti}) and it are both counted. A novated or cleared trade ends with TERM.`,
        ),
    );
    if (!previous) return;
    const p = { s: snapshotId, p: previous.id };
    const pr = { ...p, ...reports };
    const { lo: plo, hi: phi } = rowRange(db, 'trade_state', previous.id);
    const previousRange = { plo, phi };
    const prevName = `snapshot ${previous.id} (as of ${previous.asOf}, version ${previous.version})`;

    // Distinct UTIs of each snapshot (rejected rows too: a UTI the TR sent badly has not vanished).
    db.exec(`DROP TABLE IF EXISTS temp.xs_now; DROP TABLE IF EXISTS temp.xs_gone`);
    db.exec(`CREATE TEMP TABLE xs_now (uti TEXT PRIMARY KEY) WITHOUT ROWID`);
    db.prepare(`INSERT OR IGNORE INTO temp.xs_now SELECT uti FROM trade_state WHERE snapshot_id = :s`).run({ s: snapshotId });
    db.prepare(
      `INSERT OR IGNORE INTO temp.xs_now SELECT json_extract(raw_json, '$.uti') FROM rejected_row
        WHERE snapshot_id = :s AND json_valid(raw_json) AND json_extract(raw_json, '$.uti') IS NOT NULL`,
    ).run({ s: snapshotId });
    // Outstanding before, absent now, and not matured since.
    db.exec(
      `CREATE TEMP TABLE xs_gone (uti TEXT PRIMARY KEY, reporting_lei TEXT, other_cpty_id TEXT, execution_ts TEXT, expiration_date TEXT) WITHOUT ROWID`,
    );
    db.prepare(
      `INSERT OR IGNORE INTO temp.xs_gone
       SELECT o.uti, o.reporting_lei, o.other_cpty_id, o.execution_ts, o.expiration_date FROM trade_state o NOT INDEXED
        WHERE o.rowid BETWEEN :plo AND :phi AND o.snapshot_id = :p AND ${outstanding('o', previous.asOf)}
          AND NOT coalesce(substr(o.expiration_date, 1, 10) < '${current.as_of_date}', 0)
          AND NOT EXISTS (SELECT 1 FROM temp.xs_now n WHERE n.uti = o.uti)
        ORDER BY o.uti, o.reporting_lei`,
    ).run({ ...p, ...previousRange });

    // A vanished UTI that reappears under another one: the UTI changed.
    const renamed = db
      .prepare(
        `SELECT t.uti, t.source_line, g.uti AS old_uti FROM trade_state t
           JOIN temp.xs_gone g ON g.reporting_lei = t.reporting_lei AND g.other_cpty_id = t.other_cpty_id AND g.execution_ts = t.execution_ts
          WHERE t.snapshot_id = :s AND t.prior_uti IS NULL
            AND NOT EXISTS (SELECT 1 FROM trade_state o WHERE o.snapshot_id = :p AND o.uti = t.uti)
          ORDER BY t.source_line LIMIT ${MAX_PER_RULE}`,
      )
      .all(p) as Array<{ uti: string; source_line: number; old_uti: string }>;
    emit('CNC_XS_UTI_CHANGED', renamed, (r) =>
      atLine(
        r,
        'uti',
        `Same counterparties and execution time as ${r.old_uti} in ${prevName}, which has no report here: a UTI never changes (EMIR_VR_2001). If the trade was novated or cleared, report prior_uti and end the old one with TERM.`,
      ),
    );
    const renamedOld = new Set(renamed.map((r) => r.old_uti));

    emit(
      'CNC_XS_VANISHED',
      (
        db.prepare(`SELECT uti, reporting_lei, expiration_date FROM temp.xs_gone ORDER BY uti LIMIT ${2 * MAX_PER_RULE}`).all() as Array<
          Record<string, unknown>
        >
      ).filter((r) => !renamedOld.has(r.uti as string)),
      (r) => ({
        file: CROSS_SNAPSHOT_FILE,
        line: null,
        location: `UTI ${r.uti}`,
        field: 'uti',
        message: `Outstanding in ${prevName}${r.expiration_date ? ` (expiring ${String(r.expiration_date).slice(0, 10)})` : ''}, with no report in this snapshot and no TERM or EROR ending it.`,
      }),
    );

    emit(
      'CNC_XS_EXECUTION_CHANGED',
      db
        .prepare(
          `SELECT t.uti, t.source_line, t.execution_ts AS now_ts, o.execution_ts AS then_ts FROM trade_state t NOT INDEXED
            CROSS JOIN trade_state o ON o.snapshot_id = :p AND o.uti = t.uti AND o.reporting_lei = t.reporting_lei
            WHERE ${thisSnapshot} AND o.execution_ts <> t.execution_ts
            ORDER BY t.source_line LIMIT ${MAX_PER_RULE}`,
        )
        .all(pr) as Array<Record<string, unknown>>,
      (r) =>
        atLine(
          r,
          'execution_ts',
          `The execution timestamp of ${r.uti} was ${r.then_ts} in ${prevName} and is ${r.now_ts} here: it never changes for a UTI (EMIR_VR_2042), so the UTI now names another trade.`,
        ),
    );

    emit(
      'CNC_XS_CORR_WITHOUT_PRIOR',
      db
        .prepare(
          `SELECT t.uti, t.source_line FROM trade_state t NOT INDEXED
            WHERE ${thisSnapshot} AND t.action_type = 'CORR'
              AND NOT EXISTS (SELECT 1 FROM trade_state o WHERE o.snapshot_id = :p AND o.uti = t.uti)
            ORDER BY t.source_line LIMIT ${MAX_PER_RULE}`,
        )
        .all(pr) as Array<Record<string, unknown>>,
      (r) =>
        atLine(
          r,
          'action_type',
          `A correction (CORR) of ${r.uti}, which ${prevName} does not have: a correction follows an earlier report of the trade.`,
        ),
    );

    emit(
      'CNC_XS_PRIOR_UTI_UNKNOWN',
      db
        .prepare(
          `SELECT t.uti, t.prior_uti, t.source_line FROM trade_state t NOT INDEXED
            WHERE ${thisSnapshot} AND t.prior_uti IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM trade_state o WHERE o.snapshot_id = :p AND o.uti = t.prior_uti)
              AND NOT EXISTS (SELECT 1 FROM temp.xs_now n WHERE n.uti = t.prior_uti)
            ORDER BY t.source_line LIMIT ${MAX_PER_RULE}`,
        )
        .all(pr) as Array<Record<string, unknown>>,
      (r) =>
        atLine(
          r,
          'prior_uti',
          `The prior UTI ${r.prior_uti} is in neither ${prevName} nor this snapshot: the trade it replaced cannot be traced.`,
        ),
    );
    db.exec(`DROP TABLE temp.xs_now; DROP TABLE temp.xs_gone`);
  }).immediate();
  return { previousSnapshotId: previous?.id ?? null, findings };
}

interface Finding {
  file: string;
  line: number | null;
  location: string;
  field: string;
  message: string;
}
