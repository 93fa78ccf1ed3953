import { createStore } from 'zustand/vanilla';
import type { Dimension, DrillResult } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

/** One chosen key on the way down, with its label for the breadcrumb. */
export interface Crumb {
  key: string | null;
  label: string;
}

export interface ExposureState {
  snapshotId?: number;
  /** The drill path, top first. */
  path: Dimension[];
  /** Keys chosen at the levels above the current one. */
  at: Crumb[];
  result?: DrillResult;
  loading: boolean;
  error?: string;
  open(snapshotId: number): Promise<void>;
  setPath(path: Dimension[]): Promise<void>;
  drillInto(key: string | null, label: string): Promise<void>;
  /** Goes back up to `level` keys chosen (0 = the top). */
  goUp(level: number): Promise<void>;
}

/** The exposure drill-down of the open snapshot: path, position on it, and the rows. */
export function createExposureStore(api: ApiClient) {
  let latest = 0;
  return createStore<ExposureState>()((set, get) => {
    const load = async () => {
      const { snapshotId, path, at } = get();
      if (snapshotId === undefined) return;
      const request = ++latest;
      set({ loading: true, error: undefined });
      try {
        const result = await api.call('exposure.drill', { snapshotId, path, at: at.map((c) => c.key) });
        // Answers can arrive out of order when the user moves quickly: keep the latest.
        if (request === latest) set({ result, loading: false });
      } catch (error) {
        if (request === latest) set({ loading: false, error: error instanceof Error ? error.message : String(error) });
      }
    };
    return {
      path: ['jurisdiction'],
      at: [],
      loading: false,
      async open(snapshotId) {
        set({ snapshotId, at: [] });
        await load();
      },
      async setPath(path) {
        if (path.length === 0) return;
        // Keys stay chosen only for the part of the path that did not change.
        const old = get().path;
        let keep = 0;
        while (keep < get().at.length && old[keep] === path[keep]) keep++;
        set({ path, at: get().at.slice(0, Math.min(keep, path.length - 1)) });
        await load();
      },
      async drillInto(key, label) {
        const { at, path } = get();
        if (at.length >= path.length - 1) return;
        set({ at: [...at, { key, label }] });
        await load();
      },
      async goUp(level) {
        if (level >= get().at.length) return;
        set({ at: get().at.slice(0, level) });
        await load();
      },
    };
  });
}
export type ExposureStore = ReturnType<typeof createExposureStore>;
