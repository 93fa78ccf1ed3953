import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BagSource } from '../../../../electron/backend/bundles/bagSource';
import { dirBagSource } from '../../../../electron/backend/bundles/bagit/dirBagSource';
import { verifyBag, type BagReport } from '../../../../electron/backend/bundles/bagit/verifyBag';
import { tempDir } from '../../../helpers/tempDir';

/**
 * The BagIt verifier on bags built here, in temporary folders: what the Concordat profile refuses
 * that a generic bag may do, how paths are read, cancelling, and hashing in a stream.
 */

const sha512 = (data: Buffer | string) => crypto.createHash('sha512').update(data).digest('hex');

function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
}

/** Every file under a folder, '/'-separated and relative, as the bag names them. */
function filesUnder(dir: string, sub = ''): string[] {
  const full = path.join(dir, sub);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

interface SealOptions {
  version?: string;
  /** How the manifest writes a payload file's name (default: as on disk). */
  writtenAs?: (file: string) => string;
}

/**
 * Makes the folder a BagIt bag the way a Concordat bundle is one: bagit.txt, bag-info.txt with
 * Payload-Oxum, manifest-sha512.txt over data/, then tagmanifest-sha512.txt over every other file
 * already there. A file written after this is, by design, not in the tag manifest.
 */
function sealBag(dir: string, options: SealOptions = {}): void {
  const { version = '1.0', writtenAs = (f: string) => f } = options;
  const payload = filesUnder(dir, 'data');
  const bytes = payload.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const manifest = payload.map((f) => `${sha512(fs.readFileSync(path.join(dir, f)))}  ${writtenAs(f)}\n`).join('');
  writeFiles(dir, {
    'bagit.txt': `BagIt-Version: ${version}\nTag-File-Character-Encoding: UTF-8\n`,
    'bag-info.txt': `Source-Organization: CFTC\nBagging-Date: 2025-01-31\nPayload-Oxum: ${bytes}.${payload.length}\n`,
    'manifest-sha512.txt': manifest,
  });
  const tagFiles = filesUnder(dir).filter((f) => !f.startsWith('data/') && !f.startsWith('tagmanifest-'));
  writeFiles(dir, {
    'tagmanifest-sha512.txt': tagFiles.map((f) => `${sha512(fs.readFileSync(path.join(dir, f)))}  ${f}\n`).join(''),
  });
}

function bundleDir(payload: Record<string, string | Buffer> = { 'data/case.json': '{"case":1}\n', 'data/items/a.csv': 'a,b\n1,2\n' }) {
  const dir = tempDir('concordat-bag-');
  writeFiles(dir, payload);
  return dir;
}

const generic = (dir: string) => verifyBag(dirBagSource(dir));
const concordat = (dir: string) => verifyBag(dirBagSource(dir), { profile: 'concordat' });
const findings = (r: BagReport) => `errors: ${r.errors.join(' | ') || '(none)'}; warnings: ${r.warnings.join(' | ') || '(none)'}`;

function expectOk(report: BagReport): void {
  expect(report.errors, findings(report)).toEqual([]);
  expect(report.ok).toBe(true);
}

function expectRefused(report: BagReport, because: RegExp): void {
  expect(report.ok).toBe(false);
  expect(
    report.errors.some((e) => because.test(e)),
    `expected an error matching ${because}; ${findings(report)}`,
  ).toBe(true);
}

describe('verifyBag, Concordat profile', () => {
  it('accepts a well-formed bundle and reports its labels, payload and checksums', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const report = await concordat(dir);
    expectOk(report);
    expect(report.warnings).toEqual([]);
    expect(report.version).toBe('1.0');
    expect(report.algorithms).toEqual(['sha512']);
    expect(report.bagInfo.map((l) => l.label)).toEqual(['Source-Organization', 'Bagging-Date', 'Payload-Oxum']);
    expect(report.payload).toEqual([
      { path: 'data/case.json', size: 11, sha512: sha512('{"case":1}\n') },
      { path: 'data/items/a.csv', size: 8, sha512: sha512('a,b\n1,2\n') },
    ]);
  });

  it('refuses a bundle whose tagmanifest-sha512.txt was deleted (a generic bag may do without one)', async () => {
    const dir = bundleDir();
    sealBag(dir);
    fs.rmSync(path.join(dir, 'tagmanifest-sha512.txt'));
    expectRefused(await concordat(dir), /tagmanifest-sha512\.txt is missing/);
    expectOk(await generic(dir));
  });

  it('refuses fetch.txt even when every file it lists is present (a generic bag is then valid)', async () => {
    const dir = bundleDir();
    writeFiles(dir, { 'fetch.txt': 'https://example.invalid/case.json 11 data/case.json\n' });
    sealBag(dir);
    expectRefused(await concordat(dir), /^fetch\.txt is not allowed in a Concordat bundle/);
    expectOk(await generic(dir));
  });

  it('refuses, in a generic bag too, a fetch.txt whose file is not there: nothing is downloaded', async () => {
    const dir = bundleDir();
    writeFiles(dir, { 'fetch.txt': 'https://example.invalid/case.json - data/case.json\n' });
    sealBag(dir);
    fs.rmSync(path.join(dir, 'data/case.json'));
    expectRefused(
      await generic(dir),
      /manifest-sha512\.txt line 1: "data\/case\.json" is not in the bag \(fetch\.txt lists it, but this verifier never downloads\)/,
    );
  });

  it('refuses a file outside data/ that the tag manifest does not list, but not the detached signature', async () => {
    const dir = bundleDir();
    sealBag(dir);
    writeFiles(dir, { 'bundle.sig.json': '{}' });
    expectOk(await concordat(dir));
    writeFiles(dir, { 'notes.txt': 'added after signing\n' });
    expectRefused(await concordat(dir), /^"notes\.txt" is outside data\/ and not listed in tagmanifest-sha512\.txt/);
    expectOk(await generic(dir));
  });

  it('refuses a tag manifest that leaves out bag-info.txt', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const tagmanifest = path.join(dir, 'tagmanifest-sha512.txt');
    const kept = fs
      .readFileSync(tagmanifest, 'utf8')
      .split('\n')
      .filter((l) => !l.endsWith(' bag-info.txt'));
    fs.writeFileSync(tagmanifest, kept.join('\n'));
    expectRefused(await concordat(dir), /^"bag-info\.txt" is outside data\/ and not listed in tagmanifest-sha512\.txt/);
  });

  it('refuses a bag older than BagIt 1.0, or without manifest-sha512.txt', async () => {
    const old = bundleDir();
    sealBag(old, { version: '0.97' });
    expectRefused(await concordat(old), /a Concordat bundle is BagIt 1\.0, not 0\.97/);
    expectOk(await generic(old));

    const md5Only = bundleDir();
    sealBag(md5Only);
    const lines = filesUnder(md5Only, 'data').map(
      (f) =>
        `${crypto
          .createHash('md5')
          .update(fs.readFileSync(path.join(md5Only, f)))
          .digest('hex')}  ${f}\n`,
    );
    fs.writeFileSync(path.join(md5Only, 'manifest-md5.txt'), lines.join(''));
    fs.rmSync(path.join(md5Only, 'manifest-sha512.txt'));
    expectRefused(await concordat(md5Only), /manifest-sha512\.txt is missing/);
  });
});

describe('verifyBag, checksums', () => {
  it('names the file and manifest line of a tampered payload byte', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const file = path.join(dir, 'data/items/a.csv');
    const bytes = fs.readFileSync(file);
    bytes[2] = bytes[2]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    for (const report of [await concordat(dir), await generic(dir)]) {
      expect(report.ok).toBe(false);
      // Same size, so Payload-Oxum agrees: only the checksum can tell.
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatch(
        /^manifest-sha512\.txt line 2: "data\/items\/a\.csv" does not match its sha512 checksum \(it hashes to [0-9a-f]{16}…, the manifest lists [0-9a-f]{16}…\)/,
      );
    }
  });

  it('still runs the checksums when Payload-Oxum disagrees', async () => {
    const dir = bundleDir();
    sealBag(dir);
    fs.appendFileSync(path.join(dir, 'data/case.json'), 'x');
    const report = await generic(dir);
    expectRefused(report, /^bag-info\.txt: Payload-Oxum says 19 bytes in 2 files; the payload folder holds 20 bytes in 2 files\./);
    expectRefused(report, /^manifest-sha512\.txt line 1: "data\/case\.json" does not match its sha512 checksum/);
  });

  it('refuses a payload file that is in the bag but not in every payload manifest', async () => {
    const dir = bundleDir();
    sealBag(dir);
    fs.writeFileSync(
      path.join(dir, 'manifest-sha256.txt'),
      `${crypto.createHash('sha256').update('{"case":1}\n').digest('hex')}\tdata/case.json\n`,
    );
    const report = await generic(dir);
    expectRefused(report, /^"data\/items\/a\.csv" is in the payload folder but not in manifest-sha256\.txt\.$/);
    expect(report.algorithms).toEqual(['sha256', 'sha512']);
  });

  it('refuses a file listed twice in a 1.0 manifest, even with the same checksum', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const manifest = path.join(dir, 'manifest-sha512.txt');
    fs.appendFileSync(manifest, fs.readFileSync(manifest, 'utf8').split('\n')[0] + '\n');
    expectRefused(
      await generic(dir),
      /^manifest-sha512\.txt line 3: "data\/case\.json" is listed again \(first on line 1, same checksum\)/,
    );
  });
});

describe('verifyBag, names', () => {
  const nfc = 'data/Caf\u00e9.txt';
  const nfd = 'data/Cafe\u0301.txt';

  it('warns about names that differ only by Unicode normalisation, and refuses them in a bundle', async () => {
    const dir = bundleDir({ [nfc]: 'composed\n', [nfd]: 'decomposed\n' });
    sealBag(dir);
    const report = await generic(dir);
    expectOk(report);
    expect(report.warnings.join('\n')).toMatch(/differ only by Unicode normalisation \(the first is NF[CD], the second NF[CD]\)/);
    expectRefused(await concordat(dir), /differ only by Unicode normalisation/);
  });

  it('warns about names that differ only by case, and refuses them in a bundle', async () => {
    const dir = bundleDir({ 'data/report.csv': 'a\n', 'data/REPORT.csv': 'b\n' });
    sealBag(dir);
    const report = await generic(dir);
    expectOk(report);
    expect(report.warnings.join('\n')).toMatch(/"data\/REPORT\.csv" and "data\/report\.csv" in the bag differ only by case/);
    expectRefused(
      await concordat(dir),
      /manifest-sha512\.txt lines 1 and 2: "data\/REPORT\.csv" and "data\/report\.csv" differ only by case/,
    );
  });

  it('finds a file whose manifest name is in another Unicode normalisation than on disk', async () => {
    const dir = bundleDir({ [nfd]: 'written on macOS\n' });
    sealBag(dir, { writtenAs: (f) => f.normalize('NFC') });
    const report = await generic(dir);
    expectOk(report);
    expect(report.payload.map((p) => p.path)).toEqual([nfd]);
  });

  it('decodes %25, %0A and %0D in BagIt 1.0 paths, and nothing else', async () => {
    const dir = bundleDir({ 'data/100%.txt': 'percent\n', 'data/two\nlines.txt': 'newline\n', 'data/%7Etilde.txt': 'literal\n' });
    sealBag(dir, { writtenAs: (f) => (f === 'data/%7Etilde.txt' ? f : f.replace(/%/g, '%25').replace(/\n/g, '%0A')) });
    const manifest = fs.readFileSync(path.join(dir, 'manifest-sha512.txt'), 'utf8');
    expect(manifest).toContain('  data/100%25.txt\n');
    expect(manifest).toContain('  data/two%0Alines.txt\n');
    expect(manifest).toContain('  data/%7Etilde.txt\n');
    const report = await concordat(dir);
    expectOk(report);
    expect(report.payload.map((p) => p.path)).toEqual(['data/%7Etilde.txt', 'data/100%.txt', 'data/two\nlines.txt']);
  });

  it('reads %25 literally before BagIt 1.0', async () => {
    const dir = bundleDir({ 'data/100%25.txt': 'a file really named so\n' });
    sealBag(dir, { version: '0.97' });
    expectOk(await generic(dir));
  });

  it('never opens a path that leads outside the bag, on any OS', async () => {
    const dir = bundleDir();
    sealBag(dir);
    fs.appendFileSync(
      path.join(dir, 'manifest-sha512.txt'),
      ['data/../../secret', '/etc/passwd', '~/x', 'C:/x', 'data\\x', '\\\\?\\UNC\\server\\x']
        .map((p) => `${'0'.repeat(128)}  ${p}\n`)
        .join(''),
    );
    const inner = dirBagSource(dir);
    const opened: string[] = [];
    const spy: BagSource = { describe: inner.describe, list: () => inner.list(), open: (p) => (opened.push(p), inner.open(p)) };
    const report = await verifyBag(spy);
    expect(report.errors.filter((e) => /every path must stay inside the bag/.test(e))).toHaveLength(6);
    const listed = new Set((await inner.list()).map((e) => e.path));
    expect(opened.filter((p) => !listed.has(p))).toEqual([]);
  });
});

describe('dirBagSource', () => {
  it('lists every regular file with a "/"-separated relative path and its size', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const entries = await dirBagSource(dir).list();
    expect(entries.map((e) => e.path).sort()).toEqual(filesUnder(dir));
    expect(entries.find((e) => e.path === 'data/items/a.csv')?.size).toBe(8);
  });

  it.skipIf(process.platform === 'win32')('refuses a symbolic link rather than follow it', async () => {
    const outside = tempDir('concordat-outside-');
    writeFiles(outside, { 'secret.txt': 'not in the bag\n' });
    const dir = bundleDir();
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'data/link.txt'));
    sealBag(dir);
    await expect(dirBagSource(dir).list()).rejects.toThrow(
      /"data\/link\.txt" in folder .* is a symbolic link; .* links are never followed/,
    );
    await expect(dirBagSource(dir).open('data/link.txt')).rejects.toThrow(/is a symbolic link/);
    expectRefused(await generic(dir), /is a symbolic link/);
  });

  it('opens nothing outside its folder', async () => {
    const source = dirBagSource(bundleDir());
    for (const p of ['../x', 'data/../../x', '/etc/passwd', 'data//x', 'data\\x'])
      await expect(source.open(p), p).rejects.toThrow(/not a plain relative path|leads outside/);
  });
});

describe('verifyBag, cancelling', () => {
  it('throws an AbortError when cancelled before it starts', async () => {
    const dir = bundleDir();
    sealBag(dir);
    const controller = new AbortController();
    controller.abort();
    await expect(verifyBag(dirBagSource(dir), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('throws an AbortError when cancelled while hashing', async () => {
    const dir = bundleDir({ 'data/big.bin': Buffer.alloc(4 * 1024 * 1024, 7) });
    sealBag(dir);
    const controller = new AbortController();
    let progressAfterAbort = 0;
    const run = verifyBag(dirBagSource(dir), {
      signal: controller.signal,
      onProgress: (p) => {
        if (controller.signal.aborted) progressAfterAbort += 1;
        else if (p.file === 'data/big.bin' && p.bytesHashed > 0) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'Bag verification was cancelled.' });
    expect(progressAfterAbort).toBe(0);
  });
});

describe('verifyBag, streaming', () => {
  const MB = 1024 * 1024;
  const SIZE = 50 * MB;

  it('verifies a 50 MB payload file by hashing it as it streams', async () => {
    const dir = bundleDir({});
    // Written a megabyte at a time, so the test itself never holds the file either.
    fs.mkdirSync(path.join(dir, 'data'));
    const fd = fs.openSync(path.join(dir, 'data/evidence.bin'), 'w');
    const block = Buffer.alloc(MB);
    for (let i = 0; i < SIZE / MB; i++) fs.writeSync(fd, block.fill(i));
    fs.closeSync(fd);
    sealBag(dir);

    // Bytes handed out by the source minus bytes hashed: what the verifier holds at a time.
    const inner = dirBagSource(dir);
    let pulled = 0;
    let mostAhead = 0;
    const counting: BagSource = {
      describe: inner.describe,
      list: () => inner.list(),
      open: async (p): Promise<Readable> => {
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            pulled += chunk.length;
            done(null, chunk);
          },
        });
        return (await inner.open(p)).pipe(counter);
      },
    };
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let progressCalls = 0;
    const report = await verifyBag(counting, {
      profile: 'concordat',
      onProgress: (p) => {
        progressCalls += 1;
        mostAhead = Math.max(mostAhead, pulled - p.bytesHashed);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      },
    });
    expectOk(report);
    expect(report.payload).toEqual([{ path: 'data/evidence.bin', size: SIZE, sha512: expect.stringMatching(/^[0-9a-f]{128}$/) }]);
    // Hashed chunk by chunk, never more than a few chunks ahead of the source.
    expect(progressCalls).toBeGreaterThan(100);
    expect(mostAhead).toBeLessThan(2 * MB);
    // Loosely: read chunks already hashed wait for the collector (16–36 MB of growth seen here), but a
    // verifier holding the whole file would grow by at least its size.
    expect(rssPeak - rssBefore).toBeLessThan(SIZE);
  });
});
