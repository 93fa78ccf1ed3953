import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';
import { parsePublicKey, signMinisign, verifyMinisign, type MinisignPublicKey } from './minisign';
import type { ReleaseKey } from './releaseKey';

/**
 * A release folder: the artifacts, `SHA256SUMS` over every one of them (GNU `sha256sum` format, so
 * `sha256sum -c SHA256SUMS` works too) and `SHA256SUMS.minisig`, the release key's signature of that list. One
 * signature covers every artifact; an agency checks the list's signature, then each file's hash.
 */
export const checksumsFileName = 'SHA256SUMS';
export const signatureFileName = 'SHA256SUMS.minisig';

/** A name SHA256SUMS may list: a plain file name in the folder (no path, no hidden file). */
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

export interface ChecksumEntry {
  name: string;
  sha256: string;
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function formatChecksums(entries: readonly ChecksumEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.name}\n`)
    .join('');
}

/** Reads SHA256SUMS strictly: every line `<64 hex>  <name>` (or ` *<name>`, sha256sum's binary mark), no repeats. */
export function parseChecksums(text: string, where = checksumsFileName): ChecksumEntry[] {
  const entries: ChecksumEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    const at = `${where} line ${index + 1}`;
    if (!match) throw new ContractError('INTEGRITY', `${at}: expected "<64 hex digits>  <file name>".`, { reason: 'malformed' });
    const name = match[2]!;
    if (!ARTIFACT_NAME.test(name) || name === checksumsFileName || name === signatureFileName) {
      throw new ContractError('INTEGRITY', `${at}: "${name}" is not a file name a release may list (no folders, no hidden files).`, {
        reason: 'malformed',
      });
    }
    if (seen.has(name)) throw new ContractError('INTEGRITY', `${at}: "${name}" is listed twice.`, { reason: 'malformed' });
    seen.add(name);
    entries.push({ name, sha256: match[1]! });
  });
  if (entries.length === 0) throw new ContractError('INTEGRITY', `${where} lists no file.`, { reason: 'malformed' });
  return entries;
}

/** The artifacts of a folder: its regular files other than the two this module writes. Refuses anything else. */
function artifactNames(dir: string): string[] {
  const names: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === checksumsFileName || entry.name === signatureFileName) continue;
    if (!entry.isFile()) {
      throw new ContractError(
        'INVALID_INPUT',
        `${path.join(dir, entry.name)} is not a regular file; a release folder holds only artifacts.`,
      );
    }
    if (!ARTIFACT_NAME.test(entry.name)) {
      throw new ContractError('INVALID_INPUT', `${path.join(dir, entry.name)}: artifact names are letters, digits and . _ + - only.`);
    }
    names.push(entry.name);
  }
  return names.sort();
}

/** Writes SHA256SUMS over every artifact in `dir` and its signature. */
export async function signReleaseFolder(
  dir: string,
  key: ReleaseKey,
  options: { release: string; timestamp: number },
): Promise<{ artifacts: ChecksumEntry[]; keyId: string }> {
  const names = artifactNames(dir);
  if (names.length === 0) throw new ContractError('INVALID_INPUT', `${dir} holds no artifact to sign.`);
  const artifacts: ChecksumEntry[] = [];
  for (const name of names) artifacts.push({ name, sha256: await sha256File(path.join(dir, name)) });
  const list = formatChecksums(artifacts);
  // minisign's own trusted comments are tab-separated key:value pairs; the time is the commit's, for reproducibility.
  const trusted = `timestamp:${options.timestamp}\tfile:${checksumsFileName}\trelease:${options.release}\thashed`;
  fs.writeFileSync(path.join(dir, checksumsFileName), list);
  fs.writeFileSync(path.join(dir, signatureFileName), signMinisign(Buffer.from(list), key.privateKey, { trusted }));
  return { artifacts, keyId: key.publicKey.keyId };
}

export interface ReleaseFileCheck {
  name: string;
  ok: boolean;
  problem?: string;
}

export interface ReleaseVerification {
  ok: boolean;
  keyId: string;
  trustedComment: string;
  files: ReleaseFileCheck[];
}

export function readPublicKeyFile(file: string): MinisignPublicKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ContractError('NOT_FOUND', `Cannot read the public key file ${file}.`, { file });
  }
  return parsePublicKey(text, file);
}

function readRequired(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ContractError('INTEGRITY', `${file} is missing: a release folder carries ${checksumsFileName} and ${signatureFileName}.`, {
      reason: 'missing',
    });
  }
}

/**
 * Verifies a release folder against a trusted public key: the signature of SHA256SUMS (a bad one stops here: the
 * list cannot be trusted), then every listed file's SHA-256, then that no file in the folder is left unlisted.
 * Every file is reported; `ok` only when all hold.
 */
export async function verifyReleaseFolder(
  dir: string,
  key: MinisignPublicKey,
  options: { signal?: AbortSignal; onFile?: (name: string, index: number, total: number) => void } = {},
): Promise<ReleaseVerification> {
  const listBytes = readRequired(dir, checksumsFileName);
  const signatureText = readRequired(dir, signatureFileName).toString('utf8');
  const signed = verifyMinisign(listBytes, signatureText, key, path.join(dir, signatureFileName));
  const entries = parseChecksums(listBytes.toString('utf8'), path.join(dir, checksumsFileName));
  const files: ReleaseFileCheck[] = [];
  for (const [index, entry] of entries.entries()) {
    options.signal?.throwIfAborted();
    options.onFile?.(entry.name, index, entries.length);
    const file = path.join(dir, entry.name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat) files.push({ name: entry.name, ok: false, problem: 'listed in SHA256SUMS but missing' });
    else if (!stat.isFile()) files.push({ name: entry.name, ok: false, problem: 'not a regular file' });
    else {
      const actual = await sha256File(file, options.signal);
      files.push(
        actual === entry.sha256
          ? { name: entry.name, ok: true }
          : {
              name: entry.name,
              ok: false,
              problem: `SHA-256 ${actual.slice(0, 16)}… differs from the signed ${entry.sha256.slice(0, 16)}…`,
            },
      );
    }
  }
  const listed = new Set(entries.map((e) => e.name));
  for (const name of fs.readdirSync(dir).sort()) {
    if (name === checksumsFileName || name === signatureFileName || listed.has(name)) continue;
    files.push({ name, ok: false, problem: 'not covered by SHA256SUMS (added after signing?)' });
  }
  return { ok: files.every((f) => f.ok), keyId: signed.keyId, trustedComment: signed.trustedComment, files };
}
