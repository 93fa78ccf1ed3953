import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Writes a BagIt 1.0 bag (RFC 8493) as a list of ZIP entries under a prefix: bagit.txt,
 * bag-info.txt, manifest-sha512.txt over every payload file, and tagmanifest-sha512.txt over
 * every tag file. Evidence files are hashed by streaming them (any size); nothing is held in
 * memory but the small files. Lines are LF; labels are kept in the order given.
 */

export type PayloadFile = { path: string; data: Buffer } | { path: string; file: string; size: number };
export type ZipEntry = { name: string; data: Buffer } | { name: string; file: string };

export interface BuiltBag {
  entries: ZipEntry[];
  tagmanifestSha512: string;
  bagInfoSha512: string;
  payloadOxum: string;
}

const PAYLOAD_NAME = /^data\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

async function sha512OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha512');
  await pipeline(fs.createReadStream(file), hash, ...(signal ? [{ signal }] : []));
  return hash.digest('hex');
}

const sha512 = (data: Buffer | string) => crypto.createHash('sha512').update(data).digest('hex');

/** `Label: value` lines; a value's own line breaks become continuation lines (a leading space). */
export function bagInfoText(labels: Array<[string, string]>): string {
  return labels.map(([label, value]) => `${label}: ${value.replace(/\r\n|\r|\n/g, '\n  ')}\n`).join('');
}

export async function buildBag(
  prefix: string,
  payload: PayloadFile[],
  labels: Array<[string, string]>,
  options: { signal?: AbortSignal; onHashed?: (bytes: number) => void } = {},
): Promise<BuiltBag> {
  const sorted = [...payload].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: string[] = [];
  let bytes = 0;
  for (const p of sorted) {
    // The writer refuses what no reader handles alike (%, CR, LF, spaces, non-ASCII): see handbook §1.2.
    if (!PAYLOAD_NAME.test(p.path)) throw new Error(`Bag payload name "${p.path}" is outside the allowed characters.`);
    const digest = 'data' in p ? sha512(p.data) : await sha512OfFile(p.file, options.signal);
    bytes += 'data' in p ? p.data.length : p.size;
    options.onHashed?.(bytes);
    manifest.push(`${digest}  ${p.path}\n`);
  }
  const payloadOxum = `${bytes}.${sorted.length}`;
  const tags: Array<[string, Buffer]> = [
    ['bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n', 'utf8')],
    ['bag-info.txt', Buffer.from(bagInfoText([...labels, ['Payload-Oxum', payloadOxum]]), 'utf8')],
    ['manifest-sha512.txt', Buffer.from(manifest.join(''), 'utf8')],
  ];
  const tagmanifest = Buffer.from(tags.map(([name, data]) => `${sha512(data)}  ${name}\n`).join(''), 'utf8');
  const entries: ZipEntry[] = [
    ...tags.map(([name, data]) => ({ name: `${prefix}${name}`, data })),
    { name: `${prefix}tagmanifest-sha512.txt`, data: tagmanifest },
    ...sorted.map((p) => ('data' in p ? { name: `${prefix}${p.path}`, data: p.data } : { name: `${prefix}${p.path}`, file: p.file })),
  ];
  return { entries, tagmanifestSha512: sha512(tagmanifest), bagInfoSha512: sha512(tags[1]![1]), payloadOxum };
}
