import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { decryptFile, encryptFile } from '../../../../electron/backend/bundles/ageFiles';
import { nativeStreamAvailable } from '../../../../electron/backend/bundles/ageStream';
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

  describe('the native payload decryption (Node ChaCha20-Poly1305) agrees with the age-encryption package', () => {
    const engines = ['native', 'js'] as const;
    const SEALED = 65536 + 16;

    /** An age file, and where its payload chunks start (after the header and the 16-byte nonce). */
    async function sealed(dir: string, bytes: number, identity: string) {
      const plain = payload(dir, bytes);
      const cipher = path.join(dir, `p${bytes}.age`);
      await encryptFile(plain, cipher, [await identityToRecipient(identity)]);
      const whole = fs.readFileSync(cipher);
      const start = whole.indexOf('\n', whole.indexOf('\n--- ') + 5) + 1 + 16;
      return { plain, cipher, whole, start };
    }

    it.runIf(nativeStreamAvailable)('at every chunk boundary, both engines give the plaintext back', async () => {
      const dir = tempDir();
      const identity = await generateX25519Identity();
      for (const bytes of [0, 1, 65535, 65536, 65537, 2 * 65536, 3 * 65536 + 1234, 33 * 65536 + 7]) {
        const { plain, cipher } = await sealed(dir, bytes, identity);
        for (const engine of engines) {
          const out = path.join(dir, `${bytes}.${engine}`);
          await decryptFile(cipher, out, identity, { engine });
          expect(fs.readFileSync(out).equals(fs.readFileSync(plain)), `${bytes} bytes, ${engine}`).toBe(true);
        }
      }
    });

    it.runIf(nativeStreamAvailable)(
      'refuses, like the package, a stream cut, extended, reordered or altered, leaving nothing',
      async () => {
        const dir = tempDir();
        const identity = await generateX25519Identity();
        const { whole, start } = await sealed(dir, 3 * 65536 + 1234, identity);
        const chunk = (i: number) => whole.subarray(start + i * SEALED, start + (i + 1) * SEALED);
        const head = whole.subarray(0, start);
        // The MAC's second base64 character is set to another value: always 'A' was a no-op one time in 64.
        const mac = whole.indexOf('\n--- ') + 6;
        const variants: Record<string, Buffer> = {
          'cut at a chunk boundary': whole.subarray(0, start + 2 * SEALED),
          'cut inside the last chunk': whole.subarray(0, whole.length - 100),
          'a chunk appended': Buffer.concat([whole, chunk(0)]),
          'two chunks swapped': Buffer.concat([head, chunk(1), chunk(0), whole.subarray(start + 2 * SEALED)]),
          'one payload byte flipped': Buffer.from(whole).fill(whole[start + 70_000]! ^ 1, start + 70_000, start + 70_001),
          'the header MAC altered': Buffer.from(whole).fill(whole[mac] === 0x41 ? 0x42 : 0x41, mac, mac + 1),
          'an empty final chunk after full ones': Buffer.concat([head, chunk(0), whole.subarray(start + SEALED, start + SEALED + 16)]),
          'no payload at all': whole.subarray(0, start - 16),
        };
        for (const [n, [what, bytes]] of Object.entries(variants).entries()) {
          const bad = path.join(dir, 'bad.age');
          fs.writeFileSync(bad, bytes);
          for (const engine of engines) {
            // One output per case: a reused one would let the next case's clean-up hide a file the last left behind.
            const out = path.join(dir, `out.${n}.${engine}`);
            await expect(decryptFile(bad, out, identity, { engine }), `${what}, ${engine}`).rejects.toThrow();
            expect(fs.existsSync(out), `${what}, ${engine}`).toBe(false);
            expect(fs.existsSync(`${out}.partial`), `${what}, ${engine}`).toBe(false);
          }
        }
        // Nor does a write stream still being torn down create one afterwards.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(fs.readdirSync(dir).filter((f) => f.startsWith('out.'))).toEqual([]);
      },
    );

    it.runIf(nativeStreamAvailable && hasAge)('a file `age -r` made opens with the native engine', async () => {
      const dir = tempDir();
      const identity = await generateX25519Identity();
      const plain = payload(dir, 5 * 65536 + 99);
      const cipher = path.join(dir, 'from-age.age');
      execFileSync('age', ['-r', await identityToRecipient(identity), '-o', cipher, plain]);
      const opened = path.join(dir, 'opened.bin');
      await decryptFile(cipher, opened, identity, { engine: 'native' });
      expect(fs.readFileSync(opened).equals(fs.readFileSync(plain))).toBe(true);
    });
  });
});

describe('encryptFile onto an existing file', () => {
  it('refuses it and leaves the existing file as it was', async () => {
    const dir = tempDir();
    const plain = path.join(dir, 'plain.bin');
    fs.writeFileSync(plain, crypto.randomBytes(1000));
    const target = path.join(dir, 'already-there.age');
    fs.writeFileSync(target, 'an earlier export');
    await expect(encryptFile(plain, target, [await identityToRecipient(await generateX25519Identity())])).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(fs.readFileSync(target, 'utf8')).toBe('an earlier export');
  });
});
