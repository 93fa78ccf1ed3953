import fs from 'node:fs';
import path from 'node:path';
import { Updater } from 'tuf-js';
import { ContractError } from '../../../shared/contract/errors';
import { isAllowedFeedUrl } from '../../../shared/contract/feeds';
import { feedUrlFromLocation } from '../feeds/feeds.service';
import { FeedFetcher, type TransportOptions } from '../feeds/fetcher';
import { explainRefusal } from '../feeds/syncFeed';
import { packagePlatform } from '../release/portablePackage';
import { appUpdateCustomSchema } from './updateRepository';
import { openInstall, switchTo, unpackVersion, type PortableInstall } from './portableInstall';

/**
 * `concordat update check|apply` for the portable package: the TUF client of the feeds (tuf-js `Updater` over our
 * `FeedFetcher`) pointed at the agency's update repository, online (https://, or http:// on 127.0.0.1) or copied
 * onto a USB stick (a folder): the same metadata, the same checks. The trusted metadata lives in the installation
 * (`update/metadata/`, never lowered), starting from the root the package was built with (`app/update-root.json`)
 * or one handed over out of band (`--root`). Every refusal leaves the running version as it was.
 */
export interface UpdateCandidate {
  path: string;
  version: string;
  length: number;
  sha256: string;
}

export interface UpdateCheck {
  installed: string;
  newest: UpdateCandidate | null;
  /**
   * 'available': newer than the installed version; 'current': the same; 'older': only older versions (never
   * applied: `apply` refuses a downgrade); 'none': the repository lists nothing for this platform.
   */
  status: 'available' | 'current' | 'older' | 'none';
  source: string;
}

export interface UpdateOptions {
  installDir: string;
  /** URL or folder of the update repository; default: the one used last. */
  from?: string;
  /** A trusted root for the first check, when the package carries none. */
  rootFile?: string;
  signal?: AbortSignal;
  transport?: TransportOptions;
  /** Each step, and the download's bytes so far (done of total) while the package downloads. */
  onProgress?: (message: string, done?: number, total?: number) => void;
}

const metadataLimits = { rootMaxLength: 512_000, timestampMaxLength: 16_384, snapshotMaxLength: 1_000_000, targetsMaxLength: 4_000_000 };
const REPOSITORY = 'update repository';

function updateDir(installDir: string): string {
  return path.join(installDir, 'update');
}

/**
 * Semver precedence (semver.org §11): MAJOR.MINOR.PATCH numerically, then a version without a pre-release above
 * one with it, then the pre-release's dot-separated identifiers: numbers numerically and below words, words in
 * ASCII order, a shorter list first when all else is equal ("1.10.0" > "1.9.3", "1.0.0-rc.10" > "1.0.0-rc.9").
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const cut = v.indexOf('-');
    const core = (cut < 0 ? v : v.slice(0, cut)).split('.').map(Number);
    return { core, pre: cut < 0 ? undefined : v.slice(cut + 1).split('.') };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if ((x.core[i] ?? 0) !== (y.core[i] ?? 0)) return (x.core[i] ?? 0) - (y.core[i] ?? 0);
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** Where updates come from: `from`, else the location saved by the last successful check. */
function sourceUrl(installDir: string, from: string | undefined): string {
  const saved = path.join(updateDir(installDir), 'source.json');
  let location = from;
  if (!location && fs.existsSync(saved)) location = (JSON.parse(fs.readFileSync(saved, 'utf8')) as { location?: string }).location;
  if (!location) throw new ContractError('INVALID_INPUT', 'Name the update repository: --from <https URL or folder, e.g. a USB stick>.');
  const url = feedUrlFromLocation(location);
  if (!isAllowedFeedUrl(url)) {
    throw new ContractError('INVALID_INPUT', `${location}: updates come from https://, a folder or file://, or http:// on 127.0.0.1 only.`);
  }
  return url;
}

/** The trusted metadata folder, seeded with the package's (or the given) root on first use. */
function metadataDirOf(install: PortableInstall, rootFile: string | undefined): string {
  const dir = path.join(updateDir(install.installDir), 'metadata');
  fs.mkdirSync(dir, { recursive: true });
  if (rootFile && fs.existsSync(path.join(dir, 'root.json'))) {
    throw new ContractError(
      'INVALID_INPUT',
      `--root is for the first check only: this installation already trusts a root (${path.join(dir, 'root.json')}), which changes only through signed root updates.`,
    );
  }
  if (!fs.existsSync(path.join(dir, 'root.json'))) {
    const shipped = path.join(install.installDir, 'versions', install.currentVersion, 'app', 'update-root.json');
    const seed = rootFile ?? (fs.existsSync(shipped) ? shipped : undefined);
    if (!seed) {
      throw new ContractError(
        'INVALID_INPUT',
        'This package carries no update root (release build --update-root): give the root of your update repository with --root root.json, received out of band.',
      );
    }
    fs.copyFileSync(seed, path.join(dir, 'root.json'));
  }
  return dir;
}

function updateCancelled(installed: string): ContractError {
  return new ContractError('CANCELLED', `The update was cancelled. Concordat ${installed} is untouched.`);
}

/** A refusal in the update's words: what failed, and that the running version is untouched. */
function updateRefusal(error: ContractError, installed: string): ContractError {
  if (error.code !== 'INTEGRITY') return error;
  const text = error.message
    .replace(/^Feed "[^"]*" refused: /, '')
    .replace(/^Feed "[^"]*" /, '')
    .replace(/ Nothing was changed\.$/, '');
  return new ContractError('INTEGRITY', `Update refused: ${text} Concordat ${installed} is untouched.`, error.details);
}

interface Session {
  install: PortableInstall;
  updater: Updater;
  fetcher: FeedFetcher;
  url: string;
  metadataDir: string;
  /** The package being downloaded, for the download's progress. */
  download: { current: UpdateCandidate | undefined };
}

async function refreshed(options: UpdateOptions): Promise<Session> {
  const install = openInstall(options.installDir);
  const url = sourceUrl(options.installDir, options.from);
  const metadataDir = metadataDirOf(install, options.rootFile);
  const download: Session['download'] = { current: undefined };
  const fetcher = new FeedFetcher({
    ...options.transport,
    partDir: path.join(updateDir(options.installDir), 'partial'),
    signal: options.signal,
    onFileBytes: (fileUrl, bytes) => {
      const pkg = download.current;
      // Target files are named <sha256>.<name> (consistent snapshots).
      if (pkg && fileUrl.includes(pkg.sha256)) {
        options.onProgress?.(`Downloading ${pkg.path}`, bytes, pkg.length);
      }
    },
  });
  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: url,
    targetDir: path.join(updateDir(options.installDir), 'downloads'),
    targetBaseUrl: `${url}targets/`,
    fetcher,
    config: metadataLimits,
  });
  options.onProgress?.(`Checking the signed metadata of ${url}`);
  try {
    await updater.refresh();
  } catch (error) {
    if (options.signal?.aborted) throw updateCancelled(install.currentVersion);
    throw updateRefusal(explainRefusal(REPOSITORY, error, fetcher, options.signal), install.currentVersion);
  }
  // Verified: the next check may leave out --from.
  rememberSource(options.installDir, url);
  return { install, updater, fetcher, url, metadataDir, download };
}

/** The packages for this platform that the verified targets metadata lists, newest first. */
function listedPackages(metadataDir: string): UpdateCandidate[] {
  const targets = (
    JSON.parse(fs.readFileSync(path.join(metadataDir, 'targets.json'), 'utf8')) as { signed: { targets?: Record<string, unknown> } }
  ).signed.targets;
  const found: UpdateCandidate[] = [];
  for (const [targetPath, value] of Object.entries(targets ?? {})) {
    const entry = value as { length?: number; hashes?: { sha256?: string }; custom?: { concordat?: unknown } };
    const custom = appUpdateCustomSchema.safeParse(entry.custom?.concordat);
    if (!custom.success || custom.data.platform !== packagePlatform) continue;
    if (typeof entry.length !== 'number' || typeof entry.hashes?.sha256 !== 'string') continue;
    found.push({ path: targetPath, version: custom.data.version, length: entry.length, sha256: entry.hashes.sha256 });
  }
  return found.sort((a, b) => compareVersions(b.version, a.version));
}

function judge(session: Session): UpdateCheck {
  const newest = listedPackages(session.metadataDir)[0] ?? null;
  const installed = session.install.currentVersion;
  const order = newest ? compareVersions(newest.version, installed) : 0;
  const status = !newest ? 'none' : order > 0 ? 'available' : order === 0 ? 'current' : 'older';
  return { installed, newest, status, source: session.url };
}

/** A downgrade is never applied as an update: refused, naming both versions. */
function downgradeRefusal(check: UpdateCheck): ContractError {
  return new ContractError(
    'INTEGRITY',
    `Update refused: rollback: the repository's newest package is Concordat ${check.newest!.version}, older than the installed ${check.installed}. ` +
      `A downgrade is never applied as an update (use \`concordat update rollback\` to return to the version kept). Concordat ${check.installed} is untouched.`,
    { reason: 'rollback', newest: check.newest!.version, installed: check.installed },
  );
}
function rememberSource(installDir: string, url: string): void {
  fs.writeFileSync(path.join(updateDir(installDir), 'source.json'), `${JSON.stringify({ location: url }, null, 2)}\n`);
}

export async function checkForUpdate(options: UpdateOptions): Promise<UpdateCheck> {
  const session = await refreshed(options);
  const check = judge(session);
  return check;
}

export interface UpdateApplied extends UpdateCheck {
  applied: boolean;
  previous: string | null;
}

/** Checks, downloads the newest package (length and SHA-256 checked against the signed targets), unpacks, swaps. */
export async function applyUpdate(options: UpdateOptions): Promise<UpdateApplied> {
  const session = await refreshed(options);
  const check = judge(session);
  if (check.status === 'older') throw downgradeRefusal(check);
  if (check.status !== 'available' || !check.newest) return { ...check, applied: false, previous: null };
  const installed = session.install.currentVersion;
  const info = await session.updater.getTargetInfo(check.newest.path);
  if (!info) throw new ContractError('INTERNAL', `${check.newest.path} vanished from the verified targets.`);
  const downloads = path.join(updateDir(options.installDir), 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  const file = path.join(downloads, path.basename(check.newest.path));
  options.onProgress?.(`Downloading ${check.newest.path} (${(check.newest.length / 1e6).toFixed(1)} MB)`);
  session.download.current = check.newest;
  try {
    await session.updater.downloadTarget(info, file);
  } catch (error) {
    if (options.signal?.aborted) throw updateCancelled(installed);
    const name = (error as Error).constructor?.name ?? '';
    if (name === 'LengthOrHashMismatchError' || name === 'DownloadLengthMismatchError') {
      throw new ContractError(
        'INTEGRITY',
        `Update refused: ${check.newest.path} does not match the length and SHA-256 its signed metadata lists (a tampered or damaged copy). Concordat ${installed} is untouched.`,
        { reason: 'hash-mismatch', path: check.newest.path },
      );
    }
    throw updateRefusal(explainRefusal(REPOSITORY, error, session.fetcher, options.signal), installed);
  }
  let unpacked: string;
  try {
    options.onProgress?.(`Unpacking Concordat ${check.newest.version} beside ${installed}`);
    unpacked = await unpackVersion(session.install, file, check.newest.version);
  } finally {
    fs.rmSync(file, { force: true });
  }
  // The last moment a cancel counts: after the switch the update is done.
  if (options.signal?.aborted) {
    fs.rmSync(unpacked, { recursive: true, force: true });
    throw updateCancelled(installed);
  }
  options.onProgress?.(`Switching to Concordat ${check.newest.version}`);
  switchTo(session.install, check.newest.version);
  return { ...check, applied: true, previous: installed };
}
