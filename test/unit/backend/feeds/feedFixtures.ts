import fs from 'node:fs';
import path from 'node:path';
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
