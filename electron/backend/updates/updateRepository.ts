import fs from 'node:fs';
import path from 'node:path';
import { type Key, Metadata, MetadataKind, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';
import { Role } from '@tufjs/models/dist/role';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import { tufKey, tufSigner, type FeedSigningKey } from '../feeds/keys';
import { hashFile, metadataBytes, sha256Of, SPEC_VERSION, tufDate, writeAtomic } from '../feeds/publishFeed';
import { readPackageManifest } from '../release/portablePackage';

/**
 * The agency's update repository: a static TUF repository (the feed machinery's format: consistent snapshots,
 * `<V>.root.json`, `timestamp.json`, `<S>.snapshot.json`, `<T>.targets.json`, `targets/<sha256>.<name>`) whose
 * targets are Concordat packages. Unlike a data feed, every role has its own key:
 *
 *   root       two or more keys kept offline, threshold 2 (or more): only they can change who signs what
 *   targets    signs which packages exist (the release manager)
 *   snapshot   signs which targets metadata is current
 *   timestamp  re-signed often (a day by default): the freshness that defeats a freeze
 *
 * A key serves one role only, so a stolen online timestamp key cannot list a package, and no single root key can
 * hand the repository to an attacker. Key rotation writes root N+1 signed by a threshold of the old root keys and,
 * when the root keys change, by a threshold of the new ones (TUF 5.3.4).
 */
export type UpdateRole = 'root' | 'targets' | 'snapshot' | 'timestamp';

export interface UpdateSigningKeys {
  targets: FeedSigningKey;
  snapshot: FeedSigningKey;
  timestamp: FeedSigningKey;
}

export interface AppUpdateCustom {
  kind: 'app-update';
  version: string;
  platform: string;
}

export const appUpdateCustomSchema = z
  .object({
    kind: z.literal('app-update'),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/),
    platform: z.string().regex(/^[a-z0-9-]{1,40}$/),
  })
  .strict();

const day = 86_400_000;
const MIN_ROOT_THRESHOLD = 2;

function expiry(now: Date, ms: number): string {
  return tufDate(new Date(now.getTime() + ms));
}

/** Every key must serve one role only, and root keys must be distinct. */
function assertSeparateKeys(rootKeys: readonly FeedSigningKey[], keys: Partial<UpdateSigningKeys>): void {
  const seen = new Map<string, string>();
  const claim = (key: FeedSigningKey, role: string) => {
    const earlier = seen.get(key.keyId);
    if (earlier) {
      throw new ContractError(
        'INVALID_INPUT',
        `Key ${key.keyId} is given for ${earlier} and for ${role}: every role of the update repository has its own key.`,
      );
    }
    seen.set(key.keyId, role);
  };
  rootKeys.forEach((k, i) => claim(k, `root key ${i + 1}`));
  for (const role of ['targets', 'snapshot', 'timestamp'] as const) {
    const key = keys[role];
    if (key) claim(key, role);
  }
}

/** A root listing each role's keys (root with its threshold, the others with threshold 1). */
function buildRoot(version: number, expires: string, roleKeys: Record<UpdateRole, Key[]>, rootThreshold: number): Root {
  const keys: Record<string, Key> = {};
  const roles: Record<string, Role> = {};
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    for (const key of roleKeys[role]) {
      if (keys[key.keyID]) throw new ContractError('INVALID_INPUT', `Key ${key.keyID} would serve two roles: every role has its own key.`);
      keys[key.keyID] = key;
    }
    roles[role] = new Role({ keyIDs: roleKeys[role].map((k) => k.keyID), threshold: role === 'root' ? rootThreshold : 1 });
  }
  return new Root({ version, specVersion: SPEC_VERSION, expires, consistentSnapshot: true, keys, roles });
}

function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ContractError('NOT_FOUND', `${file} is missing: is this an update repository made by \`concordat update init\`?`, { file });
  }
}

function parseJson(bytes: Buffer, file: string): never {
  try {
    return JSON.parse(bytes.toString('utf8')) as never;
  } catch {
    throw new ContractError('INTEGRITY', `${file} is not JSON.`, { file });
  }
}

/** A check the publisher makes of the served folder, refused with the file and what failed. */
function checked<T>(file: string, what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new ContractError(
      'INTEGRITY',
      `${file}: ${what} (${error instanceof Error ? error.message : String(error)}). The served folder may have been altered: nothing was signed.`,
      { file },
    );
  }
}

/**
 * The current root, verified as a client would: 1.root.json signed by its own root keys, each next version by a
 * threshold of the previous version's root keys and of its own, and root.json the newest of them. The served
 * folder is not trusted (TUF assumes the host can be compromised): nothing read from it is signed again unchecked.
 */
export function readRoot(repoDir: string): Metadata<Root> {
  return readRootChain(repoDir).at(-1)!;
}

/** Every root version, oldest first, each verified by the one before it (see readRoot). */
function readRootChain(repoDir: string): Array<Metadata<Root>> {
  let bytes = readBytes(path.join(repoDir, '1.root.json'));
  let root = checked('1.root.json', 'not a root', () => Metadata.fromJSON(MetadataKind.Root, parseJson(bytes, '1.root.json')));
  checked('1.root.json', 'not signed by its own root keys', () => root.verifyDelegate('root', root));
  const chain = [root];
  for (let version = 2; fs.existsSync(path.join(repoDir, `${version}.root.json`)); version++) {
    const name = `${version}.root.json`;
    const nextBytes = readBytes(path.join(repoDir, name));
    const next = checked(name, 'not a root', () => Metadata.fromJSON(MetadataKind.Root, parseJson(nextBytes, name)));
    checked(name, `not version ${version}`, () => {
      if (next.signed.version !== version) throw new Error(`it says version ${next.signed.version}`);
    });
    checked(name, `not signed by a threshold of root version ${version - 1}'s keys`, () => root.verifyDelegate('root', next));
    checked(name, 'not signed by a threshold of its own root keys', () => next.verifyDelegate('root', next));
    root = next;
    bytes = nextBytes;
    chain.push(next);
  }
  checked('root.json', `not the newest root (${root.signed.version}.root.json)`, () => {
    if (!readBytes(path.join(repoDir, 'root.json')).equals(bytes)) throw new Error('its bytes differ');
  });
  return chain;
}

/**
 * Checks a role's metadata against the newest root's keys for that role, or, when the role's key was rotated
 * since it was signed, against the root version it was signed under (walking back through the verified chain).
 */
function verifyRole(
  chain: ReadonlyArray<Metadata<Root>>,
  role: 'timestamp' | 'snapshot' | 'targets',
  metadata: Metadata<Timestamp | Snapshot | Targets>,
  file: string,
): void {
  let refusal: unknown;
  for (let i = chain.length - 1; i >= 0; i--) {
    try {
      chain[i]!.verifyDelegate(role, metadata);
      return;
    } catch (error) {
      refusal ??= error;
    }
  }
  checked(file, `not signed by the ${role} key of any root version`, () => {
    throw refusal;
  });
}
/** Signs a root with enough of the given keys; refuses when they cannot reach `threshold` of `listed`. */
function signRoot(
  root: Metadata<Root>,
  signers: readonly FeedSigningKey[],
  listed: readonly string[],
  threshold: number,
  which: string,
): void {
  const usable = signers.filter((k) => listed.includes(k.keyId));
  if (usable.length < threshold) {
    throw new ContractError(
      'INVALID_INPUT',
      `${which} needs ${threshold} of its root keys to sign; ${usable.length} of the keys given ${usable.length === 1 ? 'is' : 'are'} among them.`,
    );
  }
  for (const key of usable) root.sign(tufSigner(key), true);
}

export interface InitUpdateRepositoryOptions extends UpdateSigningKeys {
  outDir: string;
  rootKeys: FeedSigningKey[];
  rootThreshold?: number;
  rootExpiresDays?: number;
  now?: Date;
}

/** Creates an empty update repository: root version 1, signed by every root key. Publish then adds packages. */
export function initUpdateRepository(options: InitUpdateRepositoryOptions): {
  rootFile: string;
  rootSha256: string;
  keyIds: Record<UpdateRole, string[]>;
} {
  const threshold = options.rootThreshold ?? MIN_ROOT_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < MIN_ROOT_THRESHOLD) {
    throw new ContractError(
      'INVALID_INPUT',
      `The root threshold must be at least ${MIN_ROOT_THRESHOLD}: no single root key may change the repository's keys.`,
    );
  }
  if (options.rootKeys.length < threshold) {
    throw new ContractError(
      'INVALID_INPUT',
      `A root threshold of ${threshold} needs at least ${threshold} root keys; ${options.rootKeys.length} given.`,
    );
  }
  assertSeparateKeys(options.rootKeys, options);
  if (fs.existsSync(path.join(options.outDir, 'root.json'))) {
    throw new ContractError('CONFLICT', `${options.outDir} already holds an update repository; rotate its keys instead of starting again.`);
  }
  const now = options.now ?? new Date();
  const signed = buildRoot(
    1,
    expiry(now, (options.rootExpiresDays ?? 365) * day),
    {
      root: options.rootKeys.map(tufKey),
      targets: [tufKey(options.targets)],
      snapshot: [tufKey(options.snapshot)],
      timestamp: [tufKey(options.timestamp)],
    },
    threshold,
  );
  const root = new Metadata(signed);
  for (const key of options.rootKeys) root.sign(tufSigner(key), true);
  fs.mkdirSync(options.outDir, { recursive: true });
  const bytes = metadataBytes(root);
  writeAtomic(path.join(options.outDir, '1.root.json'), bytes);
  writeAtomic(path.join(options.outDir, 'root.json'), bytes);
  return { rootFile: path.join(options.outDir, 'root.json'), rootSha256: sha256Of(bytes), keyIds: keyIdsOf(signed) };
}

function keyIdsOf(root: Root): Record<UpdateRole, string[]> {
  return {
    root: [...root.roles.root!.keyIDs],
    targets: [...root.roles.targets!.keyIDs],
    snapshot: [...root.roles.snapshot!.keyIDs],
    timestamp: [...root.roles.timestamp!.keyIDs],
  };
}

export interface RotateUpdateKeysOptions extends Partial<UpdateSigningKeys> {
  repoDir: string;
  /** At least the threshold of the current root keys. */
  signingRootKeys: FeedSigningKey[];
  /** A new set of root keys (replaces the current ones). */
  newRootKeys?: FeedSigningKey[];
  newRootThreshold?: number;
  rootExpiresDays?: number;
  now?: Date;
}

/** Writes root N+1 with the roles' new keys; the next `publishUpdate` signs with them. */
export function rotateUpdateKeys(options: RotateUpdateKeysOptions): { version: number; keyIds: Record<UpdateRole, string[]> } {
  const current = readRoot(options.repoDir);
  const now = options.now ?? new Date();
  const threshold = options.newRootThreshold ?? current.signed.roles.root!.threshold;
  const rootKeys = options.newRootKeys ?? [];
  const rootKeyCount = options.newRootKeys ? rootKeys.length : current.signed.roles.root!.keyIDs.length;
  // Checked on every path: a threshold of 1 would let one root key rule, one above the key count would strand
  // the repository (no client could accept the next root).
  if (!Number.isInteger(threshold) || threshold < MIN_ROOT_THRESHOLD || threshold > rootKeyCount) {
    throw new ContractError(
      'INVALID_INPUT',
      `The root threshold must be at least ${MIN_ROOT_THRESHOLD} and at most the number of root keys (${rootKeyCount}); ${threshold} given.`,
    );
  }
  const keep = (role: UpdateRole) => current.signed.roles[role]!.keyIDs.map((id) => current.signed.keys[id]!);
  const signed = buildRoot(
    current.signed.version + 1,
    expiry(now, (options.rootExpiresDays ?? 365) * day),
    {
      root: options.newRootKeys ? rootKeys.map(tufKey) : keep('root'),
      targets: options.targets ? [tufKey(options.targets)] : keep('targets'),
      snapshot: options.snapshot ? [tufKey(options.snapshot)] : keep('snapshot'),
      timestamp: options.timestamp ? [tufKey(options.timestamp)] : keep('timestamp'),
    },
    threshold,
  );
  const root = new Metadata(signed);
  const oldRoot = current.signed.roles.root!;
  signRoot(root, options.signingRootKeys, oldRoot.keyIDs, oldRoot.threshold, `Root version ${current.signed.version}`);
  if (options.newRootKeys) signRoot(root, rootKeys, signed.roles.root!.keyIDs, threshold, `The new root version ${signed.version}`);
  const bytes = metadataBytes(root);
  writeAtomic(path.join(options.repoDir, `${signed.version}.root.json`), bytes);
  writeAtomic(path.join(options.repoDir, 'root.json'), bytes);
  return { version: signed.version, keyIds: keyIdsOf(signed) };
}

interface PublishedState {
  timestampVersion: number;
  snapshotVersion: number;
  targetsVersion: number;
  targets: Record<string, TargetFile>;
  /** What the timestamp pins: a timestamp-only renewal pins the same. */
  snapshotMeta: MetaFile;
}

/** What the last publication signed, each file checked against the root's keys and the metadata that pins it. */
function readPublished(repoDir: string, chain: ReadonlyArray<Metadata<Root>>): PublishedState | undefined {
  const timestampFile = path.join(repoDir, 'timestamp.json');
  if (!fs.existsSync(timestampFile)) return undefined;
  const timestamp = checked('timestamp.json', 'not a timestamp', () =>
    Metadata.fromJSON(MetadataKind.Timestamp, parseJson(readBytes(timestampFile), 'timestamp.json')),
  );
  verifyRole(chain, 'timestamp', timestamp, 'timestamp.json');
  const snapshotVersion = timestamp.signed.snapshotMeta.version;
  const snapshotName = `${snapshotVersion}.snapshot.json`;
  const snapshotBytes = readBytes(path.join(repoDir, snapshotName));
  checked(snapshotName, 'not the snapshot the timestamp pins', () => timestamp.signed.snapshotMeta.verify(snapshotBytes));
  const snapshot = checked(snapshotName, 'not a snapshot', () =>
    Metadata.fromJSON(MetadataKind.Snapshot, parseJson(snapshotBytes, snapshotName)),
  );
  verifyRole(chain, 'snapshot', snapshot, snapshotName);
  const pinned = snapshot.signed.meta['targets.json'];
  if (!pinned) throw new ContractError('INTEGRITY', `${snapshotName} pins no targets metadata.`);
  const targetsName = `${pinned.version}.targets.json`;
  const targetsBytes = readBytes(path.join(repoDir, targetsName));
  checked(targetsName, 'not the targets metadata the snapshot pins', () => pinned.verify(targetsBytes));
  const targets = checked(targetsName, 'not targets metadata', () =>
    Metadata.fromJSON(MetadataKind.Targets, parseJson(targetsBytes, targetsName)),
  );
  verifyRole(chain, 'targets', targets, targetsName);
  return {
    timestampVersion: timestamp.signed.version,
    snapshotVersion,
    targetsVersion: pinned.version,
    targets: { ...targets.signed.targets },
    snapshotMeta: timestamp.signed.snapshotMeta,
  };
}
/** The key a role must be signed with now: the one root lists, or a clear refusal naming the role. */
function assertRoleKey(root: Root, role: 'targets' | 'snapshot' | 'timestamp', key: FeedSigningKey): void {
  if (!root.roles[role]!.keyIDs.includes(key.keyId)) {
    throw new ContractError(
      'INVALID_INPUT',
      `Key ${key.keyId} is not the ${role} key that root version ${root.version} lists (${root.roles[role]!.keyIDs.join(', ')}).`,
    );
  }
}

export interface UpdatePackage {
  file: string;
  version: string;
  platform: string;
}

export interface PublishUpdateOptions extends UpdateSigningKeys {
  repoDir: string;
  packages: UpdatePackage[];
  /** Package file names to take off the list (a bad release): clients no longer see them. */
  withdraw?: string[];
  expiresDays?: number;
  timestampHours?: number;
  now?: Date;
}

export interface PublishUpdateSummary {
  versions: { targets: number; snapshot: number; timestamp: number };
  timestampExpires: string;
  packages: Array<{ path: string; version: string; platform: string; sha256: string; length: number }>;
}

/**
 * Adds packages (none: only re-signs, to keep the timestamp fresh) and signs new targets, snapshot and timestamp
 * metadata, each with its role's key. Packages already listed stay listed; a package file is never rewritten.
 */
export async function publishUpdate(options: PublishUpdateOptions): Promise<PublishUpdateSummary> {
  const chain = readRootChain(options.repoDir);
  const root = chain.at(-1)!.signed;
  for (const role of ['targets', 'snapshot', 'timestamp'] as const) assertRoleKey(root, role, options[role]);
  const now = options.now ?? new Date();
  const previous = readPublished(options.repoDir, chain);
  const targets: Record<string, TargetFile> = { ...previous?.targets };
  for (const name of options.withdraw ?? []) {
    if (!targets[name]) throw new ContractError('NOT_FOUND', `${name} is not listed in the repository: nothing to withdraw.`);
    // Only the listing goes: the file stays under targets/ for clients in the middle of downloading it.
    delete targets[name];
  }
  for (const pkg of options.packages) {
    const custom = appUpdateCustomSchema.parse({ kind: 'app-update', version: pkg.version, platform: pkg.platform });
    // The version listed is the one the package itself carries, never only what its file name says.
    const manifest = await readPackageManifest(pkg.file);
    if (!manifest || manifest.version !== pkg.version || manifest.platform !== pkg.platform) {
      throw new ContractError(
        'INVALID_INPUT',
        `${pkg.file} ${manifest ? `holds Concordat ${manifest.version} for ${manifest.platform}` : 'is not a Concordat portable package'}, not ${pkg.version} for ${pkg.platform}.`,
        { file: pkg.file },
      );
    }
    const name = path.basename(pkg.file);
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/.test(name))
      throw new ContractError('INVALID_INPUT', `"${name}" is not a usable package file name.`);
    if (targets[name]) throw new ContractError('CONFLICT', `${name} is already published; a published package is never replaced.`);
    const { sha256, length } = await hashFile(pkg.file);
    const stored = path.join(options.repoDir, 'targets', `${sha256}.${name}`);
    fs.mkdirSync(path.dirname(stored), { recursive: true });
    if (!fs.existsSync(stored)) {
      fs.copyFileSync(pkg.file, `${stored}.tmp`);
      fs.renameSync(`${stored}.tmp`, stored);
    }
    targets[name] = new TargetFile({ path: name, length, hashes: { sha256 }, unrecognizedFields: { custom: { concordat: custom } } });
  }
  const versions = {
    targets: (previous?.targetsVersion ?? 0) + 1,
    snapshot: (previous?.snapshotVersion ?? 0) + 1,
    timestamp: (previous?.timestampVersion ?? 0) + 1,
  };
  const expiresDays = options.expiresDays ?? 30;
  const targetsMetadata = new Metadata(
    new Targets({ version: versions.targets, specVersion: SPEC_VERSION, expires: expiry(now, expiresDays * day), targets }),
  );
  targetsMetadata.sign(tufSigner(options.targets));
  const targetsBytes = metadataBytes(targetsMetadata);
  const snapshot = new Metadata(
    new Snapshot({
      version: versions.snapshot,
      specVersion: SPEC_VERSION,
      expires: expiry(now, expiresDays * day),
      meta: { 'targets.json': pinOf(versions.targets, targetsBytes) },
    }),
  );
  snapshot.sign(tufSigner(options.snapshot));
  const snapshotBytes = metadataBytes(snapshot);
  // Written bottom up, timestamp last: a client never sees metadata pointing at files not yet there.
  writeAtomic(path.join(options.repoDir, `${versions.targets}.targets.json`), targetsBytes);
  writeAtomic(path.join(options.repoDir, `${versions.snapshot}.snapshot.json`), snapshotBytes);
  const timestamp = writeTimestamp(
    options.repoDir,
    versions.timestamp,
    pinOf(versions.snapshot, snapshotBytes),
    options.timestamp,
    expiry(now, (options.timestampHours ?? 24) * 3_600_000),
  );
  return {
    versions,
    timestampExpires: timestamp.signed.expires,
    packages: options.packages.map((p) => {
      const t = targets[path.basename(p.file)]!;
      return { path: t.path, version: p.version, platform: p.platform, sha256: t.hashes.sha256!, length: t.length };
    }),
  };
}

/** What a signed file is pinned by in the metadata above it: its version, length and SHA-256. */
function pinOf(version: number, bytes: Buffer): MetaFile {
  return new MetaFile({ version, length: bytes.length, hashes: { sha256: sha256Of(bytes) } });
}

/** Signs and writes timestamp.json, pinning `snapshotMeta`; written last by every publication. */
function writeTimestamp(
  repoDir: string,
  version: number,
  snapshotMeta: MetaFile,
  key: FeedSigningKey,
  expires: string,
): Metadata<Timestamp> {
  const timestamp = new Metadata(new Timestamp({ version, specVersion: SPEC_VERSION, expires, snapshotMeta }));
  timestamp.sign(tufSigner(key));
  writeAtomic(path.join(repoDir, 'timestamp.json'), metadataBytes(timestamp));
  return timestamp;
}

export interface RenewTimestampOptions {
  repoDir: string;
  timestamp: FeedSigningKey;
  hours?: number;
  now?: Date;
}

/**
 * Re-signs only timestamp.json (version + 1, the same snapshot pinned): the daily renewal that keeps clients from
 * seeing a freeze, needing the timestamp key alone, so the targets and snapshot keys need not sit on the host
 * that runs it. A USB copy meant to travel for weeks gets a longer `hours`.
 */
export function renewTimestamp(options: RenewTimestampOptions): { version: number; expires: string } {
  const chain = readRootChain(options.repoDir);
  assertRoleKey(chain.at(-1)!.signed, 'timestamp', options.timestamp);
  const previous = readPublished(options.repoDir, chain);
  if (!previous) throw new ContractError('NOT_FOUND', `${options.repoDir} has published nothing yet: publish a package first.`);
  const now = options.now ?? new Date();
  const timestamp = writeTimestamp(
    options.repoDir,
    previous.timestampVersion + 1,
    previous.snapshotMeta,
    options.timestamp,
    expiry(now, (options.hours ?? 24) * 3_600_000),
  );
  return { version: timestamp.signed.version, expires: timestamp.signed.expires };
}
