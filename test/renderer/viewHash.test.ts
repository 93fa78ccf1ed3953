import { afterEach, describe, expect, it } from 'vitest';
import { connectViewUrl, hashToView, viewToHash, type UrlViewState } from '../../renderer/src/features/exposure/viewHash';
import { createStores } from '../../renderer/src/stores/StoresContext';
import { drillResult, info, snapshotSummary } from './drillData';
import { fakeApi } from './fakeApi';

const state: UrlViewState = {
  snapshotId: 4,
  path: ['jurisdiction', 'group', 'venue'],
  at: [
    { key: 'US', label: 'United States (US)' },
    { key: null, label: '(no group) & more = "odd" #text' },
  ],
  filters: [
    { dimension: 'cleared', value: 'uncleared' },
    { dimension: 'ccp', value: null },
  ],
  sort: { by: 'label', direction: 'asc' },
  compareTo: 2,
};

afterEach(() => window.history.replaceState(null, '', '/'));

describe('the exposure view state in the address', () => {
  it('round-trips through a #exposure?… fragment, odd labels and null keys included', () => {
    const hash = viewToHash(state);
    expect(hash.startsWith('#exposure?snapshot=4&path=jurisdiction%2Cgroup%2Cvenue&at=')).toBe(true);
    // Nothing in it that a URL fragment would need to escape, and no second '#'.
    expect(hash.slice(1)).toMatch(/^[A-Za-z0-9%&=?*._+-]+$/);
    expect(hashToView(hash)).toEqual({ state });
    const { compareTo: _c, ...plain } = state;
    expect(hashToView(viewToHash({ ...plain, at: [], filters: [] }))).toEqual({ state: { ...plain, at: [], filters: [] } });
  });

  it('ignores fragments that are not about the exposure view', () => {
    expect(hashToView('')).toBeUndefined();
    expect(hashToView('#trades')).toBeUndefined();
    expect(hashToView('#exposure')).toBeUndefined();
  });

  it.each([
    ['an unknown dimension', '#exposure?snapshot=4&path=jurisdiction,planet&sort=label:asc', /^path\.1: /],
    [
      'at as long as the path',
      `#exposure?snapshot=4&path=venue&at=${encodeURIComponent('[{"key":"X","label":"X"}]')}&sort=label:asc`,
      /^at: /,
    ],
    ['at that is not JSON', '#exposure?snapshot=4&path=venue&at=%5B%7B&sort=label:asc', /"at" is not JSON/],
    ['no snapshot', '#exposure?path=venue&sort=label:asc', /^snapshotId: /],
    ['a snapshot that is not a number', '#exposure?snapshot=abc&path=venue', /^snapshotId: /],
    ['an unknown sort', '#exposure?snapshot=4&path=venue&sort=DROP:asc', /^sort\.by: /],
    ['a filter of the wrong shape', `#exposure?snapshot=4&path=venue&filters=${encodeURIComponent('{"venue":1}')}`, /^filters: /],
    ['no query', '#exposure-something', /not of the form/],
  ])('refuses %s with a reason, without throwing', (_what, hash, reason) => {
    const reading = hashToView(hash);
    expect(reading).toMatchObject({ error: expect.stringMatching(reason) });
  });
});

describe('connectViewUrl', () => {
  const setup = (hash: string) => {
    window.history.replaceState(null, '', `/${hash}`);
    const { api, calls } = fakeApi({
      'app.info': info,
      'jobs.list': [],
      'snapshots.list': [snapshotSummary(), snapshotSummary({ snapshotId: 2, asOfDate: '2026-06-29' })],
      'exposure.drill': (input) => drillResult({ snapshotId: input.snapshotId, path: input.path, at: input.at ?? [] }),
    });
    const stores = createStores(api);
    const disconnect = connectViewUrl(stores, window);
    return { stores, calls, disconnect };
  };

  it('restores the position from the address at start, and selects its snapshot', () => {
    const { stores, disconnect } = setup(viewToHash(state));
    expect(stores.exposure.getState()).toMatchObject({
      snapshotId: 4,
      path: state.path,
      at: state.at,
      filters: state.filters,
      sort: state.sort,
    });
    expect(stores.exposure.getState().compareTo).toBe(2);
    expect(stores.app.getState().selectedSnapshotId).toBe(4);
    disconnect();
  });

  it('writes every change: a new history entry for a drill move, the same entry for a sort', async () => {
    const { stores, disconnect } = setup('');
    const length = window.history.length;
    await stores.exposure.getState().setPath(['jurisdiction', 'venue']);
    await stores.exposure.getState().open(4);
    expect(hashToView(window.location.hash)).toEqual({
      state: { snapshotId: 4, path: ['jurisdiction', 'venue'], at: [], filters: [], sort: { by: 'grossNotionalUsd', direction: 'desc' } },
    });
    await stores.exposure.getState().drillInto('US', 'United States (US)');
    expect(window.history.length).toBe(length + 1);
    await stores.exposure.getState().setSort({ by: 'tradeCount', direction: 'asc' });
    expect(window.history.length).toBe(length + 1);
    expect(hashToView(window.location.hash)).toMatchObject({
      state: { at: [{ key: 'US', label: 'United States (US)' }], sort: { by: 'tradeCount', direction: 'asc' } },
    });
    disconnect();
  });

  it('Back (popstate) applies the earlier position and loads it', async () => {
    const { stores, calls, disconnect } = setup('');
    await stores.exposure.getState().setPath(['jurisdiction', 'venue']);
    await stores.exposure.getState().open(4);
    const top = window.location.hash;
    await stores.exposure.getState().drillInto('US', 'United States (US)');
    expect(stores.exposure.getState().at).toHaveLength(1);
    stores.app.getState().setView('trades');
    window.history.replaceState(null, '', `/${top}`);
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(stores.exposure.getState().at).toEqual([]);
    expect(stores.app.getState().view).toBe('exposure');
    await Promise.resolve();
    expect(calls.filter((c) => c.method === 'exposure.drill').at(-1)?.input).toMatchObject({ at: [] });
    disconnect();
  });

  it('a bad address leaves a visible note and the default view, never a crash', () => {
    const { stores, disconnect } = setup('#exposure?snapshot=4&path=nowhere');
    expect(stores.exposure.getState().notice).toMatch(/^The view in the address could not be read \(path\.0: /);
    expect(stores.exposure.getState().path).toEqual(['jurisdiction']);
    disconnect();
  });

  it('notes a snapshot named in the address that does not exist once the list arrives', async () => {
    const { stores, disconnect } = setup(viewToHash({ ...state, snapshotId: 77, compareTo: undefined }));
    await stores.app.getState().refreshSnapshots();
    expect(stores.exposure.getState().notice).toMatch(/Snapshot 77 named in the address is not available/);
    expect(stores.app.getState().selectedSnapshotId).toBe(4);
    disconnect();
  });
});
