import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
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

/**
 * Settles once `sink` has released its file, whatever state it is in (still opening, open, errored, closed), so the
 * file can be removed for good. `pipeline` rejects as soon as the source errors, without waiting for the write
 * stream's teardown: a 'wx' stream whose open() is still queued in the thread pool would otherwise create the file
 * after the caller deleted it. Never rejects: the caller is already handling the error that made it stop.
 */
async function released(sink: fs.WriteStream): Promise<void> {
  if (sink.closed) return;
  sink.destroy();
  await finished(sink).catch(() => undefined);
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
  const sink = fs.createWriteStream(target, { flags: 'wx' });
  // Only a file this call created may be removed on failure: 'wx' refuses an existing target (EEXIST), which is kept.
  let created = false;
  sink.once('open', () => (created = true));
  try {
    await pipeline(
      nodeStreamOf(cipher),
      counting((b) => (bytes = b), hash),
      sink,
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
  } catch (error) {
    await released(sink);
    if (created) fs.rmSync(target, { force: true });
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
  let sink: fs.WriteStream | undefined;
  try {
    const plain = await decrypter.decrypt(webStreamOf(source));
    sink = fs.createWriteStream(partial, { flags: 'wx' });
    await pipeline(nodeStreamOf(plain), counting(options.onBytes), sink, ...(options.signal ? [{ signal: options.signal }] : []));
    fs.renameSync(partial, target);
  } catch (error) {
    if (sink) await released(sink);
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
