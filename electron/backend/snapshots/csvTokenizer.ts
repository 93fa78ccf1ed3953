/**
 * Splits CSV text (RFC 4180: comma-separated, fields optionally enclosed in double quotes, a quote inside a quoted
 * field doubled) into records, fed in chunks of any size. Written for the import's speed (issue 16): csv-parse took
 * 14 s of a 1,000,000-row import on its own, longer than sqlite3's whole `.import`; this splits a record without a
 * quote with one native `split` and walks character by character only the records that have quotes.
 *
 * It reads what csv-parse reads with the options the import used (`bom`, `relax_column_count`, `skip_empty_lines`;
 * a differential test holds the two to the same records on generated input):
 * - the record delimiter is the file's first line break, CRLF, LF or CR; a lone CR or LF in a CRLF file is data;
 * - an empty line is skipped; a line holding only `""` is a record of one empty cell;
 * - a quote may open a field only as its first character, and a closing quote must be followed by a comma, the
 *   record delimiter or the end of the file: anything else is refused with the line and cell, never guessed at.
 * Unlike csv-parse, a record's line is the line it starts on, with CRLF counted as one line break.
 */

export interface TokenizedRecord {
  cells: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/** Malformed quoting, located; the reader turns it into a message naming the file. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const QUOTE = '"';

/**
 * The longest record accepted, in characters (a trade report is a few hundred). A record still open past it is refused
 * (a quote left open would otherwise make the rest of the file one record), which also bounds how much text waits
 * for a record's end and is searched again when the next chunk comes.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

export class CsvTokenizer {
  /** Text not yet split: the start of a record whose end has not arrived. */
  private pending = '';
  /** The record delimiter, once the first line break has been seen. */
  private delimiter: string | undefined;
  /** The line `pending` starts on. */
  private line = 1;
  private started = false;

  /** Splits what `text` completes; a record cut by the chunk's end waits for the next chunk. */
  push(text: string, out: TokenizedRecord[]): void {
    if (!this.started) {
      if (text.length === 0) return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.pending = this.pending.length > 0 ? this.pending + text : text;
    this.split(out, false);
  }

  /** The last record (a file need not end with a line break). */
  end(out: TokenizedRecord[]): void {
    this.split(out, true);
  }

  private split(out: TokenizedRecord[], final: boolean): void {
    const text = this.pending;
    if (this.delimiter === undefined) {
      this.delimiter = findDelimiter(text, final);
      if (this.delimiter === undefined && !final) {
        if (text.length > MAX_RECORD_CHARS) throw tooLong(this.line);
        return;
      }
    }
    const delimiter = this.delimiter ?? '\n';
    const step = delimiter.length;
    let pos = 0;
    let line = this.line;
    // The next quote at or after pos (-1: none in the rest of the text), looked up again only once passed.
    let quote = text.indexOf(QUOTE);
    while (pos < text.length) {
      const end = text.indexOf(delimiter, pos);
      if (quote !== -1 && quote < pos) quote = text.indexOf(QUOTE, pos);
      if (quote === -1 || (end !== -1 && quote > end)) {
        // No quote in this record: the common case.
        if (end === -1 && !final) {
          if (text.length - pos > MAX_RECORD_CHARS) throw tooLong(line);
          break;
        }
        const stop = end === -1 ? text.length : end;
        if (stop > pos) out.push({ cells: text.slice(pos, stop).split(','), line });
        line++;
        pos = end === -1 ? text.length : end + step;
        continue;
      }
      const quoted = this.quotedRecord(text, pos, line, delimiter, final);
      if (!quoted) {
        if (text.length - pos > MAX_RECORD_CHARS) throw tooLong(line);
        break;
      }
      out.push({ cells: quoted.cells, line });
      line = quoted.nextLine;
      pos = quoted.next;
    }
    this.pending = text.slice(pos);
    this.line = line;
  }

  /**
   * A record with a quote somewhere, from `start`, character by character; undefined when it runs past the end of
   * the text received so far (it is read again, whole, once more has come).
   */
  private quotedRecord(
    text: string,
    start: number,
    line: number,
    delimiter: string,
    final: boolean,
  ): { cells: string[]; next: number; nextLine: number } | undefined {
    const cells: string[] = [];
    let at = start;
    let lines = 0;
    for (;;) {
      if (text.charCodeAt(at) === 0x22) {
        // A quoted cell: up to the quote that is not doubled.
        let value = '';
        let from = at + 1;
        for (;;) {
          const close = text.indexOf(QUOTE, from);
          if (close === -1) {
            if (!final) return undefined;
            throw new CsvSyntaxError(
              `a quoted cell that opens on line ${line + lines} is not closed before the end of the file`,
              line + lines,
            );
          }
          if (close + 1 >= text.length && !final) return undefined;
          lines += lineBreaks(text, from, close);
          if (text.charCodeAt(close + 1) === 0x22) {
            value += text.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += text.slice(from, close);
          at = close + 1;
          break;
        }
        cells.push(value);
        if (at >= text.length) return { cells, next: at, nextLine: line + lines + 1 };
        if (text.charCodeAt(at) === 0x2c) {
          at++;
          continue;
        }
        if (text.startsWith(delimiter, at)) return { cells, next: at + delimiter.length, nextLine: line + lines + 1 };
        if (!final && at + delimiter.length > text.length && delimiter.startsWith(text.slice(at))) return undefined;
        throw new CsvSyntaxError(
          `line ${line + lines}, cell ${cells.length}: ${describe(String.fromCodePoint(text.codePointAt(at)!))} follows a closing quote; expected a comma or the end of the line`,
          line + lines,
        );
      }
      // An unquoted cell: up to the next comma or the record's end; a quote inside it is refused.
      const comma = text.indexOf(',', at);
      const end = text.indexOf(delimiter, at);
      if (end === -1 && !final) return undefined;
      const recordEnd = end === -1 ? text.length : end;
      const cellEnd = comma !== -1 && comma < recordEnd ? comma : recordEnd;
      const value = text.slice(at, cellEnd);
      if (value.includes(QUOTE))
        throw new CsvSyntaxError(
          `line ${line + lines}, cell ${cells.length + 1}: a quote inside a cell that does not start with one; a cell with quotes must be enclosed in quotes, each quote in it doubled`,
          line + lines,
        );
      cells.push(value);
      if (cellEnd === recordEnd) return { cells, next: end === -1 ? text.length : end + delimiter.length, nextLine: line + lines + 1 };
      at = cellEnd + 1;
    }
  }
}

/**
 * The first line break outside quotes decides the record delimiter, as in csv-parse; undefined while there is none.
 * (A doubled quote toggles twice: inside stays inside.)
 */
function findDelimiter(text: string, final: boolean): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 0x0a) return '\n';
    else if (c === 0x0d) {
      // CR at the end of the text so far: CRLF or CR, the next chunk tells (at the end of the file, CR).
      if (i + 1 >= text.length) return final ? '\r' : undefined;
      return text.charCodeAt(i + 1) === 0x0a ? '\r\n' : '\r';
    }
  }
  return undefined;
}

const tooLong = (line: number) =>
  new CsvSyntaxError(
    `the record that starts on line ${line} runs on for more than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters without ending (a quote left open?)`,
    line,
  );

/** Line breaks in text[from, to) as a person counts them: CRLF, LF or CR each once. */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) n++;
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) n++;
  }
  return n;
}

const describe = (ch: string) =>
  /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `"${ch}"` : `the character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
