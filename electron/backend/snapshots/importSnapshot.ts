import crypto from 'node:crypto';
import fs from 'node:fs';
import { ContractError } from '../../../shared/contract/errors';
import type { Regime } from '../../../shared/contract/snapshots';
import type { Db } from '../db/connection';
import type { CsvKind } from './fileKinds';
import { openRecordSource, type RecordSource } from './recordSources';
import { runCrossSnapshotRules } from './crossSnapshotRules';
import { claimImportSlot, discardAbandonedImports, releaseImportLease } from './importLeases';
import { rollupSteps, type RollupProgress } from './rollups';
import { SnapshotLoader, type FileCounts } from './snapshotLoader';

export interface ImportRequest {
  files: string[];
  /** The source TR, as the supervisor knows it. */
  sourceName: string;
  trLei?: string;
  regime: Regime;
  asOfDate: string;
  isDemo?: boolean;
  /** A file with a larger share of rejected rows is refused whole (default 0.1). */
  maxErrorRatio?: number;
}

export interface ImportProgress {
  phase: 'hash' | 'waiting' | CsvKind | 'rollups' | 'switch';
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

export const defaultMaxErrorRatio = 0.1;
/** Below this many rows a ratio says little: a 3-row file with one bad row is not refused. */
const MIN_ROWS_FOR_RATIO = 20;
/** Load order: rates first, because trade and margin amounts are converted to USD as they are read. */
const LOAD_ORDER: readonly CsvKind[] = ['fx', 'prices', 'entities', 'venues', 'trades', 'margins'];

/**
 * Imports one snapshot from Concordat CSV and/or ISO 20022 XML files. Everything is written
 * under a 'staging' snapshot that no reader sees, then switched to 'active' in one short
 * transaction; any failure or cancellation deletes the staging rows, leaving the database as
 * it was. A process killed mid-import leaves a staging snapshot that the next start removes.
 */
export async function importSnapshot(db: Db, request: ImportRequest, control: ImportControl = {}): Promise<ImportSummary> {
  const started = performance.now();
  const maxErrorRatio = request.maxErrorRatio ?? defaultMaxErrorRatio;
  const sources = await openSources(request.files);
  const totalBytes = sources.reduce((sum, s) => sum + fs.statSync(s.file).size, 0);

  control.onProgress?.({ phase: 'hash', message: 'Checking whether these files were imported before', done: 0, total: totalBytes });
  const hashes = await hashSources(sources, control.signal);
  const sha256 = combinedHash(sources, hashes);
  const alreadyImported = (existing: { snapshot_id: number; version: number }): ImportSummary => ({
    snapshotId: existing.snapshot_id,
    version: existing.version,
    alreadyImported: true,
    rowsRead: 0,
    loaded: 0,
    rejected: 0,
    warnings: 0,
    seconds: elapsed(started),
  });
  const findExisting = () =>
    db.prepare(`SELECT snapshot_id, version FROM snapshot WHERE source_sha256 = ? AND status = 'active'`).get(sha256) as
      { snapshot_id: number; version: number } | undefined;
  const before = findExisting();
  if (before) return alreadyImported(before);

  // One import at a time per data directory: wait for one another process (or job) runs, then
  // decide (same bytes imported meanwhile? which version?) and create the staging snapshot in the
  // same write transaction.
  let existing: { snapshot_id: number; version: number } | undefined;
  const claimed = await claimImportSlot(
    db,
    () => {
      existing = findExisting();
      if (existing) return undefined;
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
            request.trLei ?? null,
            request.regime,
            request.asOfDate,
            version,
            sha256,
            new Date().toISOString(),
            request.isDemo ? 1 : 0,
          ).lastInsertRowid,
      );
      return { snapshotId, version };
    },
    {
      ...(control.signal ? { signal: control.signal } : {}),
      onWaiting: (running) =>
        control.onProgress?.({
          phase: 'waiting',
          message: `Waiting for the other import (${running.sourceName}, process ${running.owner.pid}) to finish`,
          done: 0,
          total: totalBytes,
        }),
    },
  );
  if (!claimed) return alreadyImported(existing!);
  const { snapshotId, version } = claimed;

  const restorePragmas = tuneForBulkWrite(db);
  try {
    const loader = new SnapshotLoader(db, snapshotId, { regime: request.regime, asOfDate: request.asOfDate });
    const insertFile = db.prepare(
      `INSERT INTO snapshot_file (snapshot_id, kind, file_name, format, message_type, bytes, sha256, rows_read, rows_rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let bytesBefore = 0;
    for (const source of sources) {
      const size = fs.statSync(source.file).size;
      const counts = await loader.load(source, {
        ...(control.signal ? { signal: control.signal } : {}),
        onBytes: (bytes) =>
          control.onProgress?.({ phase: source.kind, message: `Reading ${source.fileName}`, done: bytesBefore + bytes, total: totalBytes }),
        afterBatch: (c) => assertErrorRatio(source, c, maxErrorRatio, false),
      });
      assertErrorRatio(source, counts, maxErrorRatio, true);
      insertFile.run(
        snapshotId,
        source.kind,
        source.fileName,
        source.format,
        source.messageType ?? null,
        size,
        hashes.get(source)!,
        counts.read,
        counts.rejected,
      );
      bytesBefore += size;
    }
    throwIfCancelled(control.signal);
    control.onProgress?.({
      phase: 'rollups',
      message: 'Comparing with the previous snapshot of this source',
      done: totalBytes,
      total: totalBytes,
    });
    runCrossSnapshotRules(db, snapshotId);
    throwIfCancelled(control.signal);
    control.onProgress?.({ phase: 'rollups', message: 'Computing exposure rollups', done: totalBytes, total: totalBytes });
    // Rollups sort millions of positions; SQLite's sorters may each use up to cache_size of
    // memory before spilling to disk, so the import's large cache is lowered first.
    db.pragma(`cache_size = ${ROLLUP_CACHE_KIB}`);
    // Step by step, each statement its own commit (the snapshot is staging: nobody sees the rows before the switch,
    // and a failure discards them all), with a pause between steps in which other writers take the lock: a user's
    // edit or another import waits for one step, never for the whole snapshot's rollups.
    let stepStarted = performance.now();
    for (const step of rollupSteps(db, snapshotId)) {
      throwIfCancelled(control.signal);
      control.onProgress?.({
        phase: 'rollups',
        message: `Computing exposure rollups: ${rollupStepText(step)}`,
        done: totalBytes,
        total: totalBytes,
      });
      // As long as the step, at most ROLLUP_PAUSE_MS: a small snapshot's rollups are not slowed down for nothing.
      await new Promise((resolve) => setTimeout(resolve, Math.min(ROLLUP_PAUSE_MS, performance.now() - stepStarted)));
      throwIfCancelled(control.signal);
      stepStarted = performance.now();
    }
    throwIfCancelled(control.signal);

    control.onProgress?.({ phase: 'switch', message: 'Making the snapshot available', done: totalBytes, total: totalBytes });
    const t = loader.totals;
    db.transaction(() => {
      db.prepare(`UPDATE snapshot SET status = 'active', trade_rows = ?, rejected_rows = ?, warning_rows = ? WHERE snapshot_id = ?`).run(
        t.tradesLoaded,
        t.rejected,
        t.warnings,
        snapshotId,
      );
      releaseImportLease(db, snapshotId);
    }).immediate();
    return {
      snapshotId,
      version,
      alreadyImported: false,
      rowsRead: t.read,
      loaded: t.loaded,
      rejected: t.rejected,
      warnings: t.warnings,
      seconds: elapsed(started),
    };
  } catch (error) {
    discardSnapshot(db, snapshotId);
    throw error;
  } finally {
    restorePragmas();
  }
}

/**
 * For the length of an import: a 32 MB page cache (the key index is written in random order)
 * and checkpoints every 64 MB of WAL rather than 4 MB. Not none: each commit re-appends the
 * hot index pages, so an unchecked WAL grows without bound and slows every read. One
 * passive checkpoint at the end, which never waits for readers. Temp tables stay on disk, so
 * the rollups of a very large snapshot cannot exhaust memory.
 */
function tuneForBulkWrite(db: Db): () => void {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  const checkpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const heapLimit = db.pragma('soft_heap_limit', { simple: true }) as number;
  db.pragma('cache_size = -32768');
  db.pragma('wal_autocheckpoint = 16384');
  // SQLite gives back cache memory past this, so an import stays within its memory budget.
  db.pragma(`soft_heap_limit = ${SQLITE_SOFT_HEAP_BYTES}`);
  return () => {
    db.pragma(`cache_size = ${cache}`);
    db.pragma(`wal_autocheckpoint = ${checkpoint}`);
    db.pragma(`soft_heap_limit = ${heapLimit}`);
    db.pragma('wal_checkpoint(PASSIVE)');
  };
}

/**
 * The longest pause between two rollup steps. SQLite's busy handler and writeWhenFree look for the lock again at most
 * every 100 ms, so a longer gap is one every waiting writer sees.
 */
const ROLLUP_PAUSE_MS = 120;

const rollupStepText = (step: RollupProgress): string =>
  step.total === undefined ? `${step.step} done` : `${step.step} ${step.done!.toLocaleString('en')} of ${step.total.toLocaleString('en')}`;

/** Memory budget of an import (peak RSS under 400 MB): SQLite's share, and its cache during rollups. */
const SQLITE_SOFT_HEAP_BYTES = 96 * 1024 * 1024;
const ROLLUP_CACHE_KIB = -8192;

/** Deletes a snapshot and everything under it (cascade). */
export function discardSnapshot(db: Db, snapshotId: number): void {
  db.prepare(`DELETE FROM snapshot WHERE snapshot_id = ?`).run(snapshotId);
}

/**
 * Removes snapshots an interrupted import left in 'staging' (its process was killed mid-import);
 * an import whose process still runs (another CLI command, the app) is left alone.
 */
export function discardStagingSnapshots(db: Db): number {
  return discardAbandonedImports(db);
}

async function openSources(files: string[]): Promise<RecordSource[]> {
  if (files.length === 0) throw new ContractError('INVALID_INPUT', 'No files were given to import.');
  const sources: RecordSource[] = [];
  for (const file of files) {
    if (!fs.existsSync(file)) throw new ContractError('NOT_FOUND', `${file} does not exist.`, { file });
    sources.push(await openRecordSource(file));
  }
  const names = new Set<string>();
  for (const s of sources) {
    if (names.has(s.fileName))
      throw new ContractError('INVALID_INPUT', `Two files are named ${s.fileName}; give each file of a snapshot its own name.`, {
        file: s.fileName,
      });
    names.add(s.fileName);
  }
  for (const kind of ['fx', 'prices', 'entities', 'venues'] as const) {
    const same = sources.filter((s) => s.kind === kind);
    if (same.length > 1)
      throw new ContractError('INVALID_INPUT', `Two ${kind} files were given: ${same.map((s) => s.fileName).join(' and ')}.`, { kind });
  }
  if (!sources.some((s) => s.kind === 'trades'))
    throw new ContractError('INVALID_INPUT', 'A snapshot needs trade data: a trades.csv file or an ISO 20022 auth.107/auth.030 message.');
  return sources.sort((a, b) => LOAD_ORDER.indexOf(a.kind) - LOAD_ORDER.indexOf(b.kind) || a.fileName.localeCompare(b.fileName));
}

/**
 * Refuses a file whose rejected share is above the limit. Checked after each batch once
 * enough rows are in (so a hopeless file stops early) and once more at the end.
 */
function assertErrorRatio(source: RecordSource, counts: FileCounts, maxErrorRatio: number, final: boolean): void {
  if (counts.read < MIN_ROWS_FOR_RATIO && !final) return;
  if (counts.read === 0 || (final && counts.read < MIN_ROWS_FOR_RATIO)) return;
  const ratio = counts.rejected / counts.read;
  if (ratio > maxErrorRatio) {
    const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
    throw new ContractError(
      'INVALID_INPUT',
      `${source.fileName} was refused whole: ${pct(ratio)} of its first ${counts.read.toLocaleString('en-US')} rows failed validation, above the limit of ${pct(maxErrorRatio)}.`,
      { file: source.fileName, read: counts.read, rejected: counts.rejected, maxErrorRatio },
    );
  }
}

async function hashSources(sources: RecordSource[], signal?: AbortSignal): Promise<Map<RecordSource, string>> {
  const hashes = new Map<RecordSource, string>();
  for (const source of sources) {
    const hash = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(source.file)) {
      throwIfCancelled(signal);
      hash.update(chunk as Buffer);
    }
    hashes.set(source, hash.digest('hex'));
  }
  return hashes;
}

/** Identity of a snapshot's content: SHA-256 over each file's kind and SHA-256, in a fixed order. */
function combinedHash(sources: RecordSource[], hashes: Map<RecordSource, string>): string {
  const lines = sources.map((s) => `${s.kind}:${hashes.get(s)}`).sort();
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled.');
}

const elapsed = (started: number) => (performance.now() - started) / 1000;
