import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';
import { tradesBehind } from '../../../../electron/backend/exposure/trades';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { JobManager } from '../../../../electron/backend/jobs/jobManager';
import { runAlerts } from '../../../../electron/backend/supervision/alerts.service';
import { runAlertsAfter } from '../../../../electron/backend/supervision/alertsAfterImport';
import { computeMargin } from '../../../../electron/backend/supervision/requiredMargin';
import { loadStressInput } from '../../../../electron/backend/supervision/stressInput';
import { rebuildStaleDrillData, staleSnapshots } from '../../../../electron/backend/snapshots/drillRebuild';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { JobDone, JobProgress } from '../../../../shared/contract/jobs';
import type { ContractError } from '../../../../shared/contract/errors';
import { copyFixture, tempDir } from '../../../helpers/tempDir';

/** Two imported snapshots of the small fixture (as of two days), their drill figures, then closed. */
async function twoSnapshots(dataDir: string) {
  const { db } = await openDatabase(dataDir);
  const { dir, files } = copyFixture('snapshot-small');
  // The second with a venue file too: the same files again would be the same snapshot (imported once).
  const venues = path.join(dir, 'venues.csv');
  fs.writeFileSync(venues, 'venue_id,mic,name,country\nDERIBIT,,Deribit,PA\n');
  const ids = [
    (await importSnapshot(db, { files, sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30' })).snapshotId,
    (await importSnapshot(db, { files: [...files, venues], sourceName: 'Test TR', regime: 'EMIR', asOfDate: '2026-06-30' })).snapshotId,
  ];
  expect(new Set(ids).size).toBe(2);
  return { db, ids };
}

const level = (db: Db, snapshotId: number) => drill(db, { snapshotId, path: ['jurisdiction', 'counterparty'], at: [], filters: [] });
/** What an update's migration does: marks the drill data stale (and here also damages it, to prove it is rebuilt). */
function markStaleAndDamage(db: Db, snapshotId: number) {
  db.prepare(`UPDATE snapshot SET drill_stale = 1 WHERE snapshot_id = ?`).run(snapshotId);
  db.prepare(`DELETE FROM exposure_cell WHERE snapshot_id = ?`).run(snapshotId);
}
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as ContractError;
  }
  throw new Error('expected a refusal');
};

/** Two snapshots of one source, a the day before b, a awaiting its rebuild; a job manager recording what it says. */
async function previousAwaitingRebuild() {
  const { db, ids } = await twoSnapshots(tempDir());
  const [a, b] = ids as [number, number];
  db.prepare(`UPDATE snapshot SET as_of_date = '2026-06-29' WHERE snapshot_id = ?`).run(a);
  db.prepare(`UPDATE snapshot SET drill_stale = 1 WHERE snapshot_id = ?`).run(a);
  const progress: JobProgress[] = [];
  const finished: JobDone[] = [];
  const jobs = new JobManager(inProcessExecutor, { progress: (p) => progress.push(p), done: (d) => finished.push(d) });
  return { db, a, b, progress, finished, jobs };
}

describe('drill data rebuilt after an update, in the background', () => {
  it('a stale snapshot is refused (never shown with the old rules), rebuilt one snapshot per transaction, then equal to before', async () => {
    const { db, ids } = await twoSnapshots(tempDir());
    const [a, b] = ids as [number, number];
    const before = level(db, a);
    markStaleAndDamage(db, a);
    expect(staleSnapshots(db)).toEqual([a]);
    const refused = refusal(() => level(db, a));
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.message).toMatch(/^The drill data of snapshot \d+ is being rebuilt after an update of Concordat/);
    expect(
      refusal(() => tradesBehind(db, { snapshotId: a, path: [], at: [], filters: [], columnFilters: {}, sort: [], startRow: 0, endRow: 1 }))
        .code,
    ).toBe('UNAVAILABLE');
    // The other snapshot is usable meanwhile.
    expect(level(db, b).rows.length).toBeGreaterThan(0);

    const progress: Array<{ done: number; total: number }> = [];
    const { rebuilt } = await rebuildStaleDrillData(db, { onProgress: (p) => progress.push({ done: p.done, total: p.total }) });
    expect(rebuilt).toEqual([a]);
    expect(progress).toEqual([
      { done: 0, total: 1 },
      { done: 1, total: 1 },
    ]);
    expect(staleSnapshots(db)).toEqual([]);
    expect(level(db, a)).toEqual(before);
    db.close();
  });

  it('a cancel leaves the snapshots not yet rebuilt stale with their earlier data, for the next start', async () => {
    const { db, ids } = await twoSnapshots(tempDir());
    for (const id of ids) db.prepare(`UPDATE snapshot SET drill_stale = 1 WHERE snapshot_id = ?`).run(id);
    const cellsBefore = db.prepare(`SELECT count(*) FROM exposure_cell`).pluck().get();
    const controller = new AbortController();
    const error = await rebuildStaleDrillData(db, {
      signal: controller.signal,
      // Cancelled once the first snapshot is done: the second is not touched.
      onProgress: (p) => p.done === 1 && controller.abort(),
    }).catch((e: unknown) => e as ContractError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect((error as ContractError).message).toMatch(/cancelled after 1 of 2 snapshots; the others keep their earlier data/);
    expect(staleSnapshots(db)).toEqual([ids[1]]);
    expect(db.prepare(`SELECT count(*) FROM exposure_cell`).pluck().get()).toBe(cellsBefore);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('opening a data directory with stale drill data starts the rebuild job and answers calls meanwhile', async () => {
    const dataDir = tempDir();
    const { db, ids } = await twoSnapshots(dataDir);
    const before = level(db, ids[0]!);
    markStaleAndDamage(db, ids[0]!);
    db.close();

    const backend = await Backend.open({ dataDir, mode: 'cli', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
    try {
      const jobId = backend.drillRebuildJob;
      expect(jobId).toBeDefined();
      expect(((await backend.call('jobs.list', {})) as Array<{ kind: string }>).map((j) => j.kind)).toContain('drill.rebuild');
      const info = await backend.jobs.wait(jobId!);
      expect(info.state).toBe('succeeded');
      expect(await backend.call('exposure.drill', { snapshotId: ids[0]!, path: ['jurisdiction', 'counterparty'] })).toEqual(before);
    } finally {
      await backend.close();
    }
    // Nothing stale any more: the next start queues no job.
    const again = await Backend.open({ dataDir, mode: 'cli', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
    expect(again.drillRebuildJob).toBeUndefined();
    await again.close();
  });

  it('margin, stress and the alert rules refuse a stale snapshot too (as the subject or the one compared with), then give the same figures once rebuilt', async () => {
    const { db, ids } = await twoSnapshots(tempDir());
    const [a, b] = ids as [number, number];
    const margin = computeMargin(db, a, ['holder']);
    const stressPositions = loadStressInput(db, a).positions.length;
    db.prepare(`UPDATE snapshot SET drill_stale = 1 WHERE snapshot_id = ?`).run(a);
    for (const refused of [
      refusal(() => computeMargin(db, a, ['holder'])),
      refusal(() => loadStressInput(db, a)),
      refusal(() => runAlerts(db, a)),
      refusal(() => runAlerts(db, b, { compareSnapshotId: a })),
    ]) {
      expect(refused.code).toBe('UNAVAILABLE');
      expect(refused.details).toEqual({ snapshotId: a, reason: 'drill_stale' });
    }
    // The other snapshot on its own is not held back.
    expect(runAlerts(db, b).snapshotId).toBe(b);
    await rebuildStaleDrillData(db);
    expect(computeMargin(db, a, ['holder'])).toEqual(margin);
    expect(loadStressInput(db, a).positions.length).toBe(stressPositions);
    expect(runAlerts(db, b, { compareSnapshotId: a }).compareSnapshotId).toBe(a);
    db.close();
  });

  it('the alert rules after an import wait for the previous snapshot to be rebuilt, saying so, then compare with it', async () => {
    const { db, a, b, progress, finished, jobs } = await previousAwaitingRebuild();
    // The rebuild job of this process, held until the rules are seen waiting.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const rebuild = jobs.startHere('drill.rebuild', async () => {
      await released;
      return rebuildStaleDrillData(db);
    });
    runAlertsAfter({ jobId: 'import-1', kind: 'snapshots.import', state: 'succeeded', result: { snapshotId: b } }, db, jobs);
    const alertJob = jobs.list().find((j) => j.kind === 'alerts.run')!;
    await expect
      .poll(() => progress.some((p) => p.message.startsWith(`Waiting for the drill data of snapshot ${a} to be rebuilt`)))
      .toBe(true);
    expect(jobs.list().find((j) => j.jobId === alertJob.jobId)!.state).toBe('running');
    release();
    await jobs.wait(rebuild.jobId);
    await jobs.wait(alertJob.jobId);
    const alertsDone = finished.find((d) => d.jobId === alertJob.jobId)!;
    expect(alertsDone.state).toBe('succeeded');
    expect((alertsDone.result as { compareSnapshotId: number }).compareSnapshotId).toBe(a);
    db.close();
  });

  it('with no rebuild running (cancelled or failed), the rules after an import run without the comparison and say why', async () => {
    const { db, a, b, progress, finished, jobs } = await previousAwaitingRebuild();
    runAlertsAfter({ jobId: 'import-1', kind: 'snapshots.import', state: 'succeeded', result: { snapshotId: b } }, db, jobs);
    await jobs.wait(jobs.list()[0]!.jobId);
    expect(finished.map((d) => d.state)).toEqual(['succeeded']);
    expect((finished[0]!.result as { compareSnapshotId: number | null }).compareSnapshotId).toBeNull();
    expect(progress.map((p) => p.message)).toContain(
      `Snapshot ${a} awaits its drill rebuild (at the next start): the rules comparing snapshot ${b} with it were skipped; run the alert rules again after the rebuild.`,
    );
    db.close();
  });
});
