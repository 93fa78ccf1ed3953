import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { ContractError } from '../../../shared/contract/errors';

/**
 * Browser-mode uploads (a browser cannot hand over a file path): <dataDir>/uploads/<uuid>/<name>, written as
 * <uuid>/.partial and renamed once complete. An upload waits there for the import that names it, which removes it.
 *
 * Limits, so uploads never imported cannot fill the disk:
 * - one upload is at most `maxUploadBytes` (4 GiB);
 * - all pending uploads (complete, being written, or being imported) together at most `uploadQuotaBytes` (8 GiB);
 * - an upload no import has taken is removed `uploadMaxAgeMs` (24 h) after it completed;
 * - a partial upload nothing has written to for `orphanGraceMs` (15 min) is a leftover of a stopped process.
 * Expired and orphaned uploads are removed at start, before every upload and import, and hourly in browser mode;
 * an upload an import of this process is reading is never removed.
 */
export const maxUploadBytes = 4 * 1024 ** 3;
export const uploadQuotaBytes = 8 * 1024 ** 3;
export const uploadMaxAgeMs = 24 * 3600_000;
export const orphanGraceMs = 15 * 60_000;

export interface UploadLimits {
  maxUploadBytes: number;
  quotaBytes: number;
  maxAgeMs: number;
  /** The clock expiry is measured with (tests move it). */
  now: () => number;
}

export const defaultUploadLimits: UploadLimits = {
  maxUploadBytes,
  quotaBytes: uploadQuotaBytes,
  maxAgeMs: uploadMaxAgeMs,
  now: () => Date.now(),
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/;
const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Where an upload is written until complete: a name no accepted file name can have (those start with a letter or digit). */
const PARTIAL = '.partial';

export interface UploadReceipt {
  uploadId: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** An upload refused for its size: over the per-upload limit, or over the quota of pending uploads. */
export class UploadLimitError extends ContractError {
  constructor(
    readonly limit: 'upload' | 'quota',
    limitBytes: number,
    message: string,
  ) {
    super(limit === 'quota' ? 'UNAVAILABLE' : 'INVALID_INPUT', message, { limit, limitBytes });
  }
}

/** The file name an upload may keep: letters, digits, dot, dash, underscore, space; nothing that walks paths. */
export function checkUploadName(name: string): string {
  if (!NAME_RE.test(name) || name.includes('..')) {
    throw new ContractError(
      'INVALID_INPUT',
      `"${name}" is not an acceptable file name (letters, digits, . _ - and spaces, up to 128 characters).`,
    );
  }
  return name;
}

// Uploads this process is writing (with the bytes they hold or announced) and uploads its imports are reading,
// by folder. Neither is ever removed by a sweep.
const writing = new Map<string, { reserved: number }>();
const claims = new Map<string, number>();

const uploadsDir = (dataDir: string) => path.resolve(dataDir, 'uploads');
const uploadDir = (dataDir: string, uploadId: string) => path.join(uploadsDir(dataDir), uploadId);
const inUse = (dir: string) => writing.has(dir) || (claims.get(dir) ?? 0) > 0;

/**
 * Marks uploads as being read by an import, so no sweep removes them; the returned function releases them
 * (the import's task removes them once it ends).
 */
export function claimUploads(dataDir: string, uploadIds: readonly string[]): () => void {
  const dirs = uploadIds.filter((id) => ID_RE.test(id)).map((id) => uploadDir(dataDir, id));
  for (const dir of dirs) claims.set(dir, (claims.get(dir) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const dir of dirs) {
      const left = (claims.get(dir) ?? 1) - 1;
      if (left > 0) claims.set(dir, left);
      else claims.delete(dir);
    }
  };
}

/**
 * Removes uploads no import took within `maxAgeMs` of completing, and partial or empty upload folders nothing has
 * written to for `orphanGraceMs` (a process stopped mid-upload). Uploads this process is writing or importing are
 * kept; so is anything in the folder that is not an upload. Returns the upload ids removed.
 */
export function sweepUploads(dataDir: string, limits: Partial<UploadLimits> = {}): string[] {
  const { maxAgeMs, now } = { ...defaultUploadLimits, ...limits };
  const root = uploadsDir(dataDir);
  if (!fs.existsSync(root)) return [];
  const removed: string[] = [];
  const at = now();
  for (const id of fs.readdirSync(root)) {
    const dir = path.join(root, id);
    if (!ID_RE.test(id) || inUse(dir)) continue;
    try {
      const entries = fs.readdirSync(dir);
      const complete = entries.find((e) => !e.startsWith('.'));
      const stamp = fs.statSync(complete ? path.join(dir, complete) : entries.includes(PARTIAL) ? path.join(dir, PARTIAL) : dir).mtimeMs;
      if (at - stamp > (complete ? maxAgeMs : orphanGraceMs)) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(id);
      }
    } catch {
      // Not a folder, or removed meanwhile (another process, an import ending): nothing to do.
    }
  }
  return removed;
}

/** Bytes held by pending uploads: those on disk (complete or partial), or what an upload being written announced. */
export function pendingUploadBytes(dataDir: string): number {
  const root = uploadsDir(dataDir);
  let total = 0;
  for (const [dir, entry] of writing) if (path.dirname(dir) === root) total += entry.reserved;
  if (!fs.existsSync(root)) return total;
  for (const id of fs.readdirSync(root)) {
    const dir = path.join(root, id);
    if (!ID_RE.test(id) || writing.has(dir)) continue;
    try {
      for (const entry of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, entry)).size;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** "8589934592 bytes (8 GiB)": the exact figure, and a readable one when it is large. */
const describeBytes = (bytes: number) =>
  bytes >= 1024 ** 3
    ? `${bytes} bytes (${+(bytes / 1024 ** 3).toFixed(1)} GiB)`
    : bytes >= 1024 ** 2
      ? `${bytes} bytes (${+(bytes / 1024 ** 2).toFixed(1)} MiB)`
      : `${bytes} bytes`;

function overQuota(name: string, limits: UploadLimits, pending: number): UploadLimitError {
  return new UploadLimitError(
    'quota',
    limits.quotaBytes,
    `${name} does not fit in the upload quota of ${describeBytes(limits.quotaBytes)} for files waiting to be imported ` +
      `(${describeBytes(pending)} pending). Import the pending uploads, or wait: uploads no import takes are removed after ` +
      `${Math.round(limits.maxAgeMs / 3600_000)} hours.`,
  );
}

/**
 * Streams an upload to disk, hashing it on the way, within the per-upload limit and the quota of pending uploads
 * (checked first against `declaredBytes`, the request's Content-Length, when known); a failed upload leaves nothing.
 */
export async function saveUpload(
  dataDir: string,
  name: string,
  body: Readable,
  options: { declaredBytes?: number; limits?: Partial<UploadLimits> } = {},
): Promise<UploadReceipt> {
  checkUploadName(name);
  const limits = { ...defaultUploadLimits, ...options.limits };
  const tooLarge = () =>
    new UploadLimitError(
      'upload',
      limits.maxUploadBytes,
      `${name} is larger than the upload limit of ${describeBytes(limits.maxUploadBytes)}.`,
    );
  const declared = options.declaredBytes ?? 0;
  if (declared > limits.maxUploadBytes) throw tooLarge();
  sweepUploads(dataDir, limits);
  const pending = pendingUploadBytes(dataDir);
  if (pending + declared > limits.quotaBytes) throw overQuota(name, limits, pending);

  const uploadId = crypto.randomUUID();
  const dir = uploadDir(dataDir, uploadId);
  const entry = { reserved: declared };
  writing.set(dir, entry);
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      bytes += chunk.length;
      if (bytes > limits.maxUploadBytes) return callback(tooLarge());
      if (bytes > entry.reserved) {
        // More than announced (no Content-Length): the quota is checked as the bytes arrive.
        if (pending + bytes > limits.quotaBytes) return callback(overQuota(name, limits, pending));
        entry.reserved = bytes;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    fs.mkdirSync(dir, { recursive: true });
    await pipeline(body, meter, fs.createWriteStream(path.join(dir, PARTIAL), { flags: 'wx' }));
    fs.renameSync(path.join(dir, PARTIAL), path.join(dir, name));
    // Its modification time is when it completed, by the clock expiry is measured with.
    const completed = new Date(limits.now());
    fs.utimesSync(path.join(dir, name), completed, completed);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (error instanceof ContractError) throw error;
    throw new ContractError('INVALID_INPUT', `The upload of ${name} did not complete.`);
  } finally {
    writing.delete(dir);
  }
  return { uploadId, name, bytes, sha256: hash.digest('hex') };
}

/** The stored file of a complete upload. */
export function resolveUpload(dataDir: string, uploadId: string): string {
  if (!ID_RE.test(uploadId)) throw new ContractError('INVALID_INPUT', 'Not an upload id.');
  const dir = uploadDir(dataDir, uploadId);
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((e) => !e.startsWith('.')) : undefined;
  if (!name)
    throw new ContractError(
      'NOT_FOUND',
      `Upload ${uploadId} does not exist (uploads are removed after their import, or ${uploadMaxAgeMs / 3600_000} hours after their upload if none takes them).`,
    );
  return path.join(dir, name);
}

export function removeUpload(dataDir: string, uploadId: string): void {
  if (ID_RE.test(uploadId)) fs.rmSync(uploadDir(dataDir, uploadId), { recursive: true, force: true });
}
