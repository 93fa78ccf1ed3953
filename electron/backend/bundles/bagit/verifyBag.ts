import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BagSource } from '../bagSource';
import {
  atLeast,
  decodeTagFile,
  parseBagInfo,
  parseBagitTxt,
  parseManifest,
  unsafePath,
  lines,
  type InfoLine,
  type ManifestLine,
  type Problems,
} from './tagFiles';

/**
 * A BagIt verifier (RFC 8493): complete (every file listed is there, every payload file is in
 * every payload manifest) and valid (every checksum matches), reading only through a BagSource.
 * The 'concordat' profile adds what a case bundle needs (handbook §1.4): version 1.0, a SHA-512
 * tag manifest listing every tag file, nothing unlisted outside data/, no fetch.txt, and name
 * twins (Unicode normalisation or case) refused rather than warned about.
 */

export interface BagReport {
  ok: boolean;
  version: string | null;
  errors: string[];
  warnings: string[];
  bagInfo: InfoLine[];
  payload: Array<{ path: string; size: number; sha512?: string }>;
  algorithms: string[];
}

export interface VerifyBagOptions {
  profile?: 'generic' | 'concordat';
  signal?: AbortSignal;
  onProgress?: (p: { bytesHashed: number; bytesTotal: number; file?: string }) => void;
}

const ALGORITHMS: Record<string, { node: string; hex: number }> = {
  md5: { node: 'md5', hex: 32 },
  sha1: { node: 'sha1', hex: 40 },
  sha224: { node: 'sha224', hex: 56 },
  sha256: { node: 'sha256', hex: 64 },
  sha384: { node: 'sha384', hex: 96 },
  sha512: { node: 'sha512', hex: 128 },
};
const TAG_SIG = 'bundle.sig.json';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function digests(
  stream: Readable,
  algorithms: string[],
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<Record<string, string>> {
  const hashes = algorithms.map((a) => [a, crypto.createHash(ALGORITHMS[a]!.node)] as const);
  for await (const chunk of stream) {
    signal?.throwIfAborted();
    for (const [, h] of hashes) h.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  return Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]));
}

const fold = (path: string) => path.normalize('NFC').toLowerCase();

export async function verifyBag(source: BagSource, options: VerifyBagOptions = {}): Promise<BagReport> {
  const concordat = options.profile === 'concordat';
  const p: Problems = { errors: [], warnings: [] };
  const report: BagReport = { ok: false, version: null, errors: p.errors, warnings: p.warnings, bagInfo: [], payload: [], algorithms: [] };
  const files = new Map((await source.list()).map((e) => [e.path, e.size]));
  const read = async (path: string) => readAll(await source.open(path));

  if (!files.has('bagit.txt')) {
    p.errors.push(`${source.describe} has no bagit.txt: it is not a bag.`);
    return report;
  }
  const decl = parseBagitTxt(await read('bagit.txt'), p);
  if (!decl) return report;
  report.version = decl.version;
  if (concordat && decl.version !== '1.0') p.errors.push(`A Concordat bundle is BagIt 1.0, not ${decl.version}.`);
  const text = async (name: string) => decodeTagFile(await read(name), decl.encoding, name, p);

  // Name twins: one file on case-insensitive or normalising file systems.
  const byFold = new Map<string, string>();
  for (const path of files.keys()) {
    const twin = byFold.get(fold(path));
    if (twin !== undefined)
      (concordat ? p.errors : p.warnings).push(`"${twin}" and "${path}" differ only by case or Unicode normalisation.`);
    byFold.set(fold(path), path);
  }

  const infoName = files.has('bag-info.txt')
    ? 'bag-info.txt'
    : files.has('package-info.txt') && !atLeast(decl.version, '0.96')
      ? 'package-info.txt'
      : null;
  if (infoName) {
    const t = await text(infoName);
    if (t !== null) report.bagInfo = parseBagInfo(t, decl.version, infoName, p);
  } else if (concordat) p.errors.push('bag-info.txt is missing.');

  const manifestOf = (kind: 'manifest' | 'tagmanifest') =>
    [...files.keys()]
      .map((f) => new RegExp(`^${kind}-([a-z0-9]+)\\.txt$`).exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: m[0], algorithm: m[1]! }));
  const payloadManifests = manifestOf('manifest');
  const tagManifests = manifestOf('tagmanifest');
  if (payloadManifests.length === 0) p.errors.push('There is no payload manifest (manifest-<algorithm>.txt).');
  if (concordat && !files.has('manifest-sha512.txt')) p.errors.push('manifest-sha512.txt is missing.');
  if (concordat && !files.has('tagmanifest-sha512.txt'))
    p.errors.push('tagmanifest-sha512.txt is missing: the tag files cannot be checked.');
  for (const m of [...payloadManifests, ...tagManifests])
    if (!ALGORITHMS[m.algorithm])
      p.errors.push(`${m.file}: the algorithm "${m.algorithm}" is not supported (md5, sha1, sha224, sha256, sha384, sha512).`);

  const parsed = new Map<string, ManifestLine[]>();
  for (const m of [...payloadManifests, ...tagManifests].filter((x) => ALGORITHMS[x.algorithm])) {
    const t = await text(m.file);
    if (t === null) continue;
    const entries = parseManifest(t, decl.version, m.file, ALGORITHMS[m.algorithm]!.hex, p);
    const seen = new Map<string, ManifestLine>();
    for (const e of entries) {
      const before = seen.get(e.path);
      if (before) {
        const same = before.digest === e.digest;
        const duplicate = `${m.file} line ${e.line}: "${e.path}" is listed again (first on line ${before.line}${same ? ', same checksum' : ', another checksum'}).`;
        (same && !atLeast(decl.version, '1.0') && !concordat ? p.warnings : p.errors).push(duplicate);
      }
      seen.set(e.path, e);
      const twin = [...seen.keys()].find((k) => k !== e.path && fold(k) === fold(e.path));
      if (twin)
        (concordat ? p.errors : p.warnings).push(`${m.file}: "${twin}" and "${e.path}" differ only by case or Unicode normalisation.`);
    }
    parsed.set(m.file, entries);
  }

  // fetch.txt: never fetched; a listed file must already be here, and its path must stay in the bag.
  const fetched = new Set<string>();
  if (files.has('fetch.txt')) {
    if (concordat) p.errors.push('fetch.txt is not allowed in a Concordat bundle: nothing is ever downloaded.');
    const t = await text('fetch.txt');
    for (const [i, line] of lines(t ?? '').entries()) {
      const m = /^(\S+)[ \t]+(\S+)[ \t]+(.+)$/.exec(line);
      if (!m) {
        if (line.trim()) p.errors.push(`fetch.txt line ${i + 1}: expected "<url> <length> <path>".`);
        continue;
      }
      const path = m[3]!;
      const unsafe = unsafePath(path);
      if (unsafe) p.errors.push(`fetch.txt line ${i + 1}: "${path}" is ${unsafe}; every path must stay inside the bag.`);
      else fetched.add(path);
    }
  }

  // Completeness: every payload file in every payload manifest; every listed file present.
  const payloadFiles = [...files.keys()].filter((f) => f.startsWith('data/'));
  const present = (path: string) => files.has(path) || files.has(path.normalize('NFC')) || files.has(path.normalize('NFD'));
  for (const m of payloadManifests) {
    const entries = parsed.get(m.file);
    if (!entries) continue;
    const listed = new Set(entries.map((e) => e.path.normalize('NFC')));
    for (const e of entries) {
      if (!e.path.startsWith('data/')) p.errors.push(`${m.file} line ${e.line}: "${e.path}" is not in the payload folder data/.`);
      else if (!present(e.path))
        p.errors.push(
          `${m.file} line ${e.line}: "${e.path}" is not in the bag${fetched.has(e.path) ? ' (it is only in fetch.txt: nothing is downloaded)' : ''}.`,
        );
    }
    for (const f of payloadFiles) if (!listed.has(f.normalize('NFC'))) p.errors.push(`"${f}" is in the bag but not in ${m.file}.`);
  }
  for (const m of tagManifests) {
    for (const e of parsed.get(m.file) ?? [])
      if (!present(e.path)) p.errors.push(`${m.file} line ${e.line}: "${e.path}" is not in the bag.`);
  }
  if (concordat) {
    const listed = new Set((parsed.get('tagmanifest-sha512.txt') ?? []).map((e) => e.path));
    for (const f of files.keys())
      if (!f.startsWith('data/') && !/^tagmanifest-[a-z0-9]+\.txt$/.test(f) && f !== TAG_SIG && !listed.has(f))
        p.errors.push(`"${f}" is outside data/ and not listed in tagmanifest-sha512.txt.`);
  }

  const oxum = report.bagInfo.find((l) => l.label.toLowerCase() === 'payload-oxum')?.value;
  if (oxum !== undefined) {
    const m = /^(\d+)\.(\d+)$/.exec(oxum.trim());
    const bytes = payloadFiles.reduce((n, f) => n + files.get(f)!, 0);
    if (!m) p.errors.push(`bag-info.txt: Payload-Oxum "${oxum}" is not "<bytes>.<files>".`);
    else if (Number(m[1]) !== bytes || Number(m[2]) !== payloadFiles.length)
      p.errors.push(`Payload-Oxum says ${m[1]} bytes in ${m[2]} files; the payload holds ${bytes} bytes in ${payloadFiles.length} files.`);
  }
  if (p.errors.length > 0) return report;

  // Validity: every file hashed once, with every algorithm that lists it.
  const wanted = new Map<string, Map<string, string>>();
  for (const m of [...payloadManifests, ...tagManifests])
    for (const e of parsed.get(m.file) ?? []) {
      const actual = files.has(e.path) ? e.path : files.has(e.path.normalize('NFC')) ? e.path.normalize('NFC') : e.path.normalize('NFD');
      if (!wanted.has(actual)) wanted.set(actual, new Map());
      wanted.get(actual)!.set(m.algorithm, e.digest);
    }
  const total = [...wanted.keys()].reduce((n, f) => n + (files.get(f) ?? 0), 0);
  let hashed = 0;
  for (const [path, expected] of wanted) {
    options.signal?.throwIfAborted();
    const got = await digests(await source.open(path), [...expected.keys()], options.signal, (n) => {
      hashed += n;
      options.onProgress?.({ bytesHashed: hashed, bytesTotal: total, file: path });
    });
    for (const [algorithm, digest] of expected)
      if (got[algorithm] !== digest) p.errors.push(`"${path}" does not match its ${algorithm} checksum: it was changed or damaged.`);
    if (path.startsWith('data/')) report.payload.push({ path, size: files.get(path)!, ...(got.sha512 ? { sha512: got.sha512 } : {}) });
  }
  report.algorithms = [...new Set([...payloadManifests, ...tagManifests].map((m) => m.algorithm))];
  report.ok = p.errors.length === 0;
  return report;
}
