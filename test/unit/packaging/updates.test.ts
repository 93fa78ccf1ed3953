import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFeedKey, type FeedSigningKey } from '../../../electron/backend/feeds/keys';
import { buildPortablePackage } from '../../../electron/backend/release/portablePackage';
import { compareVersions } from '../../../electron/backend/updates/updateClient';
import { initUpdateRepository, publishUpdate, renewTimestamp, rotateUpdateKeys } from '../../../electron/backend/updates/updateRepository';
import { cliBin, ensureBuilt, projectRoot } from '../../helpers/cli';

/**
 * Updates of the portable package, end to end with real parts: real packages (this checkout's build, this Node),
 * a real TUF repository on disk, read as a folder (a USB stick) or over HTTP on 127.0.0.1, and the installed
 * package's own `./concordat update …`.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-updates-'));
const keys = {
  root: [generateFeedKey(), generateFeedKey()],
  targets: generateFeedKey(),
  snapshot: generateFeedKey(),
  timestamp: generateFeedKey(),
};
const roleKeys = () => ({ targets: keys.targets, snapshot: keys.snapshot, timestamp: keys.timestamp });
const repo = path.join(work, 'repo');
const packages = path.join(work, 'packages');
const pkgFile = (version: string) => path.join(packages, `concordat-${version}-linux-x64.tar.gz`);

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, CONCORDAT_DATA_DIR: '' }, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Unpacks the 1.0.0 package into a new folder: a fresh installation. */
function install(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  expect(run('tar', ['-xzf', pkgFile('1.0.0'), '-C', dir]).code).toBe(0);
  return path.join(dir, 'concordat-1.0.0-linux-x64');
}

/** `./concordat update …` of an installation, as its user types it. */
function update(installDir: string, args: string[]) {
  const r = run(path.join(installDir, 'concordat'), ['update', ...args, '--json']);
  return { ...r, json: r.code === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined };
}

/** The same, without blocking this process's event loop (which serves the HTTP repository). */
function updateAsync(installDir: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(installDir, 'concordat'),
      ['update', ...args],
      { env: { ...process.env, CONCORDAT_DATA_DIR: '' }, timeout: 180_000 },
      (error, _stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

const current = (installDir: string) => fs.readlinkSync(path.join(installDir, 'current'));

function copyRepo(name: string): string {
  const copy = path.join(work, name);
  fs.cpSync(repo, copy, { recursive: true });
  return copy;
}

let server: http.Server;
let serverUrl: string;

beforeAll(async () => {
  ensureBuilt();
  initUpdateRepository({ outDir: repo, rootKeys: keys.root, rootThreshold: 2, ...roleKeys() });
  const root = fs.readFileSync(path.join(repo, 'root.json'), 'utf8');
  for (const version of ['0.9.0', '1.0.0', '1.1.0']) {
    await buildPortablePackage({
      appRoot: projectRoot,
      nodeBinary: process.execPath,
      version,
      commit: 'test',
      epochSeconds: 1_800_000_000,
      outDir: packages,
      extraAppFiles: { 'update-root.json': root },
    });
  }
  await publishUpdate({ repoDir: repo, packages: [{ file: pkgFile('1.0.0'), version: '1.0.0', platform: 'linux-x64' }], ...roleKeys() });
  fs.cpSync(repo, path.join(work, 'repo-v1'), { recursive: true }); // timestamp version 1, listing 1.0.0 only
  await publishUpdate({ repoDir: repo, packages: [{ file: pkgFile('1.1.0'), version: '1.1.0', platform: 'linux-x64' }], ...roleKeys() });
  server = http.createServer((req, res) => {
    const file = path.join(repo, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!file.startsWith(repo) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}, 240_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('updates of the portable package', () => {
  it('from a USB folder, offline: check, apply (atomic switch, old version kept, new version starts), rollback', () => {
    const installDir = install('usb-install');
    const usb = copyRepo('usb-stick');
    const check = update(installDir, ['check', '--from', usb]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.json).toMatchObject({ installed: '1.0.0', status: 'available', newest: { version: '1.1.0' } });
    expect(current(installDir)).toBe('versions/1.0.0');

    const applied = update(installDir, ['apply']); // the source remembered from the check
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toMatch(/^Downloading concordat-1\.1\.0-linux-x64\.tar\.gz \d+%$/m);
    expect(applied.json).toMatchObject({ applied: true, previous: '1.0.0', newest: { version: '1.1.0' } });
    expect(current(installDir)).toBe('versions/1.1.0');
    expect(fs.readlinkSync(path.join(installDir, 'previous'))).toBe('versions/1.0.0');
    expect(fs.existsSync(path.join(installDir, 'versions/1.0.0/node/bin/node'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(installDir, 'current/app/portable.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe('1.1.0');
    expect(run(path.join(installDir, 'concordat'), ['--help']).code).toBe(0);
    // Nothing left behind: no partial folders, no downloaded package.
    expect(fs.readdirSync(path.join(installDir, 'versions')).sort()).toEqual(['1.0.0', '1.1.0']);

    const again = update(installDir, ['apply']);
    expect(again.json).toMatchObject({ applied: false, status: 'current' });
    const back = update(installDir, ['rollback']);
    expect(back.code, back.stderr).toBe(0);
    expect(current(installDir)).toBe('versions/1.0.0');
  });

  it('online over HTTP on 127.0.0.1, with the same checks', async () => {
    const installDir = install('online-install');
    const applied = await updateAsync(installDir, ['apply', '--from', serverUrl]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(current(installDir)).toBe('versions/1.1.0');
  });

  it('cancels on Ctrl-C while downloading, and the running version is untouched', async () => {
    const installDir = install('cancel-install');
    // A host that sends the package slowly (64 KiB every 50 ms), so the download is still running when Ctrl-C comes.
    const slow = http.createServer((req, res) => {
      const file = path.join(repo, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      if (!file.startsWith(repo) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Length': fs.statSync(file).size });
      if (!file.endsWith('.tar.gz')) return void fs.createReadStream(file).pipe(res);
      const stream = fs.createReadStream(file, { highWaterMark: 65_536 });
      stream.on('data', (chunk) => {
        stream.pause();
        res.write(chunk);
        setTimeout(() => stream.resume(), 50);
      });
      stream.on('end', () => res.end());
      res.on('close', () => stream.destroy());
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const child = spawn(
        path.join(installDir, 'concordat'),
        ['update', 'apply', '--from', `http://127.0.0.1:${(slow.address() as { port: number }).port}/`],
        {
          env: { ...process.env, CONCORDAT_DATA_DIR: '' },
        },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await expect.poll(() => stderr, { timeout: 60_000 }).toMatch(/Downloading concordat-1\.1\.0-linux-x64\.tar\.gz/);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(130);
      expect(stderr).toContain('The update was cancelled. Concordat 1.0.0 is untouched.');
      expect(current(installDir)).toBe('versions/1.0.0');
      expect(fs.readdirSync(path.join(installDir, 'versions'))).toEqual(['1.0.0']);
    } finally {
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('refuses a tampered package, and the running version is untouched', () => {
    const installDir = install('tampered-install');
    const tampered = copyRepo('tampered-repo');
    const stored = fs.readdirSync(path.join(tampered, 'targets')).find((n) => n.endsWith('1.1.0-linux-x64.tar.gz'))!;
    const file = path.join(tampered, 'targets', stored);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    const refused = update(installDir, ['apply', '--from', tampered]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Update refused: concordat-1.1.0-linux-x64.tar.gz does not match the length and SHA-256 its signed metadata lists (a tampered or damaged copy). Concordat 1.0.0 is untouched.',
    );
    expect(current(installDir)).toBe('versions/1.0.0');
    expect(fs.readdirSync(path.join(installDir, 'versions'))).toEqual(['1.0.0']);
  });

  it('refuses a frozen repository (its timestamp expired)', async () => {
    const installDir = install('frozen-install');
    const frozen = copyRepo('frozen-repo');
    await publishUpdate({ repoDir: frozen, packages: [], ...roleKeys(), now: new Date(Date.now() - 3 * 86_400_000) });
    const refused = update(installDir, ['check', '--from', frozen]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^Update refused: freeze: the feed's timestamp expired on \d{4}-\d\d-\d\dT[\d:]+Z\..* Concordat 1\.0\.0 is untouched\.$/m,
    );
    expect(current(installDir)).toBe('versions/1.0.0');
  });

  it('refuses a rollback: older metadata than already seen, and an older package than installed', async () => {
    const installDir = install('rollback-install');
    expect(update(installDir, ['check', '--from', repo]).code).toBe(0); // has now seen timestamp version 2
    const replayed = update(installDir, ['apply', '--from', path.join(work, 'repo-v1')]);
    expect(replayed.code).toBe(1);
    expect(replayed.stderr).toContain('Update refused: rollback: the feed offers timestamp version 1, older than version 2 already seen.');
    expect(current(installDir)).toBe('versions/1.0.0');

    const downgrade = install('downgrade-install');
    // A repository whose newest package is older than the installed version (a valid, signed, old listing).
    const older = copyRepo('older-repo');
    fs.rmSync(path.join(older, 'timestamp.json'));
    for (const f of fs.readdirSync(older).filter((n) => /^\d+\.(snapshot|targets)\.json$/.test(n))) fs.rmSync(path.join(older, f));
    await publishUpdate({ repoDir: older, packages: [{ file: pkgFile('0.9.0'), version: '0.9.0', platform: 'linux-x64' }], ...roleKeys() });
    const told = update(downgrade, ['check', '--from', older]);
    expect(told.code, told.stderr).toBe(0);
    expect(told.json).toMatchObject({ status: 'older', installed: '1.0.0', newest: { version: '0.9.0' } });
    const refused = update(downgrade, ['apply', '--from', older]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "Update refused: rollback: the repository's newest package is Concordat 0.9.0, older than the installed 1.0.0.",
    );
    expect(current(downgrade)).toBe('versions/1.0.0');
  });

  it('refuses mix-and-match: a snapshot that is not the one the timestamp pins', () => {
    const installDir = install('mix-install');
    const mixed = copyRepo('mixed-repo');
    // The newest snapshot's name, with the older snapshot's (validly signed) content.
    fs.copyFileSync(path.join(mixed, '1.snapshot.json'), path.join(mixed, '2.snapshot.json'));
    const refused = update(installDir, ['check', '--from', mixed]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Update refused: mix-and-match: 2.snapshot.json does not match the length and SHA-256 that the signed timestamp pins',
    );
    expect(current(installDir)).toBe('versions/1.0.0');
  });

  it('keeps every role on its own key, root at a threshold of 2, and rotates a key through a new root', async () => {
    const k = () => generateFeedKey();
    const two = [k(), k()];
    const dir = (name: string) => path.join(work, name);
    const same = k();
    expect(() => initUpdateRepository({ outDir: dir('a'), rootKeys: two, targets: same, snapshot: k(), timestamp: same })).toThrow(
      /is given for targets and for timestamp: every role of the update repository has its own key/,
    );
    expect(() => initUpdateRepository({ outDir: dir('b'), rootKeys: [k()], rootThreshold: 1, ...roleKeys() })).toThrow(/at least 2/);
    expect(() =>
      initUpdateRepository({
        outDir: dir('c'),
        rootKeys: [two[0]!, keys.timestamp],
        targets: k(),
        snapshot: k(),
        timestamp: keys.timestamp,
      }),
    ).toThrow(/its own key/);

    const rotating = copyRepo('rotating-repo');
    const installDir = install('rotation-install');
    expect(update(installDir, ['check', '--from', rotating]).code).toBe(0);
    const newTimestamp: FeedSigningKey = k();
    expect(() => rotateUpdateKeys({ repoDir: rotating, signingRootKeys: [keys.root[0]!], timestamp: newTimestamp })).toThrow(
      /Root version 1 needs 2 of its root keys to sign; 1 of the keys given is among them/,
    );
    expect(rotateUpdateKeys({ repoDir: rotating, signingRootKeys: keys.root, timestamp: newTimestamp }).version).toBe(2);
    await expect(publishUpdate({ repoDir: rotating, packages: [], ...roleKeys() })).rejects.toThrow(
      new RegExp(`Key ${keys.timestamp.keyId} is not the timestamp key that root version 2 lists`),
    );
    await publishUpdate({ repoDir: rotating, packages: [], ...roleKeys(), timestamp: newTimestamp });
    // The client steps from root 1 to root 2 and accepts the new timestamp key's signature.
    const check = update(installDir, ['check', '--from', rotating]);
    expect(check.code, check.stderr).toBe(0);
    const trustedRoot = JSON.parse(fs.readFileSync(path.join(installDir, 'update/metadata/root.json'), 'utf8')) as {
      signed: { version: number; roles: { timestamp: { keyids: string[] } } };
    };
    expect(trustedRoot.signed.version).toBe(2);
    expect(trustedRoot.signed.roles.timestamp.keyids).toEqual([newTimestamp.keyId]);
  });

  it('never signs again what it did not verify in the served folder (the host may be compromised)', async () => {
    const altered = copyRepo('altered-repo');
    // Someone with write access to the host adds a package to the targets metadata without the targets key.
    const targetsFile = path.join(altered, '2.targets.json');
    const targets = JSON.parse(fs.readFileSync(targetsFile, 'utf8')) as { signed: { targets: Record<string, unknown> } };
    targets.signed.targets['concordat-9.9.9-linux-x64.tar.gz'] = { length: 1, hashes: { sha256: '0'.repeat(64) } };
    fs.writeFileSync(targetsFile, JSON.stringify(targets));
    await expect(publishUpdate({ repoDir: altered, packages: [], ...roleKeys() })).rejects.toThrow(
      /2\.targets\.json: not the targets metadata the snapshot pins .* nothing was signed/,
    );
    expect(() => renewTimestamp({ repoDir: altered, timestamp: keys.timestamp })).toThrow(/2\.targets\.json/);
    // …or replaces the root by one of its own making.
    const rooted = copyRepo('rerooted-repo');
    const attacker = [generateFeedKey(), generateFeedKey()];
    initUpdateRepository({
      outDir: path.join(work, 'attacker'),
      rootKeys: attacker,
      targets: generateFeedKey(),
      snapshot: generateFeedKey(),
      timestamp: generateFeedKey(),
    });
    fs.copyFileSync(path.join(work, 'attacker', 'root.json'), path.join(rooted, '2.root.json'));
    fs.copyFileSync(path.join(work, 'attacker', 'root.json'), path.join(rooted, 'root.json'));
    await expect(publishUpdate({ repoDir: rooted, packages: [], ...roleKeys() })).rejects.toThrow(
      /2\.root\.json: not version 2|2\.root\.json: not signed/,
    );
  });

  it('takes the repository root from --root on the first check when the package carries none', () => {
    const installDir = install('root-install');
    fs.rmSync(path.join(installDir, 'versions/1.0.0/app/update-root.json'));
    const none = update(installDir, ['check', '--from', repo]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'This package carries no update root (release build --update-root): give the root of your update repository with --root root.json',
    );
    const pinned = update(installDir, ['check', '--from', repo, '--root', path.join(repo, '1.root.json')]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.json).toMatchObject({ status: 'available' });
  });

  it('lists a package under the version it carries, never one its file name alone claims', async () => {
    const mislabelled = path.join(work, 'mislabelled');
    fs.mkdirSync(mislabelled);
    const renamed = path.join(mislabelled, 'concordat-1.2.0-linux-x64.tar.gz');
    fs.copyFileSync(pkgFile('1.1.0'), renamed);
    const target = copyRepo('mislabel-repo');
    await expect(
      publishUpdate({ repoDir: target, packages: [{ file: renamed, version: '1.2.0', platform: 'linux-x64' }], ...roleKeys() }),
    ).rejects.toThrow(/holds Concordat 1\.1\.0 for linux-x64, not 1\.2\.0 for linux-x64/);
    const notAPackage = path.join(mislabelled, 'concordat-1.3.0-linux-x64.tar.gz');
    fs.writeFileSync(notAPackage, 'not a package');
    await expect(
      publishUpdate({ repoDir: target, packages: [{ file: notAPackage, version: '1.3.0', platform: 'linux-x64' }], ...roleKeys() }),
    ).rejects.toThrow(/is not a Concordat portable package/);
  });

  it('renews the timestamp with the timestamp key alone, and refuses root thresholds that would let one key rule or strand the repository', async () => {
    const renewing = copyRepo('renewing-repo');
    const installDir = install('renew-install');
    expect(update(installDir, ['check', '--from', renewing]).code).toBe(0);
    expect(renewTimestamp({ repoDir: renewing, timestamp: keys.timestamp, hours: 720 }).version).toBe(3);
    expect(() => renewTimestamp({ repoDir: renewing, timestamp: keys.snapshot })).toThrow(
      /is not the timestamp key that root version 1 lists/,
    );
    const check = update(installDir, ['check', '--from', renewing]);
    expect(check.code, check.stderr).toBe(0);
    const trusted = JSON.parse(fs.readFileSync(path.join(installDir, 'update/metadata/timestamp.json'), 'utf8')) as {
      signed: { version: number };
    };
    expect(trusted.signed.version).toBe(3);
    // --root is for the first check only.
    const repinned = update(installDir, ['check', '--root', path.join(repo, 'root.json')]);
    expect(repinned.code).toBe(1);
    expect(repinned.stderr).toContain('--root is for the first check only');

    expect(() => rotateUpdateKeys({ repoDir: renewing, signingRootKeys: keys.root, newRootThreshold: 1 })).toThrow(
      /at least 2 and at most the number of root keys \(2\); 1 given/,
    );
    expect(() => rotateUpdateKeys({ repoDir: renewing, signingRootKeys: keys.root, newRootThreshold: 3 })).toThrow(
      /at most the number of root keys \(2\); 3 given/,
    );
  });

  it('orders versions as semver does', () => {
    const ordered = [
      '0.9.0',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc-1',
      '1.0.0-rc-2',
      '1.0.0',
      '1.9.3',
      '1.10.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(ordered[i]!, ordered[i + 1]!), `${ordered[i]} < ${ordered[i + 1]}`).toBeLessThan(0);
      expect(compareVersions(ordered[i + 1]!, ordered[i]!)).toBeGreaterThan(0);
    }
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
  });

  it('the repository side works from the command line: keygen, init, publish, timestamp', () => {
    const keysDir = path.join(work, 'cli-keys');
    for (const name of ['root-1', 'root-2', 'targets', 'snapshot', 'timestamp']) {
      expect(run(process.execPath, [cliBin, 'update', 'keygen', '--out', keysDir, '--name', name]).code).toBe(0);
    }
    const k = (name: string) => path.join(keysDir, `${name}.pem`);
    const roleArgs = ['--targets-key', k('targets'), '--snapshot-key', k('snapshot'), '--timestamp-key', k('timestamp')];
    const cliRepo = path.join(work, 'cli-repo');
    const init = run(process.execPath, [
      cliBin,
      'update',
      'init',
      '--out',
      cliRepo,
      '--root-key',
      k('root-1'),
      '--root-key',
      k('root-2'),
      ...roleArgs,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const published = run(process.execPath, [cliBin, 'update', 'publish', cliRepo, '--package', pkgFile('1.1.0'), ...roleArgs, '--json']);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ packages: [{ path: 'concordat-1.1.0-linux-x64.tar.gz', version: '1.1.0' }] });
    const root = JSON.parse(fs.readFileSync(path.join(cliRepo, 'root.json'), 'utf8')) as {
      signed: { roles: { root: { threshold: number } } };
    };
    expect(root.signed.roles.root.threshold).toBe(2);
    const renewed = run(process.execPath, [
      cliBin,
      'update',
      'timestamp',
      cliRepo,
      '--timestamp-key',
      k('timestamp'),
      '--hours',
      '48',
      '--json',
    ]);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(JSON.parse(renewed.stdout)).toMatchObject({ version: 2 });
    // A bad release is withdrawn: the listing goes (the file stays for clients mid-download).
    const withdraw = [cliBin, 'update', 'publish', cliRepo, '--withdraw', 'concordat-1.1.0-linux-x64.tar.gz', ...roleArgs];
    const withdrawn = run(process.execPath, [...withdraw, '--json']);
    expect(withdrawn.code, withdrawn.stderr).toBe(0);
    const listed = JSON.parse(fs.readFileSync(path.join(cliRepo, '2.targets.json'), 'utf8')) as {
      signed: { targets: Record<string, unknown> };
    };
    expect(Object.keys(listed.signed.targets)).toEqual([]);
    const again = run(process.execPath, withdraw);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not listed in the repository: nothing to withdraw');
    const wrongName = run(process.execPath, [cliBin, 'update', 'publish', cliRepo, '--package', path.join(work, 'x.tgz'), ...roleArgs]);
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toContain('expected a package named concordat-<version>-<platform>.tar.gz');
  });
});
