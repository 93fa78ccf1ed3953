import { createStore } from 'zustand/vanilla';
import type { DrillResult } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

export interface ExposureState {
  result?: DrillResult;
  loading: boolean;
  error?: string;
  load(snapshotId: number): Promise<void>;
}

/** The exposure drill-down of the open snapshot. */
export function createExposureStore(api: ApiClient) {
  let latest = 0;
  return createStore<ExposureState>()((set) => ({
    loading: false,
    async load(snapshotId) {
      const request = ++latest;
      set({ loading: true, error: undefined });
      try {
        const result = await api.call('exposure.drill', { snapshotId, path: ['jurisdiction'] });
        // Answers can arrive out of order when the user switches snapshots quickly: keep the latest.
        if (request === latest) set({ result, loading: false });
      } catch (error) {
        if (request === latest) set({ loading: false, error: error instanceof Error ? error.message : String(error) });
      }
    },
  }));
}
export type ExposureStore = ReturnType<typeof createExposureStore>;
