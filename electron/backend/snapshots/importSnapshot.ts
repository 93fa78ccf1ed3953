import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';
import type { Regime } from '../../../shared/contract/snapshots';
import type { Db } from '../db/openDatabase';
import { readCsvRecords, type CsvRecord } from './csvRecords';
import { csvColumns, csvKindOfFileName, requiredColumns, type CsvKind } from './fileKinds';
import { checkMarginRow, marginStateColumns } from './marginRow';
import { checkEntityRow, checkFxRow, checkPriceRow, checkVenueRow, entityColumns, venueColumns, type Values } from './referenceRows';
import type { RowIssue } from './rowChecks';
import { computeRollups } from './rollups';
import { checkTradeRow, tradeStateColumns, type CheckedRow } from './tradeRow';

export interface ImportRequest {
  files: string[];
  sourceName: string;
  trLei: string;
  regime: Regime;
  asOfDate: string;
  isDemo?: boolean;
}

export interface ImportProgress {
  phase: 'hash' | CsvKind | 'rollups' | 'switch';
  message: string;
  done: number;
  total: number;
}

export interface ImportSummary {
  snapshotId: number;
  version: number;
  /** True when these exact bytes were imported before: nothing was written. */
  alreadyImported: boolean;
  rowsRead: number;
  loaded: number;
  rejected: number;
  warnings: number;
  seconds: number;
}

export interface ImportControl {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

const BATCH_ROWS = 5_000;
/** Load order: rates first, because trade and margin amounts are converted to USD as they are read. */
const LOAD_ORDER: readonly CsvKind[] = ['fx', 'prices', 'entities', 'venues', 'trades', 'margins'];

/**
 * Imports one snapshot from Concordat CSV files. Everything is written under a 'staging'
 * snapshot that no reader sees, then switched to 'active' in one short transaction; any
 * failure or cancellation deletes the staging rows, leaving the database as it was.
 */
export async function importSnapshot(db: Db, request: ImportRequest, control: ImportControl = {}): Promise<ImportSummary> {
  const started = performance.now();
  const byKind = classifyFiles(request.files);
  const totalBytes = [...byKind.values()].reduce((sum, f) => sum + fs.statSync(f).size, 0);

  control.onProgress?.({ phase: 'hash', message: 'Checking whether these files were imported before', done: 0, total: totalBytes });
  const sha256 = await hashFiles(byKind);
  const existing = db
    .prepare(
      `SELECT snapshot_id, version, trade_rows, rejected_rows, warning_rows FROM snapshot WHERE source_sha256 = ? AND status = 'active'`,
    )
    .get(sha256) as { snapshot_id: number; version: number; trade_rows: number; rejected_rows: number; warning_rows: number } | undefined;
  if (existing) {
    return {
      snapshotId: existing.snapshot_id,
      version: existing.version,
      alreadyImported: true,
      rowsRead: 0,
      loaded: 0,
      rejected: 0,
      warnings: 0,
      seconds: (performance.now() - started) / 1000,
    };
  }

  const version =
    ((
      db
        .prepare(`SELECT max(version) AS v FROM snapshot WHERE source_name = ? AND regime = ? AND as_of_date = ?`)
        .get(request.sourceName, request.regime, request.asOfDate) as { v: number | null }
    ).v ?? 0) + 1;
  const snapshotId = Number(
    db
      .prepare(
        `INSERT INTO snapshot (source_name, tr_lei, regime, as_of_date, version, source_sha256, imported_at, is_demo, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'staging')`,
      )
      .run(
        request.sourceName,
        request.trLei,
        request.regime,
        request.asOfDate,
        version,
        sha256,
        new Date().toISOString(),
        request.isDemo ? 1 : 0,
      ).lastInsertRowid,
  );

  try {
    const loader = new SnapshotLoader(db, snapshotId);
    let bytesBefore = 0;
    for (const kind of LOAD_ORDER) {
      const file = byKind.get(kind);
      if (!file) continue;
      const size = fs.statSync(file).size;
      await loader.load(kind, file, {
        signal: control.signal,
        onBytes: (bytes) =>
          control.onProgress?.({ phase: kind, message: `Reading ${path.basename(file)}`, done: bytesBefore + bytes, total: totalBytes }),
      });
      bytesBefore += size;
    }
    if (control.signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled.');
    control.onProgress?.({ phase: 'rollups', message: 'Computing exposure rollups', done: totalBytes, total: totalBytes });
    db.transaction(() => computeRollups(db, snapshotId))();
    if (control.signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled.');

    control.onProgress?.({ phase: 'switch', message: 'Making the snapshot available', done: totalBytes, total: totalBytes });
    const counts = loader.counts;
    db.prepare(`UPDATE snapshot SET status = 'active', trade_rows = ?, rejected_rows = ?, warning_rows = ? WHERE snapshot_id = ?`).run(
      counts.tradesLoaded,
      counts.rejected,
      counts.warnings,
      snapshotId,
    );
    return {
      snapshotId,
      version,
      alreadyImported: false,
      rowsRead: counts.read,
      loaded: counts.loaded,
      rejected: counts.rejected,
      warnings: counts.warnings,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    discardSnapshot(db, snapshotId);
    throw error;
  }
}

/** Deletes a snapshot and everything under it (cascade). */
export function discardSnapshot(db: Db, snapshotId: number): void {
  db.prepare(`DELETE FROM snapshot WHERE snapshot_id = ?`).run(snapshotId);
}

/** Removes snapshots an interrupted import left in 'staging' (the process was killed mid-import). */
export function discardStagingSnapshots(db: Db): number {
  return db.prepare(`DELETE FROM snapshot WHERE status = 'staging'`).run().changes;
}

function classifyFiles(files: string[]): Map<CsvKind, string> {
  const byKind = new Map<CsvKind, string>();
  for (const file of files) {
    const kind = csvKindOfFileName(path.basename(file));
    if (!kind) {
      throw new ContractError(
        'INVALID_INPUT',
        `${path.basename(file)} is not a snapshot file: expected one of ${Object.keys(csvColumns)
          .map((k) => `${k}.csv`)
          .join(', ')}.`,
        { file },
      );
    }
    if (byKind.has(kind))
      throw new ContractError('INVALID_INPUT', `Two ${kind} files were given: ${byKind.get(kind)} and ${file}.`, { kind });
    if (!fs.existsSync(file)) throw new ContractError('NOT_FOUND', `${file} does not exist.`, { file });
    byKind.set(kind, file);
  }
  if (!byKind.has('trades')) throw new ContractError('INVALID_INPUT', 'A snapshot needs a trades.csv file.', { files });
  return byKind;
}

/** Identity of a snapshot's content: SHA-256 over each file's kind and SHA-256, in a fixed order. */
async function hashFiles(byKind: Map<CsvKind, string>): Promise<string> {
  const outer = crypto.createHash('sha256');
  for (const kind of [...byKind.keys()].sort()) {
    const inner = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(byKind.get(kind)!)) inner.update(chunk as Buffer);
    outer.update(`${kind}:${inner.digest('hex')}\n`);
  }
  return outer.digest('hex');
}

/** Checks one row and, when it passes, inserts it; `inserted: false` means its key was already there. */
type RowWriter = (row: Record<string, string | undefined>, line: number) => CheckedRow<Values> & { inserted?: boolean };

interface Counts {
  read: number;
  loaded: number;
  tradesLoaded: number;
  rejected: number;
  warnings: number;
}

/** Writes the rows of one staging snapshot, in batches, with findings and rejected rows kept. */
class SnapshotLoader {
  readonly counts: Counts = { read: 0, loaded: 0, tradesLoaded: 0, rejected: 0, warnings: 0 };
  private readonly usdPerUnit = new Map<string, number>();
  private readonly insertIssue;
  private readonly insertRejected;

  constructor(
    private readonly db: Db,
    private readonly snapshotId: number,
  ) {
    this.insertIssue = db.prepare(
      `INSERT INTO validation_issue (snapshot_id, file, line, field, rule_id, severity, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRejected = db.prepare(`INSERT INTO rejected_row (snapshot_id, file, line, raw_json) VALUES (?, ?, ?, ?)`);
  }

  async load(kind: CsvKind, file: string, options: { signal?: AbortSignal; onBytes: (bytes: number) => void }): Promise<void> {
    const name = path.basename(file);
    const writer = this.writerFor(kind);
    let batch: CsvRecord[] = [];
    const flush = this.db.transaction((records: CsvRecord[]) => {
      for (const record of records) this.store(name, record, writer);
    });
    const records = readCsvRecords(
      file,
      { required: requiredColumns[kind], optional: csvColumns[kind], onBytes: options.onBytes, signal: options.signal },
      (header) => {
        if (header.unknownColumns.length > 0) {
          this.insertIssue.run(
            this.snapshotId,
            name,
            1,
            header.unknownColumns.join(','),
            'CNC_UNKNOWN_COLUMN',
            'WARN',
            `Unknown column${header.unknownColumns.length > 1 ? 's' : ''} ignored: ${header.unknownColumns.join(', ')}.`,
          );
        }
      },
    );
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= BATCH_ROWS) {
        flush(batch);
        batch = [];
      }
    }
    flush(batch);
  }

  private store(file: string, record: CsvRecord, writer: RowWriter): void {
    this.counts.read++;
    let checked: CheckedRow<Values> & { inserted?: boolean };
    if (record.cellCountMismatch) {
      const { expected, actual } = record.cellCountMismatch;
      checked = {
        value: undefined,
        issues: [
          { field: '', ruleId: 'CNC_CELL_COUNT', severity: 'ERROR', message: `The row has ${actual} cells; the header has ${expected}.` },
        ],
      };
    } else {
      checked = writer(record.values, record.line);
      if (checked.value && checked.inserted === false) {
        checked = {
          value: undefined,
          issues: [
            ...checked.issues,
            { field: '', ruleId: 'CNC_DUPLICATE', severity: 'ERROR', message: 'The same record (same key) appears earlier in the file.' },
          ],
        };
      }
    }
    this.recordIssues(file, record.line, checked.issues);
    if (checked.value) {
      this.counts.loaded++;
      if (checked.issues.length > 0) this.counts.warnings++;
    } else {
      this.counts.rejected++;
      this.insertRejected.run(this.snapshotId, file, record.line, JSON.stringify(record.values));
    }
  }

  private recordIssues(file: string, line: number, issues: RowIssue[]): void {
    for (const issue of issues) this.insertIssue.run(this.snapshotId, file, line, issue.field, issue.ruleId, issue.severity, issue.message);
  }

  private toUsd(amount: string | null | undefined, ccy: string | null | undefined): number | null {
    if (amount == null || ccy == null) return null;
    const rate = this.usdPerUnit.get(ccy);
    return rate === undefined ? null : Number(amount) * rate;
  }

  private writerFor(kind: CsvKind): RowWriter {
    const s = this.snapshotId;
    const db = this.db;
    switch (kind) {
      case 'fx': {
        const insert = db.prepare(`INSERT OR IGNORE INTO fx_rate (snapshot_id, as_of_date, ccy, usd_per_unit) VALUES (?, ?, ?, ?)`);
        return (row) => {
          const checked = checkFxRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          this.usdPerUnit.set(String(v.ccy), Number(v.usd_per_unit));
          return { ...checked, inserted: insert.run(s, v.as_of_date, v.ccy, v.usd_per_unit).changes > 0 };
        };
      }
      case 'prices': {
        const insert = db.prepare(
          `INSERT OR IGNORE INTO underlier_price (snapshot_id, as_of_date, underlier_dti, price_usd) VALUES (?, ?, ?, ?)`,
        );
        return (row) => {
          const checked = checkPriceRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          return { ...checked, inserted: insert.run(s, v.as_of_date, v.underlier_dti, v.price_usd).changes > 0 };
        };
      }
      case 'entities': {
        const insert = db.prepare(
          `INSERT OR IGNORE INTO entity (snapshot_id, ${entityColumns.join(', ')}) VALUES (?, ${entityColumns.map(() => '?').join(', ')})`,
        );
        return (row) => {
          const checked = checkEntityRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          return { ...checked, inserted: insert.run(s, ...entityColumns.map((c) => v[c] ?? null)).changes > 0 };
        };
      }
      case 'venues': {
        const insert = db.prepare(
          `INSERT OR IGNORE INTO venue (snapshot_id, ${venueColumns.join(', ')}) VALUES (?, ${venueColumns.map(() => '?').join(', ')})`,
        );
        return (row) => {
          const checked = checkVenueRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          return { ...checked, inserted: insert.run(s, ...venueColumns.map((c) => v[c] ?? null)).changes > 0 };
        };
      }
      case 'trades': {
        const insert = db.prepare(
          `INSERT OR IGNORE INTO trade_state (snapshot_id, ${tradeStateColumns.join(', ')}, source_line, notional_usd, valuation_usd)
           VALUES (?, ${tradeStateColumns.map(() => '?').join(', ')}, ?, ?, ?)`,
        );
        return (row, line) => {
          const checked = checkTradeRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          const inserted =
            insert.run(
              s,
              ...tradeStateColumns.map((c) => v[c]),
              line,
              this.toUsd(v.notional as string | null, v.notional_ccy as string | null),
              this.toUsd(v.valuation_amount as string | null, v.valuation_ccy as string | null),
            ).changes > 0;
          if (inserted) this.counts.tradesLoaded++;
          return { ...checked, inserted };
        };
      }
      case 'margins': {
        const insert = db.prepare(
          `INSERT INTO margin_state (snapshot_id, ${marginStateColumns.join(', ')}, source_line, im_posted_usd)
           VALUES (?, ${marginStateColumns.map(() => '?').join(', ')}, ?, ?)`,
        );
        return (row, line) => {
          const checked = checkMarginRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          insert.run(s, ...marginStateColumns.map((c) => v[c]), line, this.toUsd(v.im_posted, v.im_posted_ccy));
          return checked;
        };
      }
    }
  }
}
