import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/**
 * Writes a ZIP whose bytes depend only on its entries: names sorted (byte order), one fixed DOS
 * time (1980-01-01 00:00 built from local components, so the encoded fields are the same in every
 * time zone; no Info-ZIP timestamp field, which would encode the instant), one file mode, no
 * extra fields. Files are streamed from disk (any size); the output is written to `.partial`
 * and renamed only when complete, with its SHA-256 computed on the way.
 */

export type ZipInput = { name: string; data: Buffer } | { name: string; file: string };

const FILE_MODE = 0o100644;

export async function writeDeterministicZip(
  entries: ZipInput[],
  out: string,
  options: { compress?: boolean; signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<{ bytes: number; sha256: string }> {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new Error(`The ZIP would hold "${sorted[i]!.name}" twice.`);
  const zip = new yazl.ZipFile();
  // Built now, from local components, so its DOS fields read 1980-01-01 00:00 in whatever zone is current.
  const entryOptions = {
    mtime: new Date(1980, 0, 1, 0, 0, 0),
    mode: FILE_MODE,
    compress: options.compress ?? false,
    forceDosTimestamp: true,
  };
  for (const e of sorted) {
    if ('data' in e) zip.addBuffer(e.data, e.name, entryOptions);
    else zip.addReadStreamLazy(e.name, { ...entryOptions, size: fs.statSync(e.file).size }, (cb) => cb(null, fs.createReadStream(e.file)));
  }
  zip.end();
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      options.onProgress?.(bytes);
      done(null, chunk);
    },
  });
  const partial = `${out}.partial`;
  try {
    await pipeline(
      zip.outputStream,
      tap,
      fs.createWriteStream(partial, { flags: 'wx' }),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    fs.renameSync(partial, out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}
