import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { ContractError } from '../../../shared/contract/errors';
import { sha256File } from './releaseFolder';

/**
 * The portable browser-mode package for Linux x64: everything to run `concordat start` without install rights.
 * Unpacked, it is an install folder:
 *
 *   concordat-<version>-linux-x64/
 *     concordat                    launcher: runs the version `current` points at with that version's own Node
 *     current -> versions/<v>      the running version; an update swaps this link atomically
 *     versions/<v>/app/            the built app (out/node, out/renderer, the CLI launcher), its native runtime
 *                                  dependencies (better-sqlite3 built for this Node's ABI), portable.json
 *     versions/<v>/node/bin/node   the Node runtime that built it (the ABI the addon was built for)
 *
 * Updates (`concordat update apply`) add versions/<new>/ beside it and move `current`; the older version stays for
 * a rollback. Reproducible: the archive lists its entries in sorted order, with one fixed time (the commit's, or
 * SOURCE_DATE_EPOCH), normalised modes and no owner names, and gzip writes no time or host into its header, so two
 * builds of one commit with the same Node give the same bytes.
 */
export const packagePlatform = 'linux-x64';
export const portableManifestName = 'portable.json';

export interface PortableManifest {
  name: 'concordat';
  version: string;
  commit: string;
  platform: typeof packagePlatform;
  node: string;
  /** The release key this build was signed with (minisign key id), when the build was signed. */
  releaseKeyId?: string;
}

export interface PortableBuildInput {
  /** A built source checkout: package.json, electron/cli/bin.cjs, out/node, out/renderer, node_modules. */
  appRoot: string;
  nodeBinary: string;
  version: string;
  commit: string;
  /** Seconds since 1970: every entry's time. */
  epochSeconds: number;
  outDir: string;
  /** Extra files for the app folder (name → contents): the release public key, the update root. */
  extraAppFiles?: Record<string, string>;
  releaseKeyId?: string;
}

export interface PortableBuildResult {
  file: string;
  name: string;
  bytes: number;
  sha256: string;
}

/**
 * Native runtime dependencies (the bundles keep only better-sqlite3 outside): what each needs at run time. Not
 * better-sqlite3's sources, build intermediates or its install-time `prebuild-install`.
 */
const runtimeModules: Record<string, (relative: string) => boolean> = {
  'better-sqlite3': (rel) =>
    rel === 'package.json' || rel === 'LICENSE' || rel.startsWith('lib/') || rel === 'build/Release/better_sqlite3.node',
  bindings: () => true,
  'file-uri-to-path': () => true,
};

export function packageName(version: string): string {
  return `concordat-${version}-${packagePlatform}`;
}

const launcher = `#!/bin/sh
# Concordat portable launcher: runs the version that "current" points at, with the Node runtime it shipped with.
# \`./concordat start\` opens browser mode; \`./concordat --help\` lists every command.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P) || exit 1
# The link is read once, so an update switching it meanwhile cannot pair one version's Node with another's app.
version=$(readlink "$here/current") || exit 1
exec "$here/$version/node/bin/node" "$here/$version/app/electron/cli/bin.cjs" "$@"
`;

function walk(dir: string, keep: (relative: string) => boolean, base = dir): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = path.relative(base, full).split(path.sep).join('/');
    if (entry.isDirectory()) found.push(...walk(full, keep, base));
    else if (entry.isFile() && keep(relative)) found.push(relative);
  }
  return found;
}

function copyInto(from: string, to: string, mode: number): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, mode);
}

function requireBuilt(appRoot: string): void {
  for (const needed of [
    'out/node/cli.cjs',
    'out/renderer/index.html',
    'electron/cli/bin.cjs',
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  ]) {
    if (!fs.existsSync(path.join(appRoot, needed))) {
      throw new ContractError('NOT_FOUND', `${path.join(appRoot, needed)} is missing: build first (\`npm ci\`, then \`npm run build\`).`);
    }
  }
}

/** Stages the install folder in `stage`; returns the package's top folder name. */
function stagePackage(input: PortableBuildInput, stage: string): string {
  const top = packageName(input.version);
  const versionDir = path.join(stage, top, 'versions', input.version);
  const appDir = path.join(versionDir, 'app');
  const notMap = (rel: string) => !rel.endsWith('.map');
  for (const sub of ['out/node', 'out/renderer']) {
    for (const rel of walk(path.join(input.appRoot, sub), notMap))
      copyInto(path.join(input.appRoot, sub, rel), path.join(appDir, sub, rel), 0o644);
  }
  copyInto(path.join(input.appRoot, 'electron/cli/bin.cjs'), path.join(appDir, 'electron/cli/bin.cjs'), 0o755);
  for (const [name, keep] of Object.entries(runtimeModules)) {
    const from = path.join(input.appRoot, 'node_modules', name);
    for (const rel of walk(from, keep))
      copyInto(path.join(from, rel), path.join(appDir, 'node_modules', name, rel), rel.endsWith('.node') ? 0o755 : 0o644);
  }
  const pkg = { name: 'concordat', version: input.version, private: true, main: 'out/node/main.cjs' };
  const manifest: PortableManifest = {
    name: 'concordat',
    version: input.version,
    commit: input.commit,
    platform: packagePlatform,
    node: process.version,
    ...(input.releaseKeyId ? { releaseKeyId: input.releaseKeyId } : {}),
  };
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    [portableManifestName]: `${JSON.stringify(manifest, null, 2)}\n`,
    ...input.extraAppFiles,
  };
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(appDir, name)), { recursive: true });
    fs.writeFileSync(path.join(appDir, name), contents, { mode: 0o644 });
    fs.chmodSync(path.join(appDir, name), 0o644);
  }
  copyInto(input.nodeBinary, path.join(versionDir, 'node', 'bin', 'node'), 0o755);
  fs.writeFileSync(path.join(stage, top, 'concordat'), launcher);
  fs.chmodSync(path.join(stage, top, 'concordat'), 0o755);
  fs.symlinkSync(path.posix.join('versions', input.version), path.join(stage, top, 'current'));
  return top;
}

/** Every entry under `top`, folders included, in one fixed (byte-wise sorted) order. */
function sortedEntries(stage: string, top: string): string[] {
  const entries: string[] = [];
  const visit = (relative: string) => {
    entries.push(relative);
    const full = path.join(stage, relative);
    const stat = fs.lstatSync(full);
    if (!stat.isDirectory()) return;
    fs.chmodSync(full, 0o755);
    for (const name of fs.readdirSync(full).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) visit(`${relative}/${name}`);
  };
  visit(top);
  return entries;
}

export async function buildPortablePackage(input: PortableBuildInput): Promise<PortableBuildResult> {
  requireBuilt(input.appRoot);
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(input.version)) {
    throw new ContractError('INVALID_INPUT', `"${input.version}" is not a release version (MAJOR.MINOR.PATCH).`);
  }
  fs.mkdirSync(input.outDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-package-'));
  try {
    const top = stagePackage(input, stage);
    const name = `${top}.tar.gz`;
    const file = path.join(input.outDir, name);
    const partial = `${file}.partial`;
    await tar.create(
      {
        cwd: stage,
        file: partial,
        gzip: { level: 9 },
        portable: true,
        noDirRecurse: true,
        mtime: new Date(input.epochSeconds * 1000),
      },
      sortedEntries(stage, top),
    );
    fs.renameSync(partial, file);
    return { file, name, bytes: fs.statSync(file).size, sha256: await sha256File(file) };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * The manifest a portable package carries (versions/<v>/app/portable.json), read from the archive without
 * unpacking it; undefined when the file is not such a package.
 */
export async function readPackageManifest(file: string): Promise<PortableManifest | undefined> {
  let text: string | undefined;
  try {
    await tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (/^concordat-[^/]+\/versions\/[^/]+\/app\/portable\.json$/.test(entry.path)) {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => chunks.push(chunk));
          entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')));
        } else entry.resume();
      },
    });
  } catch {
    return undefined;
  }
  try {
    return text === undefined ? undefined : (JSON.parse(text) as PortableManifest);
  } catch {
    return undefined;
  }
}
