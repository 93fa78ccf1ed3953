import fs from 'node:fs';
import path from 'node:path';
import { Metadata, MetadataKind } from '@tufjs/models';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/backend/db/openDatabase';
import { addFeed, listFeeds } from '../../../../electron/backend/feeds/feeds.service';
import { generateFeedKey, tufSigner, type FeedSigningKey } from '../../../../electron/backend/feeds/keys';
import { metadataBytes } from '../../../../electron/backend/feeds/publishFeed';
import { syncFeed } from '../../../../electron/backend/feeds/syncFeed';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { ContractError } from '../../../../shared/contract/errors';
import {
  changeTrades,
  feedState,
  freshDataDir,
  lastSync,
  makeFeedInput,
  makePublisher,
  snapshotGroup,
  type Publisher,
} from './feedFixtures';
import { FeedServer } from './feedServer';

const servers: FeedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

interface Synced {
  publisher: Publisher;
  server: FeedServer;
  db: Db;
  dataDir: string;
}

/** A feed published once, served over HTTP, added (trust on first use) and synced. */
async function syncedFeed(): Promise<Synced> {
  const publisher = makePublisher();
  await publisher.publish();
  const server = await FeedServer.start(publisher.out);
  servers.push(server);
  const { db, dataDir } = await freshDataDir();
  await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
  await syncFeed(db, { dataDir, feedName: 'tr' });
  return { publisher, server, db, dataDir };
}

/** Syncs and expects a refusal that leaves the database exactly as it was. */
async function expectRefused(s: Synced, reason: string, message: RegExp): Promise<ContractError> {
  const before = feedState(s.db);
  const snapshotsBefore = listSnapshots(s.db);
  const error = await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  const failure = error as ContractError;
  expect(failure.message).toMatch(message);
  expect(failure.message).toMatch(/^Feed "tr" refused: .* Nothing was changed\.$/s);
  expect(failure).toMatchObject({ code: 'INTEGRITY', details: { reason } });
  expect(feedState(s.db)).toEqual(before);
  expect(listSnapshots(s.db)).toEqual(snapshotsBefore);
  expect(lastSync(s.db)).toMatchObject({ outcome: 'failed', message: failure.message, error_code: 'INTEGRITY' });
  return failure;
}

function readJson(file: string): Record<string, unknown> & { signed: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { signed: Record<string, unknown> };
}

/** Metadata changed and signed again by `key` (replacing all signatures). */
function resign(
  kind: MetadataKind,
  json: { signed: Record<string, unknown> },
  change: Record<string, unknown>,
  key: FeedSigningKey,
): Buffer {
  const md = Metadata.fromJSON(kind as MetadataKind.Timestamp, { ...json, signed: { ...json.signed, ...change } } as never);
  md.sign(tufSigner(key), false);
  return metadataBytes(md);
}

function hashedTargetPath(out: string, name: string): string {
  const targets = readJson(
    path.join(
      out,
      fs
        .readdirSync(out)
        .filter((f) => f.endsWith('.targets.json'))
        .sort()
        .at(-1)!,
    ),
  );
  const entry = (targets.signed.targets as Record<string, { hashes: { sha256: string } }>)[`${snapshotGroup}/${name}`]!;
  return `targets/${snapshotGroup}/${entry.hashes.sha256}.${name}`;
}

describe('feed sync refuses attacks and leaves the database unchanged', () => {
  it('rollback: an older timestamp after a newer one was seen', async () => {
    const s = await syncedFeed();
    const oldTimestamp = fs.readFileSync(path.join(s.publisher.out, 'timestamp.json'));
    await s.publisher.publish();
    await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' });
    s.server.replace.set('timestamp.json', oldTimestamp);
    await expectRefused(s, 'rollback', /rollback: the feed offers timestamp version 1, older than version 2 already seen\./);
  });

  it('rollback: a newer, validly signed timestamp pointing at an older snapshot', async () => {
    const s = await syncedFeed();
    const v1 = readJson(path.join(s.publisher.out, 'timestamp.json'));
    await s.publisher.publish();
    await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' });
    s.server.replace.set('timestamp.json', resign(MetadataKind.Timestamp, v1, { version: 3 }, s.publisher.key));
    await expectRefused(s, 'rollback', /rollback: the timestamp points to snapshot version 1, older than version 2 already seen\./);
  });

  it('freeze: an expired timestamp (a publisher who stopped re-signing, or replayed metadata)', async () => {
    const s = await syncedFeed();
    const past = new Date(Date.now() - 3 * 86_400_000);
    await s.publisher.publish({ now: past, timestampHours: 1 });
    const error = await expectRefused(s, 'freeze', /freeze: the feed's timestamp expired on \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\./);
    expect(error.details).toMatchObject({ expires: new Date(past.getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    // The data already held stays readable; the UI shows the feed's freshness from the last good timestamp.
    expect(listSnapshots(s.db)).toHaveLength(1);
    expect(listFeeds(s.db)[0]!.lastSync).toMatchObject({ outcome: 'failed' });
  });

  it('freeze on first sync, before anything was trusted', async () => {
    const publisher = makePublisher();
    await publisher.publish({ now: new Date(Date.now() - 2 * 86_400_000), timestampHours: 24 });
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: publisher.out }, { dataDir });
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toThrow(/freeze: the feed's timestamp expired on/);
    expect(feedState(db).metadata).toEqual([]);
    expect(listSnapshots(db)).toEqual([]);
  });

  it('wrong signature: a tampered timestamp', async () => {
    const s = await syncedFeed();
    await s.publisher.publish();
    const tampered = readJson(path.join(s.publisher.out, 'timestamp.json'));
    tampered.signed.expires = '2099-01-01T00:00:00Z';
    s.server.replace.set('timestamp.json', Buffer.from(JSON.stringify(tampered)));
    await expectRefused(
      s,
      'signature',
      /timestamp\.json is not signed by the keys the trusted root lists for "timestamp" \(0 of 1 required signatures valid\): it was altered, or signed by an unknown key\./,
    );
  });

  it('wrong signature: metadata signed by an unknown key', async () => {
    const s = await syncedFeed();
    await s.publisher.publish();
    const genuine = readJson(path.join(s.publisher.out, 'timestamp.json'));
    s.server.replace.set('timestamp.json', resign(MetadataKind.Timestamp, genuine, {}, generateFeedKey()));
    await expectRefused(s, 'signature', /timestamp\.json is not signed by the keys the trusted root lists for "timestamp" \(0 of 1/);
  });

  it('wrong signature: a new root signed by an unknown key', async () => {
    const s = await syncedFeed();
    const attacker = generateFeedKey();
    const evil = makePublisher(makeFeedInput(), undefined, attacker);
    await evil.publish();
    const root = readJson(path.join(evil.out, '1.root.json'));
    s.server.replace.set('2.root.json', resign(MetadataKind.Root, root, { version: 2 }, attacker));
    await expectRefused(s, 'signature', /2\.root\.json is not signed by the keys the trusted root lists for "root" \(0 of 1/);
  });

  it('mix-and-match: a validly signed snapshot from another publication', async () => {
    const s = await syncedFeed();
    // Another publication with the same key reaches the same snapshot version with other content.
    const other = makePublisher(makeFeedInput(), undefined, s.publisher.key);
    changeTrades(other.input, (csv) => csv.split('\n').slice(0, 3).join('\n') + '\n');
    await other.publish();
    await other.publish();
    await s.publisher.publish();
    s.server.replace.set('2.snapshot.json', fs.readFileSync(path.join(other.out, '2.snapshot.json')));
    await expectRefused(
      s,
      'mix-and-match',
      /mix-and-match: 2\.snapshot\.json does not match the length and SHA-256 that the signed timestamp pins for it/,
    );
  });

  it('mix-and-match: a validly signed targets list from another publication', async () => {
    const s = await syncedFeed();
    const other = makePublisher(makeFeedInput(), undefined, s.publisher.key);
    changeTrades(other.input, (csv) => csv.split('\n').slice(0, 3).join('\n') + '\n');
    await other.publish();
    await other.publish();
    await s.publisher.publish();
    s.server.replace.set('2.targets.json', fs.readFileSync(path.join(other.out, '2.targets.json')));
    await expectRefused(
      s,
      'mix-and-match',
      /mix-and-match: 2\.targets\.json does not match the length and SHA-256 that the signed snapshot pins/,
    );
  });

  it('oversized target: more bytes than the signed length', async () => {
    const s = await syncedFeed();
    changeTrades(s.publisher.input, (csv) => csv.replace(/\n$/, '').split('\n').slice(0, -1).join('\n') + '\n');
    await s.publisher.publish();
    const target = hashedTargetPath(s.publisher.out, 'trades.csv');
    const genuine = fs.readFileSync(path.join(s.publisher.out, ...target.split('/')));
    s.server.replace.set(target, Buffer.concat([genuine, Buffer.alloc(64 * 1024, 0x41)]));
    await expectRefused(
      s,
      'oversize',
      new RegExp(
        `${snapshotGroup}/trades\\.csv is larger than the ${genuine.length} bytes its signed metadata lists \\(an endless-data attack`,
      ),
    );
    // The refused download leaves no partial file behind.
    expect(fs.readdirSync(path.join(s.dataDir, 'tmp', 'feed-downloads')).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('hash-mismatching target: same length, other bytes', async () => {
    const s = await syncedFeed();
    changeTrades(s.publisher.input, (csv) => csv.replace(/\n$/, '').split('\n').slice(0, -1).join('\n') + '\n');
    await s.publisher.publish();
    const target = hashedTargetPath(s.publisher.out, 'trades.csv');
    const forged = Buffer.from(fs.readFileSync(path.join(s.publisher.out, ...target.split('/'))));
    forged[forged.length - 2] = forged[forged.length - 2] === 0x31 ? 0x32 : 0x31;
    s.server.replace.set(target, forged);
    await expectRefused(
      s,
      'hash-mismatch',
      new RegExp(
        `${snapshotGroup}/trades\\.csv does not match its signed SHA-256 \\(expected [0-9a-f]{16}…, got [0-9a-f]{16}…\\): it was altered`,
      ),
    );
    expect(fs.readdirSync(path.join(s.dataDir, 'blobs'))).not.toContain(target.split('/').at(-1)!.split('.')[0]);
  });

  it('key rotation: root N+1 signed by the old and new keys is followed; the old key alone is then refused', async () => {
    const s = await syncedFeed();
    const newKey = generateFeedKey();
    const rotated = await s.publisher.publish({ rotateTo: newKey });
    expect(rotated.versions.root).toBe(2);
    expect(rotated.keyIds).toEqual([newKey.keyId]);
    const summary = await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' });
    expect(summary.versions.root).toBe(2);
    expect(listFeeds(s.db)[0]).toMatchObject({ rootKeyIds: [newKey.keyId], versions: { root: 2 } });

    // The publisher now signs with the new key only.
    await expect(s.publisher.publish()).rejects.toThrow(/is not one of its root keys/);
    const next = makePublisher(s.publisher.input, s.publisher.out, newKey);
    await next.publish();
    await syncFeed(s.db, { dataDir: s.dataDir, feedName: 'tr' });

    // Metadata signed by the retired key is no longer accepted.
    const current = readJson(path.join(s.publisher.out, 'timestamp.json'));
    s.server.replace.set('timestamp.json', resign(MetadataKind.Timestamp, current, { version: 9 }, s.publisher.key));
    await expectRefused(s, 'signature', /timestamp\.json is not signed by the keys the trusted root lists for "timestamp"/);
  });

  it('a pinned root from elsewhere: nothing the feed signs is accepted', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    const stranger = makePublisher();
    await stranger.publish();
    const { db, dataDir } = await freshDataDir();
    const added = await addFeed(
      db,
      { name: 'tr', url: publisher.out, rootJson: fs.readFileSync(path.join(stranger.out, 'root.json'), 'utf8') },
      { dataDir },
    );
    expect(added).toMatchObject({ trust: 'pinned', rootKeyIds: [stranger.key.keyId] });
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toMatchObject({ code: 'INTEGRITY', details: { reason: 'signature' } });
    expect(listSnapshots(db)).toEqual([]);
  });
});
