import type { Db } from '../db/connection';
import { cappedList } from './csvRecords';
import type { CsvKind } from './fileKinds';
import type { ImportContext } from './importContext';
import { checkMarginRow, marginStateColumns } from './marginRow';
import type { RecordSource, SourceRecord } from './recordSources';
import { checkEntityRow, checkFxRow, checkPriceRow, checkVenueRow, entityColumns, venueColumns, type Values } from './referenceRows';
import type { RowIssue } from './rowChecks';
import { checkTradeRow, tradeStateColumns, type CheckedRow } from './tradeRow';

/** Rows per transaction: large enough that the random key-index pages are written once per batch. */
const BATCH_ROWS = 10_000;

/** Checks one row and, when it passes, inserts it; `inserted: false` means its key was already there. */
type RowWriter = (row: Record<string, string | undefined>, line: number) => CheckedRow<Values> & { inserted?: boolean };

export interface FileCounts {
  read: number;
  loaded: number;
  rejected: number;
  warnings: number;
}

/**
 * Writes the rows of one staging snapshot in batched transactions. Every row ends up either
 * loaded (with its warnings) or kept raw as rejected with its findings: nothing is dropped.
 */
export class SnapshotLoader {
  readonly totals: FileCounts & { tradesLoaded: number } = { read: 0, loaded: 0, rejected: 0, warnings: 0, tradesLoaded: 0 };
  /** The rate each currency's amounts are converted with (see resolveRates). */
  private readonly usdPerUnit = new Map<string, number>();
  /** Every rate of the fx file, by currency: the day's rate and the line it came from. */
  private readonly ratesRead = new Map<string, Array<{ date: string; rate: number; line: number }>>();
  private ratesResolved = false;
  private readonly entityStatus = new Map<string, string>();
  private readonly context: ImportContext;
  private readonly insertIssue;
  private readonly insertRejected;

  constructor(
    private readonly db: Db,
    private readonly snapshotId: number,
    context: ImportContext,
  ) {
    this.context = { ...context, entityStatus: this.entityStatus };
    this.insertIssue = db.prepare(
      `INSERT INTO validation_issue (snapshot_id, file, line, location, field, rule_id, severity, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRejected = db.prepare(`INSERT INTO rejected_row (snapshot_id, file, line, location, raw_json) VALUES (?, ?, ?, ?, ?)`);
  }

  /**
   * Loads one source. `afterBatch` runs between batches (outside any transaction), so the
   * caller can stop a file that is over its error ratio without reading it to the end.
   */
  async load(
    source: RecordSource,
    options: { signal?: AbortSignal; onBytes?: (bytes: number) => void; afterBatch?: (counts: FileCounts) => void },
  ): Promise<FileCounts> {
    const counts: FileCounts = { read: 0, loaded: 0, rejected: 0, warnings: 0 };
    // Amounts are converted as they are read: the rates must be settled first (without an fx
    // file, only USD converts).
    if ((source.kind === 'trades' || source.kind === 'margins') && !this.ratesResolved) this.resolveRates(undefined);
    const writer = this.writerFor(source.kind);
    const flush = this.db.transaction((records: SourceRecord[]) => {
      for (const record of records) this.store(source.fileName, record, writer, counts);
    });
    let batch: SourceRecord[] = [];
    const records = source.records({
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
      onHeader: (header) => {
        const unknown = header.unknownColumns;
        if (unknown.length === 0) return;
        // Capped like every message about a header: a file may have any number of columns.
        this.insertIssue.run(
          this.snapshotId,
          source.fileName,
          1,
          'line 1',
          cappedList(unknown, ','),
          'CNC_UNKNOWN_COLUMN',
          'WARN',
          `Unknown column${unknown.length > 1 ? 's' : ''} ignored: ${cappedList(unknown)}.`,
        );
      },
    });
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= BATCH_ROWS) {
        flush.immediate(batch);
        batch = [];
        options.afterBatch?.(counts);
      }
    }
    flush.immediate(batch);
    options.afterBatch?.(counts);
    if (source.kind === 'fx') this.resolveRates(source.fileName);
    return counts;
  }

  /**
   * Settles the one rate per currency that the snapshot's amounts are converted with: the rate
   * of the as-of date, else the latest earlier one (flagged with its date, since amounts then
   * carry a stale rate), never a later one (that would use information from after the snapshot).
   * USD is 1 by definition when the file gives no USD rate. Recorded in snapshot_fx.
   */
  private resolveRates(fxFile: string | undefined): void {
    this.ratesResolved = true;
    const asOf = this.context.asOfDate;
    const insert = this.db.prepare(`INSERT INTO snapshot_fx (snapshot_id, ccy, usd_per_unit, rate_date) VALUES (?, ?, ?, ?)`);
    this.db
      .transaction(() => {
        for (const [ccy, rates] of this.ratesRead) {
          const usable = rates.filter((r) => r.date <= asOf).sort((a, b) => (a.date < b.date ? 1 : -1));
          const chosen = usable[0];
          if (!chosen) {
            const first = rates.map((r) => r.date).sort()[0]!;
            this.recordIssues(fxFile!, rates[0]!.line, `line ${rates[0]!.line}`, [
              {
                field: 'as_of_date',
                ruleId: 'CNC_FX_AFTER_AS_OF',
                severity: 'WARN',
                message: `${ccy} has rates only after the snapshot date ${asOf} (the first on ${first}): ${ccy} amounts are left unconverted.`,
              },
            ]);
            continue;
          }
          this.usdPerUnit.set(ccy, chosen.rate);
          insert.run(this.snapshotId, ccy, chosen.rate, chosen.date);
          if (chosen.date !== asOf) {
            const days = Math.round((Date.parse(asOf) - Date.parse(chosen.date)) / 86_400_000);
            this.recordIssues(fxFile!, chosen.line, `line ${chosen.line}`, [
              {
                field: 'as_of_date',
                ruleId: 'CNC_FX_STALE',
                severity: 'WARN',
                message: `No ${ccy} rate for the snapshot date ${asOf}: ${ccy} amounts are converted at the rate of ${chosen.date} (${days} day${days === 1 ? '' : 's'} earlier).`,
              },
            ]);
          }
        }
        if (!this.usdPerUnit.has('USD') && !this.ratesRead.has('USD')) {
          this.usdPerUnit.set('USD', 1);
          insert.run(this.snapshotId, 'USD', 1, asOf);
        }
      })
      .immediate();
  }

  private store(file: string, record: SourceRecord, writer: RowWriter, counts: FileCounts): void {
    counts.read++;
    this.totals.read++;
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
            {
              field: '',
              ruleId: 'CNC_DUPLICATE',
              severity: 'ERROR',
              message: 'The same record (same key) appears earlier in this snapshot.',
            },
          ],
        };
      }
    }
    const location = record.location ?? `line ${record.line}`;
    this.recordIssues(file, record.line, location, checked.issues);
    if (checked.value) {
      counts.loaded++;
      this.totals.loaded++;
      if (checked.issues.length > 0) {
        counts.warnings++;
        this.totals.warnings++;
      }
    } else {
      counts.rejected++;
      this.totals.rejected++;
      this.insertRejected.run(this.snapshotId, file, record.line, location, JSON.stringify(record.values));
    }
  }

  private recordIssues(file: string, line: number, location: string, issues: RowIssue[]): void {
    for (const issue of issues)
      this.insertIssue.run(this.snapshotId, file, line, location, issue.field, issue.ruleId, issue.severity, issue.message);
  }

  private toUsd(amount: string | number | null | undefined, ccy: string | number | null | undefined): number | null {
    if (amount == null || ccy == null) return null;
    const rate = this.usdPerUnit.get(String(ccy));
    return rate === undefined ? null : Number(amount) * rate;
  }

  private writerFor(kind: CsvKind): RowWriter {
    const s = this.snapshotId;
    const db = this.db;
    const insertWith = <T extends Values>(
      sql: string,
      check: (row: Record<string, string | undefined>) => CheckedRow<T>,
      params: (v: T, line: number) => unknown[],
      onInserted?: (v: T) => void,
    ): RowWriter => {
      const statement = db.prepare(sql);
      return (row, line) => {
        const checked = check(row);
        if (!checked.value) return checked;
        const inserted = statement.run(...params(checked.value, line)).changes > 0;
        if (inserted) onInserted?.(checked.value);
        return { ...checked, inserted };
      };
    };
    switch (kind) {
      case 'fx': {
        // Keyed by (currency, day): a file may carry several days; the same day twice is a duplicate.
        const statement = db.prepare(`INSERT OR IGNORE INTO fx_rate (snapshot_id, as_of_date, ccy, usd_per_unit) VALUES (?, ?, ?, ?)`);
        return (row, line) => {
          const checked = checkFxRow(row);
          if (!checked.value) return checked;
          const v = checked.value;
          const inserted = statement.run(s, v.as_of_date, v.ccy, v.usd_per_unit).changes > 0;
          if (inserted) {
            const list = this.ratesRead.get(String(v.ccy)) ?? [];
            list.push({ date: String(v.as_of_date), rate: Number(v.usd_per_unit), line });
            this.ratesRead.set(String(v.ccy), list);
          }
          return { ...checked, inserted };
        };
      }
      case 'prices':
        return insertWith(
          `INSERT OR IGNORE INTO underlier_price (snapshot_id, as_of_date, underlier_dti, price_usd, volatility) VALUES (?, ?, ?, ?, ?)`,
          checkPriceRow,
          (v) => [s, v.as_of_date, v.underlier_dti, v.price_usd, v.volatility],
        );
      case 'entities':
        return insertWith(
          `INSERT OR IGNORE INTO entity (snapshot_id, ${entityColumns.join(', ')}) VALUES (?, ${entityColumns.map(() => '?').join(', ')})`,
          checkEntityRow,
          (v) => [s, ...entityColumns.map((c) => v[c] ?? null)],
          (v) => {
            if (v.registration_status != null) this.entityStatus.set(String(v.lei), String(v.registration_status).toUpperCase());
          },
        );
      case 'venues':
        return insertWith(
          `INSERT OR IGNORE INTO venue (snapshot_id, ${venueColumns.join(', ')}) VALUES (?, ${venueColumns.map(() => '?').join(', ')})`,
          checkVenueRow,
          (v) => [s, ...venueColumns.map((c) => v[c] ?? null)],
        );
      case 'trades':
        return insertWith(
          `INSERT OR IGNORE INTO trade_state (snapshot_id, ${tradeStateColumns.join(', ')}, source_line, notional_usd, valuation_usd)
           VALUES (?, ${tradeStateColumns.map(() => '?').join(', ')}, ?, ?, ?)`,
          (row) => checkTradeRow(row, this.context),
          (v, line) => [
            s,
            ...tradeStateColumns.map((c) => v[c]),
            line,
            this.toUsd(v.notional, v.notional_ccy),
            this.toUsd(v.valuation_amount, v.valuation_ccy),
          ],
          () => this.totals.tradesLoaded++,
        );
      case 'margins':
        return insertWith(
          `INSERT INTO margin_state (snapshot_id, ${marginStateColumns.join(', ')}, source_line, im_posted_usd)
           VALUES (?, ${marginStateColumns.map(() => '?').join(', ')}, ?, ?)`,
          (row) => checkMarginRow(row, this.context),
          (v, line) => [s, ...marginStateColumns.map((c) => v[c]), line, this.toUsd(v.im_posted, v.im_posted_ccy)],
        );
    }
  }
}
