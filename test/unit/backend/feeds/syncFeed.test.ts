import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import shippedRegistry from '../../../../resources/cooperation/registry.json';
import type { Db } from '../../../../electron/backend/db/openDatabase';
import { addFeed, listFeeds } from '../../../../electron/backend/feeds/feeds.service';
import { syncFeed } from '../../../../electron/backend/feeds/syncFeed';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { changeTrades, freshDataDir, lastSync, makePublisher, snapshotGroup, tableCounts } from './feedFixtures';
import { FeedServer } from './feedServer';

const servers: FeedServer[] = [];
async function serve(root: string): Promise<FeedServer> {
  const server = await FeedServer.start(root);
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('publish + sync over HTTP', () => {
  it('imports the snapshot and keeps reference and MoU files as verified blobs; a second sync is a no-op', async () => {
    const publisher = makePublisher();
    const published = await publisher.publish();
    expect(published.versions).toEqual({ root: 1, timestamp: 1, snapshot: 1, targets: 1 });
    expect(published.snapshots).toEqual([
      expect.objectContaining({ group: snapshotGroup, sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30' }),
    ]);
    expect(fs.existsSync(path.join(publisher.out, '1.root.json'))).toBe(true);
    expect(fs.existsSync(path.join(publisher.out, '1.snapshot.json'))).toBe(true);
    expect(fs.existsSync(path.join(publisher.out, '1.targets.json'))).toBe(true);

    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    const added = await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    expect(added).toMatchObject({ trust: 'first-use', rootVersion: 1, rootKeyIds: [publisher.key.keyId] });
    expect(added.rootSha256).toBe(published.rootSha256);

    const progress: string[] = [];
    const first = await syncFeed(db, { dataDir, feedName: 'tr' }, { onProgress: (p) => progress.push(p.phase) });
    expect(first.outcome).toBe('updated');
    expect(first.imported).toHaveLength(1);
    expect(first.imported[0]).toMatchObject({ group: snapshotGroup, sourceName: 'Test TR', alreadyImported: false, version: 1 });
    expect(first.otherFiles).toBe(2);
    expect(first.downloaded).toBe(published.targets);
    expect(progress).toEqual(expect.arrayContaining(['metadata', 'download', 'trades', 'commit']));
    const snapshots = listSnapshots(db);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30', isDemo: false });

    // Files are held by hash and recorded with their kind.
    const targets = db.prepare(`SELECT path, sha256, kind, snapshot_id FROM feed_target ORDER BY path`).all() as {
      path: string;
      sha256: string;
      kind: string;
      snapshot_id: number | null;
    }[];
    expect(targets.map((t) => [t.path, t.kind])).toEqual([
      ['mou/2026/registry.json', 'mou'],
      ['reference/mics.csv', 'reference'],
      [`${snapshotGroup}/entities.csv`, 'snapshot-file'],
      [`${snapshotGroup}/fx.csv`, 'snapshot-file'],
      [`${snapshotGroup}/margins.csv`, 'snapshot-file'],
      [`${snapshotGroup}/trades.csv`, 'snapshot-file'],
    ]);
    for (const t of targets) expect(fs.existsSync(path.join(dataDir, 'blobs', t.sha256))).toBe(true);
    expect(new Set(targets.filter((t) => t.kind === 'snapshot-file').map((t) => t.snapshot_id))).toEqual(
      new Set([snapshots[0]!.snapshotId]),
    );

    const status = listFeeds(db);
    expect(status[0]).toMatchObject({
      name: 'tr',
      versions: { root: 1, timestamp: 1, snapshot: 1, targets: 1 },
      staleSince: null,
      targetCount: 6,
      snapshotIds: [snapshots[0]!.snapshotId],
      lastSync: { outcome: 'updated' },
    });

    const before = tableCounts(db);
    const targetRequests = server.seen('.csv').length;
    const second = await syncFeed(db, { dataDir, feedName: 'tr' });
    expect(second).toMatchObject({ outcome: 'unchanged', downloaded: 0, imported: [] });
    expect(tableCounts(db)).toEqual(before);
    expect(server.seen('.csv').length).toBe(targetRequests);
    expect(lastSync(db).outcome).toBe('unchanged');
  });

  it('imports a corrected file published later as a new version of the snapshot', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    await syncFeed(db, { dataDir, feedName: 'tr' });

    changeTrades(publisher.input, (csv) => csv.replace(/\n$/, '').split('\n').slice(0, -1).join('\n') + '\n');
    const again = await publisher.publish();
    expect(again.versions).toEqual({ root: 1, timestamp: 2, snapshot: 2, targets: 2 });
    expect(again.newFiles).toBe(1);
    // Old hash-named files and metadata stay for clients mid-download.
    expect(fs.existsSync(path.join(publisher.out, '1.targets.json'))).toBe(true);

    const summary = await syncFeed(db, { dataDir, feedName: 'tr' });
    expect(summary.outcome).toBe('updated');
    expect(summary.downloaded).toBe(1);
    expect(summary.imported).toEqual([expect.objectContaining({ version: 2, alreadyImported: false })]);
    expect(
      listSnapshots(db)
        .map((s) => s.version)
        .sort(),
    ).toEqual([1, 2]);
    expect(listFeeds(db)[0]!.versions).toEqual({ root: 1, timestamp: 2, snapshot: 2, targets: 2 });
  });
});

describe('folder and file:// feeds', () => {
  it('syncs a feed given as a plain folder path, and one given as a file:// URL', async () => {
    const publisher = makePublisher();
    await publisher.publish();
    const { db, dataDir } = await freshDataDir();
    const asFolder = await addFeed(db, { name: 'folder', url: publisher.out }, { dataDir });
    expect(asFolder.url).toBe(`${pathToFileURL(publisher.out).href}/`);
    const viaFolder = await syncFeed(db, { dataDir, feedName: 'folder' });
    expect(viaFolder.imported).toHaveLength(1);

    const other = await freshDataDir();
    await addFeed(other.db, { name: 'file', url: pathToFileURL(publisher.out).href }, { dataDir: other.dataDir });
    const viaFile = await syncFeed(other.db, { dataDir: other.dataDir, feedName: 'file' });
    expect(viaFile.imported).toHaveLength(1);
    expect(listSnapshots(other.db)).toHaveLength(1);
  });
});

describe('the MoU registry through the feed', () => {
  type Editable = Record<string, unknown> & { authorities: Array<Record<string, unknown>> };
  const registryWith = (asOf: string, edit: (r: Editable) => void = () => {}) => {
    const r = structuredClone(shippedRegistry) as unknown as Editable;
    r.asOf = asOf;
    edit(r);
    return `${JSON.stringify(r)}\n`;
  };
  const loads = (db: Db) =>
    db.prepare(`SELECT origin, as_of AS asOf FROM registry_load ORDER BY load_id`).all() as Array<{ origin: string; asOf: string }>;

  it('loads a newer signed registry (mou/registry.json), and refuses a malformed one whole', async () => {
    const publisher = makePublisher();
    fs.writeFileSync(
      path.join(publisher.input, 'mou', 'registry.json'),
      registryWith('2030-01-01', (r) => (r.authorities.find((a) => a.short === 'SCB')!.notes = 'Updated through the feed.')),
    );
    await publisher.publish();
    const server = await serve(publisher.out);
    const { db, dataDir } = await freshDataDir();
    await addFeed(db, { name: 'tr', url: server.url }, { dataDir });
    const first = await syncFeed(db, { dataDir, feedName: 'tr' });
    expect(first.registry).toMatchObject({ asOf: '2030-01-01', supersededLocalEdits: 0 });
    expect(loads(db).at(-1)).toEqual({ origin: 'feed "tr"', asOf: '2030-01-01' });
    expect(db.prepare(`SELECT notes FROM authority WHERE short_name = 'SCB'`).pluck().get()).toBe('Updated through the feed.');

    // A later registry with a dangling reference: the sync is refused, the registry in use stays.
    fs.writeFileSync(
      path.join(publisher.input, 'mou', 'registry.json'),
      registryWith('2031-01-01', (r) => ((r.authorities[0] as Record<string, unknown>).jurisdiction = 'ZZ')),
    );
    await publisher.publish();
    await expect(syncFeed(db, { dataDir, feedName: 'tr' })).rejects.toThrow(
      /MoU registry from feed "tr" \(mou\/registry.json\) was not loaded: .*jurisdiction "ZZ"/,
    );
    expect(loads(db).at(-1)).toEqual({ origin: 'feed "tr"', asOf: '2030-01-01' });
    expect(lastSync(db).outcome).toBe('failed');
  });
});
