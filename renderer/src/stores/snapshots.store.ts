import { createStore } from 'zustand/vanilla';
import type { IssueSummaryRow, SnapshotBasis, SnapshotFile } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

export interface IssueFilters {
  severity?: 'ERROR' | 'WARN' | undefined;
  ruleId?: string | undefined;
  text?: string | undefined;
}

export interface SnapshotsState {
  /** The snapshot whose details (files, findings) are shown. */
  detailId?: number;
  files: SnapshotFile[];
  /** The FX rates applied and the trades counted (absent until loaded). */
  basis?: SnapshotBasis;
  summary: IssueSummaryRow[];
  filters: IssueFilters;
  error?: string;
  showDetail(snapshotId: number): Promise<void>;
  setFilters(filters: IssueFilters): void;
}

/** Details of one snapshot in "Feeds & snapshots": its source files and validation findings. */
export function createSnapshotsStore(api: ApiClient) {
  return createStore<SnapshotsState>()((set) => ({
    files: [],
    summary: [],
    filters: {},
    async showDetail(snapshotId) {
      set({ detailId: snapshotId, files: [], basis: undefined, summary: [], filters: {}, error: undefined });
      try {
        const [files, summary, basis] = await Promise.all([
          api.call('snapshots.files', { snapshotId }),
          api.call('snapshots.issueSummary', { snapshotId }),
          api.call('snapshots.basis', { snapshotId }),
        ]);
        set({ files, summary, basis });
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      }
    },
    setFilters(filters) {
      set({ filters });
    },
  }));
}
export type SnapshotsStore = ReturnType<typeof createSnapshotsStore>;
