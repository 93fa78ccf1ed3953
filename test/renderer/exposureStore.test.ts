import { describe, expect, it, vi } from 'vitest';
import { createExposureStore } from '../../renderer/src/stores/exposure.store';
import { defaultLayout } from '../../renderer/src/features/exposure/drillColumns';
import { drillResult } from './drillData';
import { fakeApi } from './fakeApi';

describe('exposure store: the harmonised margin is asked for only while its columns show', () => {
  it('does not ask by default, asks (and reloads) once a harmonised-margin column is shown', async () => {
    const { api, calls } = fakeApi({ 'exposure.drill': drillResult(), 'views.setColumns': { ok: true } as never });
    const store = createExposureStore(api);
    await store.getState().open(4);
    const drills = () => calls.filter((c) => c.method === 'exposure.drill').map((c) => c.input as { harmonisedMargin?: boolean });
    expect(drills()).toHaveLength(1);
    expect(drills()[0]!.harmonisedMargin).toBeUndefined();

    const layout = defaultLayout().map((c) => (c.colId === 'marginShortfallUsd' ? { ...c, hide: false } : c));
    store.getState().setColumns(layout);
    await vi.waitFor(() => expect(drills()).toHaveLength(2));
    expect(drills()[1]!.harmonisedMargin).toBe(true);

    // Moving another column does not reload; the next drill still asks.
    store.getState().setColumns(layout.map((c) => (c.colId === 'tradeCount' ? { ...c, width: 300 } : c)));
    await store.getState().setPath(['group']);
    expect(drills()).toHaveLength(3);
    expect(drills()[2]!.harmonisedMargin).toBe(true);
  });
});

describe('exposure store: a drill waits for the rows it is about', () => {
  it('ignores a drill asked while a level loads (the grid still shows the level before)', async () => {
    let release: (() => void) | undefined;
    const { api, calls } = fakeApi({
      'exposure.drill': drillResult(),
      'views.setColumns': { ok: true } as never,
    });
    const store = createExposureStore(api);
    await store.getState().open(4);
    await store.getState().setPath(['jurisdiction', 'group', 'counterparty']);
    // The next level's answer is held back until released.
    const answer = api.call.bind(api);
    api.call = (async (method: string, input: unknown) => {
      if (method === 'exposure.drill') await new Promise<void>((r) => (release = r));
      return answer(method as never, input as never);
    }) as typeof api.call;
    const first = store.getState().drillInto('US', 'United States (US)');
    expect(store.getState().loading).toBe(true);
    // A double-click on a stale row of the jurisdiction level, while the group level loads.
    await store.getState().drillInto('GB', 'United Kingdom (GB)');
    release!();
    await first;
    expect(store.getState().at).toEqual([{ key: 'US', label: 'United States (US)' }]);
    expect(calls.filter((c) => c.method === 'exposure.drill').at(-1)!.input).toMatchObject({ at: ['US'] });
    // Once loaded, the next drill goes through.
    api.call = answer;
    await store.getState().drillInto('5493001KJTIIGC8Y1R12', 'Alpha Group');
    expect(store.getState().at.map((c) => c.key)).toEqual(['US', '5493001KJTIIGC8Y1R12']);
  });
});
