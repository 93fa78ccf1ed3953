import { ContractError } from '../../../shared/contract/errors';
import type { FeedStatus, FeedSyncOutcome, FeedTrust } from '../../../shared/contract/feeds';
import type { Db } from '../db/connection';

/** SQLite access for feeds (tables of migration 0003). */

export type Role = 'root' | 'timestamp' | 'snapshot' | 'targets';
export const roles: readonly Role[] = ['root', 'timestamp', 'snapshot', 'targets'];

export interface FeedRow {
  feed_id: number;
  name: string;
  url: string;
  root_json: string;
  root_sha256: string;
  trust: FeedTrust;
  added_at: string;
  is_demo: number;
}

export interface TrustedRole {
  version: number;
  expires: string;
  json: string;
  sha256: string;
}

export type TargetKind = 'snapshot-file' | 'reference' | 'mou' | 'other';

export interface TargetRecord {
  path: string;
  sha256: string;
  length: number;
  kind: TargetKind;
  customJson: string | null;
  snapshotId: number | null;
}

export function getFeed(db: Db, name: string): FeedRow | undefined {
  return db.prepare(`SELECT * FROM feed WHERE name = ?`).get(name) as FeedRow | undefined;
}

export function requireFeed(db: Db, name: string): FeedRow {
  const feed = getFeed(db, name);
  if (!feed) throw new ContractError('NOT_FOUND', `There is no feed named "${name}". \`concordat feed status\` lists them.`, { name });
  return feed;
}

export function insertFeed(
  db: Db,
  feed: { name: string; url: string; rootJson: string; rootSha256: string; trust: FeedTrust; isDemo: boolean },
): FeedRow {
  if (getFeed(db, feed.name)) throw new ContractError('CONFLICT', `A feed named "${feed.name}" already exists.`, { name: feed.name });
  db.prepare(`INSERT INTO feed (name, url, root_json, root_sha256, trust, added_at, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    feed.name,
    feed.url,
    feed.rootJson,
    feed.rootSha256,
    feed.trust,
    new Date().toISOString(),
    feed.isDemo ? 1 : 0,
  );
  return getFeed(db, feed.name)!;
}

export function deleteFeed(db: Db, name: string): boolean {
  return db.prepare(`DELETE FROM feed WHERE name = ?`).run(name).changes > 0;
}

export function trustedRoles(db: Db, feedId: number): Map<Role, TrustedRole> {
  const rows = db
    .prepare(`SELECT role, version, expires, json, sha256 FROM feed_metadata WHERE feed_id = ?`)
    .all(feedId) as (TrustedRole & {
    role: Role;
  })[];
  return new Map(rows.map((r) => [r.role, { version: r.version, expires: r.expires, json: r.json, sha256: r.sha256 }]));
}

/** Stores a role's newest trusted metadata; the table's trigger refuses a lower version. */
export function saveTrustedRole(db: Db, feedId: number, role: Role, value: TrustedRole): void {
  db.prepare(
    `INSERT INTO feed_metadata (feed_id, role, version, expires, json, sha256, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (feed_id, role) DO UPDATE SET version = excluded.version, expires = excluded.expires, json = excluded.json,
       sha256 = excluded.sha256, updated_at = excluded.updated_at`,
  ).run(feedId, role, value.version, value.expires, value.json, value.sha256, new Date().toISOString());
}

/** Records the start of a sync; a sync the process never finished (killed) is marked failed first. */
export function startSync(db: Db, feedId: number): number {
  db.prepare(
    `UPDATE feed_sync SET outcome = 'failed', ended_at = ?, message = 'Interrupted: the process stopped during the sync.'
      WHERE feed_id = ? AND outcome = 'running'`,
  ).run(new Date().toISOString(), feedId);
  return Number(
    db.prepare(`INSERT INTO feed_sync (feed_id, started_at, outcome) VALUES (?, ?, 'running')`).run(feedId, new Date().toISOString())
      .lastInsertRowid,
  );
}

export function finishSync(
  db: Db,
  syncId: number,
  end: {
    outcome: Exclude<FeedSyncOutcome, 'running'>;
    message: string | null;
    bytes: number;
    errorCode?: string;
    versions?: { timestamp: number | null; snapshot: number | null; targets: number | null };
  },
): void {
  db.prepare(
    `UPDATE feed_sync SET ended_at = ?, outcome = ?, message = ?, bytes = ?, error_code = ?,
       timestamp_version = ?, snapshot_version = ?, targets_version = ? WHERE sync_id = ?`,
  ).run(
    new Date().toISOString(),
    end.outcome,
    end.message,
    end.bytes,
    end.errorCode ?? null,
    end.versions?.timestamp ?? null,
    end.versions?.snapshot ?? null,
    end.versions?.targets ?? null,
    syncId,
  );
}

export function knownTargets(db: Db, feedId: number): TargetRecord[] {
  return (
    db
      .prepare(
        `SELECT t.path, t.sha256, t.length, t.kind, t.custom_json, t.snapshot_id,
                (SELECT status FROM snapshot s WHERE s.snapshot_id = t.snapshot_id) AS snapshot_status
           FROM feed_target t WHERE t.feed_id = ?`,
      )
      .all(feedId) as {
      path: string;
      sha256: string;
      length: number;
      kind: TargetKind;
      custom_json: string | null;
      snapshot_id: number | null;
      snapshot_status: string | null;
    }[]
  ).map((r) => ({
    path: r.path,
    sha256: r.sha256,
    length: r.length,
    kind: r.kind,
    customJson: r.custom_json,
    // A snapshot deleted (or never finished) since counts as not imported.
    snapshotId: r.snapshot_status === 'active' ? r.snapshot_id : null,
  }));
}

/** Records the targets of a verified targets version (one statement, prepared once: feeds list thousands of files). */
export function upsertTargets(db: Db, feedId: number, targetsVersion: number, targets: readonly TargetRecord[]): void {
  const statement = db.prepare(
    `INSERT INTO feed_target (feed_id, path, sha256, length, kind, custom_json, snapshot_id, first_targets_version, last_targets_version, verified_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (feed_id, path, sha256) DO UPDATE SET last_targets_version = excluded.last_targets_version,
       snapshot_id = coalesce(excluded.snapshot_id, feed_target.snapshot_id), custom_json = excluded.custom_json`,
  );
  const now = new Date().toISOString();
  for (const target of targets) {
    statement.run(
      feedId,
      target.path,
      target.sha256,
      target.length,
      target.kind,
      target.customJson,
      target.snapshotId,
      targetsVersion,
      targetsVersion,
      now,
    );
  }
}

interface SyncRow {
  started_at: string;
  ended_at: string | null;
  outcome: FeedSyncOutcome;
  message: string | null;
  bytes: number;
}

/** Every feed with what the UI shows: versions, freshness, the last sync. */
export function listFeedStatus(db: Db, now = new Date()): FeedStatus[] {
  const feeds = db.prepare(`SELECT * FROM feed ORDER BY is_demo, name`).all() as FeedRow[];
  const lastSync = db.prepare(
    `SELECT started_at, ended_at, outcome, message, bytes FROM feed_sync WHERE feed_id = ? ORDER BY sync_id DESC LIMIT 1`,
  );
  const lastSuccess = db.prepare(`SELECT max(ended_at) AS at FROM feed_sync WHERE feed_id = ? AND outcome IN ('updated', 'unchanged')`);
  const current = db.prepare(
    `SELECT count(*) AS n, json_group_array(DISTINCT snapshot_id) FILTER (WHERE snapshot_id IS NOT NULL) AS ids
       FROM feed_target WHERE feed_id = ? AND last_targets_version = ?`,
  );
  return feeds.map((f) => {
    const trusted = trustedRoles(db, f.feed_id);
    const rootJson = trusted.get('root')?.json ?? f.root_json;
    const timestamp = trusted.get('timestamp');
    const targetsVersion = trusted.get('targets')?.version ?? null;
    const sync = lastSync.get(f.feed_id) as SyncRow | undefined;
    const counts =
      targetsVersion === null ? { n: 0, ids: '[]' } : (current.get(f.feed_id, targetsVersion) as { n: number; ids: string | null });
    const expires = timestamp?.expires ?? null;
    return {
      name: f.name,
      url: f.url,
      isDemo: f.is_demo === 1,
      addedAt: f.added_at,
      trust: f.trust,
      rootKeyIds: rootKeyIdsOf(rootJson),
      rootSha256: f.root_sha256,
      versions: {
        root: rootVersionOf(rootJson),
        timestamp: timestamp?.version ?? null,
        snapshot: trusted.get('snapshot')?.version ?? null,
        targets: targetsVersion,
      },
      expires,
      staleSince: expires !== null && Date.parse(expires) <= now.getTime() ? expires : null,
      lastSync: sync
        ? { startedAt: sync.started_at, endedAt: sync.ended_at, outcome: sync.outcome, message: sync.message, bytes: sync.bytes }
        : null,
      lastSuccessAt: (lastSuccess.get(f.feed_id) as { at: string | null }).at,
      targetCount: counts.n,
      snapshotIds: (JSON.parse(counts.ids ?? '[]') as number[]).sort((a, b) => a - b),
    };
  });
}

function rootSigned(json: string): { version?: number; roles?: { root?: { keyids?: string[] } } } {
  try {
    return (JSON.parse(json) as { signed?: ReturnType<typeof rootSigned> }).signed ?? {};
  } catch {
    return {};
  }
}

export function rootKeyIdsOf(json: string): string[] {
  return rootSigned(json).roles?.root?.keyids ?? [];
}

function rootVersionOf(json: string): number {
  return rootSigned(json).version ?? 0;
}
