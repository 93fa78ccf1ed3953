import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addFeed } from '../../../../electron/backend/feeds/feeds.service';
import { FeedFetcher } from '../../../../electron/backend/feeds/fetcher';
import { syncFeed } from '../../../../electron/backend/feeds/syncFeed';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { ContractError } from '../../../../shared/contract/errors';
import { tempDir } from '../../../helpers/tempDir';
import { feedState, freshDataDir, lastSync, makePublisher } from './feedFixtures';
import { FeedServer } from './feedServer';

const servers: FeedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** Short timings so failures are quick; jitter pinned. */
const fast = { timeoutMs: 2_000, retries: 3, backoffMs: 20, maxBackoffMs: 200, random: () => 0.5 };

async function servedFeed() {
  const publisher = makePublisher();
  await publisher.publish();
  const server = await FeedServer.start(publisher.out);
  servers.push(server);
  const { db, dataDir } = await freshDataDir();
  await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
  return { publisher, server, db, dataDir };
}

const isTrades = (rel: string) => rel.endsWith('.trades.csv');

describe('feed transport', () => {
  it('resumes an interrupted download with a Range request', async () => {
    const { server, db, dataDir } = await servedFeed();
    let half = 0;
    let dropped = false;
    server.hook = (_req, res, rel, file) => {
      if (!isTrades(rel) || !file || dropped) return false;
      dropped = true;
      const body = fs.readFileSync(file);
      half = Math.floor(body.length / 2);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, half));
      setTimeout(() => res.socket?.destroy(), 50);
      return true;
    };
    const summary = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: fast });
    expect(summary.imported).toHaveLength(1);
    const requests = server.requests.filter((r) => isTrades(r.path));
    expect(requests.map((r) => r.range)).toEqual([undefined, `bytes=${half}-`]);
    expect(half).toBeGreaterThan(0);
  });

  it('starts again from zero when the server ignores Range', async () => {
    const { server, db, dataDir } = await servedFeed();
    server.honourRange = false;
    let dropped = false;
    server.hook = (_req, res, rel, file) => {
      if (!isTrades(rel) || !file || dropped) return false;
      dropped = true;
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100));
      setTimeout(() => res.socket?.destroy(), 50);
      return true;
    };
    const summary = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: fast });
    expect(summary.imported).toHaveLength(1);
    expect(server.requests.filter((r) => isTrades(r.path)).map((r) => r.range)).toEqual([undefined, 'bytes=100-']);
  });

  it('retries with exponential backoff after HTTP 503', async () => {
    const { server, db, dataDir } = await servedFeed();
    const times: number[] = [];
    server.hook = (_req, res, rel) => {
      if (rel !== 'timestamp.json') return false;
      times.push(performance.now());
      if (times.length > 2) return false;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      return true;
    };
    await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: { ...fast, backoffMs: 100 } });
    expect(times).toHaveLength(3);
    // Delays: 100 × 2^n, jittered to 75 % with random() = 0.5 → ≈75 ms, then ≈150 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(70);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
    expect(listSnapshots(db)).toHaveLength(1);
  });

  it('gives up on a stalled server after the timeout and its retries, changing nothing', async () => {
    const { server, db, dataDir } = await servedFeed();
    server.hook = (_req, _res, rel) => rel === 'timestamp.json'; // never answers
    const before = feedState(db);
    const started = performance.now();
    const error = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: { ...fast, timeoutMs: 200, retries: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect((error as Error).message).toBe(
      `Feed "tr" could not be reached: ${server.url}timestamp.json: no data for 200 ms (timed out) (gave up after 2 attempts). Nothing was changed.`,
    );
    expect(server.seen('timestamp.json')).toHaveLength(2);
    expect(feedState(db)).toEqual(before);
  });

  it('times out a body that stalls midway, then resumes it', async () => {
    const { server, db, dataDir } = await servedFeed();
    let stalled = false;
    server.hook = (_req, res, rel, file) => {
      if (!isTrades(rel) || !file || stalled) return false;
      stalled = true;
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 200)); // and nothing more
      return true;
    };
    const summary = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: { ...fast, timeoutMs: 200 } });
    expect(summary.imported).toHaveLength(1);
    expect(server.requests.filter((r) => isTrades(r.path)).map((r) => r.range)).toEqual([undefined, 'bytes=200-']);
  });

  it('cancellation mid-download imports nothing; the next sync resumes the partial file', async () => {
    const { server, db, dataDir } = await servedFeed();
    const controller = new AbortController();
    let sent = 0;
    server.hook = (_req, res, rel, file) => {
      if (!isTrades(rel) || !file || controller.signal.aborted) return false;
      const body = fs.readFileSync(file);
      sent = Math.floor(body.length / 3);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, sent));
      setTimeout(() => controller.abort(), 100); // the user presses Cancel while bytes are flowing
      return true;
    };
    const before = feedState(db);
    const error = await syncFeed(db, { dataDir, feedName: 'tr' }, { signal: controller.signal, transport: fast }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED', message: 'Feed "tr": the sync was cancelled. Nothing was changed.' });
    expect(feedState(db)).toEqual(before);
    expect(listSnapshots(db)).toEqual([]);
    expect(lastSync(db)).toMatchObject({ outcome: 'cancelled' });
    expect(fs.readdirSync(path.join(dataDir, 'tmp')).filter((f) => f.startsWith('feed-') && f !== 'feed-downloads')).toEqual([]);

    server.hook = undefined;
    const summary = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: fast });
    expect(summary.imported).toHaveLength(1);
    expect(server.requests.filter((r) => isTrades(r.path)).at(-1)!.range).toBe(`bytes=${sent}-`);
  });

  it('refuses a missing target as unavailable, keeping nothing of the new state', async () => {
    const { publisher, server, db, dataDir } = await servedFeed();
    server.hook = (_req, res, rel) => {
      if (!isTrades(rel)) return false;
      res.writeHead(404).end();
      return true;
    };
    const error = await syncFeed(db, { dataDir, feedName: 'tr' }, { transport: fast }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /^Feed "tr": snapshots\/test-tr\/EMIR\/2026-06-30\/trades\.csv could not be downloaded: .* answered HTTP 404 \(not found\)/,
    );
    expect(feedState(db).metadata).toEqual([]);
    expect(publisher.out).toBeTruthy();
  });

  it('caps metadata size', async () => {
    const { server, db, dataDir } = await servedFeed();
    server.replace.set('timestamp.json', Buffer.alloc(100_000, 0x20));
    await expect(syncFeed(db, { dataDir, feedName: 'tr' }, { transport: fast })).rejects.toThrow(
      'Feed "tr" refused: timestamp.json is larger than the 16384 bytes allowed for it (an endless-data attack?). Nothing was changed.',
    );
  });

  it('refuses redirects and URLs outside the allowed schemes', async () => {
    const { server } = await servedFeed();
    server.hook = (_req, res, rel) => {
      if (rel !== 'go') return false;
      res.writeHead(302, { location: 'http://192.0.2.1/evil' }).end();
      return true;
    };
    const fetcher = new FeedFetcher({ partDir: tempDir(), ...fast });
    await expect(fetcher.downloadBytes(`${server.url}go`, 1000)).rejects.toThrow(/answered HTTP 302/);
  });
});
