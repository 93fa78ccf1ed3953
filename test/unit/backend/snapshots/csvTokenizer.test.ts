import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../electron/backend/demo/random';
import { CsvSyntaxError, CsvTokenizer, MAX_RECORD_CHARS, type TokenizedRecord } from '../../../../electron/backend/snapshots/csvTokenizer';

/** The tokenizer fed `text` in pieces cut at `cuts` (chunk boundaries anywhere, even inside CRLF or a quote pair). */
function tokenize(text: string, cuts: number[] = []): TokenizedRecord[] {
  const tokenizer = new CsvTokenizer();
  const out: TokenizedRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    tokenizer.push(text.slice(from, cut), out);
    from = cut;
  }
  tokenizer.push(text.slice(from), out);
  tokenizer.end(out);
  return out;
}

/** csv-parse with the options the import used before the tokenizer: the reference. */
const reference = (text: string): string[][] => parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

const cells = (records: TokenizedRecord[]) => records.map((r) => r.cells);

describe('CSV tokenizer', () => {
  it('splits plain, quoted, doubled-quote and multi-line cells, skipping empty lines', () => {
    const text = '\ufeffa,b,c\n1,"x, y","say ""hi"""\n\n"two\nlines",,3\n"",z,\n';
    expect(cells(tokenize(text))).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['two\nlines', '', '3'],
      ['', 'z', ''],
    ]);
    expect(cells(tokenize(text))).toEqual(reference(text));
  });

  it('numbers each record by the line it starts on, CRLF counted once', () => {
    expect(tokenize('h\r\na\r\n\r\n"b\r\nc",d\r\ne\r\n').map((r) => [r.cells[0], r.line])).toEqual([
      ['h', 1],
      ['a', 2],
      ['b\r\nc', 4],
      ['e', 6],
    ]);
    expect(tokenize('h\n"x\ny\nz"\n\nw').map((r) => r.line)).toEqual([1, 2, 6]);
  });

  it('takes the record delimiter from the first line break outside quotes, as csv-parse does', () => {
    // LF file: a CR before a later LF is data; CRLF file: a lone LF is data; CR-only files split at CR.
    for (const text of ['h\na\r\nb\n', 'h\r\na\nb\r\nc', 'h\ra\rb', '"x\r\ny"\nz\n', '"x\ny"\r\nz\r\n']) {
      expect(cells(tokenize(text)), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it('refuses malformed quoting with the line and cell, where csv-parse refuses it', () => {
    const cases: Array<[string, RegExp]> = [
      ['h,i\n1,a"b\n', /^line 2, cell 2: a quote inside a cell that does not start with one/],
      ['h,i\n1,"a"b\n', /^line 2, cell 2: "b" follows a closing quote; expected a comma or the end of the line$/],
      ['h\n"open\n\nstill open', /^a quoted cell that opens on line 2 is not closed before the end of the file$/],
      ['h\n "a"', /^line 2, cell 1: a quote inside a cell/],
    ];
    for (const [text, message] of cases) {
      expect(() => tokenize(text), text).toThrow(CsvSyntaxError);
      expect(() => tokenize(text), text).toThrow(message);
      expect(() => reference(text), text).toThrow();
    }
  });

  it('names a character after a closing quote whole, even one outside the BMP', () => {
    expect(() => tokenize('h\n"a"😀,b\n')).toThrow('line 2, cell 1: "😀" follows a closing quote');
  });

  it('refuses a record still open after MAX_RECORD_CHARS, without waiting for the end of the file', () => {
    // A quote left open on line 2, then a long file: the rest would otherwise be one record, searched again chunk by chunk.
    const tokenizer = new CsvTokenizer();
    const out: TokenizedRecord[] = [];
    tokenizer.push('h,i\nx,"open\n', out);
    const chunk = 'a,b,c\n'.repeat(1 << 17);
    let pushed = 0;
    const feed = () => {
      for (; pushed < 1000; pushed++) tokenizer.push(chunk, out);
    };
    expect(feed).toThrow(CsvSyntaxError);
    expect(pushed * chunk.length).toBeLessThan(MAX_RECORD_CHARS + 2 * chunk.length);
    expect(out.map((r) => r.cells)).toEqual([['h', 'i']]);
    // And a first line without any line break: the header itself.
    const header = new CsvTokenizer();
    expect(() => {
      for (let i = 0; i < 1000; i++) header.push('x'.repeat(1 << 20), []);
    }).toThrow(/the record that starts on line 1 runs on for more than 8,388,608 characters without ending/);
  });

  it('reads what csv-parse reads on 3,000 generated files, cut into chunks anywhere, and refuses what it refuses', () => {
    const rng = new Rng(20261207);
    const pieces = ['a', 'bc', ' ', ',', ',', '"', '""', '\n', '\r\n', '\r', 'é', '€', '\ufeff', 'x,y', '\n\n'];
    const cell = () => {
      const plain = ['', 'a', 'NEWT', '12.5', 'é€', ' sp '][rng.uint32() % 6]!;
      if (rng.uint32() % 3 > 0) return plain;
      const inner = [plain, 'a,b', 'say "x"', 'two\nlines', 'crlf\r\nin', 'cr\ronly', ''][rng.uint32() % 7]!;
      return `"${inner.replaceAll('"', '""')}"`;
    };
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      let text: string;
      if (n % 3 === 0) {
        // Noise: any mix of the pieces, valid or not.
        text = Array.from({ length: 1 + (rng.uint32() % 30) }, () => pieces[rng.uint32() % pieces.length]).join('');
      } else {
        // Well-formed files with any delimiter, empty lines, ragged rows, with or without a final line break.
        const eol = ['\n', '\r\n', '\r'][rng.uint32() % 3]!;
        const rows = Array.from({ length: 1 + (rng.uint32() % 6) }, () =>
          rng.uint32() % 7 === 0 ? '' : Array.from({ length: 1 + (rng.uint32() % 4) }, cell).join(','),
        );
        text = (rng.uint32() % 4 === 0 ? '\ufeff' : '') + rows.join(eol) + (rng.uint32() % 2 ? eol : '');
      }
      const cuts = Array.from({ length: rng.uint32() % 4 }, () => rng.uint32() % (text.length + 1));
      let expected: string[][] | undefined;
      try {
        expected = reference(text);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) {
        refused++;
        expect(() => tokenize(text, cuts), JSON.stringify(text)).toThrow(CsvSyntaxError);
      } else {
        expect(cells(tokenize(text, cuts)), JSON.stringify({ text, cuts })).toEqual(expected);
      }
    }
    // The generator reaches both sides: well-formed files and refused ones.
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(2900);
  });
});
