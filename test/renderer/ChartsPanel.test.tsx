import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { plainMetrics as metrics } from './drillData';
import type { ApiClient } from '../../renderer/src/api/client';
import { ChartsPanel } from '../../renderer/src/features/exposure/charts/ChartsPanel';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import type { DrillResult, DrillRow, InputOf, Series } from '../../shared/contract';
import { fakeApi } from './fakeApi';

afterEach(cleanup);

const drillRow = (key: string, label: string, gross: number): DrillRow => ({ key, label, ...metrics({ grossNotionalUsd: gross }) });

/** The level under US: three groups (sorted by label, not by size, to show the chart sorts itself). */
const result: DrillResult = {
  snapshotId: 4,
  path: ['jurisdiction', 'group', 'counterparty'],
  dimension: 'group',
  at: ['US'],
  filters: [{ dimension: 'cleared', value: 'uncleared' }],
  sort: { by: 'label', direction: 'asc' },
  rowCount: 3,
  rows: [drillRow('A', 'Alpha Group', 250_000), drillRow('B', 'Bravo Group', 600_000), drillRow('C', 'Charlie Group', 150_000)],
  totals: metrics({ grossNotionalUsd: 1_000_000 }),
  totalsOf: 'level',
};

const series: Series = {
  points: [
    { snapshotId: 2, asOfDate: '2026-05-31', version: 1, metrics: metrics({ grossNotionalUsd: 800_000, marginCoverage: 0.05 }) },
    { snapshotId: 4, asOfDate: '2026-06-30', version: 3, metrics: metrics({ grossNotionalUsd: 1_000_000, marginCoverage: null }) },
  ],
};

function renderPanel(api: ApiClient, props: Partial<Parameters<typeof ChartsPanel>[0]> = {}) {
  const view = render(
    <StoresProvider stores={createStores(api)}>
      <ChartsPanel result={result} {...props} />
    </StoresProvider>,
  );
  return view;
}

const cells = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent));

describe('ChartsPanel', () => {
  it('shows the level’s shares and the level total’s series as text tables, and survives a DOM without canvas', async () => {
    const { api, calls } = fakeApi({ 'exposure.series': series });
    renderPanel(api);

    const share = screen.getByTestId('share-table');
    expect(cells(share)).toEqual([
      ['Bravo Group', '600,000', '60.0%'],
      ['Alpha Group', '250,000', '25.0%'],
      ['Charlie Group', '150,000', '15.0%'],
    ]);
    expect(within(screen.getByTestId('share-chart')).getByRole('img').getAttribute('aria-label')).toMatch(/largest Bravo Group at 60\.0%/);

    const table = await screen.findByTestId('series-table');
    expect(calls).toEqual([
      {
        method: 'exposure.series',
        input: { snapshotId: 4, path: ['jurisdiction'], at: ['US'], filters: [{ dimension: 'cleared', value: 'uncleared' }] },
      },
    ]);
    expect(cells(table)).toEqual([
      ['2026-05-31', '1', '800,000'],
      ['2026-06-30', '3', '1,000,000'],
    ]);
    // Another metric; a figure that cannot be computed shows as "—", not as zero.
    fireEvent.change(screen.getByLabelText('Metric'), { target: { value: 'marginCoverage' } });
    expect(cells(screen.getByTestId('series-table'))).toEqual([
      ['2026-05-31', '1', '5.0%'],
      ['2026-06-30', '3', '\u2014'],
    ]);
    expect(within(screen.getByTestId('series-chart')).getByRole('img').getAttribute('aria-label')).toMatch(
      /Margin coverage of the level total over 2 snapshots/,
    );
  });

  it('follows the selected row and ignores an earlier request answered late', async () => {
    const pending: Array<{ input: InputOf<'exposure.series'>; resolve: (s: Series) => void }> = [];
    const api: ApiClient = {
      call: ((method: string, input: InputOf<'exposure.series'>) => {
        expect(method).toBe('exposure.series');
        return new Promise<Series>((resolve) => pending.push({ input, resolve }));
      }) as ApiClient['call'],
      on: () => () => undefined,
    };
    const { rerender } = renderPanel(api);
    expect(pending).toHaveLength(1);
    rerender(
      <StoresProvider stores={createStores(api)}>
        <ChartsPanel result={result} selected={{ key: 'B', label: 'Bravo Group' }} />
      </StoresProvider>,
    );
    await waitFor(() => expect(pending).toHaveLength(2));
    expect(pending[1]!.input).toEqual({
      snapshotId: 4,
      path: ['jurisdiction', 'group'],
      at: ['US', 'B'],
      filters: [{ dimension: 'cleared', value: 'uncleared' }],
    });
    const bravo: Series = { points: [{ ...series.points[1]!, metrics: metrics({ grossNotionalUsd: 600_000 }) }] };
    await act(async () => pending[1]!.resolve(bravo));
    // The level total's answer arrives after the row's: it must not replace it.
    await act(async () => pending[0]!.resolve(series));
    expect(cells(screen.getByTestId('series-table'))).toEqual([['2026-06-30', '3', '600,000']]);
    expect(screen.getByText(/Only one snapshot of this source/)).toBeTruthy();
  });

  it('says so when the series cannot be loaded', async () => {
    const { api } = fakeApi({});
    renderPanel(api);
    expect((await screen.findByRole('alert')).textContent).toMatch(/The series could not be loaded: no canned answer for exposure.series/);
  });
});
