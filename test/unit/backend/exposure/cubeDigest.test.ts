import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConnection, openDatabase } from '../../../../electron/backend/db/openDatabase';
import { cubeOf } from '../../../../electron/backend/exposure/cube';
import { drill } from '../../../../electron/backend/exposure/drill';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { copyFixture, tempDir } from '../../../helpers/tempDir';

/**
 * The drill cube kept as a snapshot digest (issue 16): the first drill of a process reads the stored columns instead
 * of decoding every cell again, with the same figures; a digest that does not fit is built again, never read in part.
 */
const paths = [['jurisdiction', 'counterparty'], ['underlier', 'venue'], ['group']] as const;
const levels = (db: Parameters<typeof drill>[0], snapshotId: number) =>
  paths.map((p) => drill(db, { snapshotId, path: [...p], at: [], filters: [] }));

async function imported() {
  const dataDir = tempDir();
  const { db, file } = await openDatabase(dataDir);
  const { files } = copyFixture('snapshot-small');
  const { snapshotId } = await importSnapshot(db, { files, sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30' });
  return { dataDir, db, file, snapshotId };
}

describe('the drill cube kept as a snapshot digest', () => {
  it('is written by the first drill and read by another connection, with the same figures at every level', async () => {
    const { dataDir, db, file, snapshotId } = await imported();
    const first = levels(db, snapshotId);
    const row = db
      .prepare(`SELECT kind, file, bytes FROM snapshot_digest WHERE snapshot_id = ? AND kind = 'drill-cube'`)
      .get(snapshotId) as {
      file: string;
      bytes: number;
    };
    expect(row.bytes).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dataDir, 'digests', row.file))).toBe(true);
    db.close();

    // Another process: what it reads is the stored cube. Proof: with the cells emptied behind its back, it still
    // answers the figures from before (snapshots never change after import, so the store may be trusted).
    const other = openConnection(file);
    other.prepare(`DELETE FROM exposure_cell WHERE snapshot_id = ?`).run(snapshotId);
    expect(levels(other, snapshotId)).toEqual(first);
    other.close();
  });

  it('a damaged or cut digest file is built again from the cells, with the same figures', async () => {
    const { dataDir, db, file, snapshotId } = await imported();
    const first = levels(db, snapshotId);
    const { file: name } = db.prepare(`SELECT file FROM snapshot_digest WHERE kind = 'drill-cube'`).get() as { file: string };
    db.close();
    const stored = path.join(dataDir, 'digests', name);
    fs.truncateSync(stored, Math.floor(fs.statSync(stored).size / 2));
    const other = openConnection(file);
    expect(levels(other, snapshotId)).toEqual(first);
    // Written whole again.
    const again = other.prepare(`SELECT bytes FROM snapshot_digest WHERE kind = 'drill-cube'`).pluck().get() as number;
    expect(
      fs.statSync(
        path.join(dataDir, 'digests', other.prepare(`SELECT file FROM snapshot_digest WHERE kind = 'drill-cube'`).pluck().get() as string),
      ).size,
    ).toBe(again);
    other.close();
  });

  it('reads a dimension only when a level first groups or filters by it, from the file as it was when opened', async () => {
    const { dataDir, db, file, snapshotId } = await imported();
    const byVenue = drill(db, { snapshotId, path: ['venue', 'underlier'], at: [], filters: [] });
    const { file: name } = db.prepare(`SELECT file FROM snapshot_digest WHERE kind = 'drill-cube'`).get() as { file: string };
    db.close();

    const other = openConnection(file);
    drill(other, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
    const cube = cubeOf(other, snapshotId);
    const stillStored = (d: 'venue' | 'jurisdiction') => typeof Object.getOwnPropertyDescriptor(cube.codes, d)?.get === 'function';
    expect(stillStored('jurisdiction')).toBe(false);
    expect(stillStored('venue')).toBe(true);
    // Another process sweeping the file away meanwhile does not matter: it was opened with the cube.
    fs.rmSync(path.join(dataDir, 'digests', name));
    expect(drill(other, { snapshotId, path: ['venue', 'underlier'], at: [], filters: [] })).toEqual(byVenue);
    expect(stillStored('venue')).toBe(false);
    other.close();
  });

  it('a part that cannot be read when first used is refused with "ask again"; the next call builds the cube anew', async () => {
    const { dataDir, db, file, snapshotId } = await imported();
    const byVenue = drill(db, { snapshotId, path: ['venue'], at: [], filters: [] });
    const { file: name } = db.prepare(`SELECT file FROM snapshot_digest WHERE kind = 'drill-cube'`).get() as { file: string };
    db.close();

    const other = openConnection(file);
    drill(other, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
    // Cut behind the open cube's back: its venue codes, not read yet, are gone.
    fs.truncateSync(path.join(dataDir, 'digests', name), 64);
    let refused: unknown;
    try {
      drill(other, { snapshotId, path: ['venue'], at: [], filters: [] });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
    expect((refused as Error).message).toMatch(
      /^The stored drill data of snapshot \d+ could not be read \(codes of venue: .*\); ask again/,
    );
    expect(drill(other, { snapshotId, path: ['venue'], at: [], filters: [] })).toEqual(byVenue);
    other.close();
  });
});
