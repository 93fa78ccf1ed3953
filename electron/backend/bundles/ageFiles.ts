import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Decrypter, Encrypter } from 'age-encryption';
import { decryptAgeNative, nativeStreamAvailable } from './ageStream';

/**
 * age (age-encryption.org/v1) over files, streamed both ways with the `age-encryption` package
 * (pure JS, so it works the same under Electron's BoringSSL). Decryption uses Node's native
 * ChaCha20-Poly1305 for the payload where the runtime has it (ageStream.ts: seven times faster).
 * Decryption emits plaintext before the last chunk is authenticated, so it writes to a
 * `.partial` file that becomes the output only after a clean end, and is deleted otherwise.
 */

type Progress = (bytes: number) => void;

function counting(onBytes: Progress | undefined, hash?: crypto.Hash): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash?.update(chunk);
      onBytes?.(bytes);
      done(null, chunk);
    },
  });
}

const webStreamOf = (file: string) => Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
const nodeStreamOf = (stream: ReadableStream<Uint8Array>) => Readable.fromWeb(stream as unknown as WebReadableStream<Uint8Array>);

/** Encrypts `source` to every recipient (age1…); returns the ciphertext's length and SHA-256. */
export async function encryptFile(
  source: string,
  target: string,
  recipients: string[],
  options: { signal?: AbortSignal; onBytes?: Progress } = {},
): Promise<{ bytes: number; sha256: string }> {
  const encrypter = new Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const cipher = await encrypter.encrypt(webStreamOf(source));
  try {
    await pipeline(
      nodeStreamOf(cipher),
      counting((b) => (bytes = b), hash),
      fs.createWriteStream(target, { flags: 'wx' }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
  options.onBytes?.(bytes);
  return { bytes, sha256: hash.digest('hex') };
}

/** Decrypts `source` with an identity (AGE-SECRET-KEY-1…) into `target`, which exists only if the whole stream authenticated. */
export async function decryptFile(
  source: string,
  target: string,
  identity: string,
  options: { signal?: AbortSignal; onBytes?: Progress; engine?: 'native' | 'js' } = {},
): Promise<void> {
  const partial = `${target}.partial`;
  if ((options.engine ?? (nativeStreamAvailable ? 'native' : 'js')) === 'native') {
    try {
      await decryptAgeNative(source, partial, identity, options);
      fs.renameSync(partial, target);
    } catch (error) {
      fs.rmSync(partial, { force: true });
      throw error;
    }
    return;
  }
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  try {
    const plain = await decrypter.decrypt(webStreamOf(source));
    await pipeline(
      nodeStreamOf(plain),
      counting(options.onBytes),
      fs.createWriteStream(partial, { flags: 'wx' }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
