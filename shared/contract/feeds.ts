import { z } from 'zod';
import type { JobStarted } from './jobs';
import { method } from './method';
import type { Regime } from './snapshots';

/**
 * Signed feeds: static folders (a folder, file://, https://) with TUF metadata carrying
 * snapshots, reference data and the MoU registry (handbook "bundles-and-feeds" §4).
 */

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where a feed may live: https, file, or plain http only on this machine (tests, local mirrors). */
export function isAllowedFeedUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname.length > 0;
  if (url.protocol === 'file:') return url.host === '' || url.host === 'localhost';
  if (url.protocol === 'http:') return loopbackHosts.has(url.hostname);
  return false;
}

export const feedNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a feed name: letters, digits, dot, underscore or hyphen, at most 64 characters');

export const feedUrlSchema = z
  .string()
  .max(2048)
  .refine(isAllowedFeedUrl, 'a feed URL: https://…, file://…, or http:// on 127.0.0.1 or localhost only');

/** How a feed's root keys came to be trusted. */
export type FeedTrust = 'pinned' | 'first-use';

export interface FeedRoleVersions {
  root: number;
  timestamp: number | null;
  snapshot: number | null;
  targets: number | null;
}

export type FeedSyncOutcome = 'running' | 'updated' | 'unchanged' | 'failed' | 'cancelled';

export interface FeedStatus {
  name: string;
  url: string;
  isDemo: boolean;
  addedAt: string;
  trust: FeedTrust;
  /** Key ids of the trusted root's root role, and SHA-256 of the pinned root.json. */
  rootKeyIds: string[];
  rootSha256: string;
  versions: FeedRoleVersions;
  /** When the trusted timestamp expires; null before the first successful sync. */
  expires: string | null;
  /** Set once `expires` has passed: the data is "stale since" that moment until the next successful sync. */
  staleSince: string | null;
  lastSync: { startedAt: string; endedAt: string | null; outcome: FeedSyncOutcome; message: string | null; bytes: number } | null;
  lastSuccessAt: string | null;
  /** Targets listed by the trusted targets metadata, and how many of them are snapshot files. */
  targetCount: number;
  snapshotIds: number[];
}

export interface FeedAdded {
  name: string;
  url: string;
  trust: FeedTrust;
  rootVersion: number;
  rootKeyIds: string[];
  /** SHA-256 of the pinned root.json bytes: compare it with the publisher's out of band. */
  rootSha256: string;
  rootExpires: string;
}

/** One snapshot a sync imported (or found already imported). */
export interface FeedSnapshotImport {
  /** Folder of the snapshot's targets in the feed, e.g. snapshots/tr-a/EMIR/2026-06-30. */
  group: string;
  sourceName: string;
  regime: Regime;
  asOfDate: string;
  snapshotId: number;
  version: number;
  alreadyImported: boolean;
  rowsRead: number;
  loaded: number;
  rejected: number;
  warnings: number;
}

/** The result of a `feeds.sync` job. */
export interface FeedSyncResult {
  feed: string;
  outcome: 'updated' | 'unchanged';
  versions: FeedRoleVersions;
  expires: string;
  targetCount: number;
  downloaded: number;
  bytesDownloaded: number;
  imported: FeedSnapshotImport[];
  /** Verified non-snapshot files (reference data, MoU registry) now held as blobs. */
  otherFiles: number;
  /** The MoU registry the feed carried (mou/registry.json), when it was newer and got loaded. */
  registry?: { asOf: string; sha256: string; supersededLocalEdits: number };
  seconds: number;
}

const nameInput = z.object({ name: feedNameSchema }).strict();

export const feedsMethods = {
  'feeds.list': method<FeedStatus[]>()(z.object({}).strict()),
  'feeds.add': method<FeedAdded>()(
    z
      .object({
        name: feedNameSchema,
        url: feedUrlSchema,
        /** The publisher's root.json text; without it the feed's first root is trusted on first use. */
        rootJson: z.string().max(512_000).optional(),
      })
      .strict(),
  ),
  'feeds.sync': method<JobStarted>()(nameInput),
  'feeds.remove': method<{ removed: boolean }>()(nameInput),
};
