import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { exportIssuesCsv, getRejectedRow, listIssues, summariseIssues } from '../../../../electron/backend/snapshots/issues.repo';
import { copyFixture, tempDir } from '../../../helpers/tempDir';
import { csvCell } from '../../../../shared/domain/csv';

async function importedFixture() {
  const { db } = await openDatabase(tempDir());
  const { dir, files } = copyFixture('snapshot-small');
  // A WARN on a loaded row, so both severities are present.
  const trades = path.join(dir, 'trades.csv');
  fs.writeFileSync(
    trades,
    fs.readFileSync(trades, 'utf8').replace(',2026-06-02,2026-09-30,', ',2026-06-02,2026-09-30,').replace('NEWT,TCTN\n', 'NEWT,TCTN\n'),
  );
  fs.writeFileSync(path.join(dir, 'venues.csv'), 'venue_id,mic,name,country\nDERIBIT,,Deribit,PA\nOLD,ERIS,"Eris, former =ErisX",US\n');
  const { snapshotId } = await importSnapshot(db, {
    files: [...files, path.join(dir, 'venues.csv')],
    sourceName: 'Test TR',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  });
  return { db, snapshotId };
}

describe('validation findings', () => {
  it('are listed with their location and whether the row was rejected, filtered and paged', async () => {
    const { db, snapshotId } = await importedFixture();
    // The fixture reports no valuations: each of its 7 outstanding trade rows executed weeks
    // before the as-of date is warned about (CNC_VALUATION_MISSING); the 2 errors are the test.
    expect(listIssues(db, { snapshotId }, 0, 100).total).toBe(9);
    expect(listIssues(db, { snapshotId, ruleId: 'CNC_VALUATION_MISSING', severity: 'WARN' }, 0, 100).total).toBe(7);
    const all = listIssues(db, { snapshotId, severity: 'ERROR' }, 0, 100);
    expect(all.total).toBe(2);
    expect(all.rows).toEqual([
      {
        file: 'margins.csv',
        line: 5,
        location: 'line 5',
        field: 'im_posted_ccy',
        ruleId: 'CNC_CURRENCY',
        severity: 'ERROR',
        message: expect.stringContaining('XYZ'),
        rejected: true,
      },
      {
        file: 'trades.csv',
        line: 9,
        location: 'line 9',
        field: 'reporting_lei',
        ruleId: 'CNC_LEI',
        severity: 'ERROR',
        message: expect.stringContaining('5493001USDEALERA0096'),
        rejected: true,
      },
    ]);
    expect(listIssues(db, { snapshotId, file: 'trades.csv', severity: 'ERROR' }, 0, 100).total).toBe(1);
    expect(listIssues(db, { snapshotId, ruleId: 'CNC_LEI', severity: 'ERROR' }, 0, 100).rows).toHaveLength(1);
    expect(listIssues(db, { snapshotId, text: 'XYZ' }, 0, 100).total).toBe(1);
    expect(listIssues(db, { snapshotId, severity: 'ERROR' }, 1, 2).rows.map((r) => r.file)).toEqual(['trades.csv']);
    // Unfiltered, the two errors (rejected rows) come first whatever their files, then the warnings in file order.
    const unfiltered = listIssues(db, { snapshotId }, 0, 100).rows;
    expect(unfiltered.map((r) => r.severity)).toEqual(['ERROR', 'ERROR', ...Array<string>(7).fill('WARN')]);
    expect(unfiltered.slice(0, 2).map((r) => r.file)).toEqual(['margins.csv', 'trades.csv']);
    expect(listIssues(db, { snapshotId }, 2, 3).rows[0]!.severity).toBe('WARN');
    expect(summariseIssues(db, snapshotId)).toEqual(
      expect.arrayContaining([
        { ruleId: 'CNC_CURRENCY', severity: 'ERROR', count: 1, example: expect.any(String) },
        { ruleId: 'CNC_LEI', severity: 'ERROR', count: 1, example: expect.any(String) },
        { ruleId: 'CNC_VALUATION_MISSING', severity: 'WARN', count: 7, example: expect.any(String) },
      ]),
    );
    expect(summariseIssues(db, snapshotId)).toHaveLength(3);
  });

  it('treat filter values as data, never as SQL or wildcards', async () => {
    const { db, snapshotId } = await importedFixture();
    for (const text of ["' OR 1=1 --", '%', '\\', 'L_I', 'n%LEI']) expect(listIssues(db, { snapshotId, text }, 0, 100).total, text).toBe(0);
    // An underscore matches an underscore (both messages name a field like im_posted_ccy), never any character.
    expect(listIssues(db, { snapshotId, text: 'd_l' }, 0, 100).total).toBe(0);
    expect(listIssues(db, { snapshotId, text: 'g_lei' }, 0, 100).total).toBe(1);
    expect(listIssues(db, { snapshotId, ruleId: "CNC_LEI' OR '1'='1" }, 0, 100).total).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM validation_issue').get() as { n: number }).n).toBe(9);
  });

  it('keep the raw row a TR sent, readable again', async () => {
    const { db, snapshotId } = await importedFixture();
    const raw = getRejectedRow(db, snapshotId, 'trades.csv', 9);
    expect(raw.values.reporting_lei).toBe('5493001USDEALERA0096');
    expect(raw.values.notional).toBe('7000000');
    expect(() => getRejectedRow(db, snapshotId, 'trades.csv', 2)).toThrow('No rejected row at trades.csv line 2');
  });

  it('export as CSV with a header block saying what, which filters and when', async () => {
    const { db, snapshotId } = await importedFixture();
    const { fileName, csv } = exportIssuesCsv(db, { snapshotId, severity: 'ERROR' }, new Date('2026-07-01T08:00:00Z'));
    expect(fileName).toBe(`concordat-findings-snapshot-${snapshotId}.csv`);
    const lines = csv.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '# Concordat validation findings',
      `"# Snapshot: ${snapshotId} (Test TR, EMIR, as of 2026-06-30, version 1)"`,
      '# Filters: severity=ERROR',
      '# Exported at: 2026-07-01T08:00:00.000Z',
      '# Rows: 2',
      'file,line,location,field,rule_id,severity,rejected,message',
    ]);
    expect(lines[6]).toMatch(/^margins\.csv,5,line 5,im_posted_ccy,CNC_CURRENCY,ERROR,yes,/);
  });

  it('encode CSV cells per RFC 4180 and defuse spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ['+', '-', '@']) expect(csvCell(`${lead}1+cmd|' /C calc'!A0`)).toMatch(new RegExp(`^"?'\\${lead}1`));
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('encode the header block like the cells: a hostile source name stays on its line and in one cell', async () => {
    const { db, snapshotId } = await importedFixture();
    db.prepare(`UPDATE snapshot SET source_name = ? WHERE snapshot_id = ?`).run('TR\r\n=cmd(),"x"', snapshotId);
    const { csv } = exportIssuesCsv(db, { snapshotId }, new Date('2026-07-01T08:00:00Z'));
    const lines = csv.trimEnd().split('\n');
    expect(lines[1]).toBe(`"# Snapshot: ${snapshotId} (TR =cmd(),""x"", EMIR, as of 2026-06-30, version 1)"`);
    expect(lines[5]).toBe('file,line,location,field,rule_id,severity,rejected,message');
  });
});
