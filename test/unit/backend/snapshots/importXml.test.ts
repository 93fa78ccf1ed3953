import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';

const drillByJurisdiction = (db: Parameters<typeof drill>[0], snapshotId: number) =>
  drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { getRejectedRow, listIssues, listSnapshotFiles } from '../../../../electron/backend/snapshots/issues.repo';
import { fixturesDir, tempDir } from '../../../helpers/tempDir';

const xml = (name: string) => path.join(fixturesDir, 'iso20022', name);
const csv = (name: string) => path.join(fixturesDir, 'snapshot-small', name);

describe('importing ISO 20022 messages', () => {
  it('loads auth.107 trade state and auth.109 margins through the same validation as CSV', async () => {
    const { db } = await openDatabase(tempDir());
    const summary = await importSnapshot(db, {
      files: [xml('auth107-trades.xml'), xml('auth109-margins.xml'), csv('fx.csv'), csv('entities.csv')],
      sourceName: 'XML TR',
      regime: 'EMIR',
      asOfDate: '2026-06-30',
    });
    expect(summary.loaded).toBeGreaterThan(4);
    const files = listSnapshotFiles(db, summary.snapshotId);
    expect(files.filter((f) => f.format === 'iso20022').map((f) => [f.fileName, f.kind, f.messageType])).toEqual([
      ['auth109-margins.xml', 'margins', 'auth.109.001.01'],
      ['auth107-trades.xml', 'trades', 'auth.107.001.01'],
    ]);
    // The fixture's deliberately invalid report is kept raw, located by its XPath.
    const rejected = db.prepare(`SELECT file, location FROM rejected_row WHERE file = 'auth107-trades.xml'`).all() as Array<{
      location: string;
    }>;
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]!.location).toMatch(/^\/Document\/DerivsTradStatRpt\/TradData\/Stat\[\d+\]/);
    const issue = db
      .prepare(`SELECT rule_id, location FROM validation_issue WHERE file = 'auth107-trades.xml' AND severity = 'ERROR'`)
      .get() as { rule_id: string; location: string };
    expect(issue.rule_id).toBe('CNC_LEI');
    expect(drillByJurisdiction(db, summary.snapshotId).totals.tradeCount).toBeGreaterThan(0);
  });

  it('refuses a hostile XML file in one sentence and changes nothing', async () => {
    const { db } = await openDatabase(tempDir());
    await expect(
      importSnapshot(db, { files: [xml('hostile/doctype-billion-laughs.xml')], sourceName: 'X', regime: 'EMIR', asOfDate: '2026-06-30' }),
    ).rejects.toThrow(/^doctype-billion-laughs\.xml .*DOCTYPE/);
    expect(db.prepare('SELECT count(*) AS n FROM snapshot').get()).toEqual({ n: 0 });
  });

  /** The fixture with the reporting LEI of the given reports' blocks given wrong check digits. */
  const withBadLeis = (text: string, leis: readonly string[]) =>
    leis.reduce((t, lei) => {
      const from = `<Id><Lgl><Id><LEI>${lei}</LEI></Id></Lgl></Id>`;
      expect(t.split(from)).toHaveLength(2);
      return t.replace(from, `<Id><Lgl><Id><LEI>${lei.slice(0, 18)}${lei.endsWith('9') ? '00' : '99'}</LEI></Id></Lgl></Id>`);
    }, text);
  const stat = (n: number, block = 1) => `/Document/DerivsTradStatRpt/TradData/Stat[${n}]/CtrPtySpcfcData[${block}]`;

  it('imports a minified auth.107 (the whole message on one line) with several rejected reports, each kept and readable', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'minified.xml');
    // Both sides of the two-sided forward (Stat[1]), the option (Stat[4]) and the fixture's bad report (Stat[5]) are invalid.
    const text = withBadLeis(fs.readFileSync(xml('auth107-trades.xml'), 'utf8'), [
      '529900CNCDEALERA0121',
      '213800CNCFUNDBBB0257',
      '529900CNCFUNDCCC0507',
    ]);
    const minified = text.replace(/>\s+</g, '><').replace(/\s*\n\s*/g, ' ');
    expect(minified.trimEnd()).not.toContain('\n');
    fs.writeFileSync(file, minified);
    const { db } = await openDatabase(tempDir());
    const summary = await importSnapshot(db, { files: [file], sourceName: 'XML TR', regime: 'EMIR', asOfDate: '2026-06-30' });
    expect(summary).toMatchObject({ rowsRead: 6, loaded: 2, rejected: 4 });
    const rejected = db.prepare(`SELECT line, location FROM rejected_row WHERE snapshot_id = ? ORDER BY rowid`).all(summary.snapshotId);
    const locations = [stat(1, 1), stat(1, 2), stat(4), stat(5)];
    expect(rejected).toEqual(locations.map((location) => ({ line: 1, location })));
    // Each rejected report reads back by its line and location.
    const leis = locations.map((location) => getRejectedRow(db, summary.snapshotId, 'minified.xml', 1, location));
    expect(leis.map((r) => [r.line, r.location, r.values.reporting_lei])).toEqual([
      [1, stat(1, 1), '529900CNCDEALERA0199'],
      [1, stat(1, 2), '213800CNCFUNDBBB0299'],
      [1, stat(4), '529900CNCFUNDCCC0599'],
      [1, stat(5), '529900CNCDEALERA0122'],
    ]);
    // By line alone: the first rejected report on that line.
    expect(getRejectedRow(db, summary.snapshotId, 'minified.xml', 1).location).toBe(stat(1, 1));
    expect(() => getRejectedRow(db, summary.snapshotId, 'minified.xml', 1, stat(2))).toThrow(
      `No rejected row at minified.xml line 1, ${stat(2)} in snapshot ${summary.snapshotId}.`,
    );
    // A finding is flagged 'rejected' only when its own report was, not any report on its line.
    const issues = listIssues(db, { snapshotId: summary.snapshotId }, 0, 1000).rows;
    expect(issues.filter((i) => i.severity === 'ERROR').map((i) => i.location)).toEqual(locations);
    for (const issue of issues) expect(issue.rejected, `${issue.location} ${issue.ruleId}`).toBe(locations.includes(issue.location!));
  });

  it('keeps both sides of a two-sided report when both are rejected (one report, one start line)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'auth107-trades.xml');
    fs.writeFileSync(
      file,
      withBadLeis(fs.readFileSync(xml('auth107-trades.xml'), 'utf8'), ['529900CNCDEALERA0121', '213800CNCFUNDBBB0257']),
    );
    const { db } = await openDatabase(tempDir());
    const summary = await importSnapshot(db, { files: [file], sourceName: 'XML TR', regime: 'EMIR', asOfDate: '2026-06-30' });
    expect(summary).toMatchObject({ rowsRead: 6, rejected: 3 });
    expect(db.prepare(`SELECT line, location FROM rejected_row ORDER BY rowid`).all()).toEqual([
      { line: 12, location: stat(1, 1) },
      { line: 12, location: stat(1, 2) },
      { line: expect.any(Number), location: stat(5) },
    ]);
    expect(getRejectedRow(db, summary.snapshotId, 'auth107-trades.xml', 12, stat(1, 2)).values.reporting_lei).toBe('213800CNCFUNDBBB0299');
  });
});
