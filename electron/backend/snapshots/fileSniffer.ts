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
 * fails the import with the file name and byte offset (a parser would silently replace it).
 */
export class Utf8Guard {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;
  constructor(private readonly name: string) {}

  check(chunk: Uint8Array): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new ContractError('INVALID_INPUT', `${this.name} is not UTF-8 text (invalid byte sequence after byte ${this.offset}).`, {
        file: this.name,
      });
    }
    this.offset += chunk.length;
  }

  end(): void {
    try {
      this.decoder.decode();
    } catch {
      throw new ContractError('INVALID_INPUT', `${this.name} ends inside a UTF-8 character.`, { file: this.name });
    }
  }
}
