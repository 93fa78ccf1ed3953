import { loadRegistry, registrySha256, validateRegistry } from '../cooperation/registryLoader';
import type { RegistryFile } from '../cooperation/registrySchema';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Updater, type Fetcher } from 'tuf-js';
import { DownloadError } from 'tuf-js/dist/error';
import { ContractError } from '../../../shared/contract/errors';
import type { FeedRoleVersions, FeedSnapshotImport, FeedSyncResult } from '../../../shared/contract/feeds';
import type { Db } from '../db/connection';
import { discardSnapshot, importSnapshot, type ImportRequest } from '../snapshots/importSnapshot';
import {
  finishSync,
  knownTargets,
  requireFeed,
  roles,
  saveTrustedRole,
  startSync,
  trustedRoles,
  upsertTargets,
  type FeedRow,
  type Role,
  type TargetKind,
  type TargetRecord,
  type TrustedRole,
} from './feeds.repo';
import { cancelledError, FeedFetcher, FeedHttpError, FeedNetworkError, FeedTooLargeError, type TransportOptions } from './fetcher';
import { targetCustomSchema, type TargetCustom } from './publishFeed';
import {
  checkMetadataShape,
  checkpoint,
  collectTargets,
  isRecord,
  refusal,
  roleOfMetadataUrl,
  withinLimits,
  type RawTarget,
} from './targetsRoles';

export type FeedSyncSummary = FeedSyncResult;

export interface FeedSyncProgress {
  phase: string;
  message: string;
  done: number;
  total?: number;
}

export interface SyncFeedControl {
  signal?: AbortSignal;
  onProgress?: (p: FeedSyncProgress) => void;
  /** Timeouts, retries, backoff (tests shorten them). */
  transport?: TransportOptions;
  /** Largest single file accepted, whatever the metadata says (default 8 GiB). */
  maxTargetBytes?: number;
}

/** tuf-js's caps on metadata sizes, bytes (a targets role also lists at most MAX_TARGETS_PER_ROLE files). */
const metadataLimits = { rootMaxLength: 512_000, timestampMaxLength: 16_384, snapshotMaxLength: 2_000_000, targetsMaxLength: 20_000_000 };
const DEFAULT_MAX_TARGET_BYTES = 8 * 1024 ** 3;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Targets checked between two looks at the AbortSignal. */
const CHUNK = 500;

interface Target extends TargetRecord {
  custom: TargetCustom | undefined;
}

/**
 * Brings a feed up to date (handbook "bundles-and-feeds" §4), with tuf-js doing the TUF client
 * workflow against the newest metadata this database trusts:
 * 1. refresh root (N → N+1 …), timestamp, snapshot, targets and the delegated targets roles it
 *    leads to: signatures, versions, expiry, hashes; no role may list more than MAX_TARGETS_PER_ROLE
 *    files (checked on the raw JSON, before tuf-js parses it);
 * 2. download every file not yet held into `<dataDir>/blobs/<sha256>`, checked against its signed
 *    length and SHA-256 before it is moved in (files are found by hash, never by their own name);
 * 3. import each new snapshot (its files grouped by folder) with importSnapshot;
 * 4. commit the new trusted metadata and targets in one transaction.
 * On any failure, snapshots imported by this sync are removed and no metadata is stored: what the
 * database held before stays as it was. Verified blobs stay (they are a cache, found by hash).
 * The AbortSignal is checked between every step, role and few hundred targets: a cancelled sync
 * stops within a fraction of a second, with the same guarantees.
 */
/** Where a feed carries the MoU registry. */
export const MOU_REGISTRY_PATH = 'mou/registry.json';

export async function syncFeed(
  db: Db,
  request: { dataDir: string; feedName: string },
  control: SyncFeedControl = {},
): Promise<FeedSyncSummary> {
  const started = performance.now();
  const feed = requireFeed(db, request.feedName);
  const signal = control.signal;
  const progress = (p: FeedSyncProgress) => control.onProgress?.(p);
  const tmpRoot = path.join(request.dataDir, 'tmp');
  const blobDir = path.join(request.dataDir, 'blobs');
  const partDir = path.join(tmpRoot, 'feed-downloads');
  fs.mkdirSync(tmpRoot, { recursive: true });
  fs.mkdirSync(blobDir, { recursive: true });
  removeStale(tmpRoot, partDir);
  const work = fs.mkdtempSync(path.join(tmpRoot, `feed-${feed.feed_id}-`));
  const syncId = startSync(db, feed.feed_id);
  const importedNow: number[] = [];
  let bytesDownloaded = 0;
  /** Bytes on disk of the files downloaded so far (sum of fileBytes, kept as it changes). */
  let heldBytes = 0;
  const fileBytes = new Map<string, number>();

  try {
    // 1. Metadata: start from what this database trusts, written where tuf-js expects it.
    const metadataDir = path.join(work, 'metadata');
    fs.mkdirSync(metadataDir);
    const before = trustedRoles(db, feed.feed_id);
    fs.writeFileSync(path.join(metadataDir, 'root.json'), before.get('root')?.json ?? feed.root_json);
    for (const role of ['timestamp', 'snapshot', 'targets'] as const) {
      const trusted = before.get(role);
      // A targets list over today's limits (trusted by an older version) is not handed to tuf-js:
      // it fetches the feed's current one instead, which is checked like any other.
      if (trusted && (role !== 'targets' || withinLimits(feed.name, role, trusted.json))) {
        fs.writeFileSync(path.join(metadataDir, `${role}.json`), trusted.json);
      }
    }
    const fetcher = new FeedFetcher({
      ...control.transport,
      ...(signal ? { signal } : {}),
      partDir,
      onFileBytes: (url, bytes) => {
        const previous = fileBytes.get(url) ?? 0;
        if (bytes > previous) bytesDownloaded += bytes - previous;
        heldBytes += bytes - previous;
        fileBytes.set(url, bytes);
      },
    });
    // tuf-js gets each metadata file only once its size passed checkMetadataShape (linear), and
    // only after the event loop had a turn to notice a cancellation.
    let shapeRefusal: ContractError | undefined;
    const checkedFetcher: Fetcher = {
      downloadFile: (url, maxLength, handler) => fetcher.downloadFile(url, maxLength, handler),
      downloadBytes: async (url, maxLength) => {
        const bytes = await fetcher.downloadBytes(url, maxLength);
        try {
          checkMetadataShape(feed.name, roleOfMetadataUrl(url), bytes);
        } catch (error) {
          shapeRefusal = error as ContractError;
          throw error;
        }
        await checkpoint(signal);
        return bytes;
      },
    };
    const baseUrl = feed.url.endsWith('/') ? feed.url : `${feed.url}/`;
    progress({ phase: 'metadata', message: `Checking the signed metadata of feed "${feed.name}"`, done: 0 });
    let loading = 'targets';
    let rawTargets: RawTarget[];
    try {
      const updater = new Updater({
        metadataDir,
        metadataBaseUrl: baseUrl,
        fetcher: checkedFetcher,
        config: metadataLimits,
      });
      await updater.refresh();
      const loadRole = delegatedLoader(updater);
      rawTargets = await collectTargets({
        feedName: feed.name,
        top: readSigned(metadataDir, 'targets'),
        inSnapshot: new Set(Object.keys(readSigned(metadataDir, 'snapshot').meta ?? {}).map((name) => name.replace(/\.json$/, ''))),
        load: async (role, parent) => {
          loading = role;
          await loadRole(role, parent);
          return readSigned(metadataDir, role);
        },
        signal,
        onRole: (done, total) => progress({ phase: 'metadata', message: `Checking the targets roles of feed "${feed.name}"`, done, total }),
      });
    } catch (error) {
      if (signal?.aborted) throw cancelledError(feed.name);
      throw shapeRefusal ?? explainRefusal(feed.name, error, fetcher, signal, loading);
    }
    const after = readTrusted(metadataDir);
    const targetsVersion = after.get('targets')!.version;
    progress({ phase: 'metadata', message: `Reading the list of ${rawTargets.length} files`, done: 0, total: rawTargets.length });
    const targets = await listTargets(feed.name, rawTargets, control.maxTargetBytes ?? DEFAULT_MAX_TARGET_BYTES, signal);
    const importedAs = new Map(knownTargets(db, feed.feed_id).map((k) => [`${k.path}\n${k.sha256}`, k.snapshotId]));
    for (const t of targets) t.snapshotId = importedAs.get(`${t.path}\n${t.sha256}`) ?? null;

    // 2. Files: everything not yet held as a verified blob. Blobs about to be imported are hashed
    // again (a damaged local copy is fetched anew); others are trusted by size, being named by hash.
    const groups = groupSnapshots(feed.name, targets);
    const toImport = [...groups].filter(([, files]) => !files.every((f) => f.snapshotId !== null && f.snapshotId === files[0]!.snapshotId));
    const rehash = new Set(toImport.flatMap(([, files]) => files));
    const missing: Target[] = [];
    let checked = 0;
    for (const t of targets) {
      if (++checked % CHUNK === 0) await checkpoint(signal);
      if (!haveBlob(blobDir, t)) missing.push(t);
      else if (rehash.has(t) && (await sha256OfFile(path.join(blobDir, t.sha256))) !== t.sha256) {
        fs.rmSync(path.join(blobDir, t.sha256), { force: true });
        missing.push(t);
      }
    }
    const total = missing.reduce((sum, t) => sum + t.length, 0);
    let finished = 0;
    const report = () => {
      const current = heldBytes;
      progress({
        phase: 'download',
        message: `Downloading ${missing.length} file${missing.length === 1 ? '' : 's'}`,
        done: Math.min(total, current),
        total,
      });
    };
    for (const target of missing) {
      if (signal?.aborted) throw cancelledError();
      const url = targetUrl(baseUrl, target);
      const part = path.join(partDir, `${target.sha256}.part`);
      const tick = setInterval(report, 250);
      try {
        await fetcher.downloadToPart(url, part, { maxLength: target.length, expectedLength: target.length });
      } catch (error) {
        throw explainTargetFailure(feed.name, target, error, signal);
      } finally {
        clearInterval(tick);
      }
      await moveVerified(feed.name, target, part, path.join(blobDir, target.sha256));
      finished++;
      report();
    }
    if (finished > 0) report();

    // 2b. The MoU registry (mou/registry.json): checked whole before anything is imported, so a
    // malformed registry refuses the sync with the registry in use untouched.
    const registryTarget = targets.find((t) => t.kind === 'mou' && t.path === MOU_REGISTRY_PATH);
    let registryUpdate: { registry: RegistryFile; supersededLocalEdits: number } | undefined;
    if (registryTarget) {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(path.join(blobDir, registryTarget.sha256), 'utf8'));
      } catch (error) {
        throw new ContractError(
          'INVALID_INPUT',
          `Feed "${feed.name}": ${MOU_REGISTRY_PATH} is not JSON (${String(error)}). Nothing was changed.`,
        );
      }
      const registry = validateRegistry(raw, `feed "${feed.name}" (${MOU_REGISTRY_PATH})`);
      const current = db.prepare(`SELECT as_of AS asOf, loaded_at AS loadedAt FROM registry_load ORDER BY load_id DESC LIMIT 1`).get() as
        { asOf: string; loadedAt: string } | undefined;
      if (!current || registry.asOf > current.asOf) {
        const edits = current
          ? (db.prepare(`SELECT count(*) AS n FROM registry_edit WHERE edited_at > ?`).get(current.loadedAt) as { n: number }).n
          : 0;
        registryUpdate = { registry, supersededLocalEdits: edits };
      }
    }

    // 3. Snapshots: each folder of snapshot files whose exact files were not imported before.
    const imports: FeedSnapshotImport[] = [];
    for (const [group, files] of toImport) {
      if (signal?.aborted) throw cancelledError();
      const snapshot = (files[0]!.custom as Extract<TargetCustom, { kind: 'snapshot-file' }>).snapshot;
      const linkDir = path.join(work, 'import', String(imports.length));
      fs.mkdirSync(linkDir, { recursive: true });
      const paths = files.map((f) => {
        // importSnapshot knows a file's kind by its name: hand it the blob under the target's base name.
        const named = path.join(linkDir, path.posix.basename(f.path));
        linkOrCopy(path.join(blobDir, f.sha256), named);
        return named;
      });
      const importRequest = {
        files: paths,
        sourceName: snapshot.sourceName,
        ...(snapshot.trLei ? { trLei: snapshot.trLei } : {}),
        regime: snapshot.regime,
        asOfDate: snapshot.asOfDate,
        isDemo: feed.is_demo === 1,
      } as ImportRequest;
      let summary;
      try {
        summary = await importSnapshot(db, importRequest, {
          ...(signal ? { signal } : {}),
          onProgress: (p) => progress({ phase: p.phase, message: `${group}: ${p.message}`, done: p.done, total: p.total }),
        });
      } catch (error) {
        if (signal?.aborted) throw cancelledError();
        const message = error instanceof Error ? error.message : String(error);
        throw new ContractError(
          error instanceof ContractError ? error.code : 'INTERNAL',
          `Feed "${feed.name}": the snapshot ${group} could not be imported: ${message} Nothing was changed.`,
          { feed: feed.name, group },
        );
      }
      if (!summary.alreadyImported) importedNow.push(summary.snapshotId);
      for (const f of files) f.snapshotId = summary.snapshotId;
      imports.push({
        group,
        sourceName: snapshot.sourceName,
        regime: snapshot.regime,
        asOfDate: snapshot.asOfDate,
        snapshotId: summary.snapshotId,
        version: summary.version,
        alreadyImported: summary.alreadyImported,
        rowsRead: summary.rowsRead,
        loaded: summary.loaded,
        rejected: summary.rejected,
        warnings: summary.warnings,
      });
    }
    if (signal?.aborted) throw cancelledError();

    // 4. Commit: trusted metadata, targets, the sync's record, in one transaction.
    progress({ phase: 'commit', message: 'Recording the new feed state', done: 1, total: 1 });
    const versions: FeedRoleVersions = {
      root: after.get('root')!.version,
      timestamp: after.get('timestamp')!.version,
      snapshot: after.get('snapshot')!.version,
      targets: targetsVersion,
    };
    const changed = roles.some((r) => before.get(r)?.sha256 !== after.get(r)?.sha256);
    const outcome = changed || imports.some((i) => !i.alreadyImported) || missing.length > 0 || registryUpdate ? 'updated' : 'unchanged';
    db.transaction(() => {
      for (const role of roles) {
        const value = after.get(role)!;
        const old = before.get(role);
        if (old && value.version < old.version) {
          throw new ContractError(
            'INTEGRITY',
            `Feed "${feed.name}" refused: ${role} version ${value.version} is older than ${old.version}.`,
          );
        }
        if (old?.sha256 !== value.sha256) saveTrustedRole(db, feed.feed_id, role, value);
      }
      upsertTargets(db, feed.feed_id, targetsVersion, targets);
      if (registryUpdate) loadRegistry(db, registryUpdate.registry, `feed "${feed.name}"`);
      finishSync(db, syncId, { outcome, message: null, bytes: bytesDownloaded, versions });
    }).immediate();
    return {
      feed: feed.name,
      outcome,
      versions,
      expires: after.get('timestamp')!.expires,
      targetCount: targets.length,
      downloaded: missing.length,
      bytesDownloaded,
      imported: imports,
      otherFiles: targets.filter((t) => t.kind !== 'snapshot-file').length,
      ...(registryUpdate
        ? {
            registry: {
              asOf: registryUpdate.registry.asOf,
              sha256: registrySha256(registryUpdate.registry),
              supersededLocalEdits: registryUpdate.supersededLocalEdits,
            },
          }
        : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    for (const snapshotId of importedNow) discardSnapshot(db, snapshotId);
    const failure = signal?.aborted ? cancelledError(feed.name) : toFeedError(feed, error);
    try {
      finishSync(db, syncId, {
        outcome: failure.code === 'CANCELLED' ? 'cancelled' : 'failed',
        message: failure.message,
        bytes: bytesDownloaded,
        errorCode: failure.code,
      });
    } catch {
      // The history row is best effort; the failure itself is what the caller needs.
    }
    throw failure;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function toFeedError(feed: FeedRow, error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  return new ContractError('INTERNAL', `Feed "${feed.name}": ${error instanceof Error ? error.message : String(error)}`, {
    feed: feed.name,
  });
}

/** The metadata tuf-js left in its folder after a successful refresh: verified, newest first. */
function readTrusted(metadataDir: string): Map<Role, TrustedRole> {
  const result = new Map<Role, TrustedRole>();
  for (const role of roles) {
    const bytes = fs.readFileSync(path.join(metadataDir, `${role}.json`));
    const signed = (JSON.parse(bytes.toString('utf8')) as { signed: { version: number; expires: string } }).signed;
    result.set(role, {
      version: signed.version,
      expires: signed.expires,
      json: bytes.toString('utf8'),
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return result;
}

/** The `signed` part of a role's metadata as tuf-js verified it and left it in its folder. */
function readSigned(metadataDir: string, role: string): Record<string, unknown> {
  const data = JSON.parse(fs.readFileSync(path.join(metadataDir, `${encodeURIComponent(role)}.json`), 'utf8')) as unknown;
  const signed = isRecord(data) ? data.signed : undefined;
  return isRecord(signed) ? signed : {};
}

/**
 * Loads a delegated targets role through tuf-js: `Updater.loadTargets(role, parent)` checks it
 * against the trusted snapshot (version, length, SHA-256), the parent's delegation (keys,
 * threshold) and its expiry, then persists it. tuf-js 5.x only reaches it through
 * `getTargetInfo(path)`, one path at a time; the method is private in its typings, so it is
 * looked up here once (tuf-js is pinned to 5.x; the delegation tests cover it).
 */
function delegatedLoader(updater: Updater): (role: string, parent: string) => Promise<void> {
  const method = (updater as unknown as { loadTargets?: (role: string, parent: string) => Promise<unknown> }).loadTargets;
  if (typeof method !== 'function') {
    throw new ContractError('INTERNAL', 'This tuf-js has no Updater.loadTargets: delegated targets roles cannot be checked.');
  }
  return async (role, parent) => {
    await method.call(updater, role, parent);
  };
}

/**
 * Every target of the verified targets roles, checked: safe path, SHA-256, length, known custom
 * data. Reads the raw JSON tuf-js verified, in linear time (not through @tufjs/models, whose
 * target parsing is quadratic), looking at the AbortSignal every CHUNK entries.
 */
async function listTargets(feedName: string, raw: RawTarget[], maxTargetBytes: number, signal: AbortSignal | undefined): Promise<Target[]> {
  const list: Target[] = [];
  for (const [index, { path: targetPath, entry }] of raw.entries()) {
    if (index > 0 && index % CHUNK === 0) await checkpoint(signal);
    list.push(toTarget(feedName, targetPath, entry, maxTargetBytes));
  }
  return list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function toTarget(feedName: string, targetPath: string, entry: unknown, maxTargetBytes: number): Target {
  const segments = targetPath.split('/');
  if (targetPath.length > 1024 || segments.length > 16 || !segments.every((s) => SEGMENT.test(s))) {
    throw refusal(
      feedName,
      'unsafe-path',
      `the targets metadata lists a file with an unusable path (${JSON.stringify(targetPath.slice(0, 200))}).`,
    );
  }
  const t = isRecord(entry) ? entry : {};
  const hashes = isRecord(t.hashes) ? t.hashes : {};
  const sha256 = hashes.sha256;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw refusal(feedName, 'malformed', `${targetPath} has no SHA-256 in the targets metadata.`);
  }
  const length = t.length;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw refusal(feedName, 'malformed', `${targetPath} has no usable length in the targets metadata.`);
  }
  if (length > maxTargetBytes) {
    throw refusal(
      feedName,
      'oversize',
      `${targetPath} is listed at ${length} bytes, above the ${maxTargetBytes} bytes this client accepts.`,
    );
  }
  const raw = isRecord(t.custom) ? t.custom.concordat : undefined;
  const parsed = raw === undefined ? undefined : targetCustomSchema.safeParse(raw);
  if (parsed && !parsed.success) {
    throw refusal(feedName, 'malformed', `${targetPath} carries custom metadata this client does not understand.`);
  }
  const custom = parsed?.data;
  if (custom?.kind === 'snapshot-file' && (!targetPath.startsWith('snapshots/') || !/\.(csv|xml)$/i.test(targetPath))) {
    throw refusal(feedName, 'malformed', `${targetPath} is marked as a snapshot file but is not a .csv or .xml file under snapshots/.`);
  }
  const kind: TargetKind = custom?.kind ?? 'other';
  return {
    path: targetPath,
    sha256,
    length,
    kind,
    customJson: raw === undefined ? null : JSON.stringify(raw),
    snapshotId: null,
    custom,
  };
}

/** Snapshot files grouped by folder (one folder = one snapshot), all describing the same snapshot. */
function groupSnapshots(feedName: string, targets: Target[]): Map<string, Target[]> {
  const groups = new Map<string, Target[]>();
  for (const t of targets) {
    if (t.kind !== 'snapshot-file') continue;
    const group = path.posix.dirname(t.path);
    const list = groups.get(group) ?? [];
    list.push(t);
    groups.set(group, list);
  }
  for (const [group, files] of groups) {
    const identity = JSON.stringify(files[0]!.custom);
    if (files.some((f) => JSON.stringify(f.custom) !== identity)) {
      throw refusal(feedName, 'malformed', `the files of ${group} do not describe the same snapshot.`);
    }
    const names = new Set<string>();
    for (const f of files) {
      const name = path.posix.basename(f.path).toLowerCase();
      if (names.has(name)) throw refusal(feedName, 'malformed', `${group} lists ${name} twice.`);
      names.add(name);
    }
  }
  return groups;
}

function haveBlob(blobDir: string, target: Target): boolean {
  try {
    return fs.statSync(path.join(blobDir, target.sha256)).size === target.length;
  } catch {
    return false;
  }
}

/** URL of a target under consistent snapshots: targets/<dir>/<sha256>.<name>. */
function targetUrl(baseUrl: string, target: Target): string {
  const dir = path.posix.dirname(target.path);
  const name = `${target.sha256}.${path.posix.basename(target.path)}`;
  return new URL(`targets/${dir === '.' ? '' : `${dir}/`}${name}`, baseUrl).href;
}

/** Checks the downloaded part against the signed length and SHA-256, then moves it to the blob store. */
async function moveVerified(feedName: string, target: Target, part: string, blob: string): Promise<void> {
  const length = fs.statSync(part).size;
  const actual = await sha256OfFile(part);
  if (length !== target.length || actual !== target.sha256) {
    fs.rmSync(part, { force: true });
    if (length !== target.length) {
      throw refusal(
        feedName,
        'length-mismatch',
        `${target.path} is ${length} bytes, not the ${target.length} bytes its signed metadata lists.`,
        {
          path: target.path,
        },
      );
    }
    throw refusal(
      feedName,
      'hash-mismatch',
      `${target.path} does not match its signed SHA-256 (expected ${target.sha256.slice(0, 16)}…, got ${actual.slice(0, 16)}…): ` +
        'it was altered on the server or in transit.',
      { path: target.path, expected: target.sha256, actual },
    );
  }
  fs.renameSync(part, blob);
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Removes work folders and partial downloads that a crash or an abandoned feed left (older than a week). */
function removeStale(tmpRoot: string, partDir: string): void {
  const cutoff = Date.now() - 7 * 86_400_000;
  const sweep = (dir: string, match: (name: string) => boolean) => {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.filter(match)) {
      const full = path.join(dir, name);
      try {
        if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full, { recursive: true, force: true });
      } catch {
        // Gone already, or in use: leave it.
      }
    }
  };
  sweep(tmpRoot, (n) => /^feed-\d+-/.test(n));
  sweep(partDir, (n) => n.endsWith('.part') || n.endsWith('.tmp'));
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function explainTargetFailure(feedName: string, target: Target, error: unknown, signal: AbortSignal | undefined): ContractError {
  if (signal?.aborted) return cancelledError();
  if (error instanceof ContractError) return error;
  if (error instanceof FeedTooLargeError) {
    return refusal(
      feedName,
      'oversize',
      `${target.path} is larger than the ${target.length} bytes its signed metadata lists (an endless-data attack, or a corrupted mirror); the download was stopped.`,
      { path: target.path },
    );
  }
  if (error instanceof FeedHttpError || error instanceof FeedNetworkError) {
    return new ContractError(
      'UNAVAILABLE',
      `Feed "${feedName}": ${target.path} could not be downloaded: ${error.message}. Nothing was changed; the next sync resumes the download.`,
      { feed: feedName, reason: 'unavailable', path: target.path },
    );
  }
  return new ContractError('INTERNAL', `Feed "${feedName}": ${target.path}: ${error instanceof Error ? error.message : String(error)}`);
}

/** The role file a metadata URL names, for messages ("2.snapshot.json"). */
function lastReceived(fetcher: FeedFetcher, suffix: string): { name: string; bytes: Buffer } | undefined {
  let found: { name: string; bytes: Buffer } | undefined;
  for (const [url, bytes] of fetcher.received) {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (name.endsWith(suffix)) found = { name, bytes };
  }
  return found;
}

function expiresOf(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  try {
    return (JSON.parse(bytes.toString('utf8')) as { signed?: { expires?: string } }).signed?.expires;
  } catch {
    return undefined;
  }
}

/**
 * Turns what tuf-js threw into a message a supervisor can act on. tuf-js flattens errors of the
 * snapshot and targets steps into "Unable to load … error Error: <message>", so the message is
 * matched (tuf-js is pinned to 5.x; the feeds tests cover every branch).
 */
export function explainRefusal(
  feedName: string,
  error: unknown,
  fetcher: FeedFetcher,
  signal: AbortSignal | undefined,
  /** The targets role being loaded when tuf-js failed ("targets", or a delegated role). */
  targetsRole = 'targets',
): ContractError {
  if (signal?.aborted) return cancelledError(feedName);
  if (error instanceof ContractError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const wrapped = /^Unable to load (snapshot metadata|targets) error (?:[A-Za-z]*Error: )?([\s\S]*)$/.exec(raw);
  const stage = wrapped ? (wrapped[1] === 'targets' ? 'targets' : 'snapshot') : undefined;
  const inner = wrapped ? wrapped[2]! : raw;
  const failure = fetcher.lastFailure;
  const download = error instanceof DownloadError ? error : failure && inner.includes(failure.message) ? failure : undefined;

  if (download instanceof FeedTooLargeError) {
    const name = decodeURIComponent(new URL(download.url).pathname.split('/').pop() ?? download.url);
    return refusal(
      feedName,
      'oversize',
      `${name} is larger than the ${download.maxLength} bytes allowed for it (an endless-data attack?).`,
    );
  }
  if (download) {
    return new ContractError('UNAVAILABLE', `Feed "${feedName}" could not be reached: ${download.message}. Nothing was changed.`, {
      feed: feedName,
      reason: 'unavailable',
    });
  }

  let m: RegExpExecArray | null;
  if ((m = /^(\S+) was signed by (\d+)\/(\d+) keys$/.exec(inner))) {
    const role = m[1]!;
    const file = lastReceived(fetcher, `${role}.json`)?.name ?? `${role}.json`;
    return refusal(
      feedName,
      'signature',
      `${file} is not signed by the keys the trusted root lists for "${role}" (${m[2]} of ${m[3]} required signatures valid): it was altered, or signed by an unknown key.`,
      { role },
    );
  }
  if ((m = /^New timestamp version (\d+) is less than current version (\d+)/.exec(inner))) {
    return refusal(feedName, 'rollback', `rollback: the feed offers timestamp version ${m[1]}, older than version ${m[2]} already seen.`);
  }
  if ((m = /^New snapshot version (\d+) is less than current version (\d+)/.exec(inner))) {
    return refusal(
      feedName,
      'rollback',
      `rollback: the timestamp points to snapshot version ${m[1]}, older than version ${m[2]} already seen.`,
    );
  }
  if ((m = /^New version (\d+) of (\S+) is less than current version (\d+)/.exec(inner))) {
    return refusal(feedName, 'rollback', `rollback: the snapshot lists ${m[2]} version ${m[1]}, older than version ${m[3]} already seen.`);
  }
  if ((m = /^Missing file (\S+) in new snapshot/.exec(inner))) {
    return refusal(feedName, 'rollback', `rollback: the new snapshot no longer lists ${m[1]}.`);
  }
  if ((m = /^Expected version (\d+), got (\d+)/.exec(inner))) {
    return refusal(feedName, 'rollback', `the next root metadata should be version ${m[1]} but is version ${m[2]}.`);
  }
  if (/^Final timestamp\.json is expired/.test(inner)) {
    const expires = expiresOf(lastReceived(fetcher, 'timestamp.json')?.bytes);
    return refusal(
      feedName,
      'freeze',
      `freeze: the feed's timestamp expired${expires ? ` on ${expires}` : ''}. Its publisher stopped re-signing it, or someone is replaying old metadata.`,
      expires ? { expires } : {},
    );
  }
  if ((m = /^(?:Final )?(\S+)\.json is expired/.exec(inner))) {
    const role = m[1]!;
    const expires = expiresOf(lastReceived(fetcher, `${role}.json`)?.bytes);
    return refusal(
      feedName,
      'freeze',
      `freeze: the feed's ${role} metadata expired${expires ? ` on ${expires}` : ''}.`,
      expires ? { expires } : {},
    );
  }
  if (/^Expected (length|hash) /.test(inner) && stage) {
    const role = stage === 'targets' ? targetsRole : stage;
    const name = lastReceived(fetcher, `.${role}.json`)?.name ?? `${role}.json`;
    const pinnedBy = stage === 'snapshot' ? 'the signed timestamp' : 'the signed snapshot';
    return refusal(
      feedName,
      'mix-and-match',
      `mix-and-match: ${name} does not match the length and SHA-256 that ${pinnedBy} pins for it (metadata from another publication, or a corrupted mirror).`,
    );
  }
  if ((m = /^Version (\d+) of (\S+) does not match snapshot version (\d+)/.exec(inner))) {
    return refusal(feedName, 'mix-and-match', `mix-and-match: ${m[2]} is version ${m[1]}, but the signed snapshot pins version ${m[3]}.`);
  }
  if (/^Snapshot version doesn't match timestamp/.test(inner)) {
    return refusal(feedName, 'mix-and-match', 'mix-and-match: the snapshot metadata is not the version the signed timestamp pins.');
  }
  if (
    error instanceof SyntaxError ||
    /^(expected '|signed is not defined|signatures is not|.* must be |.* is not defined|Unexpected token|Unsupported specVersion)/.test(
      inner,
    )
  ) {
    return refusal(feedName, 'malformed', `its metadata is malformed (${inner}).`);
  }
  return refusal(feedName, 'refused', `${inner}.`);
}
