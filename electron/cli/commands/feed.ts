import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, passphraseFrom, positiveInt, UsageError } from '../args';
import { withCancelOnSignal } from '../cancel';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import { ContractError } from '../../../shared/contract/errors';
import type { FeedAdded, FeedStatus, FeedSyncResult } from '../../../shared/contract/feeds';
import { formatCount } from '../../../shared/domain/format';
import { feedUrlFromLocation, listFeeds } from '../../backend/feeds/feeds.service';
import { generateFeedKey, loadSigningKey, writeKeyFiles } from '../../backend/feeds/keys';
import { publishFeed } from '../../backend/feeds/publishFeed';
import { syncFeed } from '../../backend/feeds/syncFeed';
import { MAX_TARGETS_PER_ROLE } from '../../backend/feeds/targetsRoles';

const usage = `concordat feed <keygen|publish|add|sync|status|remove> …

  concordat feed keygen --out DIR [--name NAME] [--passphrase-env VAR] [--json]
      Makes an Ed25519 feed key: DIR/NAME.pem (PKCS#8, encrypted with the passphrase in $VAR if given)
      and DIR/NAME.pub.json (public key and key id). NAME defaults to feed-key.

  concordat feed publish <folder> --key K.pem --out DIR [--passphrase-env VAR]
                         [--rotate-key NEW.pem [--rotate-passphrase-env VAR]]
                         [--expires-days N] [--timestamp-hours H] [--json]
      Signs <folder> as a static TUF feed in DIR (serve DIR from any static host, or use it as a folder).
      <folder> holds snapshots/<source>/<regime>/<as-of>/*.csv|*.xml (+ optional snapshot.json:
      {"sourceName","trLei","regime","asOfDate"}), reference/** and mou/**.
      More than ${MAX_TARGETS_PER_ROLE} files are spread over hashed bins (delegated targets roles).
      Publishing again into DIR signs new versions and keeps older files. Targets and snapshot
      metadata expire after N days (default 30), the timestamp after H hours (default 24): republish
      before then. --rotate-key hands the feed to a new key (root N+1 signed by both).

  concordat feed add <url|folder> --name N [--root root.json] [--data-dir D] [--json]
      Adds a feed (https://, file://, a folder, or http:// on 127.0.0.1). With --root, that root is
      pinned; without, the feed's first root is trusted on first use: compare the printed key ids
      and SHA-256 with the publisher's.

  concordat feed sync [NAME] [--data-dir D] [--json]
      Verifies and downloads what is new in feed NAME (every feed when omitted) and imports new
      snapshots. A refused update (rollback, expired or badly signed metadata, mismatching files,
      a targets role listing more than ${MAX_TARGETS_PER_ROLE} files) changes nothing. Progress goes to stderr;
      Ctrl-C or SIGTERM cancels cleanly (exit 130, nothing changed).

  concordat feed status [--data-dir D] [--json]
  concordat feed remove NAME [--data-dir D] [--json]`;

export const feedCommand: Command = {
  name: 'feed',
  summary: 'Signed feeds: make keys, publish a folder, add, sync and list feeds',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'keygen':
        return keygen(rest);
      case 'publish':
        return publish(rest);
      case 'add':
        return add(rest);
      case 'sync':
        return sync(rest);
      case 'status':
        return status(rest);
      case 'remove':
        return remove(rest);
      default:
        throw new UsageError(sub ? `Unknown feed command "${sub}".` : 'Name a feed command.');
    }
  },
};

async function keygen(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { out: { type: 'string' }, name: { type: 'string' }, 'passphrase-env': { type: 'string' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError('feed keygen takes no arguments.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const passphrase = passphraseFrom(values['passphrase-env'], 'passphrase-env');
  const out = createOutput(values.json);
  const files = writeKeyFiles(generateFeedKey(), path.resolve(values.out), {
    ...(values.name ? { name: values.name } : {}),
    ...(passphrase ? { passphrase } : {}),
  });
  out.result(files, () =>
    [
      `Key ${files.keyId} (Ed25519)${files.encrypted ? ', private key encrypted' : ''}:`,
      `  private  ${files.privateKeyFile}   keep it offline; it signs the feed`,
      `  public   ${files.publicKeyFile}`,
    ].join('\n'),
  );
  return 0;
}

async function publish(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      key: { type: 'string' },
      out: { type: 'string' },
      'passphrase-env': { type: 'string' },
      'rotate-key': { type: 'string' },
      'rotate-passphrase-env': { type: 'string' },
      'expires-days': { type: 'string' },
      'timestamp-hours': { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('Name the folder to publish: concordat feed publish <folder> --key K --out DIR');
  if (!values.key) throw new UsageError('--key K.pem is required.');
  if (!values.out) throw new UsageError('--out DIR is required.');
  const key = loadSigningKey(path.resolve(values.key), passphraseFrom(values['passphrase-env'], 'passphrase-env'));
  const rotateTo = values['rotate-key']
    ? loadSigningKey(path.resolve(values['rotate-key']), passphraseFrom(values['rotate-passphrase-env'], 'rotate-passphrase-env'))
    : undefined;
  const out = createOutput(values.json);
  const summary = await publishFeed({
    inputDir: path.resolve(positionals[0]!),
    outDir: path.resolve(values.out),
    key,
    ...(rotateTo ? { rotateTo } : {}),
    expiresDays: positiveInt('expires-days', values['expires-days'], 30),
    timestampHours: positiveInt('timestamp-hours', values['timestamp-hours'], 24),
  });
  out.result(summary, () =>
    [
      `Published ${summary.targets} file${summary.targets === 1 ? '' : 's'} (${formatCount(summary.bytes)} bytes, ${summary.newFiles} new) to ${summary.outDir}`,
      `  versions   root ${summary.versions.root}, targets ${summary.versions.targets}, snapshot ${summary.versions.snapshot}, timestamp ${summary.versions.timestamp}`,
      ...(summary.roles > 1
        ? [`  targets    spread over ${summary.roles - 1} hashed bins (at most ${MAX_TARGETS_PER_ROLE} files each)`]
        : []),
      `  signed by  ${summary.keyIds.join(', ')}`,
      `  root.json  SHA-256 ${summary.rootSha256}`,
      `  timestamp  expires ${summary.expires.timestamp} (republish before then)`,
      ...summary.snapshots.map((s) => `  snapshot   ${s.sourceName} ${s.regime} ${s.asOfDate}: ${s.files.join(', ')}`),
      ...(summary.reference + summary.mou > 0
        ? [`  other      ${summary.reference} reference file(s), ${summary.mou} MoU registry file(s)`]
        : []),
    ].join('\n'),
  );
  return 0;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' }, root: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError('Name the feed location: concordat feed add <url|folder> --name N');
  if (!values.name) throw new UsageError('--name N is required.');
  const rootJson = values.root ? readRoot(path.resolve(values.root)) : undefined;
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      const input = { name: values.name!, url: feedUrlFromLocation(positionals[0]!), ...(rootJson !== undefined ? { rootJson } : {}) };
      const added = (await backend.call('feeds.add', input)) as FeedAdded;
      out.result(added, () =>
        [
          `Added feed "${added.name}" (${added.url}).`,
          `  root       version ${added.rootVersion}, expires ${added.rootExpires}`,
          `  root keys  ${added.rootKeyIds.join(', ')}`,
          `  root.json  SHA-256 ${added.rootSha256}`,
          added.trust === 'first-use'
            ? '  Trusted on first use: check these key ids or this SHA-256 with the publisher before relying on the feed.'
            : '  Root pinned from the given file.',
        ].join('\n'),
      );
      return 0;
    },
    { loadDemoOnFirstStart: false },
  );
}

function readRoot(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read --root ${file}.`);
  }
}

async function sync(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length > 1) throw new UsageError('Name one feed, or none to sync every feed.');
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      const names = positionals.length === 1 ? [positionals[0]!] : listFeeds(backend.db).map((f) => f.name);
      if (names.length === 0) {
        out.result([], () => 'No feeds yet: `concordat feed add <url|folder> --name N` adds one.');
        return 0;
      }
      const results: SyncOutcome[] = [];
      for (const name of names) {
        try {
          const result = await withCancelOnSignal((signal) =>
            syncFeed(
              backend.db,
              { dataDir: backend.dataDir, feedName: name },
              { signal, onProgress: (p) => out.progress(p.message, p.done, p.total) },
            ),
          );
          results.push({ feed: name, ok: true, result });
        } catch (error) {
          const failure =
            error instanceof ContractError ? error : new ContractError('INTERNAL', error instanceof Error ? error.message : String(error));
          // One named feed, or a cancellation: the error is the answer (exit 1, or 130 for Ctrl-C).
          if (failure.code === 'CANCELLED' || positionals.length === 1) throw failure;
          results.push({ feed: name, ok: false, error: { code: failure.code, message: failure.message } });
        } finally {
          out.endProgress();
        }
      }
      const single = positionals.length === 1 && results[0]?.ok ? results[0].result : undefined;
      out.result(single ?? results, () => results.map((r) => (r.ok ? describeSync(r.result) : r.error.message)).join('\n'));
      return results.every((r) => r.ok) ? 0 : 1;
    },
    { loadDemoOnFirstStart: false },
  );
}

type SyncOutcome =
  { feed: string; ok: true; result: FeedSyncResult } | { feed: string; ok: false; error: { code: string; message: string } };

function describeSync(r: FeedSyncResult): string {
  const head =
    r.outcome === 'unchanged'
      ? `Feed "${r.feed}" is up to date (timestamp ${r.versions.timestamp}, expires ${r.expires}).`
      : `Feed "${r.feed}" synced in ${r.seconds.toFixed(1)} s: timestamp ${r.versions.timestamp}, snapshot ${r.versions.snapshot}, ` +
        `targets ${r.versions.targets}; ${r.downloaded} file${r.downloaded === 1 ? '' : 's'} downloaded (${formatCount(r.bytesDownloaded)} bytes).`;
  return [
    head,
    ...r.imported.map(
      (i) =>
        `  ${i.alreadyImported ? 'already held' : 'imported'}  ${i.sourceName} ${i.regime} ${i.asOfDate} as snapshot ${i.snapshotId} (version ${i.version})` +
        (i.alreadyImported ? '' : `: ${formatCount(i.loaded)} rows loaded, ${formatCount(i.rejected)} rejected`),
    ),
  ].join('\n');
}

async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length > 0) throw new UsageError('feed status takes no arguments.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const feeds = (await backend.call('feeds.list', {})) as FeedStatus[];
    out.result(feeds, () => renderStatus(feeds));
    return 0;
  });
}

function renderStatus(feeds: FeedStatus[]): string {
  if (feeds.length === 0) return 'No feeds yet: `concordat feed add <url|folder> --name N` adds one.';
  return renderTable(
    ['Name', 'URL', 'Root keys', 'Timestamp', 'Expires', 'Last sync', 'Files', 'Snapshots'],
    feeds.map((f) => [
      f.isDemo ? `${f.name} (demo)` : f.name,
      f.url,
      f.rootKeyIds.join(','),
      f.versions.timestamp === null ? '-' : `v${f.versions.timestamp}`,
      f.staleSince ? `STALE since ${f.staleSince}` : (f.expires ?? '-'),
      f.lastSync ? `${f.lastSync.outcome} ${f.lastSync.endedAt ?? f.lastSync.startedAt}` : 'never',
      String(f.targetCount),
      f.snapshotIds.join(',') || '-',
    ]),
    [false, false, false, true, false, false, true, false],
  );
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('Name the feed to remove.');
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      const { removed } = (await backend.call('feeds.remove', { name: positionals[0]! })) as { removed: boolean };
      if (!removed) throw new ContractError('NOT_FOUND', `There is no feed named "${positionals[0]}".`);
      out.result({ removed }, () => `Removed feed "${positionals[0]}"; the snapshots it brought stay.`);
      return 0;
    },
    { loadDemoOnFirstStart: false },
  );
}
