import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileTempDir, tempDir } from '../../../helpers/tempDir';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const cli = path.join(root, 'electron', 'cli', 'bin.cjs');
let dataFiles: string[] = [];
let fullDurationMs = 0;
let expectedTradeRows = 0;

function importArgs(dataDir: string): string[] {
  return [
    cli,
    'import',
    ...dataFiles,
    '--data-dir',
    dataDir,
    '--source',
    'Crash TR',
    '--regime',
    'EMIR',
    '--as-of',
    '2026-06-30',
    '--json',
  ];
}

/** Starts `concordat import` and SIGKILLs it after `delayMs` (or lets it finish when the delay is past its end). */
function importAndKill(dataDir: string, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, importArgs(dataDir), { stdio: 'ignore', env: { ...process.env, CONCORDAT_DATA_DIR: '' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

/** What a reader sees: integrity, and the active snapshots with their row counts. */
function inspect(dataDir: string) {
  const db = new Database(path.join(dataDir, 'concordat.db'), { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const active = db.prepare(`SELECT snapshot_id AS id, trade_rows AS rows FROM snapshot WHERE status = 'active'`).all() as Array<{
      id: number;
      rows: number;
    }>;
    const loaded = active.map(
      (s) => (db.prepare(`SELECT count(*) AS n FROM trade_state WHERE snapshot_id = ?`).get(s.id) as { n: number }).n,
    );
    return { integrity, active, loaded };
  } finally {
    db.close();
  }
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'electron/scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'ignore' });
  const data = fileTempDir();
  execFileSync(process.execPath, [cli, 'demo', 'generate', '--trades', '30000', '--seed', '11', '--out', data], { stdio: 'ignore' });
  dataFiles = fs.readdirSync(data).map((f) => path.join(data, f));
  // One complete run gives the expected result and how long an import takes here.
  const reference = fileTempDir();
  const start = performance.now();
  const out = execFileSync(process.execPath, importArgs(reference), { encoding: 'utf8', env: { ...process.env, CONCORDAT_DATA_DIR: '' } });
  fullDurationMs = performance.now() - start;
  expect(JSON.parse(out).alreadyImported).toBe(false);
  expectedTradeRows = inspect(reference).loaded[0]!;
}, 180_000);

describe('an import killed with SIGKILL', () => {
  // Points spread over the whole run: start-up, parsing, inserting, rollups, the switch.
  const fractions = [0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.95];

  it.each(fractions)(
    'at %s of its duration leaves a sound database with all or nothing, and a re-run completes it',
    async (fraction) => {
      let dataDir = tempDir();
      // Jitter within ±5% so repeated runs probe nearby points too.
      let delay = fullDurationMs * (fraction + (Math.random() - 0.5) * 0.1);
      let outcome = await importAndKill(dataDir, delay);
      // A run faster than the reference (a loaded machine slowed the reference) finishes before
      // a late kill: aim earlier in a fresh directory rather than prove nothing.
      for (let attempt = 0; outcome === 'finished' && fraction <= 0.85 && attempt < 3; attempt++) {
        dataDir = tempDir();
        delay *= 0.7;
        outcome = await importAndKill(dataDir, delay);
      }
      // Before the end of a normal run the kill must land, or this test would prove nothing.
      if (fraction <= 0.85) expect(outcome).toBe('killed');
      if (fs.existsSync(path.join(dataDir, 'concordat.db'))) {
        const after = inspect(dataDir);
        expect(after.integrity).toBe('ok');
        expect(after.active.length).toBeLessThanOrEqual(1);
        for (const rows of after.loaded) expect(rows).toBe(expectedTradeRows);
      }
      const rerun = JSON.parse(
        execFileSync(process.execPath, importArgs(dataDir), { encoding: 'utf8', env: { ...process.env, CONCORDAT_DATA_DIR: '' } }),
      );
      const final = inspect(dataDir);
      expect(final.integrity).toBe('ok');
      expect(final.active).toHaveLength(1);
      expect(final.loaded).toEqual([expectedTradeRows]);
      expect(rerun.snapshotId).toBe(final.active[0]!.id);
    },
    120_000,
  );
});
