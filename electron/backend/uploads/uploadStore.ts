import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { ContractError } from '../../../shared/contract/errors';

/** Browser-mode uploads (a browser cannot hand over a file path): <dataDir>/uploads/<uuid>/<name>. */
export const maxUploadBytes = 4 * 1024 ** 3;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/;
const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UploadReceipt {
  uploadId: string;
  name: string;
  bytes: number;
  sha256: string;
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

/** Streams an upload to disk with a size cap, hashing it on the way; a failed upload leaves nothing. */
export async function saveUpload(dataDir: string, name: string, body: Readable, limit = maxUploadBytes): Promise<UploadReceipt> {
  checkUploadName(name);
  const uploadId = crypto.randomUUID();
  const dir = path.join(dataDir, 'uploads', uploadId);
  fs.mkdirSync(dir, { recursive: true });
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      bytes += chunk.length;
      if (bytes > limit) {
        callback(new ContractError('INVALID_INPUT', `${name} is larger than the upload limit of ${limit} bytes.`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, fs.createWriteStream(path.join(dir, name), { flags: 'wx' }));
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (error instanceof ContractError) throw error;
    throw new ContractError('INVALID_INPUT', `The upload of ${name} did not complete.`);
  }
  return { uploadId, name, bytes, sha256: hash.digest('hex') };
}

/** The stored file of an upload. */
export function resolveUpload(dataDir: string, uploadId: string): string {
  if (!ID_RE.test(uploadId)) throw new ContractError('INVALID_INPUT', 'Not an upload id.');
  const dir = path.join(dataDir, 'uploads', uploadId);
  const [name] = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (!name) throw new ContractError('NOT_FOUND', `Upload ${uploadId} does not exist (uploads are removed after their import).`);
  return path.join(dir, name);
}

export function removeUpload(dataDir: string, uploadId: string): void {
  if (ID_RE.test(uploadId)) fs.rmSync(path.join(dataDir, 'uploads', uploadId), { recursive: true, force: true });
}
