import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { buildPortablePackage } from '../../../electron/backend/release/portablePackage';
import { tempDir } from '../../helpers/tempDir';

/** A stand-in for a built checkout: the files the packager takes, small. */
function fakeCheckout(): string {
  const root = tempDir();
  const files: Record<string, string> = {
    'package.json': '{"name":"concordat","version":"1.2.3"}',
    'electron/cli/bin.cjs': '// launcher',
    'out/node/cli.cjs': '// cli bundle',
    'out/node/cli.cjs.map': '{}',
    'out/renderer/index.html': '<!doctype html>',
    'out/renderer/assets/app.js': '// renderer',
    'node_modules/better-sqlite3/package.json': '{}',
    'node_modules/better-sqlite3/lib/index.js': '// lib',
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node': 'addon',
    'node_modules/better-sqlite3/build/Release/obj/x.o': 'object file',
    'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c': 'amalgamation',
    'node_modules/bindings/package.json': '{}',
    'node_modules/file-uri-to-path/package.json': '{}',
    'node_modules/prebuild-install/package.json': '{}',
    'node-binary': 'pretend node',
  };
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), contents);
  }
  return root;
}

async function entriesOf(file: string): Promise<Array<{ path: string; mode: number; type: string; linkpath?: string }>> {
  const entries: Array<{ path: string; mode: number; type: string; linkpath?: string }> = [];
  await tar.list({
    file,
    onReadEntry: (e) => entries.push({ path: e.path, mode: e.mode ?? 0, type: e.type, ...(e.linkpath ? { linkpath: e.linkpath } : {}) }),
  });
  return entries;
}

describe('portable package', () => {
  const build = (root: string, outDir: string) =>
    buildPortablePackage({
      appRoot: root,
      nodeBinary: path.join(root, 'node-binary'),
      version: '1.2.3',
      commit: 'c0ffee',
      epochSeconds: 1_800_000_000,
      outDir,
      extraAppFiles: { 'release-key.pub': 'public key text' },
    });

  it('gives the same bytes from two builds, whatever the files’ times, modes and the umask', async () => {
    const root = fakeCheckout();
    const first = await build(root, tempDir());
    // Another build machine: other file times, other permission bits, another umask.
    for (const rel of ['out/node/cli.cjs', 'node_modules/better-sqlite3/lib/index.js']) {
      fs.utimesSync(path.join(root, rel), new Date(2001, 1, 1), new Date(2001, 1, 1));
      fs.chmodSync(path.join(root, rel), 0o600);
    }
    const umask = process.umask(0o077);
    let second;
    try {
      second = await build(root, tempDir());
    } finally {
      process.umask(umask);
    }
    expect(second.sha256).toBe(first.sha256);
    expect(fs.readFileSync(second.file).equals(fs.readFileSync(first.file))).toBe(true);
    // …and a different input gives different bytes (the comparison can fail).
    fs.writeFileSync(path.join(root, 'out/node/cli.cjs'), '// changed');
    expect((await build(root, tempDir())).sha256).not.toBe(first.sha256);
  });

  it('holds the install layout: launcher, current → this version, the app, its runtime modules and Node, nothing else', async () => {
    const root = fakeCheckout();
    const built = await build(root, tempDir());
    expect(built.name).toBe('concordat-1.2.3-linux-x64.tar.gz');
    const entries = await entriesOf(built.file);
    const top = 'concordat-1.2.3-linux-x64/';
    const v = `${top}versions/1.2.3/`;
    const files = entries.filter((e) => e.type === 'File').map((e) => e.path);
    expect(files.sort()).toEqual(
      [
        `${top}concordat`,
        `${v}app/electron/cli/bin.cjs`,
        `${v}app/node_modules/better-sqlite3/build/Release/better_sqlite3.node`,
        `${v}app/node_modules/better-sqlite3/lib/index.js`,
        `${v}app/node_modules/better-sqlite3/package.json`,
        `${v}app/node_modules/bindings/package.json`,
        `${v}app/node_modules/file-uri-to-path/package.json`,
        `${v}app/out/node/cli.cjs`,
        `${v}app/out/renderer/assets/app.js`,
        `${v}app/out/renderer/index.html`,
        `${v}app/package.json`,
        `${v}app/portable.json`,
        `${v}app/release-key.pub`,
        `${v}node/bin/node`,
      ].sort(),
    );
    expect(entries.find((e) => e.path === `${top}current`)).toMatchObject({ type: 'SymbolicLink', linkpath: 'versions/1.2.3' });
    expect(entries.find((e) => e.path === `${top}concordat`)!.mode & 0o777).toBe(0o755);
    expect(entries.find((e) => e.path === `${v}node/bin/node`)!.mode & 0o777).toBe(0o755);
    expect(entries.find((e) => e.path === `${v}app/out/node/cli.cjs`)!.mode & 0o777).toBe(0o644);
    // Depth first, each folder's names in byte order: the archive's order does not depend on the file system's.
    const children = entries
      .filter((e) => e.path.startsWith(`${v}app/out/renderer/`) && e.path !== `${v}app/out/renderer/`)
      .map((e) => e.path);
    expect(children).toEqual([`${v}app/out/renderer/assets/`, `${v}app/out/renderer/assets/app.js`, `${v}app/out/renderer/index.html`]);
  });

  it('refuses a checkout that is not built, naming what is missing', async () => {
    const root = fakeCheckout();
    fs.rmSync(path.join(root, 'out/node/cli.cjs'));
    await expect(build(root, tempDir())).rejects.toThrow(/out\/node\/cli.cjs is missing: build first/);
  });
});
