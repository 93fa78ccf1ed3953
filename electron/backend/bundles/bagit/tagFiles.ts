/**
 * Reading BagIt tag files (RFC 8493 §2): bagit.txt, bag-info.txt and manifests. Lenient only
 * where the RFC or older versions require it: whitespace around a colon is accepted before 1.0
 * and refused in 1.0; paths are %-decoded only for %0A, %0D and %25 and only from 1.0 on
 * (conformance bags have files literally named "%7Etest1.txt").
 */

export interface Problems {
  errors: string[];
  warnings: string[];
}

export interface BagitDeclaration {
  version: string;
  encoding: string;
}

const versionOf = (v: string) => v.split('.').map(Number);
export const atLeast = (version: string, wanted: string) => {
  const [a = 0, b = 0] = versionOf(version);
  const [c = 0, d = 0] = versionOf(wanted);
  return a > c || (a === c && b >= d);
};

export function lines(text: string): string[] {
  const all = text.split(/\r\n|\r|\n/);
  if (all.at(-1) === '') all.pop();
  return all;
}

/** bagit.txt, read as UTF-8 whatever the bag says (its own encoding line is in it). */
export function parseBagitTxt(bytes: Buffer, p: Problems): BagitDeclaration | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    p.errors.push('bagit.txt starts with a byte-order mark; it must be plain UTF-8 without one.');
    return null;
  }
  const text = bytes.toString('utf8');
  const [first, second, ...rest] = lines(text);
  const loose = /^BagIt-Version\s*:\s*(\S+)\s*$/.exec(first ?? '');
  if (!loose) {
    p.errors.push(`bagit.txt line 1: expected "BagIt-Version: <version>", found "${first ?? ''}".`);
    return null;
  }
  const version = loose[1]!;
  if (!/^\d+\.\d+$/.test(version)) {
    p.errors.push(`bagit.txt line 1: "${version}" is not a BagIt version (M.N).`);
    return null;
  }
  const strict = atLeast(version, '1.0');
  if (strict && !/^BagIt-Version: \d+\.\d+$/.test(first!)) {
    p.errors.push(
      `bagit.txt line 1: BagIt ${version} requires exactly "BagIt-Version: ${version}" (one space after the colon, none before).`,
    );
    return null;
  }
  const enc = (strict ? /^Tag-File-Character-Encoding: (\S+)$/ : /^Tag-File-Character-Encoding\s*:\s*(\S+)\s*$/).exec(second ?? '');
  if (!enc) {
    p.errors.push(`bagit.txt line 2: expected "Tag-File-Character-Encoding: <encoding>", found "${second ?? ''}".`);
    return null;
  }
  if (rest.some((l) => l.trim() !== '')) p.errors.push('bagit.txt has lines after the two it must hold.');
  return { version, encoding: enc[1]! };
}

/** Decodes a tag file in the bag's declared encoding; null (with an error) when it is one we do not read. */
export function decodeTagFile(bytes: Buffer, encoding: string, name: string, p: Problems): string | null {
  const enc = encoding.toLowerCase();
  if (enc === 'utf-8' || enc === 'utf8') {
    const text = bytes.toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  if (enc === 'iso-8859-1' || enc === 'latin1') return bytes.toString('latin1');
  if (enc === 'utf-16' || enc === 'utf-16le' || enc === 'utf-16be') {
    const be = enc === 'utf-16be' || (enc === 'utf-16' && bytes[0] === 0xfe && bytes[1] === 0xff);
    const text = new TextDecoder(be ? 'utf-16be' : 'utf-16le').decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  p.errors.push(`${name}: the tag file encoding "${encoding}" is not one this verifier reads (UTF-8, UTF-16, ISO-8859-1).`);
  return null;
}

export interface InfoLine {
  label: string;
  value: string;
}

export function parseBagInfo(text: string, version: string, name: string, p: Problems): InfoLine[] {
  const out: InfoLine[] = [];
  const strict = atLeast(version, '1.0');
  for (const [i, line] of lines(text).entries()) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      out.at(-1)!.value += ` ${line.trim()}`;
      continue;
    }
    if (line.trim() === '') continue;
    const m = /^([^:]+?)(\s*):[ \t]*(.*)$/.exec(line);
    if (!m || m[1]!.trim() === '') {
      p.errors.push(`${name} line ${i + 1}: expected "Label: value", found "${line}".`);
      continue;
    }
    if (strict && m[2] !== '') p.errors.push(`${name} line ${i + 1}: BagIt ${version} allows no whitespace before the colon.`);
    out.push({ label: m[1]!.trim(), value: m[3]! });
  }
  for (const once of ['Payload-Oxum', 'Bagging-Date', 'Bag-Size']) {
    const n = out.filter((l) => l.label.toLowerCase() === once.toLowerCase()).length;
    if (n > 1) (once === 'Payload-Oxum' ? p.errors : p.warnings).push(`${name}: ${once} appears ${n} times.`);
  }
  return out;
}

export interface ManifestLine {
  path: string;
  digest: string;
  line: number;
}

function decodePath(raw: string, version: string): string {
  if (!atLeast(version, '1.0')) return raw;
  return raw.replace(/%(0A|0D|25)/gi, (m) => ({ '%0A': '\n', '%0D': '\r', '%25': '%' })[m.toUpperCase()]!);
}

/** Why a path in a manifest or fetch.txt must not be followed (RFC 8493 §6: nothing outside the bag), or null. */
export function unsafePath(path: string): string | null {
  if (path.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'a drive letter';
  if (path.includes('\\')) return 'a backslash (a Windows path)';
  if (path.startsWith('~')) return 'a home-folder shortcut';
  if (path.startsWith('%')) {
    const decoded = decodeURIComponent(path.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    if (/^[\\/~]|^[A-Za-z]:|^%/i.test(decoded)) return 'an environment or encoded path outside the bag';
  }
  if (path.split('/').some((part) => part === '..')) return 'a ".." step out of the bag';
  return null;
}

export function parseManifest(text: string, version: string, name: string, hexLength: number, p: Problems): ManifestLine[] {
  const out: ManifestLine[] = [];
  for (const [i, line] of lines(text).entries()) {
    if (line.trim() === '') continue;
    const m = /^([0-9A-Fa-f]+)[ \t]+(.+)$/.exec(line);
    if (!m) {
      p.errors.push(`${name} line ${i + 1}: expected "<checksum> <path>", found "${line}".`);
      continue;
    }
    if (m[1]!.length !== hexLength) {
      p.errors.push(`${name} line ${i + 1}: the checksum has ${m[1]!.length} hex digits, expected ${hexLength}.`);
      continue;
    }
    let path = m[2]!;
    if (path.startsWith('*')) {
      p.warnings.push(`${name} line ${i + 1}: "${path}" carries md5sum's binary-mode "*" marker.`);
      path = path.slice(1);
    }
    path = decodePath(path, version);
    if (path.startsWith('./')) {
      p.warnings.push(`${name} line ${i + 1}: "${path}" starts with "./".`);
      path = path.slice(2);
    }
    const unsafe = unsafePath(path);
    if (unsafe) {
      p.errors.push(`${name} line ${i + 1}: "${path}" is ${unsafe}; every path must stay inside the bag.`);
      continue;
    }
    out.push({ path, digest: m[1]!.toLowerCase(), line: i + 1 });
  }
  return out;
}
