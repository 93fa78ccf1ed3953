/**
 * Reading BagIt tag files (RFC 8493 §2 and the 0.93–0.97 drafts): bagit.txt, bag-info.txt (or
 * the older package-info.txt), manifests and fetch.txt. Lenient only where a version requires it:
 * whitespace around a colon is accepted before 1.0 and refused in 1.0; paths are %-decoded only
 * for %0A, %0D and %25 and only from 1.0 on, because real bags (and the conformance suite) hold
 * files literally named "%7Etest1.txt" (handbook §1.2).
 *
 * Every problem is pushed as a sentence naming the file and line, so that a report can be shown
 * to a person as is.
 */

export interface Problems {
  errors: string[];
  warnings: string[];
}

export interface BagDeclaration {
  /** "M.N" as declared, e.g. "1.0" or "0.97". */
  version: string;
  /** The declared Tag-File-Character-Encoding of the other tag files. */
  encoding: string;
}

export interface BagInfoLine {
  label: string;
  value: string;
}

export interface ManifestLine {
  /** The path as the bag means it: "./" and md5sum's "*" removed, %-decoded for 1.0. */
  path: string;
  /** Lower-case hex. */
  digest: string;
  line: number;
}

export interface FetchLine {
  url: string;
  /** Declared size in bytes, or null for "-". */
  length: number | null;
  path: string;
  line: number;
}

/** Longest text quoted in a message: a hostile tag file must not flood the report. */
const QUOTE_LIMIT = 300;

/** A value shown in a message: JSON quoting makes a stray tab, CR or trailing space visible. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

function versionParts(version: string): [number, number] {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return [major, minor];
}

/** Whether `version` is `wanted` or later ("0.97" < "1.0"). */
export function atLeast(version: string, wanted: string): boolean {
  const [a, b] = versionParts(version);
  const [c, d] = versionParts(wanted);
  return a > c || (a === c && b >= d);
}

/** The versions whose rules this reader knows; a bag declaring another is read by the nearest rules, with a warning. */
export const KNOWN_VERSIONS = ['0.93', '0.94', '0.95', '0.96', '0.97', '1.0'];

/** RFC 8493 §2: a line ends with LF, CR or CRLF; a final line ending does not start another line. */
export function splitLines(text: string): string[] {
  const all = text.split(/\r\n|\r|\n/);
  if (all.at(-1) === '') all.pop();
  return all;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const startsWithUtf8Bom = (bytes: Uint8Array) => UTF8_BOM.every((b, i) => bytes[i] === b);

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    // ignoreBOM: a BOM stays in the text, so callers decide whether it is an error or a warning.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * bagit.txt, the bag declaration: always UTF-8 whatever the bag declares for its other tag files.
 * For 1.0 the grammar is exact (`BagIt-Version: M.N`, `Tag-File-Character-Encoding: ENC`, one
 * space after each colon, nothing else); older readers must tolerate whitespace around a colon.
 * A deviation from the 1.0 grammar is an error but reading goes on, so that the report also names
 * the bag's other problems; only a declaration without a usable version or encoding stops it.
 */
export function parseBagitTxt(bytes: Uint8Array, p: Problems): BagDeclaration | null {
  if (startsWithUtf8Bom(bytes)) {
    p.errors.push('bagit.txt starts with a byte-order mark (EF BB BF); the bag declaration must be UTF-8 without one.');
    bytes = bytes.subarray(UTF8_BOM.length);
  }
  const text = strictUtf8(bytes);
  if (text === null) {
    p.errors.push('bagit.txt is not valid UTF-8; the bag declaration must be UTF-8.');
    return null;
  }
  const [first = '', second = '', ...rest] = splitLines(text);

  const version = /^BagIt-Version[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(first)?.[1];
  if (version === undefined) {
    p.errors.push(`bagit.txt line 1: expected "BagIt-Version: <M.N>", found ${quoted(first)}.`);
    return null;
  }
  if (!/^\d+\.\d+$/.test(version)) {
    p.errors.push(`bagit.txt line 1: ${quoted(version)} is not a BagIt version; expected two numbers such as "1.0" or "0.97".`);
    return null;
  }
  const strict = atLeast(version, '1.0');
  if (strict && first !== `BagIt-Version: ${version}`)
    p.errors.push(
      `bagit.txt line 1: BagIt ${version} requires exactly "BagIt-Version: ${version}" (one space after the colon, no other whitespace), found ${quoted(first)}.`,
    );

  const encoding = /^Tag-File-Character-Encoding[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(second)?.[1];
  if (encoding === undefined || encoding === '') {
    p.errors.push(`bagit.txt line 2: expected "Tag-File-Character-Encoding: <encoding>" (e.g. UTF-8), found ${quoted(second)}.`);
    return null;
  }
  if (strict && second !== `Tag-File-Character-Encoding: ${encoding}`)
    p.errors.push(
      `bagit.txt line 2: BagIt ${version} requires exactly "Tag-File-Character-Encoding: ${encoding}" (one space after the colon, no other whitespace), found ${quoted(second)}.`,
    );

  for (const [i, line] of rest.entries()) {
    const where = `bagit.txt line ${i + 3}`;
    if (line.trim() !== '') p.errors.push(`${where}: the bag declaration has exactly two lines; found more: ${quoted(line)}.`);
    else p.warnings.push(`${where}: blank line after the two lines of the bag declaration.`);
  }
  if (!KNOWN_VERSIONS.includes(version))
    p.warnings.push(
      `bagit.txt: BagIt ${version} is not a version this verifier knows (${KNOWN_VERSIONS.join(', ')}); it was checked by the nearest rules.`,
    );
  return { version, encoding };
}

/** Encoding labels a bag may declare, by the name this reader decodes them with. */
function encodingKind(label: string): 'utf-8' | 'latin1' | 'ascii' | 'utf-16' | 'utf-16le' | 'utf-16be' | null {
  switch (label.toLowerCase().replace(/_/g, '-')) {
    case 'utf-8':
    case 'utf8':
      return 'utf-8';
    case 'iso-8859-1':
    case 'iso8859-1':
    case 'latin1':
    case 'latin-1':
    case 'l1':
      return 'latin1';
    case 'us-ascii':
    case 'ascii':
      return 'ascii';
    case 'utf-16':
    case 'utf16':
      return 'utf-16';
    case 'utf-16le':
      return 'utf-16le';
    case 'utf-16be':
      return 'utf-16be';
    default:
      return null;
  }
}

/** Whether this reader decodes tag files in the encoding a bag declares. */
export const isSupportedEncoding = (label: string) => encodingKind(label) !== null;

function utf16(bytes: Uint8Array, bigEndian: boolean): string {
  const copy = Buffer.from(bytes);
  // Node decodes only little-endian UTF-16 without full ICU; swapping a copy keeps this portable.
  if (bigEndian) copy.swap16();
  return copy.toString('utf16le');
}

/**
 * A tag file's text in the bag's declared encoding, or null (with an error) when the bytes are not
 * in it or it is an encoding this reader does not know. A byte-order mark is removed: required to
 * tell UTF-16's byte order, merely tolerated (with a warning) in UTF-8.
 */
export function decodeTagFile(bytes: Uint8Array, encoding: string, name: string, p: Problems): string | null {
  const kind = encodingKind(encoding);
  switch (kind) {
    case 'utf-8': {
      const text = strictUtf8(bytes);
      if (text === null) {
        p.errors.push(`${name} is not valid UTF-8, the encoding bagit.txt declares.`);
        return null;
      }
      if (text.startsWith('\uFEFF')) {
        p.warnings.push(`${name} starts with a UTF-8 byte-order mark; it was ignored.`);
        return text.slice(1);
      }
      return text;
    }
    case 'latin1':
      return Buffer.from(bytes).toString('latin1');
    case 'ascii':
      if (bytes.some((b) => b > 0x7f)) {
        p.errors.push(`${name} has bytes outside US-ASCII, the encoding bagit.txt declares.`);
        return null;
      }
      return Buffer.from(bytes).toString('latin1');
    case 'utf-16':
    case 'utf-16le':
    case 'utf-16be': {
      if (bytes.length % 2 !== 0) {
        p.errors.push(`${name} has an odd number of bytes, so it is not UTF-16 as bagit.txt declares.`);
        return null;
      }
      const be = bytes[0] === 0xfe && bytes[1] === 0xff;
      const le = bytes[0] === 0xff && bytes[1] === 0xfe;
      // Without a byte-order mark, plain "UTF-16" is big-endian (RFC 2781 §4.3).
      const bigEndian = kind === 'utf-16be' || (kind === 'utf-16' && !le);
      return utf16(be || le ? bytes.subarray(2) : bytes, bigEndian);
    }
    case null:
      p.errors.push(
        `${name}: bagit.txt declares the tag file encoding ${quoted(encoding)}, which this verifier does not read (UTF-8, UTF-16, ISO-8859-1, US-ASCII).`,
      );
      return null;
  }
}

/** Labels that must not repeat (Payload-Oxum: MUST NOT) or should not (the others: SHOULD NOT), RFC 8493 §2.2.2. */
const ONCE_ONLY: Array<{ label: string; must: boolean }> = [
  { label: 'Payload-Oxum', must: true },
  { label: 'Bagging-Date', must: false },
  { label: 'Bag-Size', must: false },
  { label: 'Bag-Count', must: false },
];

/**
 * bag-info.txt (package-info.txt before 0.96): `Label: value` lines in the order written; a line
 * starting with a space or tab continues the value above it. Labels repeat freely, except those
 * in ONCE_ONLY.
 */
export function parseBagInfo(text: string, version: string, name: string, p: Problems): BagInfoLine[] {
  const out: BagInfoLine[] = [];
  const strict = atLeast(version, '1.0');
  for (const [i, line] of splitLines(text).entries()) {
    const where = `${name} line ${i + 1}`;
    if (line.trim() === '') continue;
    const last = out.at(-1);
    if (/^[ \t]/.test(line)) {
      if (last) last.value = `${last.value} ${line.trim()}`;
      else p.errors.push(`${where}: a continuation line (starting with whitespace) with no "Label: value" line before it.`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      p.errors.push(`${where}: expected "Label: value", found ${quoted(line)}.`);
      continue;
    }
    const rawLabel = line.slice(0, colon);
    const label = rawLabel.trim();
    const afterColon = line.slice(colon + 1);
    if (label === '') {
      p.errors.push(`${where}: the label before the colon is empty.`);
      continue;
    }
    if (strict && rawLabel !== label)
      p.errors.push(`${where}: BagIt ${version} allows no whitespace between the label ${quoted(label)} and its colon.`);
    if (strict && afterColon !== '' && !/^[ \t]/.test(afterColon))
      p.warnings.push(`${where}: BagIt ${version} expects a space or tab after the colon of ${quoted(label)}.`);
    out.push({ label, value: afterColon.trim() });
  }
  for (const { label, must } of ONCE_ONLY) {
    const count = out.filter((l) => l.label.toLowerCase() === label.toLowerCase()).length;
    if (count > 1)
      (must ? p.errors : p.warnings).push(`${name}: ${label} appears ${count} times; it ${must ? 'must' : 'should'} appear at most once.`);
  }
  return out;
}

/** RFC 8493 §2.1.3: only LF, CR and "%" are %-encoded in a 1.0 path; everything else is literal. */
export function decodeBagPath(raw: string, version: string): string {
  if (!atLeast(version, '1.0')) return raw;
  return raw.replace(/%(0A|0D|25)/gi, (code) => (code.toUpperCase() === '%0A' ? '\n' : code.toUpperCase() === '%0D' ? '\r' : '%'));
}

/**
 * Why a path in a manifest or fetch.txt would lead outside the bag (RFC 8493 §6), or null. Checked
 * the same on every OS: a bag moves between platforms, and a path that is harmless here (C:\x on
 * Linux, ~/x on Windows) is an escape on the recipient's machine.
 */
export function whyOutsideBag(path: string): string | null {
  if (path === '') return 'an empty path';
  if (path.includes('\0')) return 'a path with a NUL character';
  if (path.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'a path with a drive letter';
  // Backslashes are Windows separators: "\\?\UNC\…", "%HomeDrive%\…", "\.\.\" all lead out on Windows.
  if (path.includes('\\')) return 'a path with a backslash (a Windows separator; BagIt paths use "/")';
  if (path.startsWith('~')) return 'a home-folder shortcut';
  if (path.split('/').includes('..')) return 'a path with a ".." step';
  return null;
}

/** Why a path inside the bag is not written in the one plain way ("data/a/b"), or null. */
function whyNotPlain(path: string): string | null {
  const parts = path.split('/');
  if (parts.includes('')) return 'an empty path step ("//" or a trailing "/")';
  if (parts.includes('.')) return 'a "." path step';
  return null;
}

export interface ManifestFormat {
  /** The manifest's file name, for messages. */
  name: string;
  version: string;
  /** Hex digits of the algorithm's checksum. */
  hexLength: number;
}

/**
 * A payload or tag manifest: `<checksum> <path>` lines, one or more spaces or tabs between.
 * Tolerated, each with a warning: md5sum's binary-mode "*" before the path, and a leading "./"
 * (the suite has a valid bag and a warning bag with it). Unsafe paths are errors and left out, so
 * nothing later can open them.
 */
export function parseManifest(text: string, format: ManifestFormat, p: Problems): ManifestLine[] {
  const out: ManifestLine[] = [];
  const { name, version, hexLength } = format;
  for (const [i, line] of splitLines(text).entries()) {
    const where = `${name} line ${i + 1}`;
    if (line.trim() === '') continue;
    const m = /^([0-9A-Fa-f]+)[ \t]+(.+)$/.exec(line);
    if (!m) {
      p.errors.push(`${where}: expected "<checksum> <path>", found ${quoted(line)}.`);
      continue;
    }
    const [, digest = '', written = ''] = m;
    if (digest.length !== hexLength) {
      p.errors.push(`${where}: the checksum has ${digest.length} hex digits; ${name} needs ${hexLength}.`);
      continue;
    }
    let path = written;
    if (path.startsWith('*')) {
      p.warnings.push(`${where}: ${quoted(written)} starts with md5sum's binary-mode "*" marker; it was read as ${quoted(path.slice(1))}.`);
      path = path.slice(1);
    }
    path = decodeBagPath(path, version);
    if (path.startsWith('./')) {
      p.warnings.push(`${where}: ${quoted(written)} starts with "./"; it was read as ${quoted(path.slice(2))}.`);
      path = path.slice(2);
    }
    const outside = whyOutsideBag(path);
    if (outside) {
      p.errors.push(`${where}: ${quoted(path)} is ${outside}; every path must stay inside the bag.`);
      continue;
    }
    const notPlain = whyNotPlain(path);
    if (notPlain) {
      p.errors.push(`${where}: ${quoted(path)} has ${notPlain}; expected a plain relative path such as "data/file.txt".`);
      continue;
    }
    out.push({ path, digest: digest.toLowerCase(), line: i + 1 });
  }
  return out;
}

/**
 * fetch.txt: `<url> <length> <path>` lines. This reader never downloads; the lines only say which
 * files the bag claims may be missing. Unsafe paths are errors and left out.
 */
export function parseFetch(text: string, version: string, p: Problems): FetchLine[] {
  const out: FetchLine[] = [];
  for (const [i, line] of splitLines(text).entries()) {
    const where = `fetch.txt line ${i + 1}`;
    if (line.trim() === '') continue;
    const m = /^(\S+)[ \t]+(\d+|-)[ \t]+(.+)$/.exec(line);
    if (!m) {
      p.errors.push(`${where}: expected "<url> <length or -> <path>", found ${quoted(line)}.`);
      continue;
    }
    const [, url = '', length = '-', written = ''] = m;
    const path = decodeBagPath(written, version);
    const outside = whyOutsideBag(path);
    if (outside) {
      p.errors.push(`${where}: ${quoted(path)} is ${outside}; every path must stay inside the bag.`);
      continue;
    }
    if (!path.startsWith('data/') || whyNotPlain(path)) {
      p.errors.push(`${where}: ${quoted(path)} is not a plain path inside the payload folder data/; fetch.txt lists only payload files.`);
      continue;
    }
    out.push({ url, length: length === '-' ? null : Number(length), path, line: i + 1 });
  }
  return out;
}
