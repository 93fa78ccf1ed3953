import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/**
 * Writes a ZIP whose bytes depend only on its entries (handbook §2.1 rule 4, §3.1 "yazl"), so a
 * bundle's hash can be signed and re-checked:
 * - names sorted by their UTF-8 bytes, whatever order they came in;
 * - one fixed time, 1980-01-01 00:00:00 in the DOS fields, with no Info-ZIP timestamp field
 *   (`forceDosTimestamp`), which would encode an instant and so the writer's time zone;
 * - one mode (0o100644), no extra fields, stored (method 0) unless `compress` is asked for.
 * Files are streamed from disk, never loaded whole; the ZIP is written to `<out>.partial`, hashed
 * on the way, and renamed to `out` only once complete.
 */

export type ZipInput = { name: string; data: Buffer } | { name: string; file: string };

export interface DeterministicZipOptions {
  /** Deflate (method 8) instead of storing; the default is to store, as for bundles of already-compressed or encrypted data. */
  compress?: boolean;
  signal?: AbortSignal;
  /** Bytes of ZIP written so far. */
  onProgress?: (bytes: number) => void;
}

const FILE_MODE = 0o100644;

/**
 * yazl encodes the DOS fields from the Date's local-time components, so the Date is built from local
 * components: the fields read 1980-01-01 00:00:00 in whatever zone the process runs (checked for
 * every zone in the IANA database; none has a gap at that minute). 1980 is also the DOS epoch,
 * the smallest time the fields hold.
 */
const fixedTime = () => new Date(1980, 0, 1, 0, 0, 0);

const byUtf8 = (a: ZipInput, b: ZipInput) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'));

/** Names yazl would alter (it turns "\" into "/") or refuse, refused here with the name, before anything is written. */
function refuseUnwritable(sorted: ZipInput[]): void {
  for (const [i, e] of sorted.entries()) {
    if (e.name === '' || e.name.includes('\\') || e.name.endsWith('/'))
      throw new Error(
        `The ZIP entry name "${e.name}" is empty, has a backslash or ends in "/"; expected a file name with "/" between folders.`,
      );
    if (i > 0 && e.name === sorted[i - 1]!.name) throw new Error(`The ZIP would hold "${e.name}" twice; expected each name once.`);
  }
}

export async function writeDeterministicZip(
  entries: ZipInput[],
  out: string,
  options: DeterministicZipOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  options.signal?.throwIfAborted();
  const sorted = [...entries].sort(byUtf8);
  refuseUnwritable(sorted);
  // Sizes are known before writing, so yazl can check each file still has them when read.
  const sizes = await Promise.all(sorted.map((e) => ('file' in e ? fs.promises.stat(e.file).then((s) => s.size) : e.data.length)));

  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      hash.update(chunk);
      options.onProgress?.(bytes);
      done(null, chunk);
    },
  });
  // yazl reports its own errors (a file that changed size) on the ZipFile, and ignores errors of
  // the streams it reads: both are routed into the pipeline, which then fails and cleans up.
  const fail = (error: Error) => tap.destroy(error);
  const opened: Readable[] = [];

  const zip = new yazl.ZipFile();
  zip.on('error', fail);
  const entryOptions = { mtime: fixedTime(), mode: FILE_MODE, compress: options.compress ?? false, forceDosTimestamp: true };
  sorted.forEach((e, i) => {
    if ('data' in e) return zip.addBuffer(e.data, e.name, entryOptions);
    zip.addReadStreamLazy(e.name, { ...entryOptions, size: sizes[i]! }, (give) => {
      const stream = fs.createReadStream(e.file);
      opened.push(stream);
      stream.on('error', fail);
      give(null, stream);
    });
  });
  zip.end();

  const partial = `${out}.partial`;
  try {
    // 'w', not 'wx': a .partial left by a crash is ours to overwrite; `out` itself appears only by rename.
    await pipeline(zip.outputStream, tap, fs.createWriteStream(partial), ...(options.signal ? [{ signal: options.signal }] : []));
    await fs.promises.rename(partial, out);
  } catch (error) {
    for (const stream of opened) stream.destroy();
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}
