import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import type { DrillResult, SnapshotSummary } from '../../shared/contract';
import { drillResult, info as baseInfo, snapshotSummary } from './drillData';
import { fakeApi } from './fakeApi';

const info = baseInfo;
const snapshot: SnapshotSummary = snapshotSummary();
const drill: DrillResult = drillResult();

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(() => {
  cleanup();
  // The exposure view writes its position into the address: each test starts from a clean one.
  window.history.replaceState(null, '', '/');
});

describe('App shell and exposure view', () => {
  it('loads info and snapshots, then shows the exposure of the newest snapshot with KPIs', async () => {
    const { api, calls } = fakeApi({ 'app.info': info, 'jobs.list': [], 'snapshots.list': [snapshot], 'exposure.drill': drill });
    render(
      <StoresProvider stores={createStores(api)}>
        <App />
      </StoresProvider>,
    );
    await screen.findByText('$2.50bn');
    expect(calls.find((c) => c.method === 'exposure.drill')?.input).toEqual({
      snapshotId: 4,
      path: ['jurisdiction'],
      at: [],
      filters: [],
      sort: { by: 'grossNotionalUsd', direction: 'desc' },
    });
    for (const nav of ['Exposure', 'Trades', 'Feeds & snapshots', 'MoUs', 'Cases'])
      expect(screen.getByRole('button', { name: nav })).toBeTruthy();
    // Amounts that could not be converted are flagged, never hidden.
    expect(screen.getByText('Not converted to USD')).toBeTruthy();
    expect(screen.getByText('v9.9.9 · browser mode')).toBeTruthy();
  });

  it('shows a running job with a progress bar and refreshes snapshots when it succeeds', async () => {
    const answers = { 'app.info': info, 'jobs.list': [], 'snapshots.list': [] as SnapshotSummary[], 'exposure.drill': drill };
    const { api, emit } = fakeApi(answers);
    render(
      <StoresProvider stores={createStores(api)}>
        <App />
      </StoresProvider>,
    );
    await screen.findByText(/No snapshot has been imported yet/);
    act(() =>
      emit('job.progress', { jobId: 'job-1', kind: 'demo.load', phase: 'trades', message: 'Reading trades.csv', done: 25, total: 100 }),
    );
    expect(await screen.findByText('Reading trades.csv')).toBeTruthy();
    expect(screen.getByText('25%')).toBeTruthy();
    answers['snapshots.list'] = [snapshot];
    act(() => emit('job.done', { jobId: 'job-1', kind: 'demo.load', state: 'succeeded' }));
    await waitFor(() => expect(screen.queryByText('Reading trades.csv')).toBeNull());
    await screen.findByText('$2.50bn');
  });
});
