import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalize } from '@tufjs/canonical-json';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { generateFeedKey, type FeedSigningKey } from '../../../../electron/backend/feeds/keys';
import { publishFeed, type PublishFeedOptions, type PublishFeedSummary } from '../../../../electron/backend/feeds/publishFeed';
import { fixturesDir, tempDir } from '../../../helpers/tempDir';

export const snapshotGroup = 'snapshots/test-tr/EMIR/2026-06-30';

/**
 * A publisher input folder: the hand-made fixture snapshot with its snapshot.json, a reference
 * file and an MoU registry file.
 */
export function makeFeedInput(): string {
  const input = tempDir('concordat-feed-input-');
  const snapshotDir = path.join(input, ...snapshotGroup.split('/'));
  fs.mkdirSync(snapshotDir, { recursive: true });
  const fixture = path.join(fixturesDir, 'snapshot-small');
  for (const name of fs.readdirSync(fixture).filter((f) => f.endsWith('.csv'))) {
    fs.copyFileSync(path.join(fixture, name), path.join(snapshotDir, name));
  }
  fs.writeFileSync(
    path.join(snapshotDir, 'snapshot.json'),
    JSON.stringify({ sourceName: 'Test TR', trLei: '9845005CCPXXXXXX0005', regime: 'EMIR', asOfDate: '2026-06-30' }),
  );
  fs.mkdirSync(path.join(input, 'reference'), { recursive: true });
  fs.writeFileSync(path.join(input, 'reference', 'mics.csv'), 'mic,name\nXEUR,Eurex\n');
  fs.mkdirSync(path.join(input, 'mou', '2026'), { recursive: true });
  fs.writeFileSync(path.join(input, 'mou', '2026', 'registry.json'), '{"mous":[]}\n');
  return input;
}

/** Appends a line to a snapshot file of the input (a "corrected" delivery). */
export function changeTrades(input: string, mutate: (csv: string) => string): void {
  const file = path.join(input, ...snapshotGroup.split('/'), 'trades.csv');
  fs.writeFileSync(file, mutate(fs.readFileSync(file, 'utf8')));
}

export interface Publisher {
  input: string;
  out: string;
  key: FeedSigningKey;
  publish(extra?: Partial<PublishFeedOptions>): Promise<PublishFeedSummary>;
}

export function makePublisher(input = makeFeedInput(), out = tempDir('concordat-feed-out-'), key = generateFeedKey()): Publisher {
  return {
    input,
    out,
    key,
    publish: (extra = {}) => publishFeed({ inputDir: input, outDir: out, key, ...extra }),
  };
}

export async function freshDataDir(): Promise<{ db: Db; dataDir: string }> {
  const dataDir = tempDir('concordat-feed-data-');
  const { db } = await openDatabase(dataDir);
  return { db, dataDir };
}

const countedTables = [
  'snapshot',
  'trade_state',
  'margin_state',
  'entity',
  'fx_rate',
  'validation_issue',
  'rejected_row',
  'exposure_position',
  'feed',
  'feed_metadata',
  'feed_target',
] as const;

/** Row counts of the data tables (feed_sync, the history, grows with every attempt by design). */
export function tableCounts(db: Db): Record<string, number> {
  return Object.fromEntries(countedTables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

/** Everything a failed sync must leave as it was: counts, and the trusted metadata itself. */
export function feedState(db: Db): { counts: Record<string, number>; metadata: unknown[]; targets: unknown[] } {
  return {
    counts: tableCounts(db),
    metadata: db.prepare(`SELECT feed_id, role, version, sha256 FROM feed_metadata ORDER BY feed_id, role`).all(),
    targets: db.prepare(`SELECT feed_id, path, sha256, snapshot_id, last_targets_version FROM feed_target ORDER BY path, sha256`).all(),
  };
}

export function lastSync(db: Db): { outcome: string; message: string | null; error_code: string | null } {
  return db.prepare(`SELECT outcome, message, error_code FROM feed_sync ORDER BY sync_id DESC LIMIT 1`).get() as {
    outcome: string;
    message: string | null;
    error_code: string | null;
  };
}

type Signed = Record<string, unknown>;

/** Signs `signed` as TUF metadata with `key`, in linear time (canonical JSON of the raw object). */
export function signRaw(signed: Signed, key: FeedSigningKey): Buffer {
  const sig = crypto.sign(null, Buffer.from(canonicalize(signed)), key.privateKey).toString('hex');
  return Buffer.from(`${JSON.stringify({ signatures: [{ keyid: key.keyId, sig }], signed }, null, 1)}\n`);
}

const readSignedFile = (file: string): Signed => (JSON.parse(fs.readFileSync(file, 'utf8')) as { signed: Signed }).signed;

/**
 * Publishes a new version of the feed in `p.out` by hand, without @tufjs/models (whose targets
 * handling is quadratic): the targets roles of the current publication (top-level and delegated,
 * by name) pass through `edit`, then every targets role, the snapshot and the timestamp are
 * signed again with `key`, one version up. Tests use it to make feeds the publisher never makes.
 */
export function republishRaw(p: Pick<Publisher, 'out' | 'key'>, edit: (roles: Map<string, Signed>) => void): void {
  const timestamp = readSignedFile(path.join(p.out, 'timestamp.json'));
  const snapshotVersion = (timestamp.meta as Record<string, { version: number }>)['snapshot.json']!.version;
  const snapshot = readSignedFile(path.join(p.out, `${snapshotVersion}.snapshot.json`));
  const meta = snapshot.meta as Record<string, { version: number }>;
  const roles = new Map<string, Signed>();
  for (const [file, { version }] of Object.entries(meta)) {
    const role = file.replace(/\.json$/, '');
    roles.set(role, readSignedFile(path.join(p.out, `${version}.${role}.json`)));
  }
  edit(roles);
  const version = Math.max(...Object.values(meta).map((m) => m.version)) + 1;
  const newMeta: Record<string, unknown> = {};
  for (const [role, signed] of roles) {
    const bytes = signRaw({ ...signed, version }, p.key);
    fs.writeFileSync(path.join(p.out, `${version}.${role}.json`), bytes);
    newMeta[`${role}.json`] = { version, length: bytes.length, hashes: { sha256: sha256(bytes) } };
  }
  const snapshotBytes = signRaw({ ...snapshot, version: snapshotVersion + 1, meta: newMeta }, p.key);
  fs.writeFileSync(path.join(p.out, `${snapshotVersion + 1}.snapshot.json`), snapshotBytes);
  const timestampBytes = signRaw(
    {
      ...timestamp,
      version: (timestamp.version as number) + 1,
      meta: { 'snapshot.json': { version: snapshotVersion + 1, length: snapshotBytes.length, hashes: { sha256: sha256(snapshotBytes) } } },
    },
    p.key,
  );
  fs.writeFileSync(path.join(p.out, 'timestamp.json'), timestampBytes);
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** `count` made-up reference files as raw targets entries (they need not exist: a refusal comes first). */
export function syntheticTargets(count: number): Record<string, unknown> {
  const targets: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = `reference/many/f${String(i).padStart(6, '0')}.csv`;
    targets[name] = { length: 12, hashes: { sha256: sha256(Buffer.from(name)) }, custom: { concordat: { kind: 'reference' } } };
  }
  return targets;
}

/** A publisher input folder with `count` small reference files (same bytes unless `distinct`), and the fixture snapshot. */
export function makeManyFilesInput(count: number, distinct = true): string {
  const input = makeFeedInput();
  const dir = path.join(input, 'reference', 'many');
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    fs.writeFileSync(path.join(dir, `f${String(i).padStart(6, '0')}.csv`), distinct ? `n,value\n${i},x\n` : 'n,value\n0,x\n');
  }
  return input;
}
