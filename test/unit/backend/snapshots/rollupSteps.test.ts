import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../electron/backend/db/connection';
import { openDatabase } from '../../../../electron/backend/db/openDatabase';
import { importSnapshot, type ImportRequest } from '../../../../electron/backend/snapshots/importSnapshot';
import { rollupSteps, type RollupProgress } from '../../../../electron/backend/snapshots/rollups';
import { copyFixture, tempDir } from '../../../helpers/tempDir';

/**
 * Issue 16: an import's rollups are committed step by step, so another writer never waits for a whole snapshot's
 * rollups; run in steps they give the same drill data as at once.
 */
const request = (files: string[]): ImportRequest => ({ files, sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30' });

const drillTables = ['exposure_position', 'exposure_cell', 'holder_margin', 'trade_state_count'] as const;
/** A snapshot's drill data, rows without their rowids; positions sorted (their order follows the steps). */
function drillData(db: Db, snapshotId: number) {
  const rows = (table: string, order = 'rowid') =>
    db.prepare(`SELECT * FROM ${table} WHERE snapshot_id = ? ORDER BY ${order}`).all(snapshotId) as Array<Record<string, unknown>>;
  const positions = rows('exposure_position').map((r) => JSON.stringify(r));
  return {
    positions: positions.sort(),
    cells: rows('exposure_cell'),
    margin: rows('holder_margin', 'holder'),
    states: rows('trade_state_count', 'state'),
  };
}

describe('rollups in steps', () => {
  it('in ranges of two trades they give the same positions, cells and margins as the import did at once, saying how far they are', async () => {
    const { db } = await openDatabase(tempDir());
    const { files } = copyFixture('snapshot-small');
    const { snapshotId } = await importSnapshot(db, request(files));
    const atOnce = drillData(db, snapshotId);
    expect(atOnce.positions.length).toBeGreaterThan(4);

    for (const table of drillTables) db.prepare(`DELETE FROM ${table} WHERE snapshot_id = ?`).run(snapshotId);
    const steps: RollupProgress[] = [];
    for (const step of rollupSteps(db, snapshotId, 2)) steps.push(step);
    expect(drillData(db, snapshotId)).toEqual(atOnce);

    const positionSteps = steps.filter((s) => s.step === 'positions');
    const trades = atOnce.positions.length / 2;
    expect(positionSteps.length).toBe(Math.ceil(trades / 2));
    expect(positionSteps.map((s) => s.done)).toEqual(positionSteps.map((_, i) => Math.min((i + 1) * 2, trades)));
    expect(positionSteps.every((s) => s.total === trades)).toBe(true);
    expect(steps[0]!.step).toBe('trade states');
    expect(steps.at(-1)!.step).toBe('margin');
    db.close();
  });

  it('during an import another connection writes between two rollup steps, without waiting (busy timeout 0)', async () => {
    const dataDir = tempDir();
    const { db } = await openDatabase(dataDir);
    const { files } = copyFixture('snapshot-small');
    const other = new Database(path.join(dataDir, 'concordat.db'));
    other.pragma('busy_timeout = 0');
    other.exec(`CREATE TABLE other_writer (n INTEGER)`);
    const writes: Array<{ ok: boolean; staging: boolean; positions: number }> = [];
    const write = () => {
      try {
        other.exec('BEGIN IMMEDIATE');
        const staging = other.prepare(`SELECT count(*) FROM snapshot WHERE status = 'staging'`).pluck().get() === 1;
        const positions = other.prepare(`SELECT count(*) FROM exposure_position`).pluck().get() as number;
        other.prepare(`INSERT INTO other_writer (n) VALUES (?)`).run(writes.length);
        other.exec('COMMIT');
        writes.push({ ok: true, staging, positions });
      } catch (error) {
        if (other.inTransaction) other.exec('ROLLBACK');
        writes.push({ ok: false, staging: false, positions: -1 });
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      }
    };
    await importSnapshot(db, request(files), {
      onProgress: (p) => {
        if (p.phase === 'rollups') setTimeout(write, 0);
      },
    });
    // Writes that landed while the snapshot was still staging with part of its positions written: between steps.
    expect(writes.filter((w) => !w.ok)).toEqual([]);
    expect(writes.filter((w) => w.staging && w.positions > 0).length).toBeGreaterThanOrEqual(2);
    other.close();
    db.close();
  });
});
