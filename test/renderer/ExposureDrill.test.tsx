import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { viewToHash } from '../../renderer/src/features/exposure/viewHash';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import type { DrillResult, InputOf, SavedView, ViewState } from '../../shared/contract';
import { ContractError } from '../../shared/contract';
import { drillResult, info, metrics, snapshotSummary } from './drillData';
import { fakeApi, type FakeAnswers } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
  window.localStorage.clear();
});

const snapshots = [snapshotSummary(), snapshotSummary({ snapshotId: 2, asOfDate: '2026-06-29', isDemo: false, sourceName: 'Other TR' })];

/** A drill answer that echoes the request, with a compared level when asked. */
function drillAnswer(input: InputOf<'exposure.drill'>): DrillResult {
  const base = drillResult({
    snapshotId: input.snapshotId,
    path: input.path,
    dimension: input.path[input.at?.length ?? 0]!,
    at: input.at ?? [],
    filters: input.filters ?? [],
    sort: input.sort ?? { by: 'grossNotionalUsd', direction: 'desc' },
    rows: [
      { key: 'US', label: 'United States (US)', ...metrics({ grossNotionalUsd: 300 }) },
      { key: 'FR', label: 'France (FR)', ...metrics({ grossNotionalUsd: 100 }) },
    ],
    totals: metrics({ grossNotionalUsd: 400 }),
  });
  if (input.compareTo === undefined) return base;
  return {
    ...base,
    rows: [
      { ...base.rows[0]!, compare: { status: 'both', previous: metrics({ grossNotionalUsd: 200 }) } },
      { ...base.rows[1]!, compare: { status: 'appeared', previous: null } },
      {
        key: 'DE',
        label: 'Germany (DE)',
        ...metrics({ grossNotionalUsd: 0, tradeCount: 0 }),
        compare: { status: 'vanished', previous: metrics() },
      },
    ],
    compare: { snapshotId: input.compareTo, totals: metrics({ grossNotionalUsd: 500 }) },
  };
}

function renderApp(extra: FakeAnswers = {}) {
  const saved: SavedView[] = [];
  const { api, calls, emit } = fakeApi({
    'app.info': info,
    'jobs.list': [],
    'snapshots.list': snapshots,
    'exposure.drill': drillAnswer,
    'views.getColumns': { columns: [] },
    'views.setColumns': { saved: true },
    'views.list': () => saved,
    'views.save': ({ name, state }) => {
      if (!name.trim()) throw new ContractError('INVALID_INPUT', 'Name: a view needs a name.');
      const view: SavedView = {
        viewId: saved.length + 1,
        name: name.trim(),
        state: state as ViewState,
        createdAt: 'now',
        updatedAt: 'now',
      };
      saved.push(view);
      return view;
    },
    'views.remove': ({ viewId }) => {
      const i = saved.findIndex((v) => v.viewId === viewId);
      if (i >= 0) saved.splice(i, 1);
      return { removed: i >= 0 };
    },
    ...extra,
  });
  const stores = createStores(api);
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  const drills = () => calls.filter((c) => c.method === 'exposure.drill').map((c) => c.input as InputOf<'exposure.drill'>);
  return { stores, calls, drills, saved, emit };
}

const grid = () => screen.getByTestId('exposure-grid');
const headers = () => [...grid().querySelectorAll('.ag-header-cell')].map((h) => h.getAttribute('col-id'));

describe('exposure drill view', () => {
  it('shows the label and the metrics shown by default, with formulas as header tooltips', async () => {
    renderApp();
    await screen.findByText('France (FR)');
    await waitFor(() => expect(headers()).toContain('grossNotionalUsd'));
    expect(headers()).toContain('shareOfParent');
    expect(headers()).not.toContain('vmPostedUsd');
    expect(screen.getByRole('button', { name: /^Columns \(9\/21\)$/ })).toBeTruthy();
  });

  it('restores the drill position, filters, sort and comparison from the address at start', async () => {
    window.history.replaceState(
      null,
      '',
      `/${viewToHash({
        snapshotId: 4,
        path: ['jurisdiction', 'venue'],
        at: [{ key: 'US', label: 'United States (US)' }],
        filters: [{ dimension: 'cleared', value: 'uncleared' }],
        sort: { by: 'label', direction: 'asc' },
        compareTo: 2,
      })}`,
    );
    const { drills } = renderApp();
    const main = () => drills().filter((d) => d.path[0] === 'jurisdiction');
    await waitFor(() => expect(main().length).toBeGreaterThan(0));
    expect(main()[0]).toEqual({
      snapshotId: 4,
      path: ['jurisdiction', 'venue'],
      at: ['US'],
      filters: [{ dimension: 'cleared', value: 'uncleared' }],
      sort: { by: 'label', direction: 'asc' },
      compareTo: 2,
    });
    expect(screen.getByTestId('breadcrumb').textContent).toBe('All › United States (US)');
    expect(await screen.findByTestId('filter-cleared')).toBeTruthy();
  });

  it('a bad address shows a note and the default view', async () => {
    window.history.replaceState(null, '', '/#exposure?snapshot=4&path=jurisdiction&sort=nothing:asc');
    const { drills } = renderApp();
    expect((await screen.findByText(/could not be read/)).textContent).toMatch(/^The view in the address could not be read \(sort\.by: /);
    await waitFor(() => expect(drills()[0]).toMatchObject({ path: ['jurisdiction'], at: [] }));
  });

  it('compares with another snapshot: Δ and Δ% columns, rows marked new and gone, Δ on the totals; Stop comparing removes them', async () => {
    const { drills } = renderApp();
    await screen.findByText('France (FR)');
    fireEvent.change(screen.getByTestId('compare-picker'), { target: { value: '2' } });
    await waitFor(() => expect(drills().at(-1)).toMatchObject({ compareTo: 2 }));
    await screen.findByText('Germany (DE)');
    await waitFor(() => expect(headers()).toContain('grossNotionalUsdDelta'));
    expect(headers()).toContain('grossNotionalUsdDeltaPct');
    // Δ columns follow shown metrics only.
    expect(headers()).not.toContain('vmPostedUsdDelta');
    const row = (id: string) => grid().querySelector(`.ag-row[row-id="${id}"]:not(.ag-row-pinned) [col-id="label"]`)!.closest('.ag-row')!;
    expect(row('FR').classList.contains('row-appeared')).toBe(true);
    expect(
      within(row('FR') as HTMLElement)
        .getByText('new')
        .getAttribute('aria-description'),
    ).toMatch(/^Appeared: not in snapshot 2/);
    expect(row('DE').classList.contains('row-vanished')).toBe(true);
    expect(within(row('DE') as HTMLElement).getByText('gone')).toBeTruthy();
    const cell = (id: string, col: string) => grid().querySelector(`.ag-row[row-id="${id}"] [col-id="${col}"]`)?.textContent;
    expect(cell('US', 'grossNotionalUsdDelta')).toBe('+100');
    expect(cell('US', 'grossNotionalUsdDeltaPct')).toBe('+50.0%');
    expect(cell('FR', 'grossNotionalUsdDelta')).toBe('—');
    expect(cell('__total__', 'grossNotionalUsdDelta')).toBe('−100');

    // Each metric is a group of value | Δ | Δ%, under the metric's name; the label column stays pinned on the left.
    const group = grid().querySelector('.ag-header-group-cell[col-id^="grossNotionalUsdGroup"]')!;
    expect(group.textContent!.trim()).toBe('Gross notional (USD)');
    expect(grid().querySelector('.ag-header-cell-last-left-pinned[col-id="label"]')).toBeTruthy();
    const toggle = screen.getByRole('checkbox', { name: 'Show the Δ columns' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() => expect(headers()).not.toContain('grossNotionalUsdDelta'));
    expect(headers()).toContain('grossNotionalUsd');
    expect(within(row('FR') as HTMLElement).getByText('new')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show the Δ columns' }));
    await waitFor(() => expect(headers()).toContain('grossNotionalUsdDelta'));

    fireEvent.click(screen.getByRole('button', { name: 'Stop comparing' }));
    await waitFor(() => expect(headers()).not.toContain('grossNotionalUsdDelta'));
    expect(drills().at(-1)!.compareTo).toBeUndefined();
  });

  it('adds a filter from the values of a dimension, shows it as a chip and removes it by keyboard', async () => {
    const { drills } = renderApp();
    await screen.findByText('France (FR)');
    fireEvent.click(screen.getByRole('button', { name: 'Filter…' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Filter dimension' }), { target: { value: 'jurisdiction' } });
    const values = await screen.findByRole('listbox', { name: 'Filter value' });
    await waitFor(() => expect(within(values).getAllByRole('option')).toHaveLength(2));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search values' }), { target: { value: 'fra' } });
    await waitFor(() =>
      expect(
        within(values)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['France (FR)']),
    );
    fireEvent.submit(screen.getByRole('form', { name: 'Add a filter' }));
    await waitFor(() => expect(drills().at(-1)).toMatchObject({ filters: [{ dimension: 'jurisdiction', value: 'FR' }] }));
    const remove = await screen.findByRole('button', { name: 'Remove filter Jurisdiction = France (FR)' });
    remove.focus();
    fireEvent.click(remove);
    await waitFor(() => expect(drills().at(-1)).toMatchObject({ filters: [] }));
  });

  it('the Columns menu shows and hides metric columns and remembers the layout; Reset columns restores the default', async () => {
    const { calls } = renderApp();
    await screen.findByText('France (FR)');
    fireEvent.click(screen.getByRole('button', { name: /^Columns/ }));
    const menu = screen.getByRole('group', { name: 'Columns shown' });
    fireEvent.click(within(menu).getByRole('checkbox', { name: 'Variation margin posted (USD)' }));
    fireEvent.click(within(menu).getByRole('checkbox', { name: 'Trades' }));
    await waitFor(() => expect(headers()).toContain('vmPostedUsd'));
    expect(headers()).not.toContain('tradeCount');
    await waitFor(() => expect(calls.some((c) => c.method === 'views.setColumns')).toBe(true), { timeout: 2000 });
    const saved = calls.filter((c) => c.method === 'views.setColumns').at(-1)!.input as InputOf<'views.setColumns'>;
    expect(saved.grid).toBe('drill');
    expect(saved.columns.find((c) => c.colId === 'tradeCount')?.hide).toBe(true);
    fireEvent.click(within(menu).getByRole('button', { name: 'Reset columns' }));
    await waitFor(() => expect(headers()).toContain('tradeCount'));
    expect(headers()).not.toContain('vmPostedUsd');
  });

  it('restores the drill grid’s saved column layout when it opens', async () => {
    renderApp({
      'views.getColumns': {
        columns: [
          { colId: 'label', pinned: 'left' },
          { colId: 'tradeCount', hide: false },
          { colId: 'grossNotionalUsd', hide: true },
          { colId: 'crossBorderShare', hide: false },
        ],
      },
    });
    await screen.findByText('France (FR)');
    await waitFor(() => expect(headers()).toContain('crossBorderShare'));
    expect(headers()).not.toContain('grossNotionalUsd');
  });

  it('the path builder reorders dimensions by keyboard (Shift+arrows) and removes them (Delete)', async () => {
    const { stores } = renderApp();
    await screen.findByText('France (FR)');
    await act(() => stores.exposure.getState().setPath(['jurisdiction', 'venue', 'underlier']));
    const chip = screen.getByTestId('path-underlier');
    chip.focus();
    fireEvent.keyDown(chip, { key: 'ArrowLeft', shiftKey: true });
    await waitFor(() => expect(stores.exposure.getState().path).toEqual(['jurisdiction', 'underlier', 'venue']));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('path-underlier')));
    fireEvent.keyDown(screen.getByTestId('path-jurisdiction'), { key: 'Delete' });
    await waitFor(() => expect(stores.exposure.getState().path).toEqual(['underlier', 'venue']));
  });

  it('charts are hidden until asked for, then sit under the table in a split the keyboard resizes; both choices are remembered', async () => {
    const { calls } = renderApp({ 'exposure.series': { points: [] } });
    await screen.findByText('France (FR)');
    expect(screen.queryByTestId('charts-panel')).toBeNull();
    expect(calls.some((c) => c.method === 'exposure.series')).toBe(false);
    const toggle = screen.getByTestId('charts-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getByTestId('charts-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('charts-panel')).toBeTruthy();
    const separator = screen.getByRole('separator', { name: 'Resize the table and the charts' });
    expect(separator.getAttribute('aria-valuenow')).toBe('60');
    fireEvent.keyDown(separator, { key: 'ArrowUp' });
    fireEvent.keyDown(separator, { key: 'ArrowUp' });
    expect(separator.getAttribute('aria-valuenow')).toBe('50');
    fireEvent.keyDown(separator, { key: 'End' });
    expect(separator.getAttribute('aria-valuenow')).toBe('85');
    fireEvent.keyDown(separator, { key: 'ArrowDown' });
    expect(separator.getAttribute('aria-valuenow')).toBe('85');
    // The table's pane holds the grid; the other the charts.
    const [top, bottom] = [...document.querySelectorAll('.split-pane-part')];
    expect(top!.contains(grid())).toBe(true);
    expect(bottom!.contains(screen.getByTestId('charts-panel'))).toBe(true);

    // Another session: charts still shown, at the same split.
    cleanup();
    renderApp({ 'exposure.series': { points: [] } });
    await screen.findByText('France (FR)');
    expect(screen.getByRole('separator', { name: 'Resize the table and the charts' }).getAttribute('aria-valuenow')).toBe('85');
    fireEvent.click(screen.getByTestId('charts-toggle'));
    expect(screen.queryByTestId('charts-panel')).toBeNull();
    expect(screen.queryByRole('separator')).toBeNull();
  });

  it('the saved views panel folds away to a strip and comes back, as it was left in the last session', async () => {
    renderApp();
    await screen.findByText('France (FR)');
    fireEvent.click(within(screen.getByTestId('saved-views')).getByRole('button', { name: 'Hide the saved views' }));
    expect(screen.queryByTestId('saved-views')).toBeNull();
    expect(document.querySelector('.exposure-layout')!.classList.contains('views-hidden')).toBe(true);
    cleanup();
    renderApp();
    await screen.findByText('France (FR)');
    expect(screen.queryByTestId('saved-views')).toBeNull();
    const show = screen.getByTestId('saved-views-show');
    expect(show.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(show);
    expect(screen.getByTestId('saved-views')).toBeTruthy();
  });

  it('an unreadable stored layout preference falls back to the default', async () => {
    window.localStorage.setItem('concordat.exposure.chartsShown', '"yes"');
    window.localStorage.setItem('concordat.exposure.savedViewsShown', '{not json');
    window.localStorage.setItem('concordat.exposure.tableShare', '7');
    renderApp();
    await screen.findByText('France (FR)');
    expect(screen.queryByTestId('charts-panel')).toBeNull();
    expect(screen.getByTestId('saved-views')).toBeTruthy();
    fireEvent.click(screen.getByTestId('charts-toggle'));
    expect(screen.getByRole('separator').getAttribute('aria-valuenow')).toBe('60');
  });

  it('shows the same five figure cards at every level, a dash where no margin is reported', async () => {
    const { stores } = renderApp({
      'exposure.drill': (input: InputOf<'exposure.drill'>) => {
        const level = drillAnswer(input);
        return (input.at?.length ?? 0) === 0 ? level : { ...level, totals: { ...level.totals, imPostedUsd: null, unconvertedCount: 0 } };
      },
    });
    await screen.findByText('France (FR)');
    const cards = () => [...screen.getByTestId('exposure-kpis').querySelectorAll('.kpi-label')].map((k) => k.textContent);
    const five = ['Gross notional', 'Trades', 'Counterparties', 'IM posted', 'Not converted to USD'];
    expect(cards()).toEqual(five);
    await act(() => stores.exposure.getState().setPath(['jurisdiction', 'venue']));
    await act(() => stores.exposure.getState().drillInto('FR', 'France (FR)'));
    await waitFor(() => expect(stores.exposure.getState().result?.at).toEqual(['FR']));
    expect(cards()).toEqual(five);
    const im = [...screen.getByTestId('exposure-kpis').querySelectorAll('.kpi')].find((k) => k.textContent?.startsWith('IM posted'))!;
    expect(im.querySelector('.kpi-value')!.textContent).toBe('—');
    expect(im.getAttribute('title')).toMatch(/No margin report/);
  });

  it('a level of LEIs shows names with the LEI in its own column; the counterparty count is hidden where each row is one counterparty', async () => {
    const lei = '5493001KJTIIGC8Y1R12';
    const { stores } = renderApp({
      'exposure.drill': (input: InputOf<'exposure.drill'>) => {
        const level = drillAnswer(input);
        if (level.dimension === 'jurisdiction') return level;
        return {
          ...level,
          rows: [
            { key: lei, label: `Alpha Bank plc (${lei})`, ...metrics({ grossNotionalUsd: 300, counterpartyCount: 1 }) },
            {
              key: 'XNATURALPERSON01',
              label: 'Natural person XNATURALPERSON01',
              ...metrics({ grossNotionalUsd: 100, counterpartyCount: 1 }),
            },
          ],
        };
      },
    });
    await screen.findByText('France (FR)');
    await waitFor(() => expect(headers()).toContain('counterpartyCount'));
    expect(headers()).not.toContain('key');
    await act(() => stores.exposure.getState().setPath(['jurisdiction', 'counterparty']));
    await act(() => stores.exposure.getState().drillInto('FR', 'France (FR)'));
    await screen.findByText('Alpha Bank plc');
    await waitFor(() => expect(headers()).toContain('key'));
    expect(headers()).not.toContain('counterpartyCount');
    const cell = (id: string, col: string) =>
      grid().querySelector(`.ag-row[row-id="${id}"]:not(.ag-row-pinned) [col-id="${col}"]`)?.textContent;
    expect(cell(lei, 'label')).toBe('Alpha Bank plc');
    expect(cell(lei, 'key')).toBe(lei);
    // A key that is not an LEI stays in the label and leaves the LEI column empty.
    expect(cell('XNATURALPERSON01', 'label')).toBe('Natural person XNATURALPERSON01');
    expect(cell('XNATURALPERSON01', 'key')).toBe('');
    // The user's layout is untouched: the count comes back one level up.
    expect(stores.exposure.getState().columns.find((c) => c.colId === 'counterpartyCount')?.hide).toBe(false);
    await act(() => stores.exposure.getState().goUp(0));
    await waitFor(() => expect(headers()).toContain('counterpartyCount'));
    expect(headers()).not.toContain('key');
  });

  it('a level refused while its drill data is rebuilt after an update opens by itself when the rebuild job ends', async () => {
    let rebuilt = false;
    const { drills, emit } = renderApp({
      'exposure.drill': (input: InputOf<'exposure.drill'>) => {
        if (!rebuilt)
          throw new ContractError('UNAVAILABLE', 'The drill data of snapshot 4 is being rebuilt after an update of Concordat.', {
            reason: 'drill_stale',
          });
        return drillAnswer(input);
      },
    });
    expect(await screen.findByText(/is being rebuilt after an update/)).toBeTruthy();
    const asked = drills().length;
    act(() =>
      emit('job.progress', {
        jobId: 'job-r1',
        kind: 'drill.rebuild',
        phase: 'rebuild',
        message: 'Rebuilding the drill data after an update: 0 of 1 snapshot',
        done: 0,
        total: 1,
      }),
    );
    rebuilt = true;
    act(() => emit('job.done', { jobId: 'job-r1', kind: 'drill.rebuild', state: 'succeeded', result: { rebuilt: [4] } }));
    await screen.findByText('France (FR)');
    expect(drills().length).toBeGreaterThan(asked);
    expect(screen.queryByText(/is being rebuilt after an update/)).toBeNull();
  });

  it('a click selects a row, whose series the charts panel then follows; a move to another level clears it', async () => {
    const { calls, stores } = renderApp({ 'exposure.series': { points: [] } });
    await screen.findByText('France (FR)');
    fireEvent.click(screen.getByTestId('charts-toggle'));
    await waitFor(() => expect(calls.some((c) => c.method === 'exposure.series')).toBe(true));
    fireEvent.click(within(grid()).getByText('France (FR)'));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'exposure.series').at(-1)?.input).toMatchObject({ path: ['jurisdiction'], at: ['FR'] }),
    );
    await act(() => stores.exposure.getState().setPath(['jurisdiction', 'venue']));
    await act(() => stores.exposure.getState().drillInto('FR', 'France (FR)'));
    // The new level has an FR row too: it is not selected for being there.
    await waitFor(() => expect(stores.exposure.getState().result?.at).toEqual(['FR']));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'exposure.series').at(-1)?.input).toMatchObject({ path: ['jurisdiction'], at: ['FR'] }),
    );
    expect(grid().querySelector('.ag-row-selected')).toBeNull();
  });

  it('saves a view (with the contract’s message for a bad name), lists it, opens it and deletes it after confirming', async () => {
    const { stores, drills } = renderApp();
    await screen.findByText('France (FR)');
    const panel = within(screen.getByTestId('saved-views'));
    await act(() => stores.exposure.getState().setPath(['jurisdiction', 'venue']));
    await act(() => stores.exposure.getState().drillInto('US', 'United States (US)'));

    fireEvent.click(panel.getByRole('button', { name: 'Save view…' }));
    fireEvent.submit(panel.getByRole('form', { name: 'Save the current view' }));
    expect((await panel.findByRole('alert')).textContent).toBe('Name: a view needs a name.');
    fireEvent.change(panel.getByLabelText('Name'), { target: { value: 'US venues' } });
    fireEvent.submit(panel.getByRole('form', { name: 'Save the current view' }));
    const open = await panel.findByRole('button', { name: 'Open view US venues' });
    expect(open.textContent).toContain('Jurisdiction › Venue · at United States (US)');

    await act(() => stores.exposure.getState().goUp(0));
    await act(() => stores.exposure.getState().setPath(['group']));
    fireEvent.click(open);
    await waitFor(() => expect(drills().at(-1)).toMatchObject({ path: ['jurisdiction', 'venue'], at: ['US'] }));

    fireEvent.click(panel.getByRole('button', { name: 'Delete view US venues' }));
    fireEvent.click(panel.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(panel.queryByRole('button', { name: 'Open view US venues' })).toBeNull());
  });
});
