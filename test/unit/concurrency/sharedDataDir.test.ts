import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, projectRoot } from '../../helpers/cli';
import { fileTempDir, tempDir } from '../../helpers/tempDir';

/**
 * Several processes on one data directory (issue 11, faults 1–3): the CLI, and browser mode's
 * server (the desktop app runs the same backend in its utility process, so it behaves as the
 * server does). Real processes, a real SQLite file, real HTTP on 127.0.0.1.
 */
const env = { ...process.env, CONCORDAT_DATA_DIR: '', CONCORDAT_DEMO_TRADES: '1500' };
/** How many times the mixed workload runs (20 in a row when measured for the README; fewer in the suite). */
const MIX_RUNS = Number(process.env.CONCORDAT_CONCURRENCY_RUNS ?? 2);

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[]): { child: ChildProcess; done: Promise<Ran>; stderrSoFar: () => string } {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Ran>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderrSoFar: () => stderr };
}

/**
 * Stops a process (SIGSTOP) at a moment it holds no write transaction on the data directory's
 * database, so other processes can still write; the caller sends SIGCONT.
 */
async function freezeOutsideWrite(child: ChildProcess, dataDir: string): Promise<void> {
  const db = new Database(path.join(dataDir, 'concordat.db'));
  try {
    db.pragma('busy_timeout = 0');
    for (let attempt = 0; attempt < 500; attempt++) {
      child.kill('SIGSTOP');
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        child.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 5 + (attempt % 20)));
      }
    }
    throw new Error('the first import never left its write transaction');
  } finally {
    db.close();
  }
}
const cli = (args: string[]) => run(args).done;

/** The address `concordat serve` prints once it listens. */
function urlOf(server: ReturnType<typeof run>): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve printed no URL')), 30_000);
    server.child.stdout!.on('data', (c: Buffer) => {
      const m = /Concordat is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(c.toString());
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
  });
}

let big: string[];
let small: string[];
let mixFiles: string[];
let feedFolder: string;

function generate(trades: number, seed: number): string[] {
  const out = fileTempDir();
  execFileSync(process.execPath, [cliBin, 'demo', 'generate', '--trades', String(trades), '--seed', String(seed), '--out', out], { env });
  return fs.readdirSync(out).map((f) => path.join(out, f));
}

function readOnly<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'concordat.db'), { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

const importArgs = (files: string[], dataDir: string, source: string) => [
  'import',
  ...files,
  '--data-dir',
  dataDir,
  '--source',
  source,
  '--regime',
  'EMIR',
  '--as-of',
  '2026-06-30',
  '--json',
];

/** A data directory that already holds its (small) demo snapshot, as after a first start. */
async function preparedDataDir(): Promise<string> {
  const dir = tempDir();
  const r = await cli(['info', '--data-dir', dir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const stagingCount = (dir: string) =>
  readOnly(dir, (db) => (db.prepare(`SELECT count(*) AS n FROM snapshot WHERE status = 'staging'`).get() as { n: number }).n);

function expectSound(dir: string): void {
  readOnly(dir, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect((db.prepare(`SELECT count(*) AS n FROM snapshot WHERE status = 'staging'`).get() as { n: number }).n).toBe(0);
  });
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

beforeAll(() => {
  ensureBuilt();
  big = generate(40_000, 21);
  small = generate(3_000, 22);
  mixFiles = generate(3_000, 23);
  // A signed feed with one snapshot, published by the real CLI.
  const keys = fileTempDir();
  execFileSync(process.execPath, [cliBin, 'feed', 'keygen', '--out', keys], { env });
  const input = fileTempDir();
  const folder = path.join(input, 'snapshots', 'FeedTR', 'EMIR', '2026-06-30');
  fs.mkdirSync(folder, { recursive: true });
  for (const f of generate(2_000, 24)) fs.copyFileSync(f, path.join(folder, path.basename(f)));
  feedFolder = fileTempDir();
  execFileSync(process.execPath, [cliBin, 'feed', 'publish', input, '--key', path.join(keys, 'feed-key.pem'), '--out', feedFolder], {
    env,
  });
}, 300_000);

describe('several processes on one data directory', () => {
  it('a read-only command while an import runs leaves the import alone, and it completes', async () => {
    const dir = await preparedDataDir();
    const importing = run(importArgs(big, dir, 'Big TR'));
    await until(() => stagingCount(dir) === 1, 60_000, 'the import to start');
    // Before: opening the directory cleared the "abandoned" import, which then failed on a foreign key.
    for (const args of [
      ['snapshots', '--data-dir', dir, '--json'],
      ['info', '--data-dir', dir, '--json'],
    ]) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(stagingCount(dir)).toBe(1);
    const done = await importing.done;
    expect(done.code, done.stderr).toBe(0);
    const summary = JSON.parse(done.stdout) as { snapshotId: number; loaded: number; alreadyImported: boolean };
    expect(summary.alreadyImported).toBe(false);
    readOnly(dir, (db) => {
      expect((db.prepare(`SELECT status FROM snapshot WHERE snapshot_id = ?`).get(summary.snapshotId) as { status: string }).status).toBe(
        'active',
      );
    });
    expectSound(dir);
  }, 240_000);

  it('two imports started together both load, and nothing fails', async () => {
    const dir = await preparedDataDir();
    const [a, b] = await Promise.all([cli(importArgs(big, dir, 'First TR')), cli(importArgs(small, dir, 'Second TR'))]);
    for (const r of [a, b]) {
      expect(r.code, r.stderr).toBe(0);
      noStackTrace(r.stderr);
      expect(r.stderr).not.toContain('database is locked');
    }
    readOnly(dir, (db) => {
      const sources = (
        db.prepare(`SELECT source_name FROM snapshot WHERE status = 'active' ORDER BY source_name`).all() as Array<{ source_name: string }>
      ).map((s) => s.source_name);
      expect(sources).toEqual(expect.arrayContaining(['First TR', 'Second TR']));
    });
    expectSound(dir);
  }, 240_000);

  it('an import started while another runs waits for it, saying so, then loads', async () => {
    const dir = await preparedDataDir();
    const first = run(importArgs(big, dir, 'First TR'));
    await until(() => stagingCount(dir) === 1, 60_000, 'the first import to start');
    // Hold the first import inside its staging step (a stopped process is still alive, so its
    // lease holds) for as long as the second needs to start: no race with how fast either runs.
    await freezeOutsideWrite(first.child, dir);
    let secondResult: Promise<Ran>;
    try {
      expect(stagingCount(dir), 'the first import is still staging when frozen').toBe(1);
      const second = run(importArgs(small, dir, 'Second TR'));
      secondResult = second.done;
      await until(() => second.stderrSoFar().includes('Waiting for the other import'), 60_000, 'the second import to wait');
    } finally {
      first.child.kill('SIGCONT');
    }
    const second = await secondResult;
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('Waiting for the other import (First TR, process');
    noStackTrace(second.stderr);
    expectSound(dir);
  }, 240_000);

  it(`an import, a feed sync, a drill loop and edits at once, from separate processes (${MIX_RUNS} runs)`, async () => {
    for (let runNo = 1; runNo <= MIX_RUNS; runNo++) {
      const dir = await preparedDataDir();
      const added = await cli(['feed', 'add', feedFolder, '--name', 'mixfeed', '--data-dir', dir, '--json']);
      expect(added.code, added.stderr).toBe(0);
      const created = await cli(['case', 'create', '--title', `Mix ${runNo}`, '--data-dir', dir, '--json']);
      expect(created.code, created.stderr).toBe(0);
      const caseNumber = (JSON.parse(created.stdout) as { caseNumber: string }).caseNumber;
      const server = run(['serve', '--data-dir', dir]);
      const url = await urlOf(server);
      const token = url.hash.replace('#token=', '');
      const call = async <T>(method: string, input: unknown): Promise<T> => {
        const response = await fetch(`${url.origin}/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input),
        });
        const body = (await response.json()) as { ok: boolean; result: T; error?: unknown };
        if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
        return body.result;
      };
      try {
        const [demo] = await call<Array<{ snapshotId: number }>>('snapshots.list', {});
        const drillInput = { snapshotId: demo!.snapshotId, path: ['jurisdiction', 'counterparty'], at: [] };
        const reference = await call<{ totals: { tradeCount: number; grossNotionalUsd: number } }>('exposure.drill', drillInput);

        const importing = cli(importArgs(mixFiles, dir, `Mix TR ${runNo}`));
        const syncing = cli(['feed', 'sync', 'mixfeed', '--data-dir', dir, '--json']);
        // A case edited from the CLI while the server edits it too.
        const noting = cli(['case', 'note', caseNumber, '--text', `From the CLI, run ${runNo}`, '--data-dir', dir, '--json']);
        let finished = false;
        const both = Promise.all([importing, syncing, noting]).finally(() => (finished = true));
        let drills = 0;
        let saves = 0;
        const loop = (async () => {
          while (!finished) {
            const level = await call<{ totals: { tradeCount: number; grossNotionalUsd: number } }>('exposure.drill', drillInput);
            expect(level.totals).toEqual(reference.totals);
            drills++;
            await call('views.save', {
              name: `view ${runNo}.${saves}`,
              state: {
                snapshotId: demo!.snapshotId,
                path: ['jurisdiction'],
                at: [],
                filters: [],
                sort: { by: 'label', direction: 'asc' },
                columns: [],
              },
            });
            saves++;
            await call('cases.addNote', { caseNumber, markdown: `From the server, ${saves}` });
          }
        })();
        const [imported, synced, noted] = await both;
        await loop;
        expect(imported.code, imported.stderr).toBe(0);
        expect(synced.code, synced.stderr).toBe(0);
        expect(noted.code, noted.stderr).toBe(0);
        const notes = await call<{ total: number }>('cases.items', { caseNumber, kind: 'note' });
        expect(notes.total).toBe(saves + 1);
        expect(await call<{ ok: boolean }>('cases.verify', { caseNumber })).toMatchObject({ ok: true });
        noStackTrace(imported.stderr + synced.stderr);
        expect(drills).toBeGreaterThan(0);
        const views = await call<unknown[]>('views.list', {});
        expect(views).toHaveLength(saves);
        const sources = (await call<Array<{ sourceName: string }>>('snapshots.list', {})).map((s) => s.sourceName);
        expect(sources).toEqual(expect.arrayContaining([`Mix TR ${runNo}`, 'FeedTR']));
      } finally {
        server.child.kill('SIGTERM');
        await server.done;
      }
      expectSound(dir);
    }
  }, 600_000);

  it('after an update, the drill data is rebuilt by a background job while the server answers drills without one error', async () => {
    const dir = await preparedDataDir();
    const imported = await cli(importArgs(big, dir, 'Big TR'));
    expect(imported.code, imported.stderr).toBe(0);
    const server = () => run(['serve', '--data-dir', dir]);
    const caller = (url: URL) => async (method: string, input: unknown) => {
      const response = await fetch(`${url.origin}/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${url.hash.replace('#token=', '')}` },
        body: JSON.stringify(input),
      });
      return (await response.json()) as {
        ok: boolean;
        result?: { totals?: unknown } & unknown[];
        error?: { code: string; message: string; details?: { reason?: string } };
      };
    };
    const ids = readOnly(
      dir,
      (db) => db.prepare(`SELECT snapshot_id FROM snapshot WHERE status = 'active' ORDER BY snapshot_id`).pluck().all() as number[],
    );
    expect(ids.length).toBe(2);
    const drillOf = (snapshotId: number) => ({ snapshotId, path: ['jurisdiction', 'counterparty'], at: [] });
    // The figures before the update, from a first server.
    const first = server();
    const references = new Map<number, unknown>();
    try {
      const call = caller(await urlOf(first));
      for (const id of ids) references.set(id, (await call('exposure.drill', drillOf(id))).result!.totals);
    } finally {
      first.child.kill('SIGTERM');
      await first.done;
    }
    // What an update's migration does to the database: every snapshot's drill data marked stale.
    const db = new Database(path.join(dir, 'concordat.db'));
    db.prepare(`UPDATE snapshot SET drill_stale = 1`).run();
    db.close();

    const second = server();
    try {
      const call = caller(await urlOf(second));
      let refusedWhileRebuilding = 0;
      let answered = 0;
      const unexpected: string[] = [];
      const rebuilding = async () =>
        ((await call('jobs.list', {})).result as unknown as Array<{ kind: string; state: string }>).some(
          (j) => j.kind === 'drill.rebuild' && j.state === 'running',
        );
      expect(await rebuilding()).toBe(true);
      while (await rebuilding()) {
        for (const id of ids) {
          const reply = await call('exposure.drill', drillOf(id));
          if (reply.ok) {
            expect(reply.result!.totals).toEqual(references.get(id));
            answered++;
          } else if (reply.error?.code === 'UNAVAILABLE' && reply.error.details?.reason === 'drill_stale') refusedWhileRebuilding++;
          else unexpected.push(JSON.stringify(reply.error));
        }
        // Other pages keep working meanwhile.
        expect((await call('snapshots.list', {})).ok).toBe(true);
      }
      expect(unexpected).toEqual([]);
      expect(refusedWhileRebuilding + answered).toBeGreaterThan(0);
      for (const id of ids) expect((await call('exposure.drill', drillOf(id))).result!.totals).toEqual(references.get(id));
    } finally {
      second.child.kill('SIGTERM');
      await second.done;
    }
    readOnly(dir, (db) => expect(db.prepare(`SELECT count(*) FROM snapshot WHERE drill_stale = 1`).pluck().get()).toBe(0));
    expectSound(dir);
  }, 300_000);
});
