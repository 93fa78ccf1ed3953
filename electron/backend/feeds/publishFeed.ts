import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp, MetadataKind } from '@tufjs/models';
import { Delegations } from '@tufjs/models/dist/delegations';
import { SuccinctRoles } from '@tufjs/models/dist/role';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import { isCalendarDate } from '../../../shared/contract/calendarDate';
import { regimes, type Regime } from '../../../shared/contract/snapshots';
import { tufKey, tufSigner, type FeedSigningKey } from './keys';
import { MAX_TARGETS_PER_ROLE } from './targetsRoles';

/**
 * Publishes a folder as a static TUF repository (the side an agency's data team runs).
 *
 * Input folder:
 *   snapshots/<source>/<regime>/<as-of YYYY-MM-DD>/   *.csv and/or *.xml snapshot files (trades.csv, margins.csv, …)
 *       snapshot.json (optional)   {"sourceName": "…", "trLei": "…", "regime": "EMIR", "asOfDate": "2026-06-30"}
 *                                  (defaults: the folder names; the source folder name is the source name)
 *   reference/**                   reference data, any files
 *   mou/**                         the MoU registry, any files
 * Names: letters, digits, `.`, `_`, `-` (no leading dot); hidden files are skipped; links are refused.
 *
 * Output folder (serve it from any static host or object store, or use it as a folder/file:// feed):
 *   root.json, 1.root.json, 2.root.json …   root metadata, every version (clients step N → N+1)
 *   timestamp.json                           short-lived; pins <S>.snapshot.json by version, length, SHA-256
 *   <S>.snapshot.json                        pins <T>.targets.json by version, length, SHA-256
 *   <T>.targets.json                         every file: length, SHA-256, custom {concordat: {kind, snapshot?}}
 *   <T>.bins-<hex>.json                      with more than MAX_TARGETS_PER_ROLE files: the files spread over
 *                                            hashed bins (TUF succinct delegations), <T>.targets.json lists none
 *   targets/<dir>/<sha256>.<name>            the files, named by hash (TUF consistent snapshots), never rewritten
 * Republishing signs new versions of timestamp, snapshot and targets (and of root when the key
 * rotates or the root nears expiry) and keeps every older file, so clients mid-download still succeed.
 * timestamp.json is written last, so a client never sees metadata that points at missing files.
 */
export interface PublishFeedOptions {
  inputDir: string;
  outDir: string;
  /** Signs every role (a feed has one key, threshold 1). */
  key: FeedSigningKey;
  /** Hands every role to this key: root N+1 lists only it and is signed by both keys. */
  rotateTo?: FeedSigningKey;
  /** Expiry of targets and snapshot metadata, days (default 30). */
  expiresDays?: number;
  /** Expiry of the timestamp, hours (default 24). */
  timestampHours?: number;
  /** Expiry of a new root, days (default 365). */
  rootExpiresDays?: number;
  /** The publication time (tests publish "in the past" to make expired metadata). */
  now?: Date;
}

export interface PublishedSnapshot {
  group: string;
  sourceName: string;
  regime: Regime;
  asOfDate: string;
  files: string[];
}

export interface PublishFeedSummary {
  outDir: string;
  versions: { root: number; timestamp: number; snapshot: number; targets: number };
  expires: { root: string; timestamp: string; snapshot: string; targets: string };
  keyIds: string[];
  /** SHA-256 of root.json as published now: what a client pinning it on first use sees. */
  rootSha256: string;
  targets: number;
  /** Targets roles signed: 1 (targets.json lists every file), or 1 + the hashed bins it delegates to. */
  roles: number;
  newFiles: number;
  bytes: number;
  snapshots: PublishedSnapshot[];
  reference: number;
  mou: number;
}

export const SPEC_VERSION = '1.0.31';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Renew the root when it would expire within this many days. */
const ROOT_RENEW_DAYS = 30;
/**
 * Hashed bins: a feed with more than MAX_TARGETS_PER_ROLE files spreads them over 2^k bins of
 * about BIN_FILES files each (few enough for @tufjs/models to check one quickly), at most
 * 2^MAX_BIN_BITS bins, none over MAX_TARGETS_PER_ROLE.
 */
const BIN_FILES = 256;
const MAX_BIN_BITS = 8;
export const BIN_PREFIX = 'bins';

const snapshotJsonSchema = z
  .object({
    sourceName: z.string().trim().min(1).max(200).optional(),
    trLei: z
      .string()
      .regex(/^[A-Z0-9]{20}$/)
      .optional(),
    regime: z.enum(regimes).optional(),
    asOfDate: z.string().regex(DATE).refine(isCalendarDate, 'a date that exists').optional(),
  })
  .strict();

/** The custom metadata of a target (`custom.concordat`). */
export const targetCustomSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('snapshot-file'),
      snapshot: z
        .object({
          sourceName: z.string().min(1).max(200),
          trLei: z
            .string()
            .regex(/^[A-Z0-9]{20}$/)
            .optional(),
          regime: z.enum(regimes),
          asOfDate: z.string().regex(DATE).refine(isCalendarDate, 'a date that exists'),
        })
        .strict(),
    })
    .strict(),
  z.object({ kind: z.literal('reference') }).strict(),
  z.object({ kind: z.literal('mou') }).strict(),
]);
export type TargetCustom = z.infer<typeof targetCustomSchema>;

interface InputFile {
  targetPath: string;
  file: string;
  custom: TargetCustom;
}

export async function publishFeed(options: PublishFeedOptions): Promise<PublishFeedSummary> {
  const now = options.now ?? new Date();
  const expiresDays = options.expiresDays ?? 30;
  const timestampHours = options.timestampHours ?? 24;
  const rootExpiresDays = options.rootExpiresDays ?? 365;
  for (const [name, value] of Object.entries({ expiresDays, timestampHours, rootExpiresDays })) {
    if (!(value > 0) || !Number.isFinite(value)) throw new ContractError('INVALID_INPUT', `${name} must be above zero.`);
  }
  const inputDir = path.resolve(options.inputDir);
  const outDir = path.resolve(options.outDir);
  if (outDir === inputDir || outDir.startsWith(`${inputDir}${path.sep}`)) {
    throw new ContractError('INVALID_INPUT', 'The output folder must not be inside the input folder.');
  }
  const { files, snapshots } = scanInput(inputDir);
  const previous = readPublished(outDir);

  // Keys: the signing key must be the one the published root trusts, unless it is a new feed.
  const signingKeys = [options.key];
  if (previous) {
    const trusted = previous.root.signed.roles.root?.keyIDs ?? [];
    if (!trusted.includes(options.key.keyId)) {
      throw new ContractError(
        'INVALID_INPUT',
        `The feed in ${outDir} is signed with key ${trusted.join(', ')}; key ${options.key.keyId} is not one of its root keys. ` +
          'Sign with the feed\u2019s key (use --rotate-key to move to a new one), or publish into a new folder.',
        { trusted, given: options.key.keyId },
      );
    }
  }
  const activeKey = options.rotateTo ?? options.key;

  // Targets: copy each file to targets/<dir>/<sha256>.<name> unless that hash-named file exists.
  fs.mkdirSync(path.join(outDir, 'targets'), { recursive: true });
  const targetMap: Record<string, TargetFile> = {};
  let newFiles = 0;
  let bytes = 0;
  for (const input of files) {
    const { sha256, length } = await hashFile(input.file);
    const dir = path.posix.dirname(input.targetPath);
    const hashed = path.join(
      outDir,
      'targets',
      ...(dir === '.' ? [] : dir.split('/')),
      `${sha256}.${path.posix.basename(input.targetPath)}`,
    );
    if (!fs.existsSync(hashed)) {
      fs.mkdirSync(path.dirname(hashed), { recursive: true });
      const tmp = `${hashed}.${crypto.randomUUID()}.tmp`;
      fs.copyFileSync(input.file, tmp);
      fs.renameSync(tmp, hashed);
      newFiles++;
    }
    bytes += length;
    targetMap[input.targetPath] = new TargetFile({
      path: input.targetPath,
      length,
      hashes: { sha256 },
      unrecognizedFields: { custom: { concordat: input.custom } },
    });
  }

  const expiry = (ms: number) => tufDate(new Date(now.getTime() + ms));
  const day = 86_400_000;
  const versions = {
    root: previous?.root.signed.version ?? 1,
    targets: (previous?.targetsVersion ?? 0) + 1,
    snapshot: (previous?.snapshotVersion ?? 0) + 1,
    timestamp: (previous?.timestampVersion ?? 0) + 1,
  };

  // Root: new feed, rotation, or renewal before expiry → a new version signed by old and new keys.
  let root: Metadata<Root> | undefined;
  const renew = previous && Date.parse(previous.root.signed.expires) - now.getTime() < ROOT_RENEW_DAYS * day;
  if (!previous || options.rotateTo || renew) {
    if (previous) versions.root += 1;
    const signed = new Root({
      version: versions.root,
      specVersion: SPEC_VERSION,
      expires: expiry(rootExpiresDays * day),
      consistentSnapshot: true,
    });
    for (const role of ['root', 'timestamp', 'snapshot', 'targets']) signed.addKey(tufKey(activeKey), role);
    root = new Metadata(signed);
    for (const key of options.rotateTo ? [...signingKeys, options.rotateTo] : [activeKey]) root.sign(tufSigner(key));
  }

  // Targets: one role, or (over MAX_TARGETS_PER_ROLE files) hashed bins it delegates to with the same key.
  const targetsExpires = expiry(expiresDays * day);
  const bins = planBins(Object.keys(targetMap), activeKey);
  const roleFiles: { role: string; bytes: Buffer }[] = [];
  const signRole = (role: string, signed: Targets) => {
    const metadata = new Metadata(signed);
    metadata.sign(tufSigner(activeKey));
    roleFiles.push({ role, bytes: metadataBytes(metadata) });
    return metadata;
  };
  const targets = signRole(
    'targets',
    new Targets({
      version: versions.targets,
      specVersion: SPEC_VERSION,
      expires: targetsExpires,
      targets: bins ? {} : targetMap,
      ...(bins ? { delegations: bins.delegations } : {}),
    }),
  );
  for (const [role, paths] of bins?.members ?? []) {
    const binTargets: Record<string, TargetFile> = {};
    for (const p of paths) binTargets[p] = targetMap[p]!;
    signRole(role, new Targets({ version: versions.targets, specVersion: SPEC_VERSION, expires: targetsExpires, targets: binTargets }));
  }

  // The snapshot pins every targets role. Roles an earlier publication listed stay listed (as
  // they were): a TUF client refuses a snapshot that drops one (rollback).
  const meta: Record<string, MetaFile> = { ...previous?.snapshotMeta };
  for (const { role, bytes } of roleFiles) {
    meta[`${role}.json`] = new MetaFile({ version: versions.targets, length: bytes.length, hashes: { sha256: sha256Of(bytes) } });
  }
  const snapshot = new Metadata(
    new Snapshot({
      version: versions.snapshot,
      specVersion: SPEC_VERSION,
      expires: expiry(expiresDays * day),
      meta,
    }),
  );
  snapshot.sign(tufSigner(activeKey));
  const snapshotBytes = metadataBytes(snapshot);

  const timestamp = new Metadata(
    new Timestamp({
      version: versions.timestamp,
      specVersion: SPEC_VERSION,
      expires: expiry(timestampHours * 3_600_000),
      snapshotMeta: new MetaFile({ version: versions.snapshot, length: snapshotBytes.length, hashes: { sha256: sha256Of(snapshotBytes) } }),
    }),
  );
  timestamp.sign(tufSigner(activeKey));

  for (const { role, bytes } of roleFiles) writeAtomic(path.join(outDir, `${versions.targets}.${encodeURIComponent(role)}.json`), bytes);
  writeAtomic(path.join(outDir, `${versions.snapshot}.snapshot.json`), snapshotBytes);
  let rootBytes = previous?.rootBytes;
  if (root) {
    rootBytes = metadataBytes(root);
    writeAtomic(path.join(outDir, `${versions.root}.root.json`), rootBytes);
    writeAtomic(path.join(outDir, 'root.json'), rootBytes);
  }
  writeAtomic(path.join(outDir, 'timestamp.json'), metadataBytes(timestamp));

  const rootMeta = root ?? previous!.root;
  return {
    outDir,
    versions,
    expires: {
      root: rootMeta.signed.expires,
      timestamp: timestamp.signed.expires,
      snapshot: snapshot.signed.expires,
      targets: targets.signed.expires,
    },
    keyIds: [activeKey.keyId],
    rootSha256: sha256Of(rootBytes!),
    targets: files.length,
    roles: roleFiles.length,
    newFiles,
    bytes,
    snapshots,
    reference: files.filter((f) => f.custom.kind === 'reference').length,
    mou: files.filter((f) => f.custom.kind === 'mou').length,
  };
}

/** TUF dates: UTC, whole seconds, `Z`. */
export function tufDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function sha256Of(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export function metadataBytes(metadata: Metadata<Root | Targets | Snapshot | Timestamp>): Buffer {
  return Buffer.from(`${JSON.stringify(metadata.toJSON(), null, 1)}\n`);
}

export async function hashFile(file: string): Promise<{ sha256: string; length: number }> {
  const hash = crypto.createHash('sha256');
  let length = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), length };
}

export function writeAtomic(file: string, bytes: Buffer): void {
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

interface Published {
  root: Metadata<Root>;
  rootBytes: Buffer;
  timestampVersion: number;
  snapshotVersion: number;
  targetsVersion: number;
  /** What the published snapshot pins, by file name ("targets.json", "bins-3f.json"). */
  snapshotMeta: Record<string, MetaFile>;
}

/** What an earlier publish left in the output folder. */
function readPublished(outDir: string): Published | undefined {
  const rootFile = path.join(outDir, 'root.json');
  if (!fs.existsSync(rootFile)) {
    if (fs.existsSync(outDir) && fs.readdirSync(outDir).some((n) => !n.startsWith('.'))) {
      throw new ContractError('INVALID_INPUT', `${outDir} is neither empty nor a published feed (it has no root.json).`, { outDir });
    }
    return undefined;
  }
  try {
    const rootBytes = fs.readFileSync(rootFile);
    const root = Metadata.fromJSON(MetadataKind.Root, JSON.parse(rootBytes.toString('utf8')));
    const timestamp = Metadata.fromJSON(MetadataKind.Timestamp, JSON.parse(fs.readFileSync(path.join(outDir, 'timestamp.json'), 'utf8')));
    const snapshotVersion = timestamp.signed.snapshotMeta.version;
    const snapshot = Metadata.fromJSON(
      MetadataKind.Snapshot,
      JSON.parse(fs.readFileSync(path.join(outDir, `${snapshotVersion}.snapshot.json`), 'utf8')),
    );
    const targetsVersion = snapshot.signed.meta['targets.json']?.version ?? 0;
    return {
      root,
      rootBytes,
      timestampVersion: timestamp.signed.version,
      snapshotVersion,
      targetsVersion,
      snapshotMeta: snapshot.signed.meta,
    };
  } catch (error) {
    throw new ContractError(
      'INVALID_INPUT',
      `${outDir} holds a feed whose metadata cannot be read (${error instanceof Error ? error.message : String(error)}); nothing was written.`,
      { outDir },
    );
  }
}

/**
 * The hashed bins for these target paths, or undefined when they fit one targets role. Bins are
 * TUF succinct delegations (`bins-<hex>`, the bin chosen by the first bits of SHA-256(path)):
 * clients find a file's bin without listing them all. Every bin is published, empty ones too.
 */
function planBins(paths: string[], key: FeedSigningKey): { delegations: Delegations; members: Map<string, string[]> } | undefined {
  if (paths.length <= MAX_TARGETS_PER_ROLE) return undefined;
  for (let bits = Math.min(MAX_BIN_BITS, Math.max(1, Math.ceil(Math.log2(paths.length / BIN_FILES)))); bits <= MAX_BIN_BITS; bits++) {
    const succinct = new SuccinctRoles({ keyIDs: [key.keyId], threshold: 1, bitLength: bits, namePrefix: BIN_PREFIX });
    const members = new Map<string, string[]>([...succinct.getRoles()].map((role) => [role, []]));
    for (const p of paths) members.get(succinct.getRoleForTarget(p))!.push(p);
    if ([...members.values()].every((m) => m.length <= MAX_TARGETS_PER_ROLE)) {
      return { delegations: new Delegations({ keys: { [key.keyId]: tufKey(key) }, succinctRoles: succinct }), members };
    }
  }
  throw new ContractError(
    'INVALID_INPUT',
    `${paths.length} files are more than one feed can carry (${2 ** MAX_BIN_BITS} hashed bins of at most ${MAX_TARGETS_PER_ROLE} files each): ` +
      'split the folder over several feeds.',
    { files: paths.length },
  );
}

function visible(dir: string): fs.Dirent[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function checkName(name: string, where: string): void {
  if (!SEGMENT.test(name)) {
    throw new ContractError(
      'INVALID_INPUT',
      `"${name}" in ${where} is not a usable name: letters, digits, . _ - only, not starting with a dot.`,
      {
        name,
        where,
      },
    );
  }
}

function checkEntry(entry: fs.Dirent, dir: string, want: 'dir' | 'file'): string {
  const full = path.join(dir, entry.name);
  checkName(entry.name, dir);
  if (entry.isSymbolicLink())
    throw new ContractError('INVALID_INPUT', `${full} is a link; a feed folder holds plain files and folders only.`);
  if (want === 'dir' && !entry.isDirectory()) throw new ContractError('INVALID_INPUT', `${full} should be a folder.`);
  if (want === 'file' && !entry.isFile()) throw new ContractError('INVALID_INPUT', `${full} should be a file.`);
  return full;
}

function scanInput(inputDir: string): { files: InputFile[]; snapshots: PublishedSnapshot[] } {
  if (!fs.existsSync(inputDir) || !fs.statSync(inputDir).isDirectory()) {
    throw new ContractError('NOT_FOUND', `${inputDir} is not a folder.`, { inputDir });
  }
  const files: InputFile[] = [];
  const snapshots: PublishedSnapshot[] = [];
  for (const top of visible(inputDir)) {
    if (!['snapshots', 'reference', 'mou'].includes(top.name)) {
      throw new ContractError(
        'INVALID_INPUT',
        `Unexpected "${top.name}" in ${inputDir}: a feed folder holds snapshots/, reference/ and mou/ only.`,
      );
    }
    const topDir = checkEntry(top, inputDir, 'dir');
    if (top.name === 'snapshots') {
      for (const source of visible(topDir)) {
        const sourceDir = checkEntry(source, topDir, 'dir');
        for (const regimeEntry of visible(sourceDir)) {
          const regimeDir = checkEntry(regimeEntry, sourceDir, 'dir');
          for (const asOf of visible(regimeDir)) {
            const snapshotDir = checkEntry(asOf, regimeDir, 'dir');
            const group = ['snapshots', source.name, regimeEntry.name, asOf.name].join('/');
            const published = scanSnapshot(snapshotDir, group, source.name, regimeEntry.name, asOf.name, files);
            snapshots.push(published);
          }
        }
      }
    } else {
      walkFiles(topDir, top.name, (targetPath, file) =>
        files.push({ targetPath, file, custom: { kind: top.name === 'mou' ? 'mou' : 'reference' } }),
      );
    }
  }
  if (files.length === 0) {
    throw new ContractError(
      'INVALID_INPUT',
      `${inputDir} holds nothing to publish: put snapshots under snapshots/<source>/<regime>/<as-of>/.`,
    );
  }
  return { files, snapshots };
}

function scanSnapshot(
  dir: string,
  group: string,
  sourceFolder: string,
  regimeFolder: string,
  asOfFolder: string,
  out: InputFile[],
): PublishedSnapshot {
  let meta: z.infer<typeof snapshotJsonSchema> = {};
  const metaFile = path.join(dir, 'snapshot.json');
  if (fs.existsSync(metaFile)) {
    const parsed = snapshotJsonSchema.safeParse(safeJson(metaFile));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ContractError(
        'INVALID_INPUT',
        `${metaFile}: ${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'not valid'}.`,
      );
    }
    meta = parsed.data;
  }
  const regime = meta.regime ?? (regimeFolder.toUpperCase() as Regime);
  if (!regimes.includes(regime)) {
    throw new ContractError(
      'INVALID_INPUT',
      `${dir}: "${regimeFolder}" is not a regime (${regimes.join(', ')}); name the folder after one or set "regime" in snapshot.json.`,
    );
  }
  const asOfDate = meta.asOfDate ?? asOfFolder;
  if (!isCalendarDate(asOfDate)) {
    throw new ContractError(
      'INVALID_INPUT',
      `${dir}: "${asOfFolder}" is not an as-of date YYYY-MM-DD; rename the folder or set "asOfDate" in snapshot.json.`,
    );
  }
  const snapshot = { sourceName: meta.sourceName ?? sourceFolder, ...(meta.trLei ? { trLei: meta.trLei } : {}), regime, asOfDate };
  const names: string[] = [];
  for (const entry of visible(dir)) {
    if (entry.name === 'snapshot.json') continue;
    const file = checkEntry(entry, dir, 'file');
    if (!/\.(csv|xml)$/i.test(entry.name)) {
      throw new ContractError('INVALID_INPUT', `${file}: a snapshot folder holds .csv or .xml snapshot files (and snapshot.json) only.`);
    }
    names.push(entry.name);
    out.push({ targetPath: `${group}/${entry.name}`, file, custom: { kind: 'snapshot-file', snapshot } });
  }
  if (names.length === 0) throw new ContractError('INVALID_INPUT', `${dir} holds no snapshot files.`);
  return { group, sourceName: snapshot.sourceName, regime, asOfDate, files: names };
}

function walkFiles(dir: string, prefix: string, visit: (targetPath: string, file: string) => void): void {
  for (const entry of visible(dir)) {
    if (entry.isDirectory() && !entry.isSymbolicLink()) walkFiles(checkEntry(entry, dir, 'dir'), `${prefix}/${entry.name}`, visit);
    else visit(`${prefix}/${entry.name}`, checkEntry(entry, dir, 'file'));
  }
}

function safeJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContractError('INVALID_INPUT', `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
