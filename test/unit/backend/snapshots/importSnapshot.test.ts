import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';

const drillByJurisdiction = (db: Parameters<typeof drill>[0], snapshotId: number) =>
  drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
import { discardStagingSnapshots, importSnapshot, type ImportRequest } from '../../../../electron/backend/snapshots/importSnapshot';
import { listSnapshots } from '../../../../electron/backend/snapshots/snapshots.repo';
import { ContractError } from '../../../../shared/contract/errors';
import { copyFixture, tempDir } from '../../../helpers/tempDir';

const request = (files: string[]): ImportRequest => ({
  files,
  sourceName: 'Test TR',
  trLei: '9845005CCPXXXXXX0005',
  regime: 'EMIR',
  asOfDate: '2026-06-30',
});

async function freshDb() {
  const { db } = await openDatabase(tempDir());
  return db;
}

function tableCounts(db: Awaited<ReturnType<typeof freshDb>>) {
  const tables = ['snapshot', 'trade_state', 'margin_state', 'entity', 'fx_rate', 'validation_issue', 'rejected_row', 'exposure_position'];
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

describe('importSnapshot on the hand-made fixture', () => {
  it('loads valid rows, keeps rejected ones raw with their findings, and counts them', async () => {
    const db = await freshDb();
    const { files } = copyFixture('snapshot-small');
    const summary = await importSnapshot(db, request(files));
    expect(summary.alreadyImported).toBe(false);
    expect(summary.version).toBe(1);
    // trades: 8 rows, 1 bad LEI; margins: 4 rows, 1 bad currency; entities 4; fx 2.
    expect(summary.rowsRead).toBe(8 + 4 + 4 + 2);
    expect(summary.rejected).toBe(2);
    const [snapshot] = listSnapshots(db);
    expect(snapshot).toMatchObject({ snapshotId: summary.snapshotId, tradeRows: 7, rejectedRows: 2, regime: 'EMIR' });

    const rejected = db.prepare(`SELECT file, line, raw_json FROM rejected_row ORDER BY file`).all() as {
      file: string;
      line: number;
      raw_json: string;
    }[];
    expect(rejected.map((r) => [r.file, r.line])).toEqual([
      ['margins.csv', 5],
      ['trades.csv', 9],
    ]);
    expect(JSON.parse(rejected[1]!.raw_json).reporting_lei).toBe('5493001USDEALERA0096');
    const issues = db
      .prepare(`SELECT file, line, field, rule_id, severity FROM validation_issue WHERE severity = 'ERROR' ORDER BY file`)
      .all();
    expect(issues).toEqual([
      { file: 'margins.csv', line: 5, field: 'im_posted_ccy', rule_id: 'CNC_CURRENCY', severity: 'ERROR' },
      { file: 'trades.csv', line: 9, field: 'reporting_lei', rule_id: 'CNC_LEI', severity: 'ERROR' },
    ]);
  });

  it('computes the jurisdiction rollups worked out by hand', async () => {
    const db = await freshDb();
    const { snapshotId } = await importSnapshot(db, request(copyFixture('snapshot-small').files));
    const result = drillByJurisdiction(db, snapshotId);
    const byKey = Object.fromEntries(result.rows.map((r) => [r.key, r]));
    expect(Object.keys(byKey).sort()).toEqual(['FR', 'GB', 'KY', 'US']);
    expect(byKey.US).toMatchObject({
      tradeCount: 4,
      counterpartyCount: 2,
      grossNotionalUsd: 1_850_000,
      netNotionalUsd: 450_000,
      imPostedUsd: 50_000,
      unconvertedCount: 1,
    });
    expect(byKey.GB).toMatchObject({
      tradeCount: 2,
      counterpartyCount: 1,
      grossNotionalUsd: 1_200_000,
      netNotionalUsd: -800_000,
      unconvertedCount: 0,
    });
    expect(byKey.GB!.imPostedUsd).toBeCloseTo(22_000, 6);
    expect(byKey.KY).toMatchObject({
      tradeCount: 2,
      counterpartyCount: 1,
      grossNotionalUsd: 550_000,
      netNotionalUsd: 550_000,
      // Its only valid margin report is 1,000 CHF and the snapshot has no CHF rate: the amount
      // cannot be shown in USD (null, "—", never 0) and is counted among the unconverted.
      imPostedUsd: null,
      unconvertedCount: 2,
    });
    expect(byKey.FR).toMatchObject({ tradeCount: 1, counterpartyCount: 1, grossNotionalUsd: 200_000, netNotionalUsd: -200_000 });
    expect(byKey.US!.label).toBe('United States (US)');
    // Totals count each trade once: not the sum of the rows.
    expect(result.totals).toMatchObject({ tradeCount: 5, counterpartyCount: 5, grossNotionalUsd: 2_050_000, unconvertedCount: 2 });
    expect(result.totals.netNotionalUsd).toBeCloseTo(0, 6);
    expect(result.totals.imPostedUsd).toBeCloseTo(72_000, 6);
    // Sorted by gross notional, largest first.
    expect(result.rows.map((r) => r.key)).toEqual(['US', 'GB', 'KY', 'FR']);
  });

  it('treats the same bytes as a no-op and a corrected file as a new version', async () => {
    const db = await freshDb();
    const { files } = copyFixture('snapshot-small');
    const first = await importSnapshot(db, request(files));
    const before = tableCounts(db);
    const again = await importSnapshot(db, request(files));
    expect(again).toMatchObject({ alreadyImported: true, snapshotId: first.snapshotId });
    expect(tableCounts(db)).toEqual(before);

    const trades = files.find((f) => f.endsWith('trades.csv'))!;
    fs.writeFileSync(trades, fs.readFileSync(trades, 'utf8').replace('1000000,USD', '1100000,USD'));
    const corrected = await importSnapshot(db, request(files));
    expect(corrected).toMatchObject({ alreadyImported: false, version: 2 });
    expect(listSnapshots(db).map((s) => s.version)).toEqual([2, 1]);
    // The earlier version stays readable and unchanged.
    expect(drillByJurisdiction(db, first.snapshotId).totals.grossNotionalUsd).toBe(2_050_000);
  });

  it('fails a file with a wrong header in one sentence and leaves the database as it was', async () => {
    const db = await freshDb();
    const good = await importSnapshot(db, request(copyFixture('snapshot-small').files));
    const before = tableCounts(db);
    const { dir, files } = copyFixture('snapshot-small');
    fs.writeFileSync(path.join(dir, 'margins.csv'), 'name,amount\nx,1\n');
    const error = await importSnapshot(db, { ...request(files), asOfDate: '2026-07-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('INVALID_INPUT');
    expect((error as ContractError).message).toMatch(
      /^margins\.csv does not have the expected header: missing columns reporting_lei, other_cpty_id, collateralisation_category\.$/,
    );
    expect(tableCounts(db)).toEqual(before);
    expect(listSnapshots(db).map((s) => s.snapshotId)).toEqual([good.snapshotId]);
  });

  it('rejects an empty trades file and a ragged row is kept as rejected', async () => {
    const db = await freshDb();
    const { dir, files } = copyFixture('snapshot-small');
    fs.writeFileSync(path.join(dir, 'trades.csv'), '');
    await expect(importSnapshot(db, request(files))).rejects.toThrow('trades.csv is empty: expected a header row.');

    const trades = path.join(dir, 'trades.csv');
    fs.copyFileSync(path.join(__dirname, '../../../fixtures/snapshot-small/trades.csv'), trades);
    fs.appendFileSync(trades, 'ONLY,THREE,CELLS\n');
    const summary = await importSnapshot(db, request(files));
    const ragged = db.prepare(`SELECT line, rule_id FROM validation_issue WHERE rule_id = 'CNC_CELL_COUNT'`).all();
    expect(ragged).toEqual([{ line: 10, rule_id: 'CNC_CELL_COUNT' }]);
    expect(summary.rejected).toBe(3);
  });

  it('reads CRLF files with a BOM and reports the same line numbers', async () => {
    const db = await freshDb();
    const { dir, files } = copyFixture('snapshot-small');
    const trades = path.join(dir, 'trades.csv');
    fs.writeFileSync(trades, '\uFEFF' + fs.readFileSync(trades, 'utf8').replace(/\n/g, '\r\n'));
    const summary = await importSnapshot(db, request(files));
    expect(summary.rejected).toBe(2);
    const lines = db.prepare(`SELECT line FROM rejected_row WHERE file = 'trades.csv'`).all();
    expect(lines).toEqual([{ line: 9 }]);
    expect(drillByJurisdiction(db, summary.snapshotId).totals.grossNotionalUsd).toBe(2_050_000);
  });

  it('undoes everything when cancelled, and discards staging left by a killed import', async () => {
    const db = await freshDb();
    const controller = new AbortController();
    controller.abort();
    await expect(importSnapshot(db, request(copyFixture('snapshot-small').files), { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(tableCounts(db).snapshot).toBe(0);
    expect(tableCounts(db).trade_state).toBe(0);

    db.prepare(
      `INSERT INTO snapshot (source_name, tr_lei, regime, as_of_date, version, source_sha256, imported_at, status) VALUES ('x', '9845005CCPXXXXXX0005', 'EMIR', '2026-06-30', 1, 'abc', 'now', 'staging')`,
    ).run();
    expect(discardStagingSnapshots(db)).toBe(1);
    expect(listSnapshots(db)).toEqual([]);
  });
});
