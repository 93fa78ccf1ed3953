import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../../electron/backend/db/openDatabase';
import { addFeed } from '../../../electron/backend/feeds/feeds.service';
import { cliBin, ensureBuilt, projectRoot } from '../../helpers/cli';
import { freshDataDir, makeManyFilesInput, makePublisher, republishRaw, syntheticTargets } from '../backend/feeds/feedFixtures';
import { FeedServer } from '../backend/feeds/feedServer';

beforeAll(ensureBuilt, 180_000);

const servers: FeedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

interface Running {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string; endedAt: number }>;
  kill(signal: NodeJS.Signals): number;
  stderr(): string;
}

/** Starts the real `concordat` asynchronously (the HTTP server lives in this process, so spawnSync would starve it). */
function start(args: string[]): Running {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: projectRoot, env: { ...process.env, CONCORDAT_DATA_DIR: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Awaited<Running['done']>>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout, endedAt: performance.now() });
    });
  });
  return {
    done,
    kill: (signal) => {
      child.kill(signal);
      return performance.now();
    },
    stderr: () => stderr,
  };
}

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A published feed of `files` extra reference files, served over HTTP, added to a fresh data folder (database closed). */
async function servedFeed(files: number) {
  const publisher = makePublisher(makeManyFilesInput(files));
  await publisher.publish();
  const server = await FeedServer.start(publisher.out);
  servers.push(server);
  const { db, dataDir } = await freshDataDir();
  await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
  db.close();
  return { publisher, server, dataDir };
}

/** What a sync must leave as it was, read from the database file itself. */
function databaseState(dataDir: string) {
  const db = new Database(path.join(dataDir, databaseFileName), { readonly: true });
  try {
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      integrity: db.prepare('PRAGMA integrity_check').pluck().get(),
      snapshots: count('snapshot'),
      trades: count('trade_state'),
      metadata: count('feed_metadata'),
      targets: count('feed_target'),
      lastSync: db.prepare(`SELECT outcome, error_code FROM feed_sync ORDER BY sync_id DESC LIMIT 1`).get(),
    };
  } finally {
    db.close();
  }
}

const nothing = { integrity: 'ok', snapshots: 0, trades: 0, metadata: 0, targets: 0 };
const lastLine = (text: string) => text.trim().split('\n').at(-1);

describe('concordat feed sync: signals and large feeds', () => {
  it('SIGTERM while the delegated targets roles are being verified: exit 130 within about a second, one line, nothing changed', async () => {
    const { server, dataDir } = await servedFeed(4_000);
    // A slow host: each bin's metadata takes 40 ms, so verifying the 32 bins takes over a second.
    server.hook = (_req, res, rel, file) => {
      if (!/^\d+\.bins-[0-9a-f]+\.json$/.test(rel) || !file) return false;
      setTimeout(() => {
        // The test may have ended (and removed the feed) before this late answer.
        if (!fs.existsSync(file)) return void res.destroy();
        res.writeHead(200).end(fs.readFileSync(file));
      }, 40);
      return true;
    };
    const sync = start(['feed', 'sync', 'tr', '--data-dir', dataDir]);
    await until(() => server.seen('.json').filter((r) => r.path.includes('.bins-')).length >= 5, 'the fifth bin request');
    const sentAt = sync.kill('SIGTERM');
    const result = await sync.done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect((result.endedAt - sentAt) / 1000).toBeLessThan(3);
    expect(lastLine(result.stderr)).toBe('Feed "tr": the sync was cancelled. Nothing was changed.');
    expect(result.stderr.match(/cancelled/g)).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(server.seen('.json').filter((r) => r.path.includes('.bins-')).length).toBeLessThan(32);
    expect(databaseState(dataDir)).toEqual({ ...nothing, lastSync: { outcome: 'cancelled', error_code: 'CANCELLED' } });
  }, 120_000);

  it('SIGINT (Ctrl-C) while files download: the same clean stop', async () => {
    const { server, dataDir } = await servedFeed(4_000);
    const sync = start(['feed', 'sync', 'tr', '--data-dir', dataDir]);
    await until(() => server.seen('.csv').length >= 200, 'the 200th file request');
    const sentAt = sync.kill('SIGINT');
    const result = await sync.done;
    expect(result.code).toBe(130);
    expect((result.endedAt - sentAt) / 1000).toBeLessThan(3);
    expect(lastLine(result.stderr)).toBe('Feed "tr": the sync was cancelled. Nothing was changed.');
    expect(server.seen('.csv').length).toBeLessThan(4_006);
    expect(databaseState(dataDir)).toEqual({ ...nothing, lastSync: { outcome: 'cancelled', error_code: 'CANCELLED' } });

    // The next sync completes.
    const again = start(['feed', 'sync', 'tr', '--data-dir', dataDir, '--json']);
    const finished = await again.done;
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ outcome: 'updated', targetCount: 4_006 });
    expect(databaseState(dataDir)).toMatchObject({ integrity: 'ok', snapshots: 1, targets: 4_006 });
  }, 120_000);

  it('a targets role of 20,000 files: refused in seconds with one line naming the feed, the role and the limit (exit 1)', async () => {
    const { publisher, server, dataDir } = await servedFeed(0);
    republishRaw(publisher, (roles) => {
      const top = roles.get('targets')!;
      roles.set('targets', { ...top, targets: { ...(top.targets as object), ...syntheticTargets(20_000) } });
    });
    const startedAt = performance.now();
    const result = await start(['feed', 'sync', 'tr', '--data-dir', dataDir]).done;
    expect((result.endedAt - startedAt) / 1000).toBeLessThan(10);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toContain(
      'Feed "tr" refused: its targets role "targets" lists 20,006 files, more than the 1,000 one targets role may list ' +
        '(the publisher must spread them over delegated targets roles, as `concordat feed publish` does). Nothing was changed.',
    );
    expect(server.seen('.csv')).toEqual([]);
    expect(databaseState(dataDir)).toEqual({ ...nothing, lastSync: { outcome: 'failed', error_code: 'INTEGRITY' } });
  }, 120_000);
});
