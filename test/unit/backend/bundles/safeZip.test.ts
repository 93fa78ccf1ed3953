import { execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDeterministicZip, type ZipInput } from '../../../../electron/backend/bundles/zip/deterministicZip';
import { openSafeZip, zipBagSource, ZipRefusal, type SafeZipOptions } from '../../../../electron/backend/bundles/zip/safeZip';
import { tempDir } from '../../../helpers/tempDir';

/**
 * The safe-archive layer (handbook §3.2) refuses each hostile archive with its own code, and the
 * deterministic writer's output reads back through it. Hostile archives are written byte by byte
 * with the small builder below, since no well-behaved library writes them.
 */

// ---------------------------------------------------------------------------------------------
// A raw ZIP builder: local headers, central directory, end record; no data descriptors, no ZIP64.

interface Deflated {
  body: Buffer;
  crc: number;
  size: number;
}

interface RawEntry {
  name: string;
  /** Content, stored unless `deflate`. */
  data?: Buffer;
  deflate?: boolean;
  /** Compressed bytes made elsewhere (a bomb too big to hold inflated), with the CRC and size they inflate to. */
  deflated?: Deflated;
  /** Unix type and permissions, in the high half of the external attributes (0o120777: a symlink). */
  mode?: number;
  /** MS-DOS attributes, in the low half (0x400: a reparse point). */
  dosAttributes?: number;
  /** General-purpose bits besides UTF-8 (0x800), in both headers (0x1: encrypted). */
  flags?: number;
  /** Compression method in both headers, when it should not follow from `deflate`. */
  method?: number;
  /** Uncompressed size both headers declare, to lie about what the data inflates to. */
  declaredSize?: number;
  /** CRC-32 both headers declare. */
  crc?: number;
  /** Write no local header: the central record points at `central.offset` (another entry's header, or bytes inside its data). */
  noLocal?: boolean;
  /** Local-header lies. */
  local?: Partial<{ name: string; method: number; uncompressedSize: number; signature: number }>;
  /** Central-directory lies. */
  central?: Partial<{ name: string; offset: number; compressedSize: number; extra: Buffer }>;
}

const UTF8_NAMES = 0x800;

function contentOf(e: RawEntry): { body: Buffer; crc: number; size: number; method: number } {
  const data = e.data ?? Buffer.alloc(0);
  const packed = e.deflated ?? { body: e.deflate ? zlib.deflateRawSync(data) : data, crc: zlib.crc32(data), size: data.length };
  return {
    body: packed.body,
    crc: e.crc ?? packed.crc,
    size: e.declaredSize ?? packed.size,
    method: e.method ?? (e.deflate || e.deflated ? 8 : 0),
  };
}

/** An entry's local header followed by its data: also what goes inside another entry to make them overlap. */
function localRecord(e: RawEntry): Buffer {
  const { body, crc, size, method } = contentOf(e);
  const name = Buffer.from(e.local?.name ?? e.name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(e.local?.signature ?? 0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(UTF8_NAMES | (e.flags ?? 0), 6);
  header.writeUInt16LE(e.local?.method ?? method, 8);
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(body.length, 18);
  header.writeUInt32LE(e.local?.uncompressedSize ?? size, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name, body]);
}

function centralRecord(e: RawEntry, offset: number): Buffer {
  const { body, crc, size, method } = contentOf(e);
  const name = Buffer.from(e.central?.name ?? e.name, 'utf8');
  const extra = e.central?.extra ?? Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(0x0314, 4); // made by Unix, spec 2.0
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(UTF8_NAMES | (e.flags ?? 0), 8);
  header.writeUInt16LE(method, 10);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(e.central?.compressedSize ?? body.length, 20);
  header.writeUInt32LE(size, 24);
  header.writeUInt16LE(name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE((((e.mode ?? 0o100644) << 16) | (e.dosAttributes ?? 0)) >>> 0, 38);
  header.writeUInt32LE(e.central?.offset ?? offset, 42);
  return Buffer.concat([header, name, extra]);
}

function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    centrals.push(centralRecord(e, offset));
    if (e.noLocal) continue;
    const local = localRecord(e);
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `size` zero bytes deflated, a MiB at a time, so the bomb is built without ever holding it inflated. */
async function deflatedZeros(size: number): Promise<Deflated> {
  const chunk = Buffer.alloc(1 << 20);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  let crc = 0;
  for (let done = 0; done < size; done += chunk.length) {
    crc = zlib.crc32(chunk, crc);
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { body: Buffer.concat(parts), crc, size };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const write = (bytes: Buffer, name = 'x.zip') => {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
};

const text = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, data: Buffer.from(`content of ${name}`), ...extra });
const folder = (name: string): RawEntry => ({ name, data: Buffer.alloc(0), mode: 0o040755 });

const drain = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Opens and reads every entry; returns the refusal (checking it is one), or null if the archive was accepted. */
async function refusalOf(bytes: Buffer, limits: SafeZipOptions = {}): Promise<ZipRefusal | null> {
  try {
    const zip = await openSafeZip(write(bytes), limits);
    try {
      for (const e of zip.entries) await drain(await zip.open(e));
    } finally {
      zip.close();
    }
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ZipRefusal);
    return error as ZipRefusal;
  }
}
const codeOf = async (bytes: Buffer, limits: SafeZipOptions = {}) => (await refusalOf(bytes, limits))?.code ?? 'accepted';

// ---------------------------------------------------------------------------------------------

describe('openSafeZip accepts a well-formed archive', () => {
  it('lists its files (not its folders) and streams their bytes', async () => {
    const zip = await openSafeZip(
      write(rawZip([folder('bag/'), text('bag/data/a.txt'), { name: 'bag/data/b.bin', data: Buffer.alloc(200_000, 7), deflate: true }])),
    );
    expect(zip.entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ['bag/data/a.txt', 0, 'content of bag/data/a.txt'.length],
      ['bag/data/b.bin', 8, 200_000],
    ]);
    expect((await drain(await zip.open('bag/data/a.txt'))).toString()).toBe('content of bag/data/a.txt');
    expect((await drain(await zip.open(zip.entries[1]!))).equals(Buffer.alloc(200_000, 7))).toBe(true);
    await expect(zip.open('bag/data/missing.txt')).rejects.toMatchObject({ code: 'NAME' });
    zip.close();
  });
});

describe('openSafeZip refuses', () => {
  // "a:b" is "b" in the current folder of drive A: on Windows.
  it.each(['../x', 'a/../../x', '/abs', '//server/share/x', 'C:x', 'c:/x', 'a:b', 'a\\b', '\\\\?\\C:\\x', '~user/x'])(
    'the escaping name %s (ZIP_SLIP)',
    async (name) => {
      expect(await codeOf(rawZip([text(name)]))).toBe('ZIP_SLIP');
    },
  );

  it.each([
    ['data/a:b', 'an NTFS stream separator'],
    ['caf\u00e9.txt', 'a non-ASCII letter'],
    ['a\u202etxt.exe', 'a bidi override'],
    ['bell\u0007', 'a control character'],
    [' lead', 'a space in the first part'],
    ['a//b', 'an empty part'],
    ['NUL.txt', 'a device name with an extension'],
    ['data/com1', 'a device name'],
    ['data/LPT9.log', 'a device name'],
    ['data/report.', 'a trailing dot'],
    ['data/dir /x', 'a trailing space'],
    ['./x', 'a "." part'],
    [`data/${'a'.repeat(256)}`, 'an over-long part'],
  ])('the name %j (%s) (NAME)', async (name) => {
    expect(await codeOf(rawZip([text(name)]))).toBe('NAME');
  });

  it('an over-long name, before any work proportional to its parts (NAME)', async () => {
    expect(await codeOf(rawZip([text(`${'a/'.repeat(20_000)}x`)]))).toBe('NAME');
  });

  it('names outside a fixed list, folders included, when the container has one', async () => {
    const allowedNames = ['outer.sig.json', 'payload.age'];
    expect(await codeOf(rawZip([text('outer.sig.json'), text('payload.age')]), { allowedNames })).toBe('accepted');
    expect(await codeOf(rawZip([text('outer.sig.json'), text('payload.age'), text('extra.txt')]), { allowedNames })).toBe('NAME');
    expect(await codeOf(rawZip([text('outer.sig.json'), folder('bag/')]), { allowedNames })).toBe('NAME');
  });

  it('names that are one file on case-insensitive or normalising file systems (DUPLICATE)', async () => {
    expect(await codeOf(rawZip([text('data/a.txt'), text('data/a.txt')]))).toBe('DUPLICATE');
    expect(await codeOf(rawZip([text('data/Report.txt'), text('data/report.txt')]))).toBe('DUPLICATE');
    expect(await codeOf(rawZip([text('DATA/x.txt'), text('data/y.txt'), text('Data/x.txt')]))).toBe('DUPLICATE');
    // NFC and NFD of "é": both fail the ASCII allowlist too, but the twin is the more telling refusal.
    const nfc = await refusalOf(rawZip([text('data/caf\u00e9'), text('data/cafe\u0301')]));
    expect(nfc?.code).toBe('DUPLICATE');
    expect(nfc?.message).toContain('caf\\u{e9}'); // escaped in the message, never shown raw
    expect(await codeOf(rawZip([text('data/stra\u00dfe'), text('data/strasse')]))).toBe('DUPLICATE');
    // A file where another entry needs a folder.
    expect(await codeOf(rawZip([text('data/a'), text('data/A/b.txt')]))).toBe('DUPLICATE');
    expect(await codeOf(rawZip([text('data/x/y.txt'), text('data/X')]))).toBe('DUPLICATE');
  });

  it('links and special files (SYMLINK)', async () => {
    expect(await codeOf(rawZip([text('link', { mode: 0o120777, data: Buffer.from('/etc/passwd') })]))).toBe('SYMLINK');
    expect(await codeOf(rawZip([text('fifo', { mode: 0o010644, data: Buffer.alloc(0) })]))).toBe('SYMLINK');
    expect(await codeOf(rawZip([text('junction', { mode: 0, dosAttributes: 0x400 })]))).toBe('SYMLINK');
  });

  it('a folder entry that carries data (CORRUPT)', async () => {
    expect(await codeOf(rawZip([text('data/', { mode: 0o040755 })]))).toBe('CORRUPT');
    expect(await codeOf(rawZip([folder('data/')]))).toBe('accepted');
  });

  it('encrypted entries and methods other than store and deflate', async () => {
    expect(await codeOf(rawZip([text('a.txt', { flags: 0x1, data: Buffer.alloc(12 + 5), declaredSize: 5 })]))).toBe('ENCRYPTED');
    expect(await codeOf(rawZip([text('a.txt', { flags: 0x41 })]))).toBe('ENCRYPTED'); // strong encryption
    expect(await codeOf(rawZip([text('a.txt', { flags: 0x1, method: 99 })]))).toBe('ENCRYPTED'); // WinZip AES
    expect(await codeOf(rawZip([text('a.txt', { method: 12 })]))).toBe('METHOD'); // bzip2
    expect(await codeOf(rawZip([text('a.txt', { method: 14 })]))).toBe('METHOD'); // LZMA
  });

  it('ZIP64 sizes where 32 bits hold them (CORRUPT)', async () => {
    const data = Buffer.from('small');
    const zip64 = Buffer.alloc(12);
    zip64.writeUInt16LE(0x0001, 0);
    zip64.writeUInt16LE(8, 2);
    zip64.writeBigUInt64LE(BigInt(data.length), 4);
    expect(await codeOf(rawZip([{ name: 'a.txt', data, central: { compressedSize: 0xffffffff, extra: zip64 } }]))).toBe('CORRUPT');
  });

  it('two central records pointing at one local header (OVERLAP)', async () => {
    const same = Buffer.from('the same bytes');
    const zip = rawZip([
      { name: 'a.txt', data: same },
      { name: 'b.txt', data: same, noLocal: true, central: { offset: 0 } },
    ]);
    expect(await codeOf(zip)).toBe('OVERLAP');
  });

  it('an entry whose local header and data lie inside another entry’s data (OVERLAP, the Fifield bomb’s trick)', async () => {
    const inner = text('b.txt');
    const zip = rawZip([
      { name: 'a.txt', data: localRecord(inner) },
      { ...inner, noLocal: true, central: { offset: 30 + 'a.txt'.length } },
    ]);
    expect(await codeOf(zip)).toBe('OVERLAP');
  });

  it('a local header that disagrees with the central directory (LOCAL_HEADER)', async () => {
    const refusal = await refusalOf(rawZip([text('good.txt', { central: { name: 'other.txt' } })]));
    expect(refusal?.code).toBe('LOCAL_HEADER');
    expect(refusal?.message).toMatch(/"other\.txt" has a local header with another name \("good\.txt"\)/);
    expect(await codeOf(rawZip([text('a.txt', { local: { method: 8 } })]))).toBe('LOCAL_HEADER');
    expect(await codeOf(rawZip([text('a.txt', { local: { uncompressedSize: 1 } })]))).toBe('LOCAL_HEADER');
    expect(await codeOf(rawZip([text('a.txt', { local: { signature: 0x08074b50 } })]))).toBe('LOCAL_HEADER');
  });

  it('more entries than the limit, before listing them (TOO_MANY)', async () => {
    const three = rawZip([text('a'), text('b'), text('c')]);
    expect(await codeOf(three, { maxEntries: 2 })).toBe('TOO_MANY');
    expect(await codeOf(three, { maxEntries: 3 })).toBe('accepted');
  });

  it('a truncated or damaged archive (CORRUPT)', async () => {
    const whole = rawZip([text('a.txt', { deflate: true }), text('b.txt')]);
    expect(await codeOf(whole.subarray(0, whole.length - 10))).toBe('CORRUPT');
    expect(await codeOf(whole.subarray(0, 40))).toBe('CORRUPT');
    expect(await codeOf(Buffer.from('not a zip at all'))).toBe('CORRUPT');
    expect(await codeOf(rawZip([text('a.txt', { crc: 0x12345678 })]))).toBe('CORRUPT'); // caught at the end of the stream
    expect(await codeOf(rawZip([text('a.txt', { data: Buffer.from('not deflate data'), method: 8 })]))).toBe('CORRUPT');
  });
});

describe('openSafeZip against bombs', () => {
  // 300 MB of zeros deflate to about 300 KB: a 1000:1 bomb, built once.
  let bomb: Deflated;
  beforeAll(async () => {
    bomb = await deflatedZeros(300 << 20);
  });

  it('refuses a bomb that declares its size when it is opened, inflating nothing', async () => {
    const started = Date.now();
    await expect(openSafeZip(write(rawZip([{ name: 'bomb.bin', deflated: bomb }])))).rejects.toMatchObject({
      code: 'BOMB',
      message: expect.stringMatching(/zip bomb's ratio\); expected at most 200:1\.$/),
    });
    await expect(
      openSafeZip(write(rawZip([{ name: 'big.bin', deflated: bomb }])), { maxRatio: 2000, maxEntryBytes: 16 << 20 }),
    ).rejects.toMatchObject({
      code: 'BOMB',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a bomb that lies about its size while streaming, after little more than it declared', async () => {
    // Both headers say 1 MiB (a harmless 3:1), the data inflates to 300 MB.
    const zip = await openSafeZip(write(rawZip([{ name: 'bomb.bin', deflated: bomb, declaredSize: 1 << 20 }])));
    const stream = await zip.open('bomb.bin');
    let received = 0;
    const started = Date.now();
    const refusal = await (async () => {
      try {
        for await (const chunk of stream) received += (chunk as Buffer).length;
        return null;
      } catch (error) {
        return error;
      }
    })();
    zip.close();
    expect(refusal).toBeInstanceOf(ZipRefusal);
    expect(refusal).toMatchObject({
      code: 'BOMB',
      message: expect.stringMatching(/"bomb\.bin" expands beyond the size its headers declare/),
    });
    expect(received).toBeLessThanOrEqual(1 << 20);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses the declared total over the limit, and counts an entry once however often it is read', async () => {
    const file = write(
      rawZip([
        { name: 'a.bin', data: Buffer.alloc(3 << 20, 1) },
        { name: 'b.bin', data: Buffer.alloc(3 << 20, 2) },
      ]),
    );
    await expect(openSafeZip(file, { maxTotalBytes: 5 << 20 })).rejects.toMatchObject({ code: 'BOMB' });
    const zip = await openSafeZip(file, { maxTotalBytes: 7 << 20 });
    await drain(await zip.open('a.bin'));
    await drain(await zip.open('a.bin')); // read again (hash, then copy): still 3 MiB of the 7 allowed, not 6
    await drain(await zip.open('b.bin'));
    zip.close();
  });
});

describe('openSafeZip and cancellation', () => {
  it('stops with the abort, not a refusal', async () => {
    const file = write(rawZip([text('a.txt')]));
    await expect(openSafeZip(file, {}, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const zip = await openSafeZip(file, {}, controller.signal);
    const stream = await zip.open('a.txt');
    controller.abort();
    await expect(drain(stream)).rejects.toMatchObject({ name: 'AbortError' });
    zip.close();
  });
});

describe('zipBagSource', () => {
  it('lists and streams the files under its prefix, without it, and nothing else', async () => {
    const zip = await openSafeZip(
      write(
        rawZip([
          text('bundle.sig.json'),
          folder('bag/'),
          text('bag/bagit.txt'),
          folder('bag/data/'),
          text('bag/data/a.txt'),
          text('bagpipe.txt'),
        ]),
      ),
    );
    const bag = zipBagSource(zip, 'bag/', 'bundle x.casebundle');
    expect(bag.describe).toBe('bundle x.casebundle');
    expect(await bag.list()).toEqual([
      { path: 'bagit.txt', size: 'content of bag/bagit.txt'.length },
      { path: 'data/a.txt', size: 'content of bag/data/a.txt'.length },
    ]);
    expect((await drain(await bag.open('data/a.txt'))).toString()).toBe('content of bag/data/a.txt');
    await expect(bag.open('../bundle.sig.json')).rejects.toMatchObject({ code: 'NAME' });
    await expect(bag.open('bundle.sig.json')).rejects.toMatchObject({ code: 'NAME' });
    expect(() => zipBagSource(zip, 'bag', 'x')).toThrow(TypeError);
    zip.close();
  });
});

// ---------------------------------------------------------------------------------------------

describe('writeDeterministicZip', () => {
  const inputs = (dir: string): ZipInput[] => {
    // About 3 MB of rows that deflate some 5:1: constant bytes would deflate 1000:1, which the reader refuses as a bomb.
    const big = path.join(dir, 'big.bin');
    fs.writeFileSync(big, Array.from({ length: 150_000 }, (_, i) => `${i},${(i * 7919) % 10007},x\n`).join(''));
    return [
      { name: 'bag/data/z.txt', data: Buffer.from('zed') },
      { name: 'bag/bagit.txt', data: Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n') },
      { name: 'bag/data/big.bin', file: big },
      { name: 'bag/data/Zebra.txt', data: Buffer.from('upper case sorts first') },
    ];
  };

  it('writes the same bytes whatever the input order, and reads back through the safe layer', async () => {
    const dir = tempDir();
    const entries = inputs(dir);
    const a = await writeDeterministicZip(entries, path.join(dir, 'a.zip'));
    const b = await writeDeterministicZip([...entries].reverse(), path.join(dir, 'b.zip'));
    const bytes = fs.readFileSync(path.join(dir, 'a.zip'));
    expect(bytes.equals(fs.readFileSync(path.join(dir, 'b.zip')))).toBe(true);
    expect(a).toEqual(b);
    expect(a.bytes).toBe(bytes.length);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const zip = await openSafeZip(path.join(dir, 'a.zip'));
    expect(zip.entries.map((e) => [e.name, e.method])).toEqual([
      ['bag/bagit.txt', 0],
      ['bag/data/Zebra.txt', 0],
      ['bag/data/big.bin', 0],
      ['bag/data/z.txt', 0],
    ]);
    for (const e of entries) {
      const expected = 'data' in e ? e.data : fs.readFileSync(e.file);
      expect((await drain(await zip.open(e.name))).equals(expected)).toBe(true);
    }
    zip.close();
  });

  it('fixes time, mode and extra fields in every header', async () => {
    const dir = tempDir();
    await writeDeterministicZip(inputs(dir), path.join(dir, 'a.zip'));
    const zip = await yauzl.openPromise(path.join(dir, 'a.zip'), { autoClose: false });
    for await (const entry of zip.eachEntry()) {
      expect(entry.lastModFileDate).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(entry.lastModFileTime).toBe(0); // 00:00:00
      expect(entry.externalFileAttributes >>> 16).toBe(0o100644);
      expect(entry.extraFieldLength).toBe(0);
      expect(entry.fileCommentLength).toBe(0);
      expect(entry.compressionMethod).toBe(0);
      const local = await zip.readLocalFileHeaderPromise(entry);
      expect([local.extraFieldLength, local.lastModFileDate, local.lastModFileTime]).toEqual([0, 33, 0]);
    }
    zip.close();
  });

  it('deflates when asked, as deterministically', async () => {
    const dir = tempDir();
    const a = await writeDeterministicZip(inputs(dir), path.join(dir, 'a.zip'), { compress: true });
    const b = await writeDeterministicZip(inputs(dir), path.join(dir, 'b.zip'), { compress: true });
    expect(a.sha256).toBe(b.sha256);
    const zip = await openSafeZip(path.join(dir, 'a.zip'));
    expect(zip.entries.every((e) => e.method === 8)).toBe(true);
    expect((await drain(await zip.open('bag/data/big.bin'))).equals(fs.readFileSync(path.join(dir, 'big.bin')))).toBe(true);
    zip.close();
  });

  it('writes the same bytes in other time zones (child processes)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'f.txt');
    fs.writeFileSync(file, 'from a file');
    const entries = [
      { name: 'b.txt', data: Buffer.from('b') },
      { name: 'a/f.txt', file },
    ];
    const here = await writeDeterministicZip(entries, path.join(dir, 'here.zip'));
    const module = pathToFileURL(path.resolve(__dirname, '../../../../electron/backend/bundles/zip/deterministicZip.ts')).href;
    const script = `import(${JSON.stringify(module)}).then(async ({ writeDeterministicZip }) => {
      const r = await writeDeterministicZip([{ name: 'b.txt', data: Buffer.from('b') }, { name: 'a/f.txt', file: process.env.INPUT }], process.env.OUT);
      process.stdout.write(JSON.stringify({ sha256: r.sha256, offset: new Date(1980, 0, 1).getTimezoneOffset() }));
    })`;
    const zones = ['Asia/Tokyo', 'America/Los_Angeles', 'Asia/Kathmandu', 'UTC'];
    const results = await Promise.all(
      zones.map(async (zone, i) => {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
          env: { ...process.env, TZ: zone, INPUT: file, OUT: path.join(dir, `${i}.zip`) },
        });
        return JSON.parse(stdout) as { sha256: string; offset: number };
      }),
    );
    expect(new Set(results.map((r) => r.offset)).size).toBe(zones.length); // four different offsets really were used
    for (const r of results) expect(r.sha256).toBe(here.sha256);
  });

  it('streams a large file instead of loading it', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'sparse.bin');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 256 << 20); // sparse: costs no disk to make
    const before = process.memoryUsage().rss;
    let peak = before;
    const result = await writeDeterministicZip([{ name: 'sparse.bin', file: big }], path.join(dir, 'big.zip'), {
      onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)),
    });
    expect(result.bytes).toBeGreaterThan(256 << 20);
    expect(peak - before).toBeLessThan(128 << 20);
  });

  it('leaves neither the file nor a .partial when it fails or is aborted', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.zip');
    await expect(writeDeterministicZip([{ name: 'gone.bin', file: path.join(dir, 'missing.bin') }], out)).rejects.toThrow(/ENOENT/);
    await expect(
      writeDeterministicZip([{ name: 'a', data: Buffer.from('a') }], out, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    const big = path.join(dir, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(8 << 20));
    const controller = new AbortController();
    await expect(
      writeDeterministicZip([{ name: 'big.bin', file: big }], out, {
        signal: controller.signal,
        onProgress: (n) => n > 1 << 20 && controller.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(fs.readdirSync(dir).sort()).toEqual(['big.bin']);
  });

  it('refuses names it cannot write faithfully', async () => {
    const out = path.join(tempDir(), 'out.zip');
    await expect(writeDeterministicZip([{ name: 'a\\b', data: Buffer.from('x') }], out)).rejects.toThrow(/backslash/);
    const twice = [
      { name: 'a', data: Buffer.from('1') },
      { name: 'a', data: Buffer.from('2') },
    ];
    await expect(writeDeterministicZip(twice, out)).rejects.toThrow(/twice/);
  });
});
