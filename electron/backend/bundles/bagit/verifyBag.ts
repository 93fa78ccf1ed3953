import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BagSource } from '../bagSource';
import {
  atLeast,
  decodeTagFile,
  isSupportedEncoding,
  parseBagInfo,
  parseBagitTxt,
  parseFetch,
  parseManifest,
  quoted,
  type BagDeclaration,
  type BagInfoLine,
  type FetchLine,
  type ManifestLine,
  type Problems,
} from './tagFiles';

/**
 * A BagIt verifier (RFC 8493 and the 0.93–0.97 drafts), reading only through a BagSource so that it
 * never touches a file the source did not list. Complete: every file a manifest lists is there and
 * every payload file is in every payload manifest. Valid: every checksum matches, each file read
 * once, in a stream, with all its algorithms at once.
 *
 * The 'concordat' profile adds what a case bundle needs (handbook §1.4): BagIt 1.0 in UTF-8, a
 * bag-info.txt, manifest-sha512.txt, a tagmanifest-sha512.txt listing every tag file, nothing
 * unlisted outside data/ (but the signature), no fetch.txt, and names that differ only by case
 * or Unicode normalisation refused rather than warned about.
 */

export type BagProfile = 'generic' | 'concordat';

export interface BagReport {
  ok: boolean;
  /** The declared BagIt version, or null when bagit.txt is missing or unreadable. */
  version: string | null;
  errors: string[];
  warnings: string[];
  bagInfo: BagInfoLine[];
  /** Every payload file that was hashed, sorted by path; sha512 when a SHA-512 manifest lists it. */
  payload: Array<{ path: string; size: number; sha512?: string }>;
  /** Checksum algorithms of the bag's manifests and tag manifests. */
  algorithms: string[];
}

export interface VerifyBagProgress {
  bytesHashed: number;
  bytesTotal: number;
  file?: string;
}

export interface VerifyBagOptions {
  profile?: BagProfile;
  signal?: AbortSignal;
  onProgress?: (p: VerifyBagProgress) => void;
}

/** Hex digits per algorithm; RFC 8493 §2.4 names these (1.0 requires SHA-256 and SHA-512). */
const HEX_LENGTH = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 } as const;
type Algorithm = keyof typeof HEX_LENGTH;
const isAlgorithm = (name: string): name is Algorithm => Object.hasOwn(HEX_LENGTH, name);
const SUPPORTED = Object.keys(HEX_LENGTH).join(', ');

/** The detached signature of a case bundle: outside data/ yet never in the tag manifest it signs. */
const SIGNATURE_FILE = 'bundle.sig.json';
/** Tag files are read whole; a manifest for a million files is ~200 MB, so this bounds a hostile one. */
const MAX_TAG_FILE_BYTES = 256 * 1024 * 1024;
/** How many bytes of a checksum a mismatch message shows: enough to compare by eye. */
const SHOWN_HEX = 16;

/** Operating-system housekeeping files, usually bagged by accident (the suite's special-system-files case). */
const HOUSEKEEPING: Record<string, string> = {
  'thumbs.db': 'a Windows thumbnail cache',
  'ehthumbs.db': 'a Windows thumbnail cache',
  'desktop.ini': 'a Windows folder-settings file',
  '.ds_store': 'a macOS Finder file',
};

function abortError(signal: AbortSignal): Error {
  const error = new Error('Bag verification was cancelled.', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Where two names would be one file: on case-insensitive disks (Windows, default macOS) or normalising ones (macOS). */
const foldName = (name: string) => name.normalize('NFC').toLowerCase();

const formOf = (name: string) => (name === name.normalize('NFC') ? 'NFC' : name === name.normalize('NFD') ? 'NFD' : 'mixed');

function howTwinsDiffer(a: string, b: string): string {
  // Both names print alike, so the message says which form each one is in.
  if (a.normalize('NFC') === b.normalize('NFC'))
    return `only by Unicode normalisation (the first is ${formOf(a)}, the second ${formOf(b)})`;
  if (a.toLowerCase() === b.toLowerCase()) return 'only by case';
  return 'only by case and Unicode normalisation';
}

/** The files a source listed, and how a path written in a tag file finds one of them. */
class BagFiles {
  readonly sizes = new Map<string, number>();
  private readonly byNfc = new Map<string, string[]>();

  constructor(entries: Array<{ path: string; size: number }>, p: Problems, describe: string) {
    for (const { path, size } of entries) {
      if (this.sizes.has(path)) p.errors.push(`${describe} lists ${quoted(path)} twice.`);
      this.sizes.set(path, size);
      const nfc = path.normalize('NFC');
      this.byNfc.set(nfc, [...(this.byNfc.get(nfc) ?? []), path]);
    }
  }

  has(path: string): boolean {
    return this.sizes.has(path);
  }

  /**
   * The listed file a tag file's path names: the same bytes, or else the one file with the same
   * NFC form (a bag written on macOS, stored NFD, and listed NFC in its manifest, or the reverse).
   */
  locate(path: string): string | undefined {
    if (this.sizes.has(path)) return path;
    const same = this.byNfc.get(path.normalize('NFC'));
    return same?.length === 1 ? same[0] : undefined;
  }

  get payload(): string[] {
    return [...this.sizes.keys()].filter((f) => f.startsWith('data/'));
  }
}

interface ManifestFile {
  name: string;
  algorithm: Algorithm;
  kind: 'payload' | 'tag';
  entries: ManifestLine[];
}

/** What a file's bytes must hash to, and which manifest line says so. */
interface Expectation {
  manifest: string;
  line: number;
  algorithm: Algorithm;
  digest: string;
}

class Verification {
  private readonly p: Problems = { errors: [], warnings: [] };
  private readonly report: BagReport = {
    ok: false,
    version: null,
    errors: this.p.errors,
    warnings: this.p.warnings,
    bagInfo: [],
    payload: [],
    algorithms: [],
  };
  private readonly concordat: boolean;
  private readonly signal: AbortSignal | undefined;
  private files = new BagFiles([], this.p, '');
  private declaration: BagDeclaration = { version: '1.0', encoding: 'UTF-8' };
  private bagInfoName = 'bag-info.txt';

  constructor(
    private readonly source: BagSource,
    private readonly options: VerifyBagOptions,
  ) {
    this.concordat = options.profile === 'concordat';
    this.signal = options.signal;
  }

  /** A finding that is an error in a Concordat bundle and only a warning in a generic bag. */
  private concordatError(message: string): void {
    (this.concordat ? this.p.errors : this.p.warnings).push(message);
  }

  async run(): Promise<BagReport> {
    throwIfAborted(this.signal);
    if ((await this.listFiles()) && (await this.readDeclaration())) {
      await this.readBagInfo();
      const manifests = await this.readManifests();
      const fetched = await this.readFetch(manifests);
      this.checkCompleteness(manifests, fetched);
      if (this.concordat) this.checkTagManifestCoversTagFiles(manifests);
      this.checkPayloadOxum();
      // Checksums run even after the checks above failed: the report then names every damaged file too.
      await this.checkChecksums(manifests);
    }
    this.report.ok = this.p.errors.length === 0;
    return this.report;
  }

  private async listFiles(): Promise<boolean> {
    let entries;
    try {
      entries = await this.source.list();
    } catch (error) {
      if (isAbort(error)) throw error;
      this.p.errors.push(`${this.source.describe} cannot be read as a bag: ${messageOf(error)}`);
      return false;
    }
    throwIfAborted(this.signal);
    this.files = new BagFiles(entries, this.p, this.source.describe);
    this.reportTwins(
      [...this.files.sizes.keys()].map((path) => ({ path, where: this.source.describe })),
      (a, b, how) => `${quoted(a.path)} and ${quoted(b.path)} in the bag differ ${how}: on many disks they are one file.`,
    );
    return true;
  }

  /** Names that would be one file on another disk: a warning in a generic bag, an error in a bundle. */
  private reportTwins<T extends { path: string }>(items: T[], message: (first: T, twin: T, how: string) => string): void {
    const seen = new Map<string, T>();
    for (const item of items) {
      const first = seen.get(foldName(item.path));
      if (first && first.path !== item.path) this.concordatError(message(first, item, howTwinsDiffer(first.path, item.path)));
      else if (!first) seen.set(foldName(item.path), item);
    }
  }

  /** A tag file's bytes, read whole but bounded (the source's listed size may understate it). */
  private async readTagBytes(name: string): Promise<Buffer | null> {
    const listed = this.files.sizes.get(name) ?? 0;
    const tooBig = `${name} is larger than ${MAX_TAG_FILE_BYTES} bytes, the most this verifier reads of a tag file.`;
    if (listed > MAX_TAG_FILE_BYTES) {
      this.p.errors.push(tooBig);
      return null;
    }
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of await this.source.open(name)) {
        throwIfAborted(this.signal);
        total += (chunk as Buffer).length;
        if (total > MAX_TAG_FILE_BYTES) {
          this.p.errors.push(tooBig);
          return null;
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    } catch (error) {
      if (isAbort(error)) throw error;
      this.p.errors.push(`${name} could not be read: ${messageOf(error)}`);
      return null;
    }
  }

  private async readTagText(name: string): Promise<string | null> {
    const bytes = await this.readTagBytes(name);
    return bytes && decodeTagFile(bytes, this.declaration.encoding, name, this.p);
  }

  private async readDeclaration(): Promise<boolean> {
    if (!this.files.has('bagit.txt')) {
      this.p.errors.push(`${this.source.describe} has no bagit.txt, so it is not a bag (every bag starts with that declaration).`);
      return false;
    }
    const bytes = await this.readTagBytes('bagit.txt');
    const declaration = bytes && parseBagitTxt(bytes, this.p);
    if (!declaration) return false;
    this.declaration = declaration;
    this.report.version = declaration.version;
    if (this.concordat && declaration.version !== '1.0')
      this.p.errors.push(`bagit.txt: a Concordat bundle is BagIt 1.0, not ${declaration.version}.`);
    if (this.concordat && declaration.encoding !== 'UTF-8')
      this.p.errors.push(`bagit.txt: a Concordat bundle's tag files are UTF-8, not ${quoted(declaration.encoding)}.`);
    if (!isSupportedEncoding(declaration.encoding)) {
      this.p.errors.push(
        `bagit.txt line 2: the tag file encoding ${quoted(declaration.encoding)} is not one this verifier reads (UTF-8, UTF-16, ISO-8859-1, US-ASCII).`,
      );
      return false;
    }
    return true;
  }

  private async readBagInfo(): Promise<void> {
    // Drafts 0.93–0.95 called it package-info.txt.
    const older = !atLeast(this.declaration.version, '0.96') && !this.files.has('bag-info.txt') && this.files.has('package-info.txt');
    this.bagInfoName = older ? 'package-info.txt' : 'bag-info.txt';
    if (!this.files.has(this.bagInfoName)) {
      // Optional in every version (the suite's v1.0 basicBag has none), required in a bundle.
      if (this.concordat) this.p.errors.push('bag-info.txt is missing; a Concordat bundle carries its labels and Payload-Oxum there.');
      return;
    }
    const text = await this.readTagText(this.bagInfoName);
    if (text !== null) this.report.bagInfo = parseBagInfo(text, this.declaration.version, this.bagInfoName, this.p);
  }

  private async readManifests(): Promise<ManifestFile[]> {
    const found: ManifestFile[] = [];
    let payloadManifestNames = 0;
    for (const name of this.files.sizes.keys()) {
      const m = /^(tag)?manifest-([^/]+)\.txt$/.exec(name);
      if (!m) continue;
      const [, tag, algorithm = ''] = m;
      if (!tag) payloadManifestNames += 1;
      if (!isAlgorithm(algorithm)) {
        this.p.errors.push(
          `${name}: the checksum algorithm ${quoted(algorithm)} is not supported (${SUPPORTED}), so its files cannot be checked.`,
        );
        continue;
      }
      found.push({ name, algorithm, kind: tag ? 'tag' : 'payload', entries: [] });
    }
    found.sort((a, b) => (a.name < b.name ? -1 : 1));
    if (payloadManifestNames === 0)
      this.p.errors.push('The bag has no payload manifest (manifest-<algorithm>.txt, e.g. manifest-sha512.txt).');
    if (this.concordat && !this.files.has('manifest-sha512.txt'))
      this.p.errors.push('manifest-sha512.txt is missing; a Concordat bundle lists its payload there.');
    if (this.concordat && !this.files.has('tagmanifest-sha512.txt'))
      this.p.errors.push('tagmanifest-sha512.txt is missing; without it the tag files of a Concordat bundle cannot be checked.');
    this.report.algorithms = [...new Set(found.map((m) => m.algorithm))].sort();

    for (const manifest of found) {
      throwIfAborted(this.signal);
      const text = await this.readTagText(manifest.name);
      if (text === null) continue;
      const format = { name: manifest.name, version: this.declaration.version, hexLength: HEX_LENGTH[manifest.algorithm] };
      manifest.entries = parseManifest(text, format, this.p);
      this.checkListedOnce(manifest);
    }
    return found;
  }

  /** RFC 8493 §2.1.3: each file once per manifest. Before 1.0 a repeat with the same checksum was tolerated. */
  private checkListedOnce(manifest: ManifestFile): void {
    const first = new Map<string, ManifestLine>();
    for (const entry of manifest.entries) {
      const before = first.get(entry.path);
      if (!before) {
        first.set(entry.path, entry);
        continue;
      }
      const same = before.digest === entry.digest;
      const message = `${manifest.name} line ${entry.line}: ${quoted(entry.path)} is listed again (first on line ${before.line}, ${same ? 'same' : 'another'} checksum); each file must be listed once.`;
      if (same && !atLeast(this.declaration.version, '1.0')) this.concordatError(message);
      else this.p.errors.push(message);
    }
    this.reportTwins(
      manifest.entries,
      (a, b, how) =>
        `${manifest.name} lines ${a.line} and ${b.line}: ${quoted(a.path)} and ${quoted(b.path)} differ ${how}: on many disks they are one file.`,
    );
  }

  private async readFetch(manifests: ManifestFile[]): Promise<Set<string>> {
    const fetched = new Set<string>();
    if (!this.files.has('fetch.txt')) return fetched;
    // A bundle must be whole as signed; fetching would also make the verifier reach out to the network.
    if (this.concordat) this.p.errors.push('fetch.txt is not allowed in a Concordat bundle: nothing is ever downloaded.');
    const text = await this.readTagText('fetch.txt');
    const lines: FetchLine[] = text === null ? [] : parseFetch(text, this.declaration.version, this.p);
    const payloadManifests = manifests.filter((m) => m.kind === 'payload');
    for (const line of lines) {
      fetched.add(line.path);
      for (const m of payloadManifests)
        if (!m.entries.some((e) => e.path === line.path))
          this.p.errors.push(
            `fetch.txt line ${line.line}: ${quoted(line.path)} is not in ${m.name}; every file fetch.txt lists must be in every payload manifest.`,
          );
      const present = this.files.locate(line.path);
      const size = present === undefined ? undefined : this.files.sizes.get(present);
      if (size !== undefined && line.length !== null && size !== line.length)
        this.p.warnings.push(`fetch.txt line ${line.line}: ${quoted(line.path)} is ${size} bytes; fetch.txt says ${line.length}.`);
    }
    return fetched;
  }

  private checkCompleteness(manifests: ManifestFile[], fetched: Set<string>): void {
    const payloadFiles = this.files.payload;
    for (const manifest of manifests) {
      const listed = new Set<string>();
      for (const entry of manifest.entries) {
        const where = `${manifest.name} line ${entry.line}`;
        if (manifest.kind === 'payload' && !entry.path.startsWith('data/')) {
          this.p.errors.push(
            `${where}: ${quoted(entry.path)} is not in the payload folder data/; a payload manifest lists only payload files.`,
          );
          continue;
        }
        if (manifest.kind === 'tag' && (entry.path.startsWith('data/') || /^tagmanifest-/.test(entry.path)))
          this.concordatError(
            `${where}: ${quoted(entry.path)} is not a tag file; a tag manifest lists the tag files, not payload or tag manifests.`,
          );
        const file = this.files.locate(entry.path);
        if (file === undefined) {
          const why = fetched.has(entry.path) ? ' (fetch.txt lists it, but this verifier never downloads)' : '';
          this.p.errors.push(`${where}: ${quoted(entry.path)} is not in the bag${why}.`);
        } else listed.add(file);
      }
      if (manifest.kind === 'payload')
        for (const file of payloadFiles)
          if (!listed.has(file)) this.p.errors.push(`${quoted(file)} is in the payload folder but not in ${manifest.name}.`);
    }
    for (const file of payloadFiles) {
      const kind = HOUSEKEEPING[file.slice(file.lastIndexOf('/') + 1).toLowerCase()];
      if (kind) this.p.warnings.push(`${quoted(file)} is ${kind}, probably bagged by accident.`);
    }
  }

  /** Handbook §1.4 step 5: in a bundle, every file outside data/ is covered by the signed tag manifest. */
  private checkTagManifestCoversTagFiles(manifests: ManifestFile[]): void {
    const tagManifest = manifests.find((m) => m.name === 'tagmanifest-sha512.txt');
    if (!tagManifest) return;
    const listed = new Set(tagManifest.entries.map((e) => this.files.locate(e.path) ?? e.path));
    // bagit.txt, bag-info.txt and manifest-sha512.txt are among these: their absence is reported where they are required.
    for (const file of this.files.sizes.keys()) {
      if (file.startsWith('data/') || /^tagmanifest-/.test(file) || file === SIGNATURE_FILE || listed.has(file)) continue;
      this.p.errors.push(
        `${quoted(file)} is outside data/ and not listed in tagmanifest-sha512.txt; a Concordat bundle lists every tag file there and holds no unlisted files.`,
      );
    }
  }

  /** A quick check before the long one (RFC 8493 §2.2.2): a mismatch is an error, and the checksums still run. */
  private checkPayloadOxum(): void {
    const oxum = this.report.bagInfo.find((l) => l.label.toLowerCase() === 'payload-oxum');
    if (!oxum) return;
    const m = /^(\d+)\.(\d+)$/.exec(oxum.value);
    if (!m) {
      this.p.errors.push(`${this.bagInfoName}: Payload-Oxum ${quoted(oxum.value)} is not "<bytes>.<number of files>".`);
      return;
    }
    const payload = this.files.payload;
    const bytes = payload.reduce((sum, f) => sum + (this.files.sizes.get(f) ?? 0), 0);
    if (Number(m[1]) !== bytes || Number(m[2]) !== payload.length)
      this.p.errors.push(
        `${this.bagInfoName}: Payload-Oxum says ${m[1]} bytes in ${m[2]} files; the payload folder holds ${bytes} bytes in ${payload.length} files.`,
      );
  }

  private async checkChecksums(manifests: ManifestFile[]): Promise<void> {
    const expected = new Map<string, Expectation[]>();
    for (const manifest of manifests)
      for (const entry of manifest.entries) {
        const file = this.files.locate(entry.path);
        if (file === undefined) continue;
        if (manifest.kind === 'payload' && !file.startsWith('data/')) continue;
        expected.set(file, [
          ...(expected.get(file) ?? []),
          { manifest: manifest.name, line: entry.line, algorithm: manifest.algorithm, digest: entry.digest },
        ]);
      }
    // Tag files first: small, and what the payload's checksums are read from.
    const order = [...expected.keys()].sort((a, b) => Number(a.startsWith('data/')) - Number(b.startsWith('data/')) || (a < b ? -1 : 1));
    const bytesTotal = order.reduce((sum, f) => sum + (this.files.sizes.get(f) ?? 0), 0);
    let bytesHashed = 0;
    this.options.onProgress?.({ bytesHashed, bytesTotal });
    for (const file of order) {
      throwIfAborted(this.signal);
      const wanted = expected.get(file) ?? [];
      const algorithms = [...new Set(wanted.map((w) => w.algorithm))];
      const hashed = await this.hashFile(file, algorithms, (n) => {
        bytesHashed += n;
        this.options.onProgress?.({ bytesHashed, bytesTotal, file });
      });
      if (!hashed) continue;
      for (const w of wanted) {
        const actual = hashed.digests.get(w.algorithm) ?? '';
        if (actual !== w.digest)
          this.p.errors.push(
            `${w.manifest} line ${w.line}: ${quoted(file)} does not match its ${w.algorithm} checksum (it hashes to ${actual.slice(0, SHOWN_HEX)}…, the manifest lists ${w.digest.slice(0, SHOWN_HEX)}…): the file was changed or damaged.`,
          );
      }
      if (file.startsWith('data/')) {
        const sha512 = hashed.digests.get('sha512');
        this.report.payload.push({ path: file, size: hashed.size, ...(sha512 ? { sha512 } : {}) });
      }
    }
    this.report.payload.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** One streaming pass over a file, feeding every algorithm at once; never the whole file in memory. */
  private async hashFile(
    file: string,
    algorithms: Algorithm[],
    onBytes: (n: number) => void,
  ): Promise<{ size: number; digests: Map<Algorithm, string> } | null> {
    const hashes = algorithms.map((a) => [a, crypto.createHash(a)] as const);
    let size = 0;
    let stream: Readable | undefined;
    try {
      stream = await this.source.open(file);
      // Leaving the loop early (abort, error) destroys the stream, which closes the file.
      for await (const chunk of stream) {
        throwIfAborted(this.signal);
        const bytes = chunk as Buffer;
        for (const [, hash] of hashes) hash.update(bytes);
        size += bytes.length;
        onBytes(bytes.length);
      }
    } catch (error) {
      stream?.destroy();
      if (isAbort(error)) throw error;
      this.p.errors.push(`${quoted(file)} could not be read: ${messageOf(error)}`);
      return null;
    }
    const listed = this.files.sizes.get(file);
    if (listed !== undefined && listed !== size)
      this.p.errors.push(`${quoted(file)} was listed as ${listed} bytes, but ${size} bytes were read.`);
    return { size, digests: new Map(hashes.map(([a, hash]) => [a, hash.digest('hex')])) };
  }
}

/**
 * Verifies a bag and reports every problem found, as sentences naming the file and line. Throws
 * only an Error named 'AbortError' when `signal` aborts; a bag the source cannot even list is a
 * report with an error.
 */
export function verifyBag(source: BagSource, options: VerifyBagOptions = {}): Promise<BagReport> {
  return new Verification(source, options).run();
}
