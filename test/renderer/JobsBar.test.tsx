import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { JobsBar } from '../../renderer/src/components/JobsBar';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { info } from './drillData';
import { fakeApi } from './fakeApi';

afterEach(cleanup);

describe('JobsBar', () => {
  it('says in words which work did not finish and what to do; a new attempt clears the old failure', async () => {
    const { api, emit } = fakeApi({ 'app.info': info, 'jobs.list': [], 'snapshots.list': [], 'alerts.count': { new: 0 } });
    const stores = createStores(api);
    await stores.app.getState().init();
    render(
      <StoresProvider stores={stores}>
        <JobsBar />
      </StoresProvider>,
    );
    act(() =>
      emit('job.done', {
        jobId: 'job-1',
        kind: 'snapshots.import',
        state: 'failed',
        error: { code: 'INVALID_INPUT', message: 'trades.csv line 2: the UTI is empty.' },
      }),
    );
    const failed = screen.getByTestId('job-failed').textContent!;
    expect(failed).toMatch(/^The import did not finish: trades\.csv line 2: the UTI is empty\. Open Snapshots/);
    expect(failed).not.toContain('snapshots.import');
    // Another import starts: its progress replaces the banner of the one that failed.
    act(() =>
      emit('job.progress', { jobId: 'job-2', kind: 'snapshots.import', phase: 'parse', message: 'Reading trades.csv', done: 1, total: 10 }),
    );
    expect(screen.queryByTestId('job-failed')).toBeNull();
    expect(screen.getByTestId('job-progress').textContent).toContain('Reading trades.csv');
  });
});
