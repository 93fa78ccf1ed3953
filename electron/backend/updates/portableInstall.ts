import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import { packageName, packagePlatform, portableManifestName } from '../release/portablePackage';

/**
 * A portable installation (release/portablePackage.ts): `current` is a symbolic link to `versions/<v>`, which the
 * launcher follows. An update unpacks the new version beside the running one, checks it starts, then replaces
 * `current` by renaming a new link over it (rename(2) is atomic: a launch sees the old or the new version, never
 * a mix). `previous` points at the version replaced, kept for `concordat update rollback`.
 */
export interface PortableInstall {
  installDir: string;
  currentVersion: string;
  previousVersion: string | undefined;
}

const manifestSchema = z.object({ name: z.literal('concordat'), version: z.string(), platform: z.string() }).passthrough();

function linkedVersion(installDir: string, link: string): string | undefined {
  let target: string;
  try {
    target = fs.readlinkSync(path.join(installDir, link));
  } catch {
    return undefined;
  }
  const match = /^versions\/([^/]+)$/.exec(target);
  return match?.[1];
}

function manifestOf(versionDir: string): z.infer<typeof manifestSchema> | undefined {
  try {
    return manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(versionDir, 'app', portableManifestName), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Opens the installation at `installDir`; refuses a folder that is not one. */
export function openInstall(installDir: string): PortableInstall {
  const currentVersion = linkedVersion(installDir, 'current');
  const manifest = currentVersion ? manifestOf(path.join(installDir, 'versions', currentVersion)) : undefined;
  if (!currentVersion || !manifest || manifest.version !== currentVersion) {
    throw new ContractError(
      'INVALID_INPUT',
      `${installDir} is not a portable Concordat installation (expected "current" linking to versions/<version> with app/${portableManifestName}). ` +
        'Desktop installations update through the desktop app.',
    );
  }
  const previous = linkedVersion(installDir, 'previous');
  return {
    installDir,
    currentVersion,
    previousVersion: previous && fs.existsSync(path.join(installDir, 'versions', previous)) ? previous : undefined,
  };
}

/** Points `link` at versions/<version> atomically: a new link under a temporary name renamed over the old one. */
function relink(installDir: string, link: string, version: string): void {
  const temporary = path.join(installDir, `.${link}-${crypto.randomUUID()}`);
  fs.symlinkSync(path.posix.join('versions', version), temporary);
  fs.renameSync(temporary, path.join(installDir, link));
}

/**
 * Unpacks a verified package into versions/<version> (through a temporary folder, renamed when complete), taking
 * only that version's folder, regular files and folders (no links, nothing outside), then checks that the new
 * version's Node starts its CLI (`--version`), before anything points at it. A version already unpacked but not
 * current is replaced.
 */
export async function unpackVersion(install: PortableInstall, packageFile: string, version: string): Promise<string> {
  const top = packageName(version);
  const prefix = `${top}/versions/${version}/`;
  const versionsDir = path.join(install.installDir, 'versions');
  const incoming = path.join(versionsDir, `.incoming-${crypto.randomUUID()}`);
  fs.mkdirSync(incoming, { recursive: true });
  try {
    let taken = 0;
    await tar.extract({
      file: packageFile,
      cwd: incoming,
      strip: 3,
      strict: true,
      filter: (entryPath, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        const keep = entryPath.startsWith(prefix) && (type === 'File' || type === 'Directory');
        if (keep) taken++;
        return keep;
      },
    });
    const manifest = manifestOf(incoming);
    if (taken === 0 || !manifest || manifest.version !== version || manifest.platform !== packagePlatform) {
      throw new ContractError(
        'INTEGRITY',
        `The package does not hold Concordat ${version} for ${packagePlatform} (found ${manifest ? `${manifest.version} for ${manifest.platform}` : 'no package manifest'}).`,
        { reason: 'malformed' },
      );
    }
    const started = spawnSync(
      path.join(incoming, 'node', 'bin', 'node'),
      [path.join(incoming, 'app', 'electron', 'cli', 'bin.cjs'), '--version'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CONCORDAT_DATA_DIR: '' },
      },
    );
    if (started.status !== 0 || !/^\d+\.\d+\.\d+/.test(started.stdout)) {
      throw new ContractError(
        'INTEGRITY',
        `Concordat ${version} did not start on this machine (${(started.stderr || started.error?.message || '').trim().slice(0, 300)}).`,
        {
          reason: 'does-not-start',
        },
      );
    }
    const target = path.join(versionsDir, version);
    if (version === install.currentVersion) throw new ContractError('CONFLICT', `Concordat ${version} is the running version.`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(incoming, target);
    return target;
  } finally {
    fs.rmSync(incoming, { recursive: true, force: true });
  }
}

/** Makes `version` current and remembers the version it replaces as `previous`. */
export function switchTo(install: PortableInstall, version: string): PortableInstall {
  if (!manifestOf(path.join(install.installDir, 'versions', version))) {
    throw new ContractError('NOT_FOUND', `Concordat ${version} is not unpacked in ${install.installDir}.`);
  }
  // `previous` first: a crash between the two renames leaves the old version running and remembered.
  relink(install.installDir, 'previous', install.currentVersion);
  relink(install.installDir, 'current', version);
  return { installDir: install.installDir, currentVersion: version, previousVersion: install.currentVersion };
}

/** Returns to the version an update replaced. */
export function rollBack(install: PortableInstall): PortableInstall {
  if (!install.previousVersion) {
    throw new ContractError('NOT_FOUND', `No earlier version is kept in ${install.installDir}: there is nothing to roll back to.`);
  }
  return switchTo(install, install.previousVersion);
}
