import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { publishDemoFeed } from '../../../../electron/backend/feeds/demoFeed';
import { listFeedStatus } from '../../../../electron/backend/feeds/feeds.repo';
import { syncFeed } from '../../../../electron/backend/feeds/syncFeed';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { isAllowedFeedUrl, type FeedAdded, type FeedStatus, type FeedSyncResult, type JobStarted } from '../../../../shared/contract';
import { fixturesDir, tempDir } from '../../../helpers/tempDir';
import { freshDataDir, makePublisher } from './feedFixtures';
import { FeedServer } from './feedServer';

const servers: FeedServer[] = [];
const backends: Backend[] = [];
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  for (const s of servers.splice(0)) await s.close();
});

async function openBackend(dataDir = tempDir()): Promise<Backend> {
  const backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  backends.push(backend);
  return backend;
}

describe('feed URLs', () => {
  it('allows https, file, and http only on this machine', () => {
    expect(isAllowedFeedUrl('https://feeds.example.org/tr/')).toBe(true);
    expect(isAllowedFeedUrl('file:///srv/feed/')).toBe(true);
    expect(isAllowedFeedUrl('http://127.0.0.1:8080/')).toBe(true);
    expect(isAllowedFeedUrl('http://localhost/feed/')).toBe(true);
    expect(isAllowedFeedUrl('http://[::1]:9000/')).toBe(true);
    expect(isAllowedFeedUrl('http://feeds.example.org/')).toBe(false);
    expect(isAllowedFeedUrl('http://127.0.0.1.example.org/')).toBe(false);
    expect(isAllowedFeedUrl('ftp://example.org/')).toBe(false);
    expect(isAllowedFeedUrl('https://user:pw@example.org/')).toBe(false);
    expect(isAllowedFeedUrl('file://server/share/')).toBe(false);
    expect(isAllowedFeedUrl('not a url')).toBe(false);
  });
});

describe('feeds.* through the backend', () => {
  it('validates input: URL scheme, name, no extra fields', async () => {
    const backend = await openBackend();
    await expect(backend.call('feeds.add', { name: 'x', url: 'http://example.org/feed/' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('http:// on 127.0.0.1 or localhost only'),
    });
    await expect(backend.call('feeds.add', { name: '../x', url: 'https://example.org/' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(backend.call('feeds.add', { name: 'x', url: 'https://example.org/', extra: 1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(backend.call('feeds.sync', { name: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('adds (trust on first use), lists, syncs as a job, refuses a duplicate, removes', async () => {
    const publisher = makePublisher();
    const published = await publisher.publish();
    const server = await FeedServer.start(publisher.out);
    servers.push(server);
    const backend = await openBackend();

    const added = (await backend.call('feeds.add', { name: 'tr', url: server.url })) as FeedAdded;
    expect(added).toMatchObject({ name: 'tr', url: server.url, trust: 'first-use', rootKeyIds: [publisher.key.keyId] });
    expect(added.rootSha256).toBe(published.rootSha256);
    expect(server.seen('1.root.json')).toHaveLength(1);
    await expect(backend.call('feeds.add', { name: 'tr', url: server.url })).rejects.toMatchObject({ code: 'CONFLICT' });

    let listed = (await backend.call('feeds.list', {})) as FeedStatus[];
    expect(listed).toEqual([
      expect.objectContaining({
        name: 'tr',
        versions: { root: 1, timestamp: null, snapshot: null, targets: null },
        lastSync: null,
        expires: null,
      }),
    ]);

    const { jobId } = (await backend.call('feeds.sync', { name: 'tr' })) as JobStarted;
    const info = await backend.jobs.wait(jobId);
    expect(info).toMatchObject({ kind: 'feeds.sync', state: 'succeeded' });
    expect(listSnapshots(backend.db)).toHaveLength(1);
    listed = (await backend.call('feeds.list', {})) as FeedStatus[];
    expect(listed[0]).toMatchObject({ versions: { timestamp: 1 }, lastSync: { outcome: 'updated' }, staleSince: null, targetCount: 6 });
    expect(Date.parse(listed[0]!.expires!)).toBeGreaterThan(Date.now());

    await expect(backend.call('feeds.remove', { name: 'tr' })).resolves.toEqual({ removed: true });
    await expect(backend.call('feeds.remove', { name: 'tr' })).resolves.toEqual({ removed: false });
    expect(await backend.call('feeds.list', {})).toEqual([]);
    // The snapshots a feed brought are data: they stay.
    expect(listSnapshots(backend.db)).toHaveLength(1);
  });

  it('pins a given root and refuses one that is not self-signed', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    const backend = await openBackend();
    const rootJson = fs.readFileSync(path.join(publisher.out, 'root.json'), 'utf8');
    const added = (await backend.call('feeds.add', { name: 'tr', url: `file://${publisher.out}`, rootJson })) as FeedAdded;
    expect(added.trust).toBe('pinned');
    const forged = JSON.parse(rootJson) as { signed: { expires: string } };
    forged.signed.expires = '2099-01-01T00:00:00Z';
    await expect(
      backend.call('feeds.add', { name: 'tr2', url: `file://${publisher.out}`, rootJson: JSON.stringify(forged) }),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/^The given root\.json is not signed by its own root keys \(root was signed by 0\/1 keys\)/),
    });
    await expect(backend.call('feeds.add', { name: 'tr3', url: `file://${tempDir()}` })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('has no root metadata (neither 1.root.json nor root.json)'),
    });
  });

  it('reports a stale feed once its timestamp has expired', async () => {
    const publisher = makePublisher();
    await publisher.publish({ timestampHours: 1 });
    const { db, dataDir } = await freshDataDir();
    const backend = await openBackend(dataDir);
    await backend.call('feeds.add', { name: 'tr', url: `file://${publisher.out}` });
    await syncFeed(db, { dataDir, feedName: 'tr' });
    db.close();
    const later = new Date(Date.now() + 2 * 3_600_000);
    const [status] = listFeedStatus(backend.db, later);
    expect(status!.staleSince).toBe(status!.expires);
  });

  it('fetches a damaged local copy again before importing it', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    const { db, dataDir } = await freshDataDir();
    const backend = await openBackend(dataDir);
    await backend.call('feeds.add', { name: 'tr', url: `file://${publisher.out}` });
    await syncFeed(db, { dataDir, feedName: 'tr' });
    // The snapshot is deleted by hand and a blob damaged on disk: the next sync imports good bytes again.
    db.prepare('DELETE FROM snapshot').run();
    const trades = db.prepare(`SELECT sha256 FROM feed_target WHERE path LIKE '%trades.csv'`).get() as { sha256: string };
    const blob = path.join(dataDir, 'blobs', trades.sha256);
    const bytes = fs.readFileSync(blob);
    bytes[5] = bytes[5] === 0x41 ? 0x42 : 0x41;
    fs.writeFileSync(blob, bytes);
    const summary: FeedSyncResult = await syncFeed(db, { dataDir, feedName: 'tr' });
    expect(summary.downloaded).toBe(1);
    expect(summary.imported).toHaveLength(1);
    expect(fs.readFileSync(blob).equals(fs.readFileSync(path.join(fixturesDir, 'snapshot-small', 'trades.csv')))).toBe(true);
    db.close();
  });
});

describe('demo feed', () => {
  it('publishes the generated files with a key of this data directory, adds the feed pinned and marked demo', async () => {
    const { db, dataDir } = await freshDataDir();
    fs.mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
    const generated = tempDir();
    for (const f of fs.readdirSync(path.join(fixturesDir, 'snapshot-small')).filter((n) => n.endsWith('.csv'))) {
      fs.copyFileSync(path.join(fixturesDir, 'snapshot-small', f), path.join(generated, f));
    }
    const options = { db, dataDir, generatedFilesDir: generated, sourceName: 'Demo TR', regime: 'EMIR' as const, asOfDate: '2026-06-30' };
    const published = await publishDemoFeed(options);
    expect(published.url).toMatch(/^file:\/\/.*\/demo-feed\/$/);
    expect(fs.existsSync(path.join(dataDir, 'keys', 'demo-feed.pem'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'keys', 'demo-feed.pem')).mode & 0o077).toBe(0);
    const summary = await syncFeed(db, { dataDir, feedName: 'demo' });
    expect(summary.imported).toEqual([expect.objectContaining({ sourceName: 'Demo TR', alreadyImported: false })]);
    expect(listSnapshots(db)[0]!.isDemo).toBe(true);
    const feed = db.prepare(`SELECT is_demo, trust FROM feed WHERE name = 'demo'`).get();
    expect(feed).toEqual({ is_demo: 1, trust: 'pinned' });

    // Publishing again reuses the key and the feed.
    const again = await publishDemoFeed(options);
    expect(again.keyId).toBe(published.keyId);
    expect(again.publish.versions.timestamp).toBe(2);
    db.close();
  });

  it('first start loads the demo through the demo feed', async () => {
    const backend = await Backend.open({ dataDir: tempDir(), mode: 'cli', version: 't', executor: inProcessExecutor, demoTrades: 1500 });
    backends.push(backend);
    const info = await backend.jobs.wait(backend.demoJob!);
    expect(info.state).toBe('succeeded');
    const feeds = (await backend.call('feeds.list', {})) as FeedStatus[];
    expect(feeds).toEqual([
      expect.objectContaining({ name: 'demo', isDemo: true, lastSync: expect.objectContaining({ outcome: 'updated' }) }),
    ]);
    expect(feeds[0]!.snapshotIds).toHaveLength(1);
  });
});
