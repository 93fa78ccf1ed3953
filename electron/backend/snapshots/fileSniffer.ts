import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';

export type SniffedFormat = 'csv' | 'xml';

const SNIFF_BYTES = 8192;

/**
 * Looks at the start of a file before any parser sees it, so a file that is not what it
 * claims fails at once with one sentence: binary data, UTF-16/32, or an XML file named .csv
 * (and the reverse).
 */
export function sniffFile(file: string): SniffedFormat {
  const name = path.basename(file);
  const handle = fs.openSync(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    head = buffer.subarray(0, fs.readSync(handle, buffer, 0, SNIFF_BYTES, 0));
  } finally {
    fs.closeSync(handle);
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new ContractError('INVALID_INPUT', `${name} is UTF-16 text; expected UTF-8.`, { file: name });
  }
  if (head.includes(0)) throw new ContractError('INVALID_INPUT', `${name} is a binary file, not text.`, { file: name });
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  const looksXml = text.startsWith('<');
  const extension = path.extname(name).toLowerCase();
  if (extension === '.csv' && looksXml)
    throw new ContractError('INVALID_INPUT', `${name} contains XML, not CSV: name it .xml to import it as ISO 20022.`, { file: name });
  if (extension === '.xml' && !looksXml && text.length > 0)
    throw new ContractError('INVALID_INPUT', `${name} does not contain XML.`, { file: name });
  if (extension === '.xml') return 'xml';
  if (extension === '.csv') return 'csv';
  throw new ContractError('INVALID_INPUT', `${name} is neither a .csv nor an .xml file.`, { file: name });
}

/**
 * Passes bytes through unchanged while checking they are UTF-8; the first invalid sequence
 * fails the import with the file name and the line and byte offset of its first byte (a parser
 * would silently replace it). Valid input takes the native decoder's fast path; only on an
 * error are the bytes scanned to find where it is.
 */
export class Utf8Guard {
  // The BOM is passed on, not dropped: the CSV reader strips one, as the file format allows one.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes checked before the current chunk. */
  private offset = 0;
  /** Newlines before the current chunk. */
  private newlines = 0;
  /** The last bytes of the previous chunk: the start of a character it ends inside of, if any. */
  private tail: Uint8Array = new Uint8Array(0);
  constructor(private readonly name: string) {}

  /** The chunk's text (a character cut by the chunk's end comes with the next chunk); throws on invalid UTF-8. */
  check(chunk: Uint8Array): string {
    let text = '';
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.fail(chunk);
    }
    this.newlines += countNewlines(chunk, chunk.length);
    this.offset += chunk.length;
    this.tail = incompleteTail(chunk, this.tail);
    return text;
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      const at = this.offset - this.tail.length;
      throw new ContractError(
        'INVALID_INPUT',
        `${this.name} ends inside a UTF-8 character: it starts at line ${this.newlines + 1}, byte offset ${at}; expected UTF-8.`,
        { file: this.name, line: this.newlines + 1, byteOffset: at },
      );
    }
  }

  private fail(chunk: Uint8Array): never {
    // The previous chunk was valid up to its incomplete tail: the error is in tail + chunk.
    const bytes = new Uint8Array(this.tail.length + chunk.length);
    bytes.set(this.tail, 0);
    bytes.set(chunk, this.tail.length);
    const found = firstInvalidUtf8(bytes) ?? { index: 0, length: 1 };
    const start = this.tail.length;
    const byteOffset = this.offset - start + found.index;
    const line = this.newlines + 1 + countNewlines(chunk, Math.max(0, found.index - start));
    const shown = [...bytes.subarray(found.index, found.index + found.length)].map(
      (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`,
    );
    const what = shown.length === 1 ? `invalid byte ${shown[0]}` : `invalid byte sequence ${shown.join(' ')}`;
    throw new ContractError(
      'INVALID_INPUT',
      `${this.name} is not UTF-8 text: ${what} at line ${line}, byte offset ${byteOffset}; expected UTF-8.`,
      { file: this.name, line, byteOffset },
    );
  }
}

/** Newlines (LF) in bytes[0, to). */
function countNewlines(bytes: Uint8Array, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < to; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Bytes a UTF-8 sequence has, by its first byte; 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * The character a valid chunk ends inside of (its first 1 to 3 bytes), or nothing. A chunk of
 * fewer bytes than that character has so far continues the previous tail.
 */
function incompleteTail(chunk: Uint8Array, previous: Uint8Array): Uint8Array {
  const joined = chunk.length >= 3 ? chunk : Uint8Array.from([...previous, ...chunk]);
  for (let back = 1; back <= Math.min(3, joined.length); back++) {
    const lead = joined[joined.length - back]!;
    if ((lead & 0xc0) === 0x80) continue;
    return sequenceLength(lead) > back ? joined.slice(joined.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/**
 * The first ill-formed sequence, as the WHATWG decoder finds it (overlong forms, surrogates and
 * code points past U+10FFFF included): the index of its first byte and its length up to and
 * including the byte that makes it invalid. Undefined when every sequence is well-formed; one
 * cut short by the end of the bytes is not an error here.
 */
export function firstInvalidUtf8(bytes: Uint8Array): { index: number; length: number } | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = sequenceLength(lead);
    if (length === 0) return { index: i, length: 1 };
    // The second byte's range depends on the lead (no overlongs, no surrogates, at most U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return undefined;
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : (c & 0xc0) !== 0x80) return { index: i, length: k + 1 };
    }
    i += length;
  }
  return undefined;
}
