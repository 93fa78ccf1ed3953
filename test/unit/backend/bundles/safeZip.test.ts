import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeDeterministicZip } from '../../../../electron/backend/bundles/zip/deterministicZip';
import { openSafeZip, ZipRefusal, zipBagSource } from '../../../../electron/backend/bundles/zip/safeZip';
import { tempDir } from '../../../helpers/tempDir';
import { rawZip, type RawEntry } from './rawZip';

/** The safe-archive layer refuses each hostile archive with its own code, before any byte is used. */
const write = (bytes: Buffer) => {
  const file = path.join(tempDir(), 'x.zip');
  fs.writeFileSync(file, bytes);
  return file;
};
const refusal = async (file: string, limits = {}) => {
  try {
    const zip = await openSafeZip(file, limits);
    for (const e of zip.entries) for await (const _ of await zip.open(e)) void _;
    zip.close();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ZipRefusal);
    return error as ZipRefusal;
  }
};
const entry = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, data: Buffer.from(`content of ${name}`), ...extra });

describe('openSafeZip refuses', () => {
  it.each([['../evil.txt'], ['/etc/passwd'], ['C:x.txt'], ['a\\b.txt'], ['~user/x']])('the path %s (zip-slip)', async (name) => {
    const r = await refusal(write(rawZip([entry(name)])));
    expect(['ZIP_SLIP', 'CORRUPT']).toContain(r?.code);
  });

  it('a symlink entry', async () => {
    expect((await refusal(write(rawZip([entry('link', { mode: 0o120777, data: Buffer.from('/etc/passwd') })]))))?.code).toBe('SYMLINK');
  });

  it('names that are one on case-insensitive or normalising file systems', async () => {
    expect((await refusal(write(rawZip([entry('data/Report.txt'), entry('data/report.txt')]))))?.code).toBe('DUPLICATE');
    // NFC and NFD of "é" pass the allowlist only as ASCII-free names do not: both are refused by name first.
    const nfd = await refusal(write(rawZip([entry('data/caf\u00e9'), entry('data/cafe\u0301')])));
    expect(['DUPLICATE', 'NAME']).toContain(nfd?.code);
    expect((await refusal(write(rawZip([entry('data/a.txt'), entry('data/a.txt')]))))?.code).toBe('DUPLICATE');
  });

  it('overlapping entries (one entry’s bytes inside another’s)', async () => {
    const inner = rawZip([entry('b.txt')]);
    const localOfB = inner.subarray(0, inner.readUInt32LE(inner.length - 22 + 16)); // B's local header and data
    const outer = rawZip([
      { name: 'a.txt', data: localOfB },
      { name: 'b.txt', data: Buffer.from('content of b.txt'), cd: { offset: 30 + 'a.txt'.length } },
    ]);
    expect((await refusal(write(outer)))?.code).toBe('OVERLAP');
  });

  it('a deflate bomb, while streaming and before it is inflated', async () => {
    const zeros = Buffer.alloc(64 << 20);
    const r = await refusal(write(rawZip([{ name: 'bomb.bin', data: zeros, deflate: true }])), { maxRatio: 200 });
    expect(r?.code).toBe('BOMB');
    expect(r?.message).toMatch(/bomb/);
  });

  it('a local header that names another file than the central directory', async () => {
    expect((await refusal(write(rawZip([entry('good.txt', { cd: { name: 'other.txt' } })]))))?.code).toBe('LOCAL_HEADER');
  });

  it('too many entries, other methods, reserved names, and a truncated archive', async () => {
    expect((await refusal(write(rawZip([entry('a'), entry('b'), entry('c')])), { maxEntries: 2 }))?.code).toBe('TOO_MANY');
    expect((await refusal(write(rawZip([entry('NUL.txt')]))))?.code).toBe('NAME');
    expect(
      (await refusal(write(rawZip([entry('x', { data: Buffer.from(zlib.deflateRawSync(Buffer.from('x'))) })]).subarray(0, 40))))?.code,
    ).toBe('CORRUPT');
  });
});

describe('openSafeZip limits', () => {
  it('count an entry once however often it is read (a verifier hashes, then copies)', async () => {
    const file = write(
      rawZip([
        { name: 'a.bin', data: Buffer.alloc(3 << 20, 1) },
        { name: 'b.bin', data: Buffer.alloc(3 << 20, 2) },
      ]),
    );
    const zip = await openSafeZip(file, { maxTotalBytes: 7 << 20 });
    const drain = async (name: string) => {
      for await (const _ of await zip.open(name)) void _;
    };
    await drain('a.bin');
    await drain('a.bin'); // read again: still 3 MB of the 7 MB allowed, not 6
    await drain('b.bin');
    await expect(openSafeZip(file, { maxTotalBytes: 5 << 20 })).rejects.toMatchObject({ code: 'BOMB' });
    zip.close();
  });
});

describe('writeDeterministicZip', () => {
  it('writes the same bytes twice, sorted, and reads back through the safe layer', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(3 << 20, 7));
    const entries = [
      { name: 'bag/data/z.txt', data: Buffer.from('zed') },
      { name: 'bag/bagit.txt', data: Buffer.from('BagIt-Version: 1.0\n') },
      { name: 'bag/data/big.bin', file: big },
    ];
    const a = await writeDeterministicZip(entries, path.join(dir, 'a.zip'));
    const b = await writeDeterministicZip([...entries].reverse(), path.join(dir, 'b.zip'));
    expect(a.sha256).toBe(b.sha256);
    expect(fs.readFileSync(path.join(dir, 'a.zip')).equals(fs.readFileSync(path.join(dir, 'b.zip')))).toBe(true);
    const zip = await openSafeZip(path.join(dir, 'a.zip'));
    expect(zip.entries.map((e) => e.name)).toEqual(['bag/bagit.txt', 'bag/data/big.bin', 'bag/data/z.txt']);
    const bag = zipBagSource(zip, 'bag/', 'a.zip');
    expect((await bag.list()).map((e) => e.path)).toEqual(['bagit.txt', 'data/big.bin', 'data/z.txt']);
    let size = 0;
    for await (const c of await bag.open('data/big.bin')) size += (c as Buffer).length;
    expect(size).toBe(3 << 20);
    zip.close();
  });

  it('gives the same bytes in another time zone', async () => {
    const dir = tempDir();
    const entries = [{ name: 'a.txt', data: Buffer.from('a') }];
    const here = await writeDeterministicZip(entries, path.join(dir, 'here.zip'));
    const zone = process.env.TZ;
    // Node reads TZ again when it changes: the DOS time fields are computed from local time.
    process.env.TZ = zone === 'Pacific/Kiritimati' ? 'America/Adak' : 'Pacific/Kiritimati';
    try {
      expect(new Date(0).getTimezoneOffset()).not.toBe(0);
      const there = await writeDeterministicZip(entries, path.join(dir, 'there.zip'));
      expect(there.sha256).toBe(here.sha256);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
