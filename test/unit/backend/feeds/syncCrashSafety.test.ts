import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, projectRoot } from '../../../helpers/cli';
import { fileTempDir, tempDir } from '../../../helpers/tempDir';

/**
 * A feed sync killed with SIGKILL at random points (issue 11, "Crash safety everywhere it
 * writes"): each time the database is sound, a reader sees the feed's snapshot whole or not at
 * all, and a re-run completes the sync, leaving no download part and no blob nothing refers to.
 * KILLS defaults to 20 (CONCORDAT_CRASH_KILLS lowers it where time demands).
 */
const KILLS = Number(process.env.CONCORDAT_CRASH_KILLS ?? 20);
const env = { ...process.env, CONCORDAT_DATA_DIR: '', CONCORDAT_DEMO_TRADES: '500' };

let template: string;
let referenceMs = 0;
let expectedRows = 0;

function cli(args: string[]): string {
  return execFileSync(process.execPath, [cliBin, ...args], { cwd: projectRoot, env, encoding: 'utf8' });
}

/** Runs `feed sync` and SIGKILLs it after delayMs (or lets it finish). */
function syncAndKill(dataDir: string, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, 'feed', 'sync', 'crashfeed', '--data-dir', dataDir, '--json'], { env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

/** A seeded generator, so a failing kill point can be replayed. */
function* fractions(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield 0.03 + (x / 2 ** 31) * 0.95;
  }
}

function inspect(dataDir: string) {
  const db = new Database(path.join(dataDir, 'concordat.db'), { readonly: true });
  try {
    const feedSnapshots = (
      db
        .prepare(`SELECT snapshot_id AS id, trade_rows AS rows FROM snapshot WHERE status = 'active' AND source_name = 'CrashTR'`)
        .all() as Array<{ id: number; rows: number }>
    ).map((s) => ({
      ...s,
      loaded: (db.prepare(`SELECT count(*) AS n FROM trade_state WHERE snapshot_id = ?`).get(s.id) as { n: number }).n,
    }));
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeys: db.pragma('foreign_key_check') as unknown[],
      feedSnapshots,
      referencedBlobs: new Set(
        (db.prepare(`SELECT DISTINCT sha256 FROM feed_target`).all() as Array<{ sha256: string }>).map((r) => r.sha256),
      ),
      staging: (db.prepare(`SELECT count(*) AS n FROM snapshot WHERE status = 'staging'`).get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

function copyDir(from: string): string {
  const to = tempDir();
  fs.cpSync(from, to, { recursive: true });
  return to;
}

const filesUnder = (dir: string, pattern: RegExp): string[] =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => pattern.test(f)) : [];

beforeAll(() => {
  ensureBuilt();
  // A signed feed of one 30,000-trade snapshot.
  const keys = fileTempDir();
  cli(['feed', 'keygen', '--out', keys]);
  const input = fileTempDir();
  const folder = path.join(input, 'snapshots', 'CrashTR', 'EMIR', '2026-06-30');
  fs.mkdirSync(folder, { recursive: true });
  cli(['demo', 'generate', '--trades', '30000', '--seed', '31', '--out', folder]);
  const feed = fileTempDir();
  cli(['feed', 'publish', input, '--key', path.join(keys, 'feed-key.pem'), '--out', feed]);
  // A data directory with its demo loaded and the feed added, copied for every kill.
  template = fileTempDir();
  cli(['feed', 'add', feed, '--name', 'crashfeed', '--data-dir', template, '--json']);
  const reference = copyDir(template);
  const start = performance.now();
  cli(['feed', 'sync', 'crashfeed', '--data-dir', reference, '--json']);
  referenceMs = performance.now() - start;
  const ref = inspect(reference);
  expect(ref.feedSnapshots).toHaveLength(1);
  expectedRows = ref.feedSnapshots[0]!.loaded;
}, 300_000);

describe(`a feed sync killed with SIGKILL (${KILLS} random points)`, () => {
  it('leaves a sound database with the snapshot whole or absent, and a re-run completes with nothing left over', async () => {
    const points = fractions(20261205);
    let kills = 0;
    let attempts = 0;
    while (kills < KILLS && attempts < KILLS * 3) {
      attempts++;
      const fraction = points.next().value as number;
      const dir = copyDir(template);
      const outcome = await syncAndKill(dir, Math.round(referenceMs * fraction));
      if (outcome === 'killed') kills++;
      const after = inspect(dir);
      const where = `kill at ${fraction.toFixed(3)} of ${Math.round(referenceMs)} ms`;
      expect(after.integrity, where).toBe('ok');
      expect(after.foreignKeys, where).toEqual([]);
      // All or nothing: a visible snapshot has every row.
      for (const s of after.feedSnapshots) {
        expect(s.rows, where).toBe(expectedRows);
        expect(s.loaded, where).toBe(expectedRows);
      }
      // The re-run (it also clears what the killed one left) completes the sync.
      cli(['feed', 'sync', 'crashfeed', '--data-dir', dir, '--json']);
      const done = inspect(dir);
      expect(done.integrity, where).toBe('ok');
      expect(done.staging, where).toBe(0);
      expect(done.feedSnapshots, where).toHaveLength(1);
      expect(done.feedSnapshots[0]!.loaded, where).toBe(expectedRows);
      expect(filesUnder(path.join(dir, 'tmp'), /\.part$/), where).toEqual([]);
      const blobs = fs.readdirSync(path.join(dir, 'blobs')).filter((f) => /^[0-9a-f]{64}$/.test(f));
      expect(
        blobs.filter((b) => !done.referencedBlobs.has(b)),
        `${where}: blobs nothing refers to`,
      ).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(kills).toBe(KILLS);
  }, 1_200_000);
});
