import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';
import { CsvSyntaxError, CsvTokenizer, type TokenizedRecord } from './csvTokenizer';
import { Utf8Guard } from './fileSniffer';

export interface CsvRecord {
  /** 1-based line number of the record's first line in the file (header is line 1). */
  line: number;
  /** Values by column name; empty cells are absent (undefined). */
  values: Record<string, string | undefined>;
  /** Set when the record has a different number of cells than the header. */
  cellCountMismatch?: { expected: number; actual: number };
}

export interface CsvHeader {
  columns: string[];
  unknownColumns: string[];
}

export interface CsvReadOptions {
  /** Columns the file must have (order free). */
  required: readonly string[];
  /** Columns the file may have besides the required ones. */
  optional?: readonly string[];
  onBytes?: (bytesRead: number) => void;
  signal?: AbortSignal;
}

/** Bytes read at a time: few chunk boundaries to carry a record across, little memory. */
const CHUNK_BYTES = 1 << 20;

/**
 * Streams a Concordat CSV (RFC 4180, UTF-8, optional BOM, LF or CRLF) record by record.
 * The header is checked before any record is yielded, so a file that is not what it
 * claims fails at once with one sentence naming the file and what was expected.
 * Every byte is checked to be UTF-8 before it is split (see Utf8Guard).
 */
export async function* readCsvRecords(
  file: string,
  options: CsvReadOptions,
  onHeader?: (header: CsvHeader) => void,
): AsyncGenerator<CsvRecord> {
  const name = path.basename(file);
  const input = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const utf8 = new Utf8Guard(name);
  const tokenizer = new CsvTokenizer();
  const split: TokenizedRecord[] = [];
  let bytes = 0;
  let linesBefore = 0;
  let header: string[] | undefined;
  /** The records split so far, checked against the header; the first one is the header. */
  function* records(): Generator<CsvRecord> {
    for (const { cells, line } of split) {
      if (options.signal?.aborted) throw new ContractError('CANCELLED', 'The import was cancelled.');
      if (!header) {
        header = cells.map((c) => c.trim());
        checkHeader(name, header, options, onHeader);
        continue;
      }
      const values: Record<string, string | undefined> = {};
      for (let i = 0; i < header.length; i++) {
        const cell = cells[i];
        if (cell !== undefined && cell !== '') values[header[i]!] = cell;
      }
      const record: CsvRecord = { line, values };
      if (cells.length !== header.length) record.cellCountMismatch = { expected: header.length, actual: cells.length };
      yield record;
    }
    split.length = 0;
  }
  /** The records a split completes; when the split fails, those it completed first (the header is checked first). */
  function* splitThen(step: () => void): Generator<CsvRecord> {
    try {
      step();
    } catch (error) {
      yield* records();
      throw error;
    }
    yield* records();
  }
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const text = utf8.check(chunk);
      // NUL is no character of a text file (and the drill's and margin basis's keys rely on no value holding one).
      const nul = text.indexOf('\u0000');
      if (nul >= 0) {
        const line = linesBefore + lineFeeds(text, nul) + 1;
        throw new ContractError('INVALID_INPUT', `${name} holds a NUL character (U+0000) on line ${line}: expected UTF-8 text.`, {
          file: name,
          line,
        });
      }
      linesBefore += lineFeeds(text, text.length);
      bytes += chunk.length;
      options.onBytes?.(bytes);
      yield* splitThen(() => tokenizer.push(text, split));
    }
    utf8.end();
    yield* splitThen(() => tokenizer.end(split));
  } catch (error) {
    if (error instanceof ContractError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const line = error instanceof CsvSyntaxError ? { line: error.line } : {};
    throw new ContractError('INVALID_INPUT', `${name} is not a readable CSV file: ${message}.`, { file: name, ...line });
  } finally {
    // The consumer may stop early (cancel, error ratio): release the file either way.
    input.destroy();
  }
  if (!header) throw new ContractError('INVALID_INPUT', `${name} is empty: expected a header row.`, { file: name });
}

/** Line feeds in text[0, to). */
function lineFeeds(text: string, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function checkHeader(name: string, header: string[], options: CsvReadOptions, onHeader?: (header: CsvHeader) => void): void {
  const known = new Set([...options.required, ...(options.optional ?? [])]);
  const present = new Set(header);
  const missing = options.required.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new ContractError(
      'INVALID_INPUT',
      `${name} does not have the expected header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
      { file: name, missing, found: header.slice(0, 50).map((c) => shorten(c)) },
    );
  }
  if (present.size < header.length) {
    // Each repeated name once, in the order of its second appearance; one pass over the header.
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const column of header) {
      if (seen.has(column)) duplicates.add(column);
      else seen.add(column);
    }
    const list = [...duplicates];
    throw new ContractError('INVALID_INPUT', `${name} repeats the column${list.length > 1 ? 's' : ''} ${cappedList(list)}.`, {
      file: name,
      duplicates: list.slice(0, LIST_CAP).map((c) => shorten(c)),
      duplicateCount: list.length,
    });
  }
  onHeader?.({ columns: header, unknownColumns: header.filter((c) => !known.has(c)) });
}

/** Names shown in one message at most, and characters of each: a hostile header cannot make a huge message. */
const LIST_CAP = 10;
const NAME_CAP = 40;

/** A name on one line (control characters as spaces), cut to NAME_CAP characters with an ellipsis. */
function shorten(text: string): string {
  const shown = text.replace(/\p{Cc}/gu, ' ');
  return shown.length > NAME_CAP ? `${shown.slice(0, NAME_CAP - 1)}…` : shown;
}

/** "a, b, c", or the first LIST_CAP names and "and 99,990 more": a message stays short whatever the input. */
export function cappedList(names: readonly string[], separator = ', '): string {
  const shown = names.slice(0, LIST_CAP).map((n) => shorten(n));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(separator)} and ${more.toLocaleString('en-US')} more` : shown.join(separator);
}
