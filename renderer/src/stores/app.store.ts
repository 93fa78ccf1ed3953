import { createStore } from 'zustand/vanilla';
import type { AppInfo, Dimension, DimensionFilter, JobDone, JobKind, JobProgress, SnapshotSummary } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

export const views = ['exposure', 'trades', 'feeds', 'mous', 'requests', 'cases', 'supervision', 'settings'] as const;
export type View = (typeof views)[number];

/** The drill cell whose trades the Trades view shows (none: the whole snapshot). */
export interface TradesScope {
  path: Dimension[];
  at: (string | null)[];
  /** The drill's filters, which the trades behind a cell meet too. */
  filters?: DimensionFilter[];
  /** Breadcrumb of the cell, e.g. "United States (US) › Alpha Group". */
  label: string;
  /** The address of the drill level the cell was chosen at (`#exposure?…`): the breadcrumb links back to it. */
  from?: string;
}

export interface AppState {
  info?: AppInfo;
  snapshots: SnapshotSummary[];
  selectedSnapshotId?: number;
  view: View;
  tradesScope?: TradesScope;
  showTrades(scope: TradesScope | undefined): void;
  /** Running jobs by id, with their latest progress. */
  jobs: Record<string, JobProgress>;
  /** The last job that ended badly, shown until dismissed. */
  failedJob?: JobDone;
  error?: string;
  /** Alerts not yet looked at (the Supervision entry's badge). */
  newAlerts: number;
  refreshAlertCount(): Promise<void>;
  init(): Promise<void>;
  refreshSnapshots(): Promise<void>;
  selectSnapshot(id: number): void;
  setView(view: View): void;
  dismissFailedJob(): void;
  cancelJob(jobId: string): Promise<void>;
}

const snapshotJobs: ReadonlySet<JobKind> = new Set(['demo.load', 'snapshots.import', 'feeds.sync', 'drill.rebuild']);
const quietJobs: ReadonlySet<JobKind> = new Set(['alerts.run']);

/** Application-wide state: who we are, which snapshots exist, which one is open, what is running. */
export function createAppStore(api: ApiClient) {
  return createStore<AppState>()((set, get) => ({
    snapshots: [],
    view: 'exposure',
    jobs: {},
    newAlerts: 0,
    async refreshAlertCount() {
      try {
        set({ newAlerts: (await api.call('alerts.count', {})).new });
      } catch {
        // The badge is a convenience: the next job or visit refreshes it.
      }
    },
    async init() {
      // The alert run after an import is quick background work: its end shows as the Supervision count, not as a
      // progress bar that would move the page under the user's pointer.
      api.on('job.progress', (p) => {
        if (quietJobs.has(p.kind)) return;
        // A new attempt at what failed (another import after a failed one) replaces the old failure's banner.
        set((s) => ({
          jobs: { ...s.jobs, [p.jobId]: p },
          ...(s.failedJob && s.failedJob.kind === p.kind && s.failedJob.jobId !== p.jobId ? { failedJob: undefined } : {}),
        }));
      });
      api.on('job.done', (d) => {
        set((s) => {
          const { [d.jobId]: _ended, ...rest } = s.jobs;
          return { jobs: rest, ...(d.state === 'failed' ? { failedJob: d } : {}) };
        });
        // Only the jobs that make snapshots change the list (an alert run or a bundle job must not disturb a drill).
        if (d.state === 'succeeded' && snapshotJobs.has(d.kind)) void get().refreshSnapshots();
        if (d.kind === 'alerts.run') void get().refreshAlertCount();
      });
      try {
        const [info, jobs] = await Promise.all([api.call('app.info', {}), api.call('jobs.list', {})]);
        const running: Record<string, JobProgress> = {};
        for (const j of jobs) {
          if (j.state === 'running' && !quietJobs.has(j.kind))
            running[j.jobId] = j.lastProgress ?? { jobId: j.jobId, kind: j.kind, phase: 'start', message: 'Starting', done: 0 };
        }
        set((s) => ({ info, jobs: { ...running, ...s.jobs } }));
        await get().refreshSnapshots();
        void get().refreshAlertCount();
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      }
    },
    async refreshSnapshots() {
      const snapshots = await api.call('snapshots.list', {});
      const current = get().selectedSnapshotId;
      const keep = snapshots.some((s) => s.snapshotId === current);
      set({ snapshots, selectedSnapshotId: keep ? current : snapshots[0]?.snapshotId });
    },
    selectSnapshot(id) {
      set({ selectedSnapshotId: id });
    },
    setView(view) {
      set({ view });
    },
    showTrades(scope) {
      set({ tradesScope: scope, view: 'trades' });
    },
    dismissFailedJob() {
      set({ failedJob: undefined });
    },
    async cancelJob(jobId) {
      await api.call('jobs.cancel', { jobId });
    },
  }));
}
export type AppStore = ReturnType<typeof createAppStore>;
