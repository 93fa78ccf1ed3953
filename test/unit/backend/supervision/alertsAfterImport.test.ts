import { describe, expect, it } from 'vitest';
import type { Alert, AlertRunResult } from '../../../../shared/contract/alerts';
import type { JobDone } from '../../../../shared/contract/jobs';
import { groupFiles } from './groupSnapshots';
import { handFiles, openTestBackend } from './handSnapshot';

describe('alerts after an import', () => {
  it('an import job is followed by an alert run on its snapshot, and the new alerts are counted', async () => {
    const backend = await openTestBackend();
    try {
      const done: JobDone[] = [];
      backend.onEvent((e) => void (e.event === 'job.done' && done.push(e.payload)));
      expect(await backend.call('alerts.count', {})).toEqual({ new: 0 });
      const { jobId } = (await backend.call('snapshots.import', {
        files: handFiles().map((path) => ({ path })),
        sourceName: 'Hand TR',
        regime: 'EMIR',
        asOfDate: '2026-06-30',
      })) as { jobId: string };
      await backend.jobs.wait(jobId);
      await expect.poll(() => done.find((d) => d.kind === 'alerts.run')?.state, { timeout: 10_000 }).toBe('succeeded');
      const imported = done.find((d) => d.jobId === jobId)!.result as { snapshotId: number };
      const alerts = (await backend.call('alerts.list', { snapshotId: imported.snapshotId })) as Alert[];
      // The shipped schedule (BTC 40 %, ETH 45 %, else 60 %) leaves A↔B·PF-AB at 70,000 / 330,000 and A↔C at
      // 90,000 / 180,000: both under 1.0; with the 3 HHI and 7 open-interest alerts, A's leverage (12.5×, whatever the
      // schedule) and A's stale valuations of alerts.test.ts, 14 in all. The first snapshot of its source: nothing to
      // compare with.
      expect(alerts.filter((a) => a.ruleId === 'MARGIN_BELOW_THRESHOLD').map((a) => Number(a.value.toFixed(4)))).toEqual([0.2121, 0.5]);
      expect(alerts).toHaveLength(14);
      expect(await backend.call('alerts.count', {})).toEqual({ new: 14 });
      expect((done.find((d) => d.kind === 'alerts.run')!.result as AlertRunResult).compareSnapshotId).toBeNull();
    } finally {
      await backend.close();
    }
  });

  it('the run after an import compares with the previous snapshot of the same source', async () => {
    const backend = await openTestBackend();
    try {
      const done: JobDone[] = [];
      backend.onEvent((e) => void (e.event === 'job.done' && done.push(e.payload)));
      const load = async (which: 'compare' | 'current', asOfDate: string) => {
        const { jobId } = (await backend.call('snapshots.import', {
          files: groupFiles(which).map((path) => ({ path })),
          sourceName: 'Group TR',
          regime: 'EMIR',
          asOfDate,
        })) as { jobId: string };
        await backend.jobs.wait(jobId);
        return (done.find((d) => d.jobId === jobId)!.result as { snapshotId: number }).snapshotId;
      };
      const first = await load('compare', '2026-05-29');
      await expect.poll(() => done.filter((d) => d.kind === 'alerts.run' && d.state === 'succeeded').length, { timeout: 10_000 }).toBe(1);
      const second = await load('current', '2026-06-30');
      await expect.poll(() => done.filter((d) => d.kind === 'alerts.run' && d.state === 'succeeded').length, { timeout: 10_000 }).toBe(2);
      const [before, after] = done.filter((d) => d.kind === 'alerts.run').map((d) => d.result as AlertRunResult);
      expect(before).toMatchObject({ snapshotId: first, compareSnapshotId: null });
      expect(after).toMatchObject({ snapshotId: second, compareSnapshotId: first });
      expect(after!.rules.find((r) => r.id === 'COVERAGE_FALLING')!.skipped).toBeUndefined();
    } finally {
      await backend.close();
    }
  });
});
