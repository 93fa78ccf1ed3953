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
