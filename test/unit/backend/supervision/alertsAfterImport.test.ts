import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/contract/alerts';
import type { JobDone } from '../../../../shared/contract/jobs';
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
      // 90,000 / 180,000: both under 1.0; with the 3 HHI and 7 open-interest alerts of alerts.test.ts, 12 in all.
      expect(alerts.filter((a) => a.ruleId === 'MARGIN_BELOW_THRESHOLD').map((a) => Number(a.value.toFixed(4)))).toEqual([0.2121, 0.5]);
      expect(alerts).toHaveLength(12);
      expect(await backend.call('alerts.count', {})).toEqual({ new: 12 });
    } finally {
      await backend.close();
    }
  });
});
