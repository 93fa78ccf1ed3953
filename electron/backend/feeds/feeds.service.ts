import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import { ContractError } from '../../../shared/contract/errors';
import { isAllowedFeedUrl, type FeedAdded, type FeedStatus } from '../../../shared/contract/feeds';
import type { Db } from '../db/connection';
import type { JobManager } from '../jobs/jobManager';
import type { Handlers } from '../context';
import { deleteFeed, getFeed, insertFeed, listFeedStatus, requireFeed, rootKeyIdsOf } from './feeds.repo';
import { FeedFetcher, FeedHttpError, FeedTooLargeError, type TransportOptions } from './fetcher';

export type FeedMethod = 'feeds.list' | 'feeds.add' | 'feeds.sync' | 'feeds.remove';

export interface FeedServiceContext {
  db: Db;
  jobs: JobManager;
  dataDir: string;
  dbFile: string;
}

/** Parameters of the 'feeds.sync' task (serialisable: it runs in a worker thread). */
export interface FeedSyncTaskParams {
  dbFile: string;
  dataDir: string;
  feedName: string;
}

export function createFeedHandlers(ctx: FeedServiceContext): Pick<Handlers, FeedMethod> {
  return {
    'feeds.list': () => listFeeds(ctx.db),
    'feeds.add': (input) => addFeed(ctx.db, input, { dataDir: ctx.dataDir }),
    'feeds.sync': (input) => {
      requireFeed(ctx.db, input.name);
      if (ctx.jobs.isRunning('feeds.sync')) {
        throw new ContractError('CONFLICT', 'A feed sync is already running; wait for it to end (or cancel it) first.');
      }
      const params: FeedSyncTaskParams = { dbFile: ctx.dbFile, dataDir: ctx.dataDir, feedName: input.name };
      return ctx.jobs.start('feeds.sync', 'feeds.sync', params);
    },
    'feeds.remove': (input) => ({ removed: removeFeed(ctx.db, input.name) }),
  };
}

export function listFeeds(db: Db): FeedStatus[] {
  return listFeedStatus(db);
}

/** Forgets a feed: its trust, metadata, history and target records. Snapshots it imported stay. */
export function removeFeed(db: Db, name: string): boolean {
  return deleteFeed(db, name);
}

/**
 * A feed location as the contract wants it: a URL ending in `/`. A plain folder path becomes a
 * file:// URL (so `concordat feed add ./feed` works).
 */
export function feedUrlFromLocation(location: string): string {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  const href = isUrl ? new URL(location).href : pathToFileURL(path.resolve(location)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

export interface AddFeedInput {
  name: string;
  url: string;
  rootJson?: string | undefined;
  isDemo?: boolean;
}

/**
 * Adds a feed. With `rootJson` (shipped with the app or handed over out of band) that root is
 * pinned; without, the feed's first root (1.root.json, else root.json) is fetched and trusted on
 * first use: the result carries its key ids and SHA-256 so a person can compare them with the
 * publisher's. Either way the root must be signed by its own root keys.
 */
export async function addFeed(
  db: Db,
  input: AddFeedInput,
  options: { dataDir: string; signal?: AbortSignal; transport?: TransportOptions },
): Promise<FeedAdded> {
  const url = feedUrlFromLocation(input.url);
  if (!isAllowedFeedUrl(url)) {
    throw new ContractError(
      'INVALID_INPUT',
      `${url} is not a feed location: use https://, file:// or a folder (http:// only on 127.0.0.1).`,
    );
  }
  if (getFeed(db, input.name)) throw new ContractError('CONFLICT', `A feed named "${input.name}" already exists.`, { name: input.name });
  let rootText: string;
  let trust: FeedAdded['trust'];
  if (input.rootJson !== undefined) {
    rootText = input.rootJson;
    trust = 'pinned';
  } else {
    rootText = (await fetchFirstRoot(url, options)).toString('utf8');
    trust = 'first-use';
  }
  const root = parseTrustedRoot(rootText, input.rootJson !== undefined ? 'The given root.json' : `The root metadata of ${url}`);
  const rootSha256 = crypto.createHash('sha256').update(rootText).digest('hex');
  insertFeed(db, { name: input.name, url, rootJson: rootText, rootSha256, trust, isDemo: input.isDemo ?? false });
  return {
    name: input.name,
    url,
    trust,
    rootVersion: root.signed.version,
    rootKeyIds: rootKeyIdsOf(rootText),
    rootSha256,
    rootExpires: root.signed.expires,
  };
}

async function fetchFirstRoot(
  url: string,
  options: { dataDir: string; signal?: AbortSignal; transport?: TransportOptions },
): Promise<Buffer> {
  const fetcher = new FeedFetcher({
    retries: 2,
    ...options.transport,
    ...(options.signal ? { signal: options.signal } : {}),
    partDir: path.join(options.dataDir, 'tmp', 'feed-downloads'),
  });
  for (const name of ['1.root.json', 'root.json']) {
    try {
      return await fetcher.downloadBytes(new URL(name, url).href, 512_000);
    } catch (error) {
      if (error instanceof FeedHttpError && (error.statusCode === 404 || error.statusCode === 403)) continue;
      if (error instanceof ContractError) throw error;
      if (error instanceof FeedTooLargeError) throw new ContractError('INTEGRITY', `${error.message}: it is not root metadata.`);
      throw new ContractError('UNAVAILABLE', `The feed could not be reached: ${error instanceof Error ? error.message : String(error)}.`);
    }
  }
  throw new ContractError('NOT_FOUND', `${url} has no root metadata (neither 1.root.json nor root.json): is it a feed?`, { url });
}

/** Parses root metadata and checks it is signed by its own root keys (threshold met). */
export function parseTrustedRoot(text: string, what: string): Metadata<Root> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ContractError('INVALID_INPUT', `${what} is not JSON.`);
  }
  let root: Metadata<Root>;
  try {
    root = Metadata.fromJSON(MetadataKind.Root, data as Parameters<typeof Metadata.fromJSON>[1]);
  } catch (error) {
    throw new ContractError(
      'INVALID_INPUT',
      `${what} is not TUF root metadata: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  try {
    root.verifyDelegate(MetadataKind.Root, root);
  } catch (error) {
    throw new ContractError(
      'INTEGRITY',
      `${what} is not signed by its own root keys (${error instanceof Error ? error.message : String(error)}); it cannot be trusted.`,
    );
  }
  return root;
}
