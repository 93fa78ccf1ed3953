import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';

/**
 * The release as an agency receives it: `concordat release build` (what `npm run release` runs after building)
 * makes the portable package, SHA256SUMS and its signature; they are checked with `concordat release verify` and
 * the standard minisign; the package is unpacked elsewhere, started on a fresh data directory and its UI loaded
 * in Chromium.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'electron/cli/bin.cjs');
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
const tarball = `concordat-${version}-linux-x64.tar.gz`;
const hasMinisign = spawnSync('minisign', ['-v']).status === 0;

function run(command: string, args: string[], cwd = root) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CONCORDAT_DATA_DIR: '' }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.describe.configure({ mode: 'serial' });

let work: string;
let releaseDir: string;
let pub: string;
let started: ChildProcess | undefined;

test.beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-release-e2e-'));
  const keygen = run(process.execPath, [cli, 'release', 'keygen', '--out', path.join(work, 'keys')]);
  expect(keygen.code, keygen.stderr).toBe(0);
  pub = path.join(work, 'keys', 'concordat.pub');
  releaseDir = path.join(work, 'release');
  const built = run(process.execPath, [
    cli,
    'release',
    'build',
    '--out',
    releaseDir,
    '--key',
    path.join(work, 'keys', 'concordat-release.key'),
  ]);
  expect(built.code, built.stderr).toBe(0);
});

test.afterAll(async () => {
  if (started && started.exitCode === null) {
    started.kill('SIGINT');
    await new Promise((r) => started!.once('exit', r));
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('the release folder holds the package, SHA256SUMS and its minisign signature, and verifies', () => {
  expect(fs.readdirSync(releaseDir).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.minisig', tarball]);
  const verified = run(process.execPath, [cli, 'release', 'verify', releaseDir, '--pub', pub]);
  expect(verified.code, verified.stderr).toBe(0);
  expect(verified.stdout).toContain(`OK      ${tarball}`);
  expect(run('sha256sum', ['-c', 'SHA256SUMS'], releaseDir).code).toBe(0);
});

test('the standard minisign accepts the signature', () => {
  test.skip(!hasMinisign, 'minisign is not installed (apt-get install -y minisign): checked with concordat release verify only');
  const checked = run('minisign', ['-Vm', path.join(releaseDir, 'SHA256SUMS'), '-p', pub]);
  expect(checked.code, checked.stderr).toBe(0);
  expect(checked.stdout).toContain(`release:concordat ${version}`);
});

test('a one-byte change in any file of the release fails verification', () => {
  for (const name of [tarball, 'SHA256SUMS']) {
    const file = path.join(releaseDir, name);
    const original = fs.readFileSync(file);
    const changed = Buffer.from(original);
    const at = Math.floor(original.length / 2);
    changed[at] = changed[at]! ^ 0x20;
    fs.writeFileSync(file, changed);
    const refused = run(process.execPath, [cli, 'release', 'verify', releaseDir, '--pub', pub]);
    if (hasMinisign && name === 'SHA256SUMS') expect(run('minisign', ['-Vm', file, '-p', pub]).code).not.toBe(0);
    fs.writeFileSync(file, original);
    expect(refused.code, name).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(
      name === tarball ? /FAILED {2}concordat-.*differs from the signed/ : /does not match the signed file/,
    );
  }
  expect(run(process.execPath, [cli, 'release', 'verify', releaseDir, '--pub', pub]).code).toBe(0);
});

test('two builds of the same commit give the same bytes: package, SHA256SUMS and signature', () => {
  const again = path.join(work, 'again');
  const built = run(process.execPath, [cli, 'release', 'build', '--out', again, '--key', path.join(work, 'keys', 'concordat-release.key')]);
  expect(built.code, built.stderr).toBe(0);
  for (const name of [tarball, 'SHA256SUMS', 'SHA256SUMS.minisig']) {
    expect(fs.readFileSync(path.join(again, name)).equals(fs.readFileSync(path.join(releaseDir, name))), name).toBe(true);
  }
  fs.rmSync(again, { recursive: true });
});

test('unpacked anywhere, ./concordat start opens browser mode on a fresh data directory and the UI loads', async ({ browser }) => {
  const unpacked = path.join(work, 'somewhere else');
  fs.mkdirSync(unpacked);
  expect(run('tar', ['-xzf', path.join(releaseDir, tarball), '-C', unpacked]).code).toBe(0);
  const installDir = path.join(unpacked, tarball.replace(/\.tar\.gz$/, ''));
  // The installed package checks a release with the key it was built with, no --pub needed.
  const selfCheck = run(path.join(installDir, 'concordat'), ['release', 'verify', releaseDir], installDir);
  expect(selfCheck.code, selfCheck.stderr).toBe(0);

  const dataDir = path.join(work, 'fresh data');
  started = spawn(path.join(installDir, 'concordat'), ['start', '--data-dir', dataDir], {
    cwd: os.tmpdir(),
    env: { ...process.env, CONCORDAT_DATA_DIR: '', PATH: '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  started.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`./concordat start printed no URL in 60 s. stderr: ${stderr}`)), 60_000);
    started!.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /Concordat is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    started!.on('exit', (code) => reject(new Error(`./concordat start exited (${code}): ${stderr}`)));
  });
  expect(stderr).not.toContain('No Electron binary');
  const page = await browser.newPage();
  await page.goto(url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // The fresh data directory gets the demo snapshot, served by the packaged backend and its own better-sqlite3.
  await expect.poll(() => stderr, { timeout: 90_000 }).toContain('Demo snapshot loaded.');
  expect(fs.existsSync(path.join(dataDir, 'concordat.db'))).toBe(true);
  await page.close();
});
