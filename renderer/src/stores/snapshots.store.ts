import { createStore } from 'zustand/vanilla';
import type { IssueSummaryRow, SnapshotFile } from '../../../shared/contract';
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
      set({ detailId: snapshotId, files: [], summary: [], filters: {}, error: undefined });
      try {
        const [files, summary] = await Promise.all([
          api.call('snapshots.files', { snapshotId }),
          api.call('snapshots.issueSummary', { snapshotId }),
        ]);
        set({ files, summary });
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
