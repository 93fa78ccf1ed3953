import { Transform, addAbortSignal, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import type { BagEntry, BagSource } from '../bagSource';

/**
 * Reading untrusted ZIPs (handbook §3.2), as a layer over yauzl. yauzl reads the central directory
 * with random access and never extracts anything; this layer refuses what yauzl accepts: names
 * outside the allowlist, twins after NFC and case folding, links and special files, encryption,
 * methods other than store and deflate, bombs (declared and actual sizes, ratio), overlapping
 * entries and local headers that disagree with the central directory. Nothing is ever extracted by
 * name: callers stream an entry's bytes and decide where they go.
 */

export interface ZipLimits {
  maxEntries: number;
  /** Per entry, counted on the bytes actually produced while streaming (declared sizes are checked too, earlier). */
  maxEntryBytes: number;
  /** Over all entries, each counted once however often it is read. */
  maxTotalBytes: number;
  /** Uncompressed : compressed, for deflated entries once they pass RATIO_APPLIES_ABOVE bytes. */
  maxRatio: number;
}

/** Handbook §3.2 rule 4 starting values ("proposal, tune"). */
export const defaultZipLimits: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 2 ** 31, maxTotalBytes: 2 ** 31, maxRatio: 200 };

export interface SafeZipOptions extends Partial<ZipLimits> {
  /** For a container with fixed contents (the outer `.casebundle`): every entry must be one of these names. */
  allowedNames?: readonly string[];
}

export type ZipRefusalCode =
  'ZIP_SLIP' | 'NAME' | 'SYMLINK' | 'DUPLICATE' | 'OVERLAP' | 'BOMB' | 'TOO_MANY' | 'METHOD' | 'ENCRYPTED' | 'LOCAL_HEADER' | 'CORRUPT';

/** Why an archive (or one of its entries) is refused; `message` is one sentence naming the entry and what was expected. */
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
  /** 0 stored, 8 deflated: the only two this layer lets through. */
  method: number;
}

export interface SafeZip {
  /** The files, in central-directory order; folder entries are checked but not listed. */
  entries: SafeZipEntry[];
  /** The bytes of one entry, with the size and ratio limits and the CRC-32 enforced while they stream. */
  open(entry: SafeZipEntry | string): Promise<Readable>;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// Names

const NAME_ALLOWED = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._ -]+)*$/;
/** Windows device names, which stay devices whatever extension follows ("NUL.txt" is NUL). */
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;
/** NTFS and ext4 limit a name part to 255; whole names have no hard limit, so ours is generous but finite. */
const MAX_PART_LENGTH = 255;
const MAX_NAME_LENGTH = 1024;

/** A name as it may appear in a message: printable ASCII kept, anything else (controls, bidi overrides, accents) escaped. */
function shown(name: string): string {
  const escaped = name.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return `"${escaped.length > 160 ? `${escaped.slice(0, 160)}…` : escaped}"`;
}

/**
 * The name from the central directory's own bytes (UTF-8 when flagged, CP437 otherwise). The
 * Info-ZIP Unicode Path extra field is ignored on purpose: it can carry a different name than the
 * bytes the local header repeats, and the name we check must be the one we compare.
 */
function decodeName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, [], true);
}

/** Refuses names that would land outside a target folder if anyone extracted them (handbook §1.2, RFC 8493 §6). */
function refuseZipSlip(name: string): void {
  const why = name.includes('\\')
    ? 'contains a backslash, a folder separator on Windows'
    : name.startsWith('/')
      ? 'is an absolute path'
      : /^[A-Za-z]:/.test(name)
        ? 'starts with a drive letter'
        : name.startsWith('~')
          ? 'starts with "~", a home folder to shells'
          : name.split('/').includes('..')
            ? 'climbs out with ".."'
            : null;
  if (why) throw new ZipRefusal('ZIP_SLIP', `The archive entry ${shown(name)} ${why}; expected a relative name inside the archive.`);
}

/** Checked before names are compared with each other: folding and splitting a 64 KiB name of slashes for each entry would cost quadratic time. */
function refuseOverLong(name: string): void {
  if (name.length > MAX_NAME_LENGTH)
    throw new ZipRefusal(
      'NAME',
      `The archive entry ${shown(name)} is ${name.length} characters long; expected at most ${MAX_NAME_LENGTH}.`,
    );
}

function refuseOutsideAllowlist(name: string, allowedNames: readonly string[] | undefined): void {
  const refuse = (why: string) => {
    throw new ZipRefusal('NAME', `The archive entry ${shown(name)} ${why}.`);
  };
  if (!NAME_ALLOWED.test(name))
    refuse(
      'has characters outside letters, digits and ". _ -" (spaces only after the first folder); expected a name like "data/report-1.csv"',
    );
  for (const part of name.split('/')) {
    if (part.length > MAX_PART_LENGTH) refuse(`has a part ${part.length} characters long; expected at most ${MAX_PART_LENGTH}`);
    if (WINDOWS_RESERVED.test(part)) refuse(`uses ${shown(part)}, a Windows device name; expected an ordinary file name`);
    if (/[. ]$/.test(part))
      refuse(`has a part ending in a dot or a space (${shown(part)}), which Windows drops; expected it to end otherwise`);
  }
  if (allowedNames && !allowedNames.includes(name))
    refuse(`is not one this container holds; expected only ${allowedNames.map((n) => shown(n)).join(', ')}`);
}

/**
 * Full case folding approximated: upper then lower case maps "ß" to "ss" and "ſ" to "s", which
 * toLowerCase alone does not; NFC on both sides makes precomposed and combining accents equal.
 */
function folded(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * Names that are one file on macOS or Windows: twins after folding, and a file where another entry
 * needs a folder ("a" and "A/b"). Any of them would let one entry silently replace another.
 */
class NameCollisions {
  private readonly entries = new Map<string, string>();
  private readonly files = new Map<string, string>();
  private readonly folders = new Map<string, string>();

  add(name: string, isFolder: boolean): void {
    const key = folded(name);
    const twin = this.entries.get(key) ?? (isFolder ? undefined : this.folders.get(key));
    if (twin !== undefined) this.refuse(twin, name);
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const file = this.files.get(folded(folder));
      if (file !== undefined) this.refuse(file, name);
      if (!this.folders.has(folded(folder))) this.folders.set(folded(folder), folder);
    }
    this.entries.set(key, name);
    (isFolder ? this.folders : this.files).set(key, name);
  }

  private refuse(first: string, second: string): never {
    throw new ZipRefusal(
      'DUPLICATE',
      `The archive entries ${shown(first)} and ${shown(second)} are the same file or folder once case and Unicode normalisation are ignored; expected distinct names.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Kinds, encryption, method, sizes

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;
/** Windows symlinks and junctions, as some archivers record them. */
const DOS_REPARSE_POINT = 0x400;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
/** The central directory is encrypted and local headers masked (APPNOTE 4.4.4 bit 13). */
const FLAG_MASKED_HEADERS = 0x2000;
const ZIP64_EXTRA = 0x0001;
const MAX_32 = 0xffffffff;
/** Small files may legitimately compress far better than 200:1 (a page of spaces); the ratio matters once the output is large. */
const RATIO_APPLIES_ABOVE = 1 << 20;

/** Folders are named with a trailing "/" by the spec; some writers mark them only by type or DOS attribute. */
function isFolder(entry: yauzl.Entry, name: string): boolean {
  const unixType = (entry.externalFileAttributes >>> 16) & S_IFMT;
  return name.endsWith('/') || unixType === S_IFDIR || (entry.externalFileAttributes & DOS_DIRECTORY) !== 0;
}

/** Only regular files and empty folders: links, devices, pipes and reparse points are refused. */
function refuseSpecialKinds(entry: yauzl.Entry, name: string): void {
  const unixType = (entry.externalFileAttributes >>> 16) & S_IFMT;
  const link = unixType === S_IFLNK || (entry.externalFileAttributes & DOS_REPARSE_POINT) !== 0;
  if (link) throw new ZipRefusal('SYMLINK', `The archive entry ${shown(name)} is a link; expected a regular file or folder.`);
  if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR)
    throw new ZipRefusal(
      'SYMLINK',
      `The archive entry ${shown(name)} is a device, pipe or socket (type 0o${unixType.toString(8)}); expected a regular file or folder.`,
    );
  // Deflating nothing takes 2 bytes; anything more in a folder is data that some tool would write somewhere.
  if (isFolder(entry, name) && (entry.uncompressedSize !== 0 || entry.compressedSize > (entry.compressionMethod === 8 ? 2 : 0)))
    throw new ZipRefusal(
      'CORRUPT',
      `The folder entry ${shown(name)} carries ${entry.uncompressedSize} bytes of data; expected a folder to carry none.`,
    );
}

function refuseEncryptionAndMethod(entry: yauzl.Entry, name: string): void {
  if (entry.isEncrypted() || (entry.generalPurposeBitFlag & FLAG_MASKED_HEADERS) !== 0)
    throw new ZipRefusal(
      'ENCRYPTED',
      `The archive entry ${shown(name)} is encrypted with ZIP encryption; expected plain entries (a bundle is encrypted whole, with age).`,
    );
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw new ZipRefusal(
      'METHOD',
      `The archive entry ${shown(name)} uses compression method ${entry.compressionMethod}; expected stored (0) or deflate (8).`,
    );
}

/** ZIP64 fields where every value fits in 32 bits are a second, disagreeing copy of the sizes: refused. */
function refuseUnexpectedZip64(entry: yauzl.Entry, name: string): void {
  const hasZip64 = entry.extraFields.some((f) => f.id === ZIP64_EXTRA);
  const needsZip64 = [entry.compressedSize, entry.uncompressedSize, entry.relativeOffsetOfLocalHeader].some((v) => v >= MAX_32);
  if (hasZip64 && !needsZip64)
    throw new ZipRefusal(
      'CORRUPT',
      `The archive entry ${shown(name)} carries ZIP64 sizes although its sizes and offset fit in 32 bits; expected ZIP64 only where needed.`,
    );
}

function exceedsRatio(uncompressed: number, compressed: number, maxRatio: number): boolean {
  return uncompressed > RATIO_APPLIES_ABOVE && uncompressed / Math.max(1, compressed) > maxRatio;
}

/** The sizes the headers declare, checked before anything is read; what streams is checked again in `guarded`. */
function refuseDeclaredBomb(entry: yauzl.Entry, name: string, limits: ZipLimits): void {
  if (entry.uncompressedSize > limits.maxEntryBytes)
    throw new ZipRefusal(
      'BOMB',
      `The archive entry ${shown(name)} declares ${entry.uncompressedSize} bytes; expected at most ${limits.maxEntryBytes} per entry.`,
    );
  if (entry.compressionMethod === 8 && exceedsRatio(entry.uncompressedSize, entry.compressedSize, limits.maxRatio))
    throw new ZipRefusal(
      'BOMB',
      `The archive entry ${shown(name)} declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} (a zip bomb's ratio); expected at most ${limits.maxRatio}:1.`,
    );
}

// ---------------------------------------------------------------------------------------------
// Layout: local headers and the bytes each entry occupies

interface Placed {
  entry: yauzl.Entry;
  name: string;
  header: yauzl.LocalFileHeader;
  /** From the local header's first byte to the end of its data (and the smallest data descriptor, when one follows). */
  start: number;
  end: number;
}

/** The smallest data descriptor (CRC and two 32-bit sizes, no signature): a lower bound, so valid archives always pass. */
const MIN_DATA_DESCRIPTOR = 12;

async function place(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<Placed> {
  let header: yauzl.LocalFileHeader;
  try {
    header = await zip.readLocalFileHeaderPromise(entry);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/local file header signature/.test(message))
      throw new ZipRefusal('LOCAL_HEADER', `The archive entry ${shown(name)} points at no local header (${message}); expected one there.`);
    throw new ZipRefusal('CORRUPT', `The archive entry ${shown(name)} points outside the file (${message}); expected its data inside.`);
  }
  const descriptor = (header.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0 ? MIN_DATA_DESCRIPTOR : 0;
  return { entry, name, header, start: entry.relativeOffsetOfLocalHeader, end: header.fileDataStart + entry.compressedSize + descriptor };
}

/**
 * Each entry's bytes end before the next entry's local header begins, and the last before the
 * central directory: overlapping entries are how a 46 MB file expands to petabytes (Fifield, 2019).
 */
function refuseOverlap(placed: Placed[], centralDirectoryStart: number): void {
  const byOffset = [...placed].sort((a, b) => a.start - b.start);
  for (let i = 0; i < byOffset.length; i++) {
    const here = byOffset[i]!;
    const next = byOffset[i + 1];
    if (next && next.start < here.end)
      throw new ZipRefusal(
        'OVERLAP',
        `The archive entry ${shown(next.name)} starts at byte ${next.start}, inside ${shown(here.name)} (bytes ${here.start}–${here.end}); expected each entry to end before the next begins.`,
      );
    if (!next && here.end > centralDirectoryStart)
      throw new ZipRefusal(
        'OVERLAP',
        `The archive entry ${shown(here.name)} runs to byte ${here.end}, into the central directory at ${centralDirectoryStart}; expected it to end before.`,
      );
  }
}

/** Sizes from a local header, through its ZIP64 field when a 32-bit field says so (APPNOTE 4.5.3: both sizes, in that order). */
function localSizes(header: yauzl.LocalFileHeader): { compressed: number; uncompressed: number } | null {
  if (header.compressedSize !== MAX_32 && header.uncompressedSize !== MAX_32)
    return { compressed: header.compressedSize, uncompressed: header.uncompressedSize };
  try {
    const zip64 = yauzl.parseExtraFields(header.extraField).find((f) => f.id === ZIP64_EXTRA)?.data;
    if (!zip64 || zip64.length < 16) return null;
    return { uncompressed: Number(zip64.readBigUInt64LE(0)), compressed: Number(zip64.readBigUInt64LE(8)) };
  } catch {
    return null;
  }
}

/** The local header repeats the central directory's name, method, encryption flag and sizes (rule 6). */
function refuseLocalMismatch({ entry, name, header }: Placed): void {
  const refuse = (what: string) => {
    throw new ZipRefusal(
      'LOCAL_HEADER',
      `The archive entry ${shown(name)} has a local header with ${what}; expected the central directory's.`,
    );
  };
  if (!header.fileName.equals(entry.fileNameRaw))
    refuse(`another name (${shown(yauzl.getFileNameLowLevel(header.generalPurposeBitFlag, header.fileName, [], true))})`);
  if (header.compressionMethod !== entry.compressionMethod) refuse(`compression method ${header.compressionMethod}`);
  if ((header.generalPurposeBitFlag & FLAG_ENCRYPTED) !== (entry.generalPurposeBitFlag & FLAG_ENCRYPTED)) refuse('another encryption flag');
  const sizes = localSizes(header);
  if (!sizes) return refuse('ZIP64 sizes it does not include');
  // With a data descriptor the local sizes may be left at zero; when given, they must still agree.
  const deferred = (header.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0 && sizes.compressed === 0 && sizes.uncompressed === 0;
  if (!deferred && (sizes.compressed !== entry.compressedSize || sizes.uncompressed !== entry.uncompressedSize))
    refuse(`sizes ${sizes.compressed}/${sizes.uncompressed} (compressed/uncompressed)`);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Bytes produced per entry, each entry counted once at the most any read of it produced: hashing then copying is not twice the data. */
class ReadTally {
  private total = 0;
  private readonly most = new Map<string, number>();

  /** Notes that a read of `name` has produced `bytes` so far; returns the total over all entries. */
  note(name: string, bytes: number): number {
    const before = this.most.get(name) ?? 0;
    if (bytes > before) {
      this.total += bytes - before;
      this.most.set(name, bytes);
    }
    return this.total;
  }
}

/** What yauzl's stream errors mean for us: more bytes than declared is a bomb; anything else is a damaged archive. */
function streamRefusal(error: unknown, name: string): Error {
  if (error instanceof ZipRefusal || (error instanceof Error && error.name === 'AbortError')) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/too many bytes/.test(message))
    return new ZipRefusal(
      'BOMB',
      `The archive entry ${shown(name)} expands beyond the size its headers declare (${message}); expected exactly that size.`,
    );
  return new ZipRefusal('CORRUPT', `The archive entry ${shown(name)} cannot be read (${message}); expected intact data.`);
}

/**
 * yauzl's stream behind a counting gate: per-entry and total bytes and the ratio are checked on
 * every chunk, so a bomb stops at the limit rather than after inflating; the CRC-32, which yauzl
 * does not check, is checked at the end.
 */
function guarded(source: Readable, entry: yauzl.Entry, name: string, limits: ZipLimits, tally: ReadTally): Readable {
  let bytes = 0;
  let crc = 0;
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      crc = zlib.crc32(chunk, crc);
      const total = tally.note(name, bytes);
      if (bytes > limits.maxEntryBytes)
        return done(
          new ZipRefusal(
            'BOMB',
            `The archive entry ${shown(name)} expands beyond ${limits.maxEntryBytes} bytes; expected at most that per entry.`,
          ),
        );
      if (total > limits.maxTotalBytes)
        return done(
          new ZipRefusal(
            'BOMB',
            `The archive expands beyond ${limits.maxTotalBytes} bytes in total while reading ${shown(name)}; expected at most that.`,
          ),
        );
      if (entry.compressionMethod === 8 && exceedsRatio(bytes, entry.compressedSize, limits.maxRatio))
        return done(
          new ZipRefusal(
            'BOMB',
            `The archive entry ${shown(name)} expands more than ${limits.maxRatio} times its ${entry.compressedSize} compressed bytes (a zip bomb); expected at most ${limits.maxRatio}:1.`,
          ),
        );
      done(null, chunk);
    },
    flush(done) {
      if (crc !== entry.crc32)
        return done(
          new ZipRefusal(
            'CORRUPT',
            `The archive entry ${shown(name)} has CRC-32 ${crc.toString(16)}; expected ${entry.crc32.toString(16)} as its headers say.`,
          ),
        );
      done();
    },
  });
  source.on('error', (error) => gate.destroy(streamRefusal(error, name)));
  // A consumer that stops early, or a refusal, stops yauzl too (unpipe first, as yauzl asks), so inflating ends and the file can close.
  gate.once('close', () => {
    if (source.readableEnded) return;
    source.unpipe(gate);
    source.destroy();
  });
  return source.pipe(gate);
}

// ---------------------------------------------------------------------------------------------
// Opening

/** Errors from opening and listing: yauzl's messages, mapped to our codes. */
function listingRefusal(error: unknown, file: string): Error {
  if (error instanceof ZipRefusal) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/strong encryption/.test(message))
    return new ZipRefusal('ENCRYPTED', `An entry of ${shown(file)} uses strong encryption (${message}); expected plain entries.`);
  return new ZipRefusal('CORRUPT', `${shown(file)} is not a readable ZIP archive (${message}); expected a complete ZIP file.`);
}

/**
 * Where the central directory starts, for the overlap check. yauzl keeps it as the cursor of the
 * next record to read, which is the directory's start until the first entry is read (the type
 * definitions call it boolean; it is a number). If that ever changes, the file's end is the bound.
 */
function centralDirectoryStart(zip: yauzl.ZipFile): number {
  const cursor: unknown = (zip as unknown as { readEntryCursor: unknown }).readEntryCursor;
  return typeof cursor === 'number' && Number.isFinite(cursor) ? cursor : zip.fileSize;
}

/** An entry of the central directory, its name decoded; `bare` is the name without a folder's trailing "/". */
interface Listed {
  entry: yauzl.Entry;
  name: string;
  bare: string;
  folder: boolean;
}

/**
 * Names in three passes over all entries, so each archive gets the most telling refusal: escapes
 * (and over-long names) first, then twins (even when both twins also fail the allowlist, as "é" twins do: "the same name
 * twice" says more than "not ASCII"), then the allowlist and Windows rules.
 */
function refuseNames(all: Listed[], allowedNames: readonly string[] | undefined): void {
  for (const { name } of all) {
    refuseZipSlip(name);
    refuseOverLong(name);
  }
  const collisions = new NameCollisions();
  for (const { bare, folder } of all) collisions.add(bare, folder);
  for (const { bare } of all) refuseOutsideAllowlist(bare, allowedNames);
}

/** What each entry is and holds: kind, encryption, method, ZIP64 use, declared sizes. */
function refuseContents(all: Listed[], file: string, limits: ZipLimits): void {
  let declaredTotal = 0;
  for (const { entry, name } of all) {
    refuseSpecialKinds(entry, name);
    refuseEncryptionAndMethod(entry, name);
    refuseUnexpectedZip64(entry, name);
    refuseDeclaredBomb(entry, name, limits);
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxTotalBytes)
      throw new ZipRefusal(
        'BOMB',
        `${shown(file)} declares more than ${limits.maxTotalBytes} bytes in total by ${shown(name)}; expected at most that.`,
      );
  }
}

export async function openSafeZip(file: string, limits: SafeZipOptions = {}, signal?: AbortSignal): Promise<SafeZip> {
  const { allowedNames, ...given } = limits;
  const lim: ZipLimits = { ...defaultZipLimits, ...given };
  signal?.throwIfAborted();
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: names are decoded and checked here, every one of them, with our own codes.
    zip = await yauzl.openPromise(file, { autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw listingRefusal(error, file);
  }
  try {
    // Known from the end record before any entry is read: a million-entry archive is refused without listing it.
    if (zip.entryCount > lim.maxEntries)
      throw new ZipRefusal('TOO_MANY', `${shown(file)} holds ${zip.entryCount} entries; expected at most ${lim.maxEntries}.`);
    const directoryStart = centralDirectoryStart(zip);

    const all: Listed[] = [];
    try {
      for await (const entry of zip.eachEntry()) {
        signal?.throwIfAborted();
        const name = decodeName(entry);
        const folder = isFolder(entry, name);
        all.push({ entry, name, folder, bare: folder && name.endsWith('/') ? name.slice(0, -1) : name });
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      throw listingRefusal(error, file);
    }
    refuseNames(all, allowedNames);
    refuseContents(all, file, lim);

    // Local headers are read first and the overlap checked on all of them before any field is
    // compared: two records sharing one header is an overlap, whatever names they carry.
    const placed: Placed[] = [];
    for (const { entry, name } of all) {
      signal?.throwIfAborted();
      placed.push(await place(zip, entry, name));
    }
    refuseOverlap(placed, directoryStart);
    for (const p of placed) refuseLocalMismatch(p);

    const files = all.filter((e) => !e.folder);
    const byName = new Map(files.map((e) => [e.name, e.entry]));
    const tally = new ReadTally();
    return {
      entries: files.map(({ entry, name }) => ({
        name,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        method: entry.compressionMethod,
      })),
      async open(which) {
        const name = typeof which === 'string' ? which : which.name;
        const entry = byName.get(name);
        if (!entry)
          throw new ZipRefusal('NAME', `The archive has no file entry ${shown(name)}; expected one of its ${byName.size} listed files.`);
        if (!zip.isOpen) throw new Error(`The archive ${shown(file)} is closed; open it again to read ${shown(name)}.`);
        signal?.throwIfAborted();
        let source: Readable;
        try {
          source = await zip.openReadStreamPromise(entry);
        } catch (error) {
          throw streamRefusal(error, name);
        }
        const stream = guarded(source, entry, name, lim, tally);
        return signal ? addAbortSignal(signal, stream) : stream;
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** The files under `prefix` ("bag/") as a bag, their paths without it; nothing outside the prefix can be listed or opened. */
export function zipBagSource(zip: SafeZip, prefix: string, describe: string): BagSource {
  if (prefix !== '' && !prefix.endsWith('/')) throw new TypeError(`A bag's prefix is a folder ending in "/", not ${shown(prefix)}.`);
  const under = zip.entries.filter((e) => e.name.startsWith(prefix) && e.name.length > prefix.length);
  const paths = new Set(under.map((e) => e.name.slice(prefix.length)));
  return {
    describe,
    list: () => Promise.resolve(under.map((e): BagEntry => ({ path: e.name.slice(prefix.length), size: e.uncompressedSize }))),
    open: (path) => {
      if (!paths.has(path))
        return Promise.reject(
          new ZipRefusal('NAME', `${describe} has no file ${shown(path)} in its bag; expected one of its ${paths.size} files.`),
        );
      return zip.open(`${prefix}${path}`);
    },
  };
}
