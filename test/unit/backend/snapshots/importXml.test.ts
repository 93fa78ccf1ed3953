import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';

const drillByJurisdiction = (db: Parameters<typeof drill>[0], snapshotId: number) =>
  drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { listSnapshotFiles } from '../../../../electron/backend/snapshots/issues.repo';
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
});
