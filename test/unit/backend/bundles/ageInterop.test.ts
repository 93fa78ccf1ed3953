import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { decryptFile, encryptFile } from '../../../../electron/backend/bundles/ageFiles';
import { tempDir } from '../../../helpers/tempDir';

/**
 * Bundles are age files a partner without Concordat opens with the standard `age` tool, and the
 * other way round: checked against Debian's age and age-keygen when they are installed.
 */
const hasAge = spawnSync('age', ['--version']).status === 0 && spawnSync('age-keygen', ['--help']).error === undefined;
if (!hasAge)
  console.log(
    'ageInterop: the `age` and `age-keygen` programs are not installed (apt-get install age), so the interoperability checks are skipped.',
  );

function payload(dir: string, bytes: number): string {
  const file = path.join(dir, 'plain.bin');
  fs.writeFileSync(file, crypto.randomBytes(bytes));
  return file;
}

describe('age files', () => {
  it.skipIf(!hasAge)('a payload encrypted here opens with `age -d`', async () => {
    const dir = tempDir();
    execFileSync('age-keygen', ['-o', path.join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', path.join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    // Several 64 KiB chunks and a short last one.
    const plain = payload(dir, 3 * 65536 + 1234);
    const cipher = path.join(dir, 'payload.age');
    const { bytes, sha256 } = await encryptFile(plain, cipher, [recipient]);
    expect(bytes).toBe(fs.statSync(cipher).size);
    expect(sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(cipher)).digest('hex'));
    const opened = path.join(dir, 'opened.bin');
    execFileSync('age', ['-d', '-i', path.join(dir, 'key.txt'), '-o', opened, cipher]);
    expect(fs.readFileSync(opened).equals(fs.readFileSync(plain))).toBe(true);
  });

  it.skipIf(!hasAge)('a payload `age -r` encrypted opens here', async () => {
    const dir = tempDir();
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const plain = payload(dir, 200_000);
    const cipher = path.join(dir, 'from-age.age');
    execFileSync('age', ['-r', recipient, '-o', cipher, plain]);
    const opened = path.join(dir, 'opened.bin');
    await decryptFile(cipher, opened, identity);
    expect(fs.readFileSync(opened).equals(fs.readFileSync(plain))).toBe(true);
  });

  it('a truncated or altered stream is refused and leaves no output behind', async () => {
    const dir = tempDir();
    const identity = await generateX25519Identity();
    const plain = payload(dir, 3 * 65536);
    const cipher = path.join(dir, 'payload.age');
    await encryptFile(plain, cipher, [await identityToRecipient(identity)]);
    const whole = fs.readFileSync(cipher);
    const truncated = path.join(dir, 'truncated.age');
    fs.writeFileSync(truncated, whole.subarray(0, whole.length - 100));
    const flipped = path.join(dir, 'flipped.age');
    const altered = Buffer.from(whole);
    altered[altered.length - 5000]! ^= 1;
    fs.writeFileSync(flipped, altered);
    for (const bad of [truncated, flipped]) {
      const out = path.join(dir, `${path.basename(bad)}.out`);
      await expect(decryptFile(bad, out, identity)).rejects.toThrow();
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.existsSync(`${out}.partial`)).toBe(false);
    }
  });

  it('a file for another identity is refused', async () => {
    const dir = tempDir();
    const cipher = path.join(dir, 'payload.age');
    await encryptFile(payload(dir, 1000), cipher, [await identityToRecipient(await generateX25519Identity())]);
    await expect(decryptFile(cipher, path.join(dir, 'out'), await generateX25519Identity())).rejects.toThrow();
  });
});
