import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';
import type { Regime } from '../../../shared/contract/snapshots';
import type { Db } from '../db/connection';
import type { ImportSummary } from '../snapshots/importSnapshot';
import { getFeed } from './feeds.repo';
import { addFeed, feedUrlFromLocation } from './feeds.service';
import { generateFeedKey, loadSigningKey, writeKeyFiles } from './keys';
import { publishFeed, type PublishFeedSummary } from './publishFeed';
import { syncFeed, type FeedSyncProgress } from './syncFeed';

/**
 * The built-in demo data travels the same road as real data: the generated files are published
 * as a signed feed in `<dataDir>/demo-feed`, with a key made for this data directory alone
 * (`<dataDir>/keys/demo-feed.pem`, never shipped), the feed is added with that root pinned, and
 * first start syncs it.
 */
export const demoFeedName = 'demo';
const KEY_NAME = 'demo-feed';
/** The demo feed lives on this machine, signed by a local key: its metadata need not go stale. */
const DEMO_EXPIRY_DAYS = 3650;

export interface DemoFeedOptions {
  db: Db;
  dataDir: string;
  /** Folder holding the generated snapshot files (trades.csv, margins.csv, …). */
  generatedFilesDir: string;
  sourceName: string;
  trLei?: string;
  regime: Regime;
  asOfDate: string;
  feedName?: string;
}

export interface DemoFeedPublished {
  feedName: string;
  url: string;
  keyId: string;
  publish: PublishFeedSummary;
}

export async function publishDemoFeed(options: DemoFeedOptions): Promise<DemoFeedPublished> {
  const feedName = options.feedName ?? demoFeedName;
  const keyDir = path.join(options.dataDir, 'keys');
  const keyFile = path.join(keyDir, `${KEY_NAME}.pem`);
  const key = fs.existsSync(keyFile) ? loadSigningKey(keyFile) : generateFeedKey();
  if (!fs.existsSync(keyFile)) writeKeyFiles(key, keyDir, { name: KEY_NAME });

  const existing = getFeed(options.db, feedName);
  if (existing && existing.is_demo !== 1) {
    throw new ContractError('CONFLICT', `A feed named "${feedName}" exists and is not the demo feed.`, { name: feedName });
  }

  // Publisher input: snapshots/<source>/<regime>/<as-of>/ with the files linked in and snapshot.json.
  const input = fs.mkdtempSync(path.join(options.dataDir, 'tmp', 'demo-feed-input-'));
  const outDir = path.join(options.dataDir, 'demo-feed');
  try {
    const folder = path.join(input, 'snapshots', 'concordat-demo', options.regime, options.asOfDate);
    fs.mkdirSync(folder, { recursive: true });
    for (const name of fs.readdirSync(options.generatedFilesDir)) {
      if (!/\.(csv|xml)$/i.test(name)) continue;
      const from = path.join(options.generatedFilesDir, name);
      try {
        fs.linkSync(from, path.join(folder, name));
      } catch {
        fs.copyFileSync(from, path.join(folder, name));
      }
    }
    fs.writeFileSync(
      path.join(folder, 'snapshot.json'),
      JSON.stringify({
        sourceName: options.sourceName,
        ...(options.trLei ? { trLei: options.trLei } : {}),
        regime: options.regime,
        asOfDate: options.asOfDate,
      }),
    );
    const publish = await publishFeed({
      inputDir: input,
      outDir,
      key,
      expiresDays: DEMO_EXPIRY_DAYS,
      timestampHours: DEMO_EXPIRY_DAYS * 24,
      rootExpiresDays: DEMO_EXPIRY_DAYS,
    });
    const url = feedUrlFromLocation(outDir);
    if (!existing) {
      // Pin the first root of this feed: clients walk from it to the newest root.
      const rootJson = fs.readFileSync(path.join(outDir, '1.root.json'), 'utf8');
      await addFeed(options.db, { name: feedName, url, rootJson, isDemo: true }, { dataDir: options.dataDir });
    }
    return { feedName, url, keyId: key.keyId, publish };
  } finally {
    fs.rmSync(input, { recursive: true, force: true });
  }
}

/** First start: publish the generated demo files as the demo feed and sync it. Returns the demo snapshot's import. */
export async function loadDemoThroughFeed(
  options: DemoFeedOptions,
  control: { signal?: AbortSignal; onProgress?: (p: FeedSyncProgress) => void },
): Promise<ImportSummary> {
  control.onProgress?.({ phase: 'publish', message: 'Signing the demo feed', done: 0 });
  const { feedName } = await publishDemoFeed(options);
  const summary = await syncFeed(options.db, { dataDir: options.dataDir, feedName }, control);
  const demo = summary.imported.find((i) => i.asOfDate === options.asOfDate && i.sourceName === options.sourceName);
  if (!demo) throw new ContractError('INTERNAL', 'The demo feed synced but held no demo snapshot.');
  return {
    snapshotId: demo.snapshotId,
    version: demo.version,
    alreadyImported: demo.alreadyImported,
    rowsRead: demo.rowsRead,
    loaded: demo.loaded,
    rejected: demo.rejected,
    warnings: demo.warnings,
    seconds: summary.seconds,
  };
}
