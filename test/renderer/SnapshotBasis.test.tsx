import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotDetail } from '../../renderer/src/features/snapshots/SnapshotDetail';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { fakeApi } from './fakeApi';

afterEach(cleanup);

const rows = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((tr) => [...tr.querySelectorAll('td')].map((c) => c.textContent));

describe('snapshot detail: what its figures rest on', () => {
  it('lists the trades counted and why the others are not, and each FX rate with its date, a stale one flagged', async () => {
    const { api } = fakeApi({
      'snapshots.files': [],
      'snapshots.issueSummary': [],
      'snapshots.issues': { rows: [], total: 0 },
      'snapshots.basis': {
        asOfDate: '2026-06-30',
        tradeStates: [
          { state: 'outstanding', reports: 10, trades: 6 },
          { state: 'in-position', reports: 1, trades: 1 },
          { state: 'matured', reports: 2, trades: 1 },
        ],
        fxRates: [
          { ccy: 'EUR', usdPerUnit: 1.1, rateDate: '2026-06-30', daysStale: 0 },
          { ccy: 'GBP', usdPerUnit: 1.25, rateDate: '2026-06-27', daysStale: 3 },
        ],
      },
    });
    const stores = createStores(api);
    render(
      <StoresProvider stores={stores}>
        <SnapshotDetail snapshotId={7} />
      </StoresProvider>,
    );
    await act(() => stores.snapshots.getState().showDetail(7));
    expect(rows(screen.getByRole('table', { name: 'Trades counted' }))).toEqual([
      ['Outstanding: counted in every figure', '6', '10'],
      ['In a position reported separately (POSC)', '1', '1'],
      ['Matured before the as-of date', '1', '2'],
    ]);
    expect(rows(screen.getByRole('table', { name: 'FX rates applied' }))).toEqual([
      ['EUR', '1.1', '2026-06-30'],
      ['GBP', '1.25', '2026-06-273 days before the as-of date'],
    ]);
  });
});
