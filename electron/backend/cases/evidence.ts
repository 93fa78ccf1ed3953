import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { EvidencePreview } from '../../../shared/contract/cases';
import { ContractError } from '../../../shared/contract/errors';
import { hasUnsafeCharacters, shownSafely } from '../../../shared/contract/textSafety';
import type { Db } from '../db/connection';
import { currentProcess, processState } from '../db/processIdentity';

/**
 * Evidence files, stored content-addressed under the data directory (blobs/<sha256>, the folder
 * feed files also use: one copy of any content). A file is streamed through SHA-256 into a
 * temporary file and renamed into place, so memory stays flat whatever its size and a crash
 * never leaves a half-written blob under a hash name. The media type is sniffed from the bytes
 * (file-type), never taken from the name.
 */
const CHUNK = 1024 * 1024;

export const blobDir = (dataDir: string) => path.join(dataDir, 'blobs');
export const blobPath = (dataDir: string, sha256: string) => path.join(blobDir(dataDir), sha256);

/** Windows' reserved device names, refused as evidence names on every platform (bundles travel). */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * An evidence file's name as received: a bare file name. Folders, "..", control and
 * bidirectional-override characters (which disguise an extension: "invoice\u202Efdp.exe") and
 * reserved device names are refused with what was expected.
 */
export function checkEvidenceName(name: string): string {
  const bad = (why: string) =>
    new ContractError('INVALID_INPUT', `The file name "${shownSafely(name)}" ${why}.`, {
      field: 'originalName',
    });
  if (name.length === 0 || name.trim() !== name) throw bad('is empty or starts or ends with a space');
  if (Buffer.byteLength(name, 'utf8') > 255) throw bad('is longer than 255 bytes');
  if (/[/\\]/.test(name) || name === '.' || name === '..') throw bad('names a folder: give a bare file name, without / \\ or ..');
  if (hasUnsafeCharacters(name) || /[\u200E\u200F\u061C]/.test(name))
    throw bad('contains control or bidirectional-override characters, which can disguise its type');
  if (RESERVED.test(name)) throw bad('is a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9)');
  if (/[<>:"|?*]/.test(name)) throw bad('contains a character file systems refuse (< > : " | ? *)');
  return name.normalize('NFC');
}

export interface StoredBlob {
  sha256: string;
  size: number;
  mediaType: string;
  /** False when the same content was already stored (another item or a feed file has it). */
  created: boolean;
  /** Call once the record referring to the blob committed (or failed and nothing refers to it). */
  settled: () => void;
}

/** Streams a file into the blob store; returns its hash, size and sniffed media type. */
export async function storeBlob(dataDir: string, source: string, signal?: AbortSignal): Promise<StoredBlob> {
  const dir = blobDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.incoming-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  const hash = crypto.createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < 8192) head = Buffer.concat([head, chunk.subarray(0, 8192 - head.length)]);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      fs.createReadStream(source, { highWaterMark: CHUNK }),
      tap,
      fs.createWriteStream(temp, { flags: 'wx', highWaterMark: CHUNK }),
      {
        ...(signal ? { signal } : {}),
      },
    );
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if (signal?.aborted) throw new ContractError('CANCELLED', 'Attaching the file was cancelled; nothing was stored.');
    throw error;
  }
  const sha256 = hash.digest('hex');
  const target = blobPath(dataDir, sha256);
  // Until the item that refers to it commits, the blob is pending: a marker naming this process
  // lets the next start remove it if the process died in between (no orphaned blob).
  const me = currentProcess();
  const marker = path.join(dir, `.pending-${me.pid}-${me.startedMs}-${sha256}`);
  fs.writeFileSync(marker, '');
  const created = !fs.existsSync(target);
  if (created) fs.renameSync(temp, target);
  else fs.rmSync(temp, { force: true });
  return { sha256, size, created, mediaType: await sniffMediaType(head), settled: () => fs.rmSync(marker, { force: true }) };
}

/**
 * At start: what attaches killed mid-way left behind. Temporary files and pending blobs of a
 * process that is gone are removed (a pending blob only when nothing refers to it); those of a
 * live process (another command attaching now) are left alone.
 */
export function sweepEvidenceLeftovers(db: Db, dataDir: string): number {
  const dir = blobDir(dataDir);
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  const host = currentProcess().host;
  for (const name of fs.readdirSync(dir)) {
    const pending = /^\.pending-(\d+)-(\d+)-([0-9a-f]{64})$/.exec(name);
    const incoming = /^\.incoming-(\d+)-[0-9a-f]+$/.exec(name);
    if (pending) {
      if (processState({ host, pid: Number(pending[1]), startedMs: Number(pending[2]) }) !== 'gone') continue;
      if (!blobInUse(db, pending[3]!)) fs.rmSync(blobPath(dataDir, pending[3]!), { force: true });
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    } else if (incoming) {
      // The temp file names only the pid: remove it when no process has that pid any more.
      try {
        process.kill(Number(incoming[1]), 0);
        continue;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      }
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** The media type from the first bytes: a known signature, else UTF-8 text without NULs, else octet-stream. */
export async function sniffMediaType(head: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  if (head.length === 0) return 'application/octet-stream';
  if (head.includes(0)) return 'application/octet-stream';
  // A cut in the middle of a character at the end of the sample is not a reason to call it binary.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  if (bad > 1) return 'application/octet-stream';
  const firstLines = text.split(/\r?\n/).slice(0, 5);
  const commas = firstLines.map((l) => (l.match(/,/g) ?? []).length);
  if (firstLines.length >= 2 && commas[0]! > 0 && commas.slice(1, -1).every((n) => n === commas[0])) return 'text/csv';
  return 'text/plain';
}

/** Whether any record still needs a blob's bytes (evidence not purged, or a feed target). */
export function blobInUse(db: Db, sha256: string, exceptItem?: number): boolean {
  const evidence = db
    .prepare(
      `SELECT 1 FROM case_item WHERE kind = 'evidence' AND content_sha256 = ? AND item_id IS NOT ?
          AND json_extract(payload_json, '$.evidence.purged') IS NULL LIMIT 1`,
    )
    .get(sha256, exceptItem ?? null);
  if (evidence) return true;
  return db.prepare(`SELECT 1 FROM feed_target WHERE sha256 = ? LIMIT 1`).get(sha256) !== undefined;
}

const TEXT_PREVIEW_BYTES = 256 * 1024;
const IMAGE_PREVIEW_BYTES = 10 * 1024 * 1024;
/** Raster images only: SVG can carry script, so it is shown as text. */
const PREVIEWABLE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

export function previewBlob(dataDir: string, sha256: string, mediaType: string, size: number): EvidencePreview {
  const file = blobPath(dataDir, sha256);
  if (!fs.existsSync(file))
    return { kind: 'none', mediaType, reason: 'The file is not in this data directory (purged, or not yet copied).' };
  const readStart = (bytes: number) => {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(bytes, size));
      fs.readSync(fd, buffer, 0, buffer.length, 0);
      return buffer;
    } finally {
      fs.closeSync(fd);
    }
  };
  if (
    mediaType.startsWith('text/') ||
    mediaType === 'image/svg+xml' ||
    mediaType === 'application/xml' ||
    mediaType === 'application/json'
  ) {
    const bytes = readStart(TEXT_PREVIEW_BYTES);
    return { kind: 'text', mediaType, text: new TextDecoder('utf-8', { fatal: false }).decode(bytes), truncated: size > bytes.length };
  }
  if (PREVIEWABLE_IMAGES.has(mediaType)) {
    if (size > IMAGE_PREVIEW_BYTES) return { kind: 'none', mediaType, reason: 'The image is larger than 10 MB: save a copy to view it.' };
    return { kind: 'image', mediaType, dataUrl: `data:${mediaType};base64,${readStart(IMAGE_PREVIEW_BYTES).toString('base64')}` };
  }
  if (mediaType === 'application/pdf') return { kind: 'pdf', mediaType };
  return { kind: 'none', mediaType, reason: `No preview for ${mediaType}: save a copy to open it with a program you trust.` };
}
