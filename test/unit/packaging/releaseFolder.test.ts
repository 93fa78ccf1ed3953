import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKeyFiles, generateFeedKey } from '../../../electron/backend/feeds/keys';
import { readPublicKeyFile, parseChecksums, signReleaseFolder, verifyReleaseFolder } from '../../../electron/backend/release/releaseFolder';
import { generateReleaseKey, loadReleaseKey } from '../../../electron/backend/release/releaseKey';
import { tempDir } from '../../helpers/tempDir';

function releaseWith(files: Record<string, string | Buffer>) {
  const keys = tempDir();
  const made = generateReleaseKey(keys);
  const dir = tempDir();
  for (const [name, contents] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), contents);
  return { dir, key: loadReleaseKey(made.privateKeyFile), pub: readPublicKeyFile(made.publicKeyFile), made };
}

describe('release key', () => {
  it('is written once, private half mode 0600, and opens only with its passphrase when encrypted', () => {
    const dir = tempDir();
    const made = generateReleaseKey(dir, 'correct horse');
    expect(fs.statSync(made.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(() => generateReleaseKey(dir)).toThrow(/already exists; a key file is never overwritten/);
    expect(() => loadReleaseKey(made.privateKeyFile)).toThrow(/is encrypted: give its passphrase/);
    expect(() => loadReleaseKey(made.privateKeyFile, 'wrong')).toThrow(/could not be opened \(wrong passphrase\?\)/);
    expect(loadReleaseKey(made.privateKeyFile, 'correct horse').publicKey.keyId).toBe(made.keyId);
  });

  it('is never a feed key: a feed key file is refused as a release key', () => {
    const feed = writeKeyFiles(generateFeedKey(), tempDir());
    expect(() => loadReleaseKey(feed.privateKeyFile)).toThrow(/is not a Concordat release key .*a feed key is never a release key/);
  });
});

describe('release folder', () => {
  const artifacts = { 'concordat-1.0.0-linux-x64.tar.gz': Buffer.from('portable package bytes'), 'Concordat-1.0.0.dmg': 'dmg' };

  it('verifies a folder it signed, listing every artifact in SHA256SUMS format', async () => {
    const { dir, key, pub } = releaseWith(artifacts);
    await signReleaseFolder(dir, key, { release: 'concordat 1.0.0', timestamp: 1_800_000_000 });
    const sums = fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(66)),
    ).toEqual(['Concordat-1.0.0.dmg', 'concordat-1.0.0-linux-x64.tar.gz']);
    const report = await verifyReleaseFolder(dir, pub);
    expect(report.ok).toBe(true);
    expect(report.trustedComment).toBe('timestamp:1800000000\tfile:SHA256SUMS\trelease:concordat 1.0.0\thashed');
  });

  it('fails when any one byte of any file changes (in the signature file, any byte after its untrusted comment)', async () => {
    const { dir, key, pub } = releaseWith(artifacts);
    await signReleaseFolder(dir, key, { release: 'concordat 1.0.0', timestamp: 1 });
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const original = fs.readFileSync(file);
      // minisign's first line is an untrusted comment by design: nothing covers it, in minisign either.
      const from = name.endsWith('.minisig') ? original.indexOf(10) + 1 : 0;
      const positions = new Set([from, from + 1, Math.floor((from + original.length) / 2), original.length - 1]);
      // Every line break and the character before it (a base64 line's last character has unused bits).
      for (let at = from; at < original.length; at++) if (original[at] === 10) positions.add(at).add(at - 1);
      for (const at of positions) {
        const changed = Buffer.from(original);
        changed[at] = changed[at]! ^ 0x01;
        fs.writeFileSync(file, changed);
        const outcome = await verifyReleaseFolder(dir, pub).then(
          (r) => (r.ok ? 'passed' : 'failed'),
          () => 'failed',
        );
        expect(outcome, `${name} byte ${at}`).toBe('failed');
      }
      fs.writeFileSync(file, original);
    }
    expect((await verifyReleaseFolder(dir, pub)).ok).toBe(true);
  });

  it('names a missing file and a file added after signing', async () => {
    const { dir, key, pub } = releaseWith(artifacts);
    await signReleaseFolder(dir, key, { release: 'r', timestamp: 1 });
    fs.rmSync(path.join(dir, 'Concordat-1.0.0.dmg'));
    fs.writeFileSync(path.join(dir, 'extra.exe'), 'x');
    const report = await verifyReleaseFolder(dir, pub);
    expect(report.ok).toBe(false);
    expect(report.files).toContainEqual({ name: 'Concordat-1.0.0.dmg', ok: false, problem: 'listed in SHA256SUMS but missing' });
    expect(report.files).toContainEqual({ name: 'extra.exe', ok: false, problem: 'not covered by SHA256SUMS (added after signing?)' });
  });

  it('refuses a folder signed by another release key', async () => {
    const { dir, key } = releaseWith(artifacts);
    await signReleaseFolder(dir, key, { release: 'r', timestamp: 1 });
    const other = releaseWith({});
    await expect(verifyReleaseFolder(dir, other.pub)).rejects.toThrow(/was made with key [0-9A-F]{16}, not with the trusted release key/);
  });

  it('reads SHA256SUMS strictly: no paths, no repeats, no odd lines', () => {
    const h = 'a'.repeat(64);
    expect(parseChecksums(`${h}  a.tar.gz\n${h} *b.zip\n`)).toEqual([
      { name: 'a.tar.gz', sha256: h },
      { name: 'b.zip', sha256: h },
    ]);
    expect(() => parseChecksums(`${h}  ../etc/passwd\n`)).toThrow(/line 1: "..\/etc\/passwd" is not a file name a release may list/);
    expect(() => parseChecksums(`${h}  a\n${h}  a\n`)).toThrow(/line 2: "a" is listed twice/);
    expect(() => parseChecksums(`${h} a\n`)).toThrow(/line 1: expected "<64 hex digits> {2}<file name>"/);
    expect(() => parseChecksums('')).toThrow(/lists no file/);
  });
});
