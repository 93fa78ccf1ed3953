import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/backend/db/openDatabase';
import { addFeed, listFeeds } from '../../../../electron/backend/feeds/feeds.service';
import { syncFeed, type FeedSyncProgress } from '../../../../electron/backend/feeds/syncFeed';
import { MAX_TARGETS_PER_ROLE } from '../../../../electron/backend/feeds/targetsRoles';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { ContractError } from '../../../../shared/contract/errors';
import {
  feedState,
  freshDataDir,
  lastSync,
  makeManyFilesInput,
  makePublisher,
  republishRaw,
  snapshotGroup,
  syntheticTargets,
  type Publisher,
} from './feedFixtures';
import { FeedServer } from './feedServer';
import { fileTempDir } from '../../../helpers/tempDir';

const servers: FeedServer[] = [];
async function serve(root: string): Promise<FeedServer> {
  const server = await FeedServer.start(root);
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const seconds = (since: number) => (performance.now() - since) / 1000;

interface Synced {
  publisher: Publisher;
  server: FeedServer;
  db: Db;
  dataDir: string;
}

async function syncedSmallFeed(): Promise<Synced> {
  const publisher = makePublisher();
  await publisher.publish();
  const server = await serve(publisher.out);
  const { db, dataDir } = await freshDataDir();
  await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
  await syncFeed(db, { dataDir, feedName: 'tr' });
  return { publisher, server, db, dataDir };
}

/** The newest published metadata of a role, as JSON. */
function published(out: string, role: string): { signed: Record<string, unknown> } {
  const versions = fs
    .readdirSync(out)
    .map((f) => new RegExp(`^(\\d+)\\.${role}\\.json$`).exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  return JSON.parse(fs.readFileSync(path.join(out, `${Math.max(...versions)}.${role}.json`), 'utf8')) as {
    signed: Record<string, unknown>;
  };
}

function roleFiles(out: string, version: number): string[] {
  return fs.readdirSync(out).filter((f) => f.startsWith(`${version}.bins-`));
}

describe('a targets role over the cap is refused before it is parsed', () => {
  for (const count of [8_000, 20_000]) {
    it(`${count.toLocaleString('en-US')} files in one role: refused in well under 10 s, naming the feed, the role and the limit; nothing changed`, async () => {
      const s = await syncedSmallFeed();
      republishRaw(s.publisher, (roles) => {
        const top = roles.get('targets')!;
        roles.set('targets', { ...top, targets: { ...(top.targets as object), ...syntheticTargets(count) } });
      });
      const before = feedState(s.db);
      const snapshotsBefore = listSnapshots(s.db);
      const started = performance.now();
      const error = await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' }).catch((e: unknown) => e);
      expect(seconds(started)).toBeLessThan(10);
      expect(error).toBeInstanceOf(ContractError);
      expect(error).toMatchObject({
        code: 'INTEGRITY',
        details: { reason: 'too-many-targets', role: 'targets', limit: MAX_TARGETS_PER_ROLE },
      });
      expect((error as Error).message).toBe(
        `Feed "tr" refused: its targets role "targets" lists ${(count + 6).toLocaleString('en-US')} files, more than the 1,000 one targets role may list ` +
          '(the publisher must spread them over delegated targets roles, as `concordat feed publish` does). Nothing was changed.',
      );
      expect(feedState(s.db)).toEqual(before);
      expect(listSnapshots(s.db)).toEqual(snapshotsBefore);
      expect(lastSync(s.db)).toMatchObject({ outcome: 'failed', error_code: 'INTEGRITY' });
    }, 30_000);
  }
});

describe('a trusted targets list over the cap, kept by an older version', () => {
  it('is not handed to tuf-js again: the feed\u2019s copy is fetched and checked instead, in well under 10 s', async () => {
    const s = await syncedSmallFeed();
    republishRaw(s.publisher, (roles) => {
      const top = roles.get('targets')!;
      roles.set('targets', { ...top, targets: { ...(top.targets as object), ...syntheticTargets(8_000) } });
    });
    // What an older Concordat (no cap) stored after checking that list.
    const big = fs.readFileSync(path.join(s.publisher.out, '2.targets.json'), 'utf8');
    s.db.prepare(`UPDATE feed_metadata SET json = ?, version = 2 WHERE role = 'targets'`).run(big);
    const before = feedState(s.db);
    let started = performance.now();
    await expect(syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' })).rejects.toMatchObject({
      details: { reason: 'too-many-targets', role: 'targets' },
    });
    expect(seconds(started)).toBeLessThan(10);
    expect(feedState(s.db)).toEqual(before);
    // Once the publisher spreads the files over bins (or drops them), the feed syncs again.
    await s.publisher.publish();
    started = performance.now();
    const summary = await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' });
    expect(seconds(started)).toBeLessThan(10);
    expect(summary).toMatchObject({ outcome: 'updated', targetCount: 6, versions: { targets: 3 } });
  }, 30_000);
});

describe('the publisher spreads a large folder over hashed bins, and sync follows them', () => {
  it('8,000 files: published as bins of at most 1,000 files and synced completely over HTTP, in linear time', async () => {
    const publisher = makePublisher(makeManyFilesInput(8_000));
    let started = performance.now();
    const summary = await publisher.publish();
    const publishSeconds = seconds(started);
    expect(summary).toMatchObject({ targets: 8_006, roles: 33 });
    const top = published(publisher.out, 'targets').signed;
    expect(top.targets).toEqual({});
    expect(top.delegations).toMatchObject({
      keys: { [publisher.key.keyId]: expect.anything() },
      succinct_roles: { bit_length: 5, name_prefix: 'bins', keyids: [publisher.key.keyId], threshold: 1 },
    });
    const bins = roleFiles(publisher.out, summary.versions.targets);
    expect(bins).toHaveLength(32);
    const sizes = bins.map((f) => Object.keys(published(publisher.out, f.replace(/^\d+\.|\.json$/g, '')).signed.targets as object).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_TARGETS_PER_ROLE);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(8_006);

    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    started = performance.now();
    const first = await syncFeed(db, { dataDir, feedName: 'tr' });
    const syncSeconds = seconds(started);
    expect(first).toMatchObject({ outcome: 'updated', targetCount: 8_006, downloaded: 8_006, otherFiles: 8_002 });
    expect(first.imported).toEqual([expect.objectContaining({ group: snapshotGroup, alreadyImported: false })]);
    expect(db.prepare(`SELECT count(*) FROM feed_target WHERE kind = 'reference'`).pluck().get()).toBe(8_001);
    expect(listFeeds(db)[0]).toMatchObject({ targetCount: 8_006, versions: { targets: 1 } });
    // Every bin was fetched by its consistent-snapshot name.
    expect(server.seen('.json').filter((r) => /^1\.bins-[0-9a-f]{2}\.json$/.test(r.path))).toHaveLength(32);

    started = performance.now();
    const again = await syncFeed(db, { dataDir, feedName: 'tr' });
    expect(again).toMatchObject({ outcome: 'unchanged', downloaded: 0, targetCount: 8_006 });
    expect(seconds(started)).toBeLessThan(5);
    // Loose bounds: quadratic parsing took ≈56 s to publish and ≈70 s to sync 8,000 files.
    expect(publishSeconds).toBeLessThan(30);
    expect(syncSeconds).toBeLessThan(40);
  }, 120_000);

  it('republishing across the cap (bins → one role → bins) keeps every earlier role in the snapshot; each version syncs', async () => {
    const input = makeManyFilesInput(1_200);
    const publisher = makePublisher(input);
    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    expect((await publisher.publish()).roles).toBe(9);
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    expect(await syncFeed(db, { dataDir, feedName: 'tr' })).toMatchObject({ targetCount: 1_206 });

    fs.rmSync(path.join(input, 'reference', 'many'), { recursive: true });
    const single = await publisher.publish();
    expect(single.roles).toBe(1);
    const snapshot = published(publisher.out, 'snapshot').signed.meta as Record<string, { version: number }>;
    expect(Object.keys(snapshot).sort()).toEqual([...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `bins-${i}.json`), 'targets.json']);
    expect(snapshot['bins-0.json']!.version).toBe(1);
    expect(await syncFeed(db, { dataDir, feedName: 'tr' })).toMatchObject({ outcome: 'updated', targetCount: 6 });
    expect(listFeeds(db)[0]).toMatchObject({ targetCount: 6, versions: { targets: 2 } });

    fs.mkdirSync(path.join(input, 'reference', 'more'));
    for (let i = 0; i < 4_500; i++) fs.writeFileSync(path.join(input, 'reference', 'more', `g${i}.csv`), `n\n${i}\n`);
    const grown = await publisher.publish();
    expect(grown.roles).toBe(33);
    expect(await syncFeed(db, { dataDir, feedName: 'tr' })).toMatchObject({ outcome: 'updated', targetCount: 4_506 });
  }, 120_000);

  it('refuses a bin that lists a file delegated to another bin, and a file listed twice', async () => {
    const publisher = makePublisher(makeManyFilesInput(1_100));
    await publisher.publish();
    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    await syncFeed(db, { dataDir, feedName: 'tr' });
    const before = feedState(db);

    // A bin altered on the way (same length, other bytes): bins are fetched and checked on every sync.
    const genuine = fs.readFileSync(path.join(publisher.out, '1.bins-3.json'), 'utf8');
    server.replace.set('1.bins-3.json', Buffer.from(genuine.replace('"version": 1', '"version": 2')));
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toMatchObject({
      code: 'INTEGRITY',
      details: { reason: 'mix-and-match' },
      message:
        'Feed "tr" refused: mix-and-match: 1.bins-3.json does not match the length and SHA-256 that the signed snapshot pins for it ' +
        '(metadata from another publication, or a corrupted mirror). Nothing was changed.',
    });
    expect(feedState(db)).toEqual(before);
    server.replace.clear();

    republishRaw(publisher, (roles) => {
      const from = roles.get('bins-0')!;
      const to = roles.get('bins-1')!;
      const [moved, entry] = Object.entries(from.targets as Record<string, unknown>)[0]!;
      const rest = { ...(from.targets as Record<string, unknown>) };
      delete rest[moved];
      roles.set('bins-0', { ...from, targets: rest });
      roles.set('bins-1', { ...to, targets: { ...(to.targets as object), [moved]: entry } });
    });
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toMatchObject({
      code: 'INTEGRITY',
      details: { reason: 'delegation', role: 'bins-1' },
      message: expect.stringMatching(
        /^Feed "tr" refused: its targets role "bins-1" lists ".*", a path not delegated to it\. Nothing was changed\.$/,
      ),
    });
    expect(feedState(db)).toEqual(before);

    await publisher.publish();
    republishRaw(publisher, (roles) => {
      const bin = roles.get('bins-2')!;
      const [twice, entry] = Object.entries(bin.targets as Record<string, unknown>)[0]!;
      const top = roles.get('targets')!;
      roles.set('targets', { ...top, targets: { [twice]: entry } });
    });
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toMatchObject({
      code: 'INTEGRITY',
      details: { reason: 'malformed' },
      message: expect.stringMatching(/is listed by two targets roles \("targets" and "bins-2"\)\. Nothing was changed\.$/),
    });
    expect(feedState(db)).toEqual(before);
  }, 60_000);
});

describe('20,000 files in bins: linear verification, and a sync that stops promptly when cancelled', () => {
  let publisher: Publisher;
  let publishSeconds = 0;
  beforeAll(async () => {
    // Same bytes in every file: publishing and serving stay quick; the metadata is what is measured.
    publisher = makePublisher(makeManyFilesInput(20_000, false), fileTempDir('concordat-feed-out-'));
    const started = performance.now();
    const summary = await publisher.publish();
    publishSeconds = seconds(started);
    expect(summary).toMatchObject({ targets: 20_006, roles: 129 });
  }, 120_000);

  /** Syncs with `cancelWhen` deciding, on each progress event, when to fire the AbortSignal (from a timer, as a UI would). */
  async function cancelledSync(cancelWhen: (p: FeedSyncProgress) => boolean) {
    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    const before = feedState(db);
    const controller = new AbortController();
    let abortedAt = 0;
    const phases: FeedSyncProgress[] = [];
    const started = performance.now();
    const error = await syncFeed(
      db,
      { dataDir, feedName: 'tr' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          phases.push(p);
          if (abortedAt === 0 && cancelWhen(p)) {
            abortedAt = -1;
            setTimeout(() => {
              abortedAt = performance.now();
              controller.abort();
            }, 0);
          }
        },
      },
    ).catch((e: unknown) => e);
    const ended = performance.now();
    expect(abortedAt).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: 'CANCELLED', message: 'Feed "tr": the sync was cancelled. Nothing was changed.' });
    expect((ended - abortedAt) / 1000).toBeLessThan(1);
    expect(feedState(db)).toEqual(before);
    expect(listSnapshots(db)).toEqual([]);
    expect(lastSync(db)).toMatchObject({ outcome: 'cancelled', error_code: 'CANCELLED' });
    expect(fs.readdirSync(path.join(dataDir, 'tmp')).filter((f) => f.startsWith('feed-') && f !== 'feed-downloads')).toEqual([]);
    return { phases, seconds: (abortedAt - started) / 1000 };
  }

  it('publishes 20,000 files in linear time', () => {
    expect(publishSeconds).toBeLessThan(60);
  });

  it('verifies all 129 targets roles and lists 20,000 files in < 10 s; a cancel as downloads start stops at once', async () => {
    const { phases, seconds: verified } = await cancelledSync((p) => p.phase === 'download');
    expect(verified).toBeLessThan(10);
    expect(phases.filter((p) => p.message.startsWith('Checking the targets roles')).at(-1)).toMatchObject({ done: 129, total: 129 });
  }, 60_000);

  it('a cancel while the delegated roles are being verified stops within a second', async () => {
    const { phases } = await cancelledSync((p) => p.message.startsWith('Checking the targets roles') && p.done === 20);
    expect(phases.filter((p) => p.message.startsWith('Checking the targets roles')).at(-1)!.done).toBeLessThan(129);
    expect(phases.some((p) => p.phase === 'download')).toBe(false);
  }, 60_000);

  it('a cancel while the 20,000 targets are being read stops within a second', async () => {
    const { phases } = await cancelledSync((p) => p.message.startsWith('Reading the list of 20006 files'));
    expect(phases.some((p) => p.phase === 'download')).toBe(false);
  }, 60_000);
});
