import { Transform, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { BagEntry, BagSource } from '../bagSource';

/**
 * Reading untrusted ZIPs (handbook §3.2), as a layer over yauzl, which reads the central
 * directory with random access, rejects `..`, absolute and drive-letter names, and checks sizes,
 * but accepts duplicates, Unicode and case twins, links and device names: those are refused here.
 * Nothing is ever extracted by name: callers stream an entry's bytes and decide where they go.
 */

export interface ZipLimits {
  maxEntries: number;
  /** Per entry and in total, counted on the bytes actually produced, not on what headers say. */
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Uncompressed : compressed, for deflated entries above 1 MiB. */
  maxRatio: number;
}

export const defaultZipLimits: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 2 ** 31, maxTotalBytes: 2 ** 31, maxRatio: 200 };

export type ZipRefusalCode =
  'ZIP_SLIP' | 'NAME' | 'SYMLINK' | 'DUPLICATE' | 'OVERLAP' | 'BOMB' | 'TOO_MANY' | 'METHOD' | 'ENCRYPTED' | 'LOCAL_HEADER' | 'CORRUPT';

export class ZipRefusal extends Error {
  constructor(
    readonly code: ZipRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'ZipRefusal';
  }
}

export interface SafeZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
}

export interface SafeZip {
  entries: SafeZipEntry[];
  open(entry: SafeZipEntry | string): Promise<Readable>;
  close(): void;
}

const NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._ -]+)*$/;
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.[^/]*)?$/i;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function checkName(name: string): void {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.split('/').includes('..') || name.startsWith('~'))
    throw new ZipRefusal(
      'ZIP_SLIP',
      `The archive entry "${name}" points outside the archive's folder; entries are relative names inside it.`,
    );
  if (!NAME.test(name))
    throw new ZipRefusal('NAME', `The archive entry "${name}" has characters outside letters, digits, ". _ -" and "/" between parts.`);
  for (const part of name.split('/')) {
    if (part === '.' || RESERVED.test(part)) throw new ZipRefusal('NAME', `The archive entry "${name}" uses the reserved name "${part}".`);
    if (/[. ]$/.test(part)) throw new ZipRefusal('NAME', `The archive entry "${name}" has a part ending in a dot or space ("${part}").`);
  }
}

export async function openSafeZip(
  file: string,
  limits: Partial<ZipLimits> & { allowedNames?: readonly string[] } = {},
  signal?: AbortSignal,
): Promise<SafeZip> {
  const lim = { ...defaultZipLimits, ...limits };
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { autoClose: false, validateEntrySizes: true, strictFileNames: true, decodeStrings: true });
  } catch (error) {
    throw refusalOf(error, file);
  }
  try {
    const raw: yauzl.Entry[] = [];
    const seen = new Map<string, string>();
    let declaredTotal = 0;
    for await (const entry of zip.eachEntry()) {
      signal?.throwIfAborted();
      if (raw.length >= lim.maxEntries) throw new ZipRefusal('TOO_MANY', `The archive holds more than ${lim.maxEntries} entries.`);
      const name = entry.fileName;
      checkName(name.endsWith('/') ? name.slice(0, -1) : name);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR)
        throw new ZipRefusal('SYMLINK', `The archive entry "${name}" is a link or a special file, not a regular file.`);
      if (name.endsWith('/') || mode === S_IFDIR) {
        if (entry.uncompressedSize > 0 || entry.compressedSize > 0)
          throw new ZipRefusal('NAME', `The folder entry "${name}" carries data.`);
        continue;
      }
      if (entry.isEncrypted()) throw new ZipRefusal('ENCRYPTED', `The archive entry "${name}" is encrypted with ZIP encryption.`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
        throw new ZipRefusal(
          'METHOD',
          `The archive entry "${name}" uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are read.`,
        );
      const folded = name.normalize('NFC').toLowerCase();
      const twin = seen.get(folded);
      if (twin !== undefined)
        throw new ZipRefusal('DUPLICATE', `The archive holds "${name}" and "${twin}", which are the same name on some file systems.`);
      seen.set(folded, name);
      if (lim.allowedNames && !lim.allowedNames.includes(name))
        throw new ZipRefusal('NAME', `The archive entry "${name}" is not one this kind of archive holds (${lim.allowedNames.join(', ')}).`);
      if (entry.uncompressedSize > lim.maxEntryBytes)
        throw new ZipRefusal('BOMB', `The archive entry "${name}" says it expands to ${entry.uncompressedSize} bytes, above the limit.`);
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > lim.maxTotalBytes)
        throw new ZipRefusal('BOMB', `The archive says it expands to more than ${lim.maxTotalBytes} bytes in total.`);
      raw.push(entry);
    }
    // Every entry's local header agrees with the central directory, and no two entries share bytes.
    const spans: Array<{ name: string; start: number; end: number }> = [];
    for (const entry of raw) {
      let header: yauzl.LocalFileHeader;
      try {
        header = await zip.readLocalFileHeaderPromise(entry);
      } catch (error) {
        throw refusalOf(error, entry.fileName);
      }
      const sizesInHeader = (header.generalPurposeBitFlag & 0x8) === 0;
      if (
        !header.fileName.equals(entry.fileNameRaw) ||
        header.compressionMethod !== entry.compressionMethod ||
        (sizesInHeader && (header.compressedSize !== entry.compressedSize || header.uncompressedSize !== entry.uncompressedSize))
      )
        throw new ZipRefusal(
          'LOCAL_HEADER',
          `The archive entry "${entry.fileName}" has a local header that does not match the central directory.`,
        );
      spans.push({ name: entry.fileName, start: entry.relativeOffsetOfLocalHeader, end: header.fileDataStart + entry.compressedSize });
    }
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++)
      if (spans[i]!.start < spans[i - 1]!.end)
        throw new ZipRefusal(
          'OVERLAP',
          `The archive entries "${spans[i - 1]!.name}" and "${spans[i]!.name}" overlap (a zip bomb's trick).`,
        );

    let produced = 0;
    const counted = new Set<string>();
    const byName = new Map(raw.map((e) => [e.fileName, e]));
    const entries: SafeZipEntry[] = raw.map((e) => ({
      name: e.fileName,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      method: e.compressionMethod,
    }));
    return {
      entries,
      async open(which) {
        const name = typeof which === 'string' ? which : which.name;
        const entry = byName.get(name);
        if (!entry) throw new ZipRefusal('NAME', `The archive has no entry "${name}".`);
        let stream: Readable;
        try {
          stream = await zip.openReadStreamPromise(entry);
        } catch (error) {
          throw refusalOf(error, name);
        }
        let bytes = 0;
        // The total counts each entry once: reading an entry again (to hash, then to copy) is not more data.
        const firstRead = !counted.has(name);
        counted.add(name);
        const guard = new Transform({
          transform(chunk: Buffer, _enc, done) {
            bytes += chunk.length;
            if (firstRead) produced += chunk.length;
            if (bytes > lim.maxEntryBytes || produced > lim.maxTotalBytes)
              return done(new ZipRefusal('BOMB', `The archive entry "${name}" expands beyond the size limit.`));
            if (entry.compressionMethod === 8 && bytes > 1 << 20 && bytes / Math.max(1, entry.compressedSize) > lim.maxRatio)
              return done(new ZipRefusal('BOMB', `The archive entry "${name}" expands more than ${lim.maxRatio} times (a zip bomb).`));
            done(null, chunk);
          },
        });
        stream.on('error', (error) => guard.destroy(refusalOf(error, name)));
        return stream.pipe(guard);
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error instanceof ZipRefusal ? error : refusalOf(error, file);
  }
}

function refusalOf(error: unknown, where: string): Error {
  if (error instanceof ZipRefusal || (error instanceof Error && error.name === 'AbortError')) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid relative path|absolute path/i.test(message)) return new ZipRefusal('ZIP_SLIP', `${where}: ${message}.`);
  return new ZipRefusal('CORRUPT', `${where} is not a readable ZIP archive (${message}).`);
}

/** The entries under a prefix ("bag/") as a bag, their names without it. */
export function zipBagSource(zip: SafeZip, prefix: string, describe: string): BagSource {
  return {
    describe,
    list: () =>
      Promise.resolve(
        zip.entries
          .filter((e) => e.name.startsWith(prefix))
          .map((e): BagEntry => ({ path: e.name.slice(prefix.length), size: e.uncompressedSize })),
      ),
    open: (p) => zip.open(`${prefix}${p}`),
  };
}
