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
      const compareSnapshotId = previousSnapshotOf(db, snapshotId);
      // Just after an update the previous snapshot may still await its drill rebuild (the rules refuse it): wait for
      // the rebuild job to reach it rather than skip the two-snapshot rules without saying so.
      while (compareSnapshotId !== undefined && isDrillStale(db, compareSnapshotId)) {
        if (signal.aborted) throw new ContractError('CANCELLED', `The alert rules on snapshot ${snapshotId} were cancelled.`);
        progress({
          phase: 'alerts',
          message: `Waiting for the drill data of snapshot ${compareSnapshotId} to be rebuilt before comparing snapshot ${snapshotId} with it`,
          done: 0,
        });
        await new Promise((resolve) => setTimeout(resolve, STALE_POLL_MS));
      }
      const result = runAlerts(db, snapshotId, { compareSnapshotId });
      // Other work a new snapshot calls for, in the same job (the drill's stored cube), which `concordat import` waits for.
      alsoFor?.(snapshotId);
      return result;
    });
}
