import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../../../electron/backend/demo/generateDemo';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { importSnapshot, type ImportRequest } from '../../../../electron/backend/snapshots/importSnapshot';
import { copyFixture, tempDir } from '../../../helpers/tempDir';

const request = (files: string[], extra: Partial<ImportRequest> = {}): ImportRequest => ({
  files,
  sourceName: 'Test TR',
  regime: 'EMIR',
  asOfDate: '2026-06-30',
  ...extra,
});

async function freshDb() {
  return (await openDatabase(tempDir())).db;
}

function counts(db: Awaited<ReturnType<typeof freshDb>>) {
  return ['snapshot', 'trade_state', 'margin_state', 'validation_issue', 'rejected_row', 'snapshot_file'].map(
    (t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
  );
}

/** Replaces one fixture file and expects the import to fail with `message`, leaving the database as it was. */
async function expectRefused(file: string, content: string | Buffer, message: string | RegExp) {
  const db = await freshDb();
  const { dir, files } = copyFixture('snapshot-small');
  await importSnapshot(db, request(files, { asOfDate: '2026-06-29' }));
  const before = counts(db);
  const target = path.join(dir, file);
  fs.writeFileSync(target, content);
  const list = files.includes(target) ? files : [...files, target];
  await expect(importSnapshot(db, request(list))).rejects.toThrow(message);
  expect(counts(db)).toEqual(before);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
}

describe('files that are not what they claim', () => {
  it('a binary file', () =>
    expectRefused('trades.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]), 'trades.csv is a binary file, not text.'));
  it('UTF-16 text', () =>
    expectRefused('trades.csv', Buffer.from('\uFEFFuti,reporting_lei\n', 'utf16le'), 'trades.csv is UTF-16 text; expected UTF-8.'));
  it('invalid UTF-8 in the middle of the file', async () => {
    const good = fs.readFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'));
    const bad = Buffer.concat([good, Buffer.from('X,Y\xff\xfe,Z\n', 'latin1')]);
    const line = good.toString('latin1').split('\n').length;
    await expectRefused(
      'trades.csv',
      bad,
      `trades.csv is not UTF-8 text: invalid byte 0xFF at line ${line}, byte offset ${good.length + 3}; expected UTF-8.`,
    );
  });
  it('invalid UTF-8 deep in the file: names the line and byte offset of the bad byte, not of the chunk read', async () => {
    const good = fs.readFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'), 'utf8').trimEnd().split('\n');
    const [header, ...rows] = good;
    // Over 200 KB of valid rows (with multi-byte characters, so bytes and characters differ), then a bad byte.
    const valid = Array.from({ length: 1200 }, (_, i) => rows[i % rows.length]!.concat(',é€'));
    const before = Buffer.from(`${header},note\n${valid.join('\n')}\n5493001USDEALERA0095T9999,caf`, 'utf8');
    expect(before.length).toBeGreaterThan(200 * 1024);
    const bad = Buffer.concat([before, Buffer.from([0xc3, 0x28]), Buffer.from(',x\n', 'utf8')]);
    await expectRefused(
      'trades.csv',
      bad,
      `trades.csv is not UTF-8 text: invalid byte sequence 0xC3 0x28 at line ${valid.length + 2}, byte offset ${before.length}; expected UTF-8.`,
    );
  });
  it('a multi-byte character split across read chunks is valid; one cut short at a chunk boundary is located exactly', async () => {
    const header = fs.readFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'), 'utf8').split('\n')[0]!;
    // 64 KiB is the read stream's chunk: put a 3-byte euro sign across the first boundary, then a truncated one across the second.
    const pad = (n: number) => 'a'.repeat(n);
    const first = `${header}\n${pad(65536 - header.length - 1 - 1)}`;
    const second = Buffer.concat([Buffer.from(`${first}€\n`, 'utf8'), Buffer.from(pad(65536 * 2 - Buffer.byteLength(first) - 4 - 1))]);
    expect(second.length).toBe(65536 * 2 - 1);
    const bad = Buffer.concat([second, Buffer.from([0xe2, 0x82]), Buffer.from('x\n')]);
    await expectRefused(
      'trades.csv',
      bad,
      `trades.csv is not UTF-8 text: invalid byte sequence 0xE2 0x82 0x78 at line 3, byte offset ${second.length}; expected UTF-8.`,
    );
  });
  it('a header of 100,000 columns is refused at once, each repeated column named once, in a message of bounded length', async () => {
    const header = fs.readFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'), 'utf8').split('\n')[0]!;
    const extra = Array.from({ length: 50_000 }, (_, i) => `c${i}`);
    const content = `${header},${extra.join(',')},${extra.join(',')}\n`;
    const started = performance.now();
    const db = await freshDb();
    const dir = tempDir();
    const file = path.join(dir, 'trades.csv');
    fs.writeFileSync(file, content);
    const error = (await importSnapshot(db, request([file])).catch((e: unknown) => e)) as Error;
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(error.message).toMatch(/^trades\.csv repeats the columns c0, c1, .* and 49,9\d\d more\.$/);
    expect(error.message.length).toBeLessThanOrEqual(500);
    const listed = error.message
      .replace(/^trades\.csv repeats the columns /, '')
      .replace(/ and [\d,]+ more\.$/, '')
      .split(', ');
    expect(new Set(listed).size).toBe(listed.length);
    const more = Number(/ and ([\d,]+) more\.$/.exec(error.message)![1]!.replace(/,/g, ''));
    expect(listed.length + more).toBe(50_000);
    expect(JSON.stringify((error as { details?: unknown }).details ?? {}).length).toBeLessThan(4096);
    expect(counts(db)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('a column repeated three times is named once', async () => {
    const header = fs.readFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'), 'utf8').split('\n')[0]!;
    await expectRefused('trades.csv', `${header},note,note,other,note,other\n`, 'trades.csv repeats the columns note, other.');
    await expectRefused('trades.csv', `${header},uti\n`, 'trades.csv repeats the column uti.');
  });
  it('XML named .csv', () =>
    expectRefused(
      'trades.csv',
      '<?xml version="1.0"?><Document/>',
      'trades.csv contains XML, not CSV: name it .xml to import it as ISO 20022.',
    ));
  it('an unknown file name', () =>
    expectRefused('positions.csv', 'a,b\n1,2\n', /^positions\.csv is not a snapshot file: expected one of trades\.csv, margins\.csv/));
  it('a header-only trades file imports as an empty snapshot, an unclosed quote fails', async () => {
    const db = await freshDb();
    const { dir, files } = copyFixture('snapshot-small');
    fs.writeFileSync(
      path.join(dir, 'trades.csv'),
      'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,execution_ts,notional,notional_ccy,reporting_ts\n',
    );
    const summary = await importSnapshot(db, request(files));
    expect(summary).toMatchObject({ alreadyImported: false });
    expect((db.prepare('SELECT trade_rows FROM snapshot').get() as { trade_rows: number }).trade_rows).toBe(0);
    await expectRefused(
      'trades.csv',
      'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,execution_ts,notional,notional_ccy,reporting_ts\n"unclosed,x,y,true,z,1,USD,z\n',
      /^trades\.csv is not a readable CSV file: a quoted cell that opens on line 2 is not closed before the end of the file\.$/,
    );
    await expectRefused(
      'trades.csv',
      'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,execution_ts,notional,notional_ccy,reporting_ts\nu1,x,y,true,z,1,USD,z\nu2,x,"y"z,true,z,1,USD,z\n',
      /^trades\.csv is not a readable CSV file: line 3, cell 3: "z" follows a closing quote; expected a comma or the end of the line\.$/,
    );
    // A NUL anywhere (past the sniffer's first 8 KB too) refuses the file, naming its line.
    await expectRefused(
      'trades.csv',
      `uti,reporting_lei,other_cpty_id,other_cpty_is_lei,execution_ts,notional,notional_ccy,reporting_ts\n${'u1,x,y,true,z,1,USD,z\n'.repeat(500)}u2,x,y\u0000z,true,z,1,USD,z\n`,
      /^trades\.csv holds a NUL character \(U\+0000\) on line 502: expected UTF-8 text\.$/,
    );
    // A wrong header is named first, even with a quoting fault further on in the same chunk.
    await expectRefused(
      'trades.csv',
      'uti,who\nu1,"x"y\n',
      /^trades\.csv does not have the expected header: missing columns reporting_lei, /,
    );
  });
});

describe('error ratio', () => {
  it('refuses a file whose share of rejected rows is over the limit, whole', async () => {
    const db = await freshDb();
    const dir = tempDir();
    const header = 'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,direction,execution_ts,notional,notional_ccy,reporting_ts';
    const good = (i: number) =>
      `5493001USDEALERA0095T${i},5493001USDEALERA0095,2138003GBFUNDBBB0049,true,BYER,2026-06-01T10:00:00Z,1,USD,2026-06-30T18:00:00Z`;
    const bad = (i: number) =>
      `5493001USDEALERA0095T${i},BADLEI,2138003GBFUNDBBB0049,true,BYER,2026-06-01T10:00:00Z,1,USD,2026-06-30T18:00:00Z`;
    const rows = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? bad(i) : good(i)));
    const file = path.join(dir, 'trades.csv');
    fs.writeFileSync(file, [header, ...rows].join('\n'));
    await expect(importSnapshot(db, request([file], { maxErrorRatio: 0.2 }))).rejects.toThrow(
      'trades.csv was refused whole: 25.0% of its first 100 rows failed validation, above the limit of 20.0%.',
    );
    expect(counts(db)).toEqual([0, 0, 0, 0, 0, 0]);
    const accepted = await importSnapshot(db, request([file], { maxErrorRatio: 0.3 }));
    expect(accepted.rejected).toBe(25);
    expect(accepted.loaded).toBe(75);
  });
});

describe('unknown columns and source files', () => {
  it('warns about unknown columns, ignores them, and records each source file with its hash', async () => {
    const db = await freshDb();
    const { dir, files } = copyFixture('snapshot-small');
    const fx = path.join(dir, 'fx.csv');
    fs.writeFileSync(fx, 'as_of_date,ccy,usd_per_unit,source\n2026-06-30,USD,1,ECB\n2026-06-30,EUR,1.1,ECB\n');
    const { snapshotId } = await importSnapshot(db, request(files));
    expect(db.prepare(`SELECT file, rule_id, severity, message FROM validation_issue WHERE rule_id = 'CNC_UNKNOWN_COLUMN'`).all()).toEqual([
      { file: 'fx.csv', rule_id: 'CNC_UNKNOWN_COLUMN', severity: 'WARN', message: 'Unknown column ignored: source.' },
    ]);
    const recorded = db
      .prepare(
        `SELECT kind, file_name, format, rows_read, rows_rejected, length(sha256) AS l FROM snapshot_file WHERE snapshot_id = ? ORDER BY kind`,
      )
      .all(snapshotId);
    expect(recorded).toEqual([
      { kind: 'entities', file_name: 'entities.csv', format: 'csv', rows_read: 4, rows_rejected: 0, l: 64 },
      { kind: 'fx', file_name: 'fx.csv', format: 'csv', rows_read: 2, rows_rejected: 0, l: 64 },
      { kind: 'margins', file_name: 'margins.csv', format: 'csv', rows_read: 4, rows_rejected: 1, l: 64 },
      { kind: 'trades', file_name: 'trades.csv', format: 'csv', rows_read: 8, rows_rejected: 1, l: 64 },
    ]);
  });
});

describe('the demo generator\u2019s deliberate defects', () => {
  it('are each rejected by a rule, and nothing else is', async () => {
    const dir = tempDir();
    const demo = await generateDemoData({ trades: 20_000, seed: 5, outDir: dir });
    const db = await freshDb();
    const summary = await importSnapshot(db, request(Object.values(demo.files)));
    // Every invalid row the generator wrote (trades and margins) is rejected; no valid row is.
    expect(summary.rejected).toBe(demo.counts.invalidRows);
    const byRule = db
      .prepare(`SELECT rule_id, count(*) AS n FROM validation_issue WHERE severity = 'ERROR' GROUP BY rule_id`)
      .all() as Array<{ rule_id: string; n: number }>;
    expect(byRule.length).toBeGreaterThanOrEqual(12);
  });
});
