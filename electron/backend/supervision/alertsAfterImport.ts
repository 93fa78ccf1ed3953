import { ContractError } from '../../../shared/contract/errors';
import type { JobDone } from '../../../shared/contract/jobs';
import type { Db } from '../db/connection';
import type { JobManager } from '../jobs/jobManager';
import { isDrillStale } from '../snapshots/drillStale';
import { previousSnapshotOf, runAlerts } from './alerts.service';

/** How often the after-import rules look again at a previous snapshot awaiting its drill rebuild. */
const STALE_POLL_MS = 500;

/** The snapshots a finished job made available: an import's, a feed sync's new ones, the demo's. */
export function snapshotsMadeBy(done: JobDone): number[] {
  if (done.state !== 'succeeded' || typeof done.result !== 'object' || done.result === null) return [];
  const result = done.result as { snapshotId?: unknown; imported?: Array<{ snapshotId: number; alreadyImported: boolean }> };
  if (done.kind === 'feeds.sync') return (result.imported ?? []).filter((i) => !i.alreadyImported).map((i) => i.snapshotId);
  if ((done.kind === 'snapshots.import' || done.kind === 'demo.load') && typeof result.snapshotId === 'number') return [result.snapshotId];
  return [];
}

/**
 * The snapshot the rules after an import compare the new one with: the source's previous one (previousSnapshotOf),
 * once its drill data is current. Just after an update it may await its rebuild (the rules refuse it): while a rebuild
 * runs, this waits, saying so; when none runs (cancelled or failed: the rest waits for the next start) the rules run
 * without the comparison, and `onNotCompared` says why, rather than wait for ever.
 */
export async function comparedSnapshot(
  db: Db,
  snapshotId: number,
  options: {
    signal?: AbortSignal;
    rebuildRunning: () => boolean;
    onWaiting?: (previous: number) => void;
    onNotCompared?: (previous: number) => void;
  },
): Promise<number | undefined> {
  for (;;) {
    // Looked up again after each wait: the previous snapshot may have been removed meanwhile.
    const previous = previousSnapshotOf(db, snapshotId);
    if (previous === undefined || !isDrillStale(db, previous)) return previous;
    if (!options.rebuildRunning()) {
      options.onNotCompared?.(previous);
      return undefined;
    }
    if (options.signal?.aborted) throw new ContractError('CANCELLED', `The alert rules on snapshot ${snapshotId} were cancelled.`);
    options.onWaiting?.(previous);
    await new Promise((resolve) => setTimeout(resolve, STALE_POLL_MS));
  }
}

/** What the user is told when the rules ran without comparing with a previous snapshot that awaits its rebuild. */
export const notComparedText = (snapshotId: number, previous: number): string =>
  `Snapshot ${previous} awaits its drill rebuild (at the next start): the rules comparing snapshot ${snapshotId} with it were skipped; run the alert rules again after the rebuild.`;

/**
 * Issue 14 §2: alerts run as a background job after every import or feed sync (and the demo's first load), so the
 * sidebar's count of new alerts is current without anyone asking. The two-snapshot rules compare the new snapshot
 * with the previous one of the same source (previousSnapshotOf: same source name and regime, the latest earlier
 * as-of date); the first snapshot of a source has none, and they are skipped.
 */
export function runAlertsAfter(done: JobDone, db: Db, jobs: JobManager, alsoFor?: (snapshotId: number) => void): void {
  for (const snapshotId of snapshotsMadeBy(done))
    jobs.startHere('alerts.run', async ({ progress, signal }) => {
      progress({ phase: 'alerts', message: `Running the alert rules on snapshot ${snapshotId}`, done: 0 });
      // Let the import's own completion reach the page first.
      await new Promise((resolve) => setImmediate(resolve));
      const compareSnapshotId = await comparedSnapshot(db, snapshotId, {
        signal,
        rebuildRunning: () => jobs.isRunning('drill.rebuild'),
        onWaiting: (previous) =>
          progress({
            phase: 'alerts',
            message: `Waiting for the drill data of snapshot ${previous} to be rebuilt before comparing snapshot ${snapshotId} with it`,
            done: 0,
          }),
        onNotCompared: (previous) => progress({ phase: 'alerts', message: notComparedText(snapshotId, previous), done: 0 }),
      });
      const result = runAlerts(db, snapshotId, { compareSnapshotId });
      // Other work a new snapshot calls for, in the same job (the drill's stored cube), which `concordat import` waits for.
      alsoFor?.(snapshotId);
      return result;
    });
}
