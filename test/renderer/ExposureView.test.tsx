import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import type { AppInfo, DrillResult, SnapshotSummary } from '../../shared/contract';
import { fakeApi } from './fakeApi';

const info: AppInfo = {
  name: 'Concordat',
  version: '9.9.9',
  mode: 'browser',
  dataDir: '/d',
  schemaVersion: 1,
  sqliteVersion: '3',
  demoLoading: false,
};
const snapshot: SnapshotSummary = {
  snapshotId: 4,
  sourceName: 'Demo TR',
  trLei: '9845001DEM0TR0000023',
  regime: 'EMIR',
  asOfDate: '2026-06-30',
  version: 1,
  importedAt: '2026-06-30T00:00:00Z',
  tradeRows: 10,
  rejectedRows: 0,
  warningRows: 0,
  isDemo: true,
};
const metrics = {
  mtmValuationUsd: 0,
  tradeCount: 3,
  counterpartyCount: 2,
  grossNotionalUsd: 2_500_000_000,
  netNotionalUsd: -5,
  initialMarginPostedUsd: 1_000_000,
  unconvertedCount: 0,
};
const drill: DrillResult = {
  snapshotId: 4,
  path: ['jurisdiction'],
  dimension: 'jurisdiction',
  at: [],
  rows: [{ key: 'US', label: 'United States (US)', ...metrics }],
  totals: { ...metrics, unconvertedCount: 2 },
};

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(cleanup);

describe('App shell and exposure view', () => {
  it('loads info and snapshots, then shows the exposure of the newest snapshot with KPIs', async () => {
    const { api, calls } = fakeApi({ 'app.info': info, 'jobs.list': [], 'snapshots.list': [snapshot], 'exposure.drill': drill });
    render(
      <StoresProvider stores={createStores(api)}>
        <App />
      </StoresProvider>,
    );
    await screen.findByText('$2.50bn');
    expect(calls.find((c) => c.method === 'exposure.drill')?.input).toEqual({ snapshotId: 4, path: ['jurisdiction'], at: [] });
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
