import { z } from 'zod';
import { method } from './method';
import type { contractErrorShape } from './errors';

/** Kinds of long-running work. Later features add theirs here. */
export const jobKinds = [
  'demo.load',
  'snapshots.import',
  'feeds.sync',
  'bundles.export',
  'bundles.verify',
  'bundles.import',
  'bundles.inbox',
  'alerts.run',
  'drill.rebuild',
] as const;
export type JobKind = (typeof jobKinds)[number];

export const jobIdSchema = z.string().regex(/^job-[A-Za-z0-9-]{1,64}$/, 'a job id such as job-1a2b');

/** Emitted as work advances. `total` is absent while the amount of work is unknown. */
export interface JobProgress {
  jobId: string;
  kind: JobKind;
  /** Short machine-readable phase, e.g. "generate", "parse", "rollups". */
  phase: string;
  /** Human-readable line for the progress bar. */
  message: string;
  done: number;
  total?: number;
}

export const jobStates = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];

/** Emitted once when a job ends, whatever the outcome. */
export interface JobDone {
  jobId: string;
  kind: JobKind;
  state: Exclude<JobState, 'running'>;
  result?: unknown;
  error?: z.infer<typeof contractErrorShape>;
}

export interface JobInfo {
  jobId: string;
  kind: JobKind;
  state: JobState;
  startedAt: string;
  endedAt?: string;
  lastProgress?: JobProgress;
  error?: z.infer<typeof contractErrorShape>;
}

/** What a method that starts long work returns. */
export interface JobStarted {
  jobId: string;
}

export const jobsMethods = {
  'jobs.list': method<JobInfo[]>()(z.object({}).strict()),
  'jobs.cancel': method<{ cancelled: boolean }>()(z.object({ jobId: jobIdSchema }).strict()),
};

export interface JobsEvents {
  'job.progress': JobProgress;
  'job.done': JobDone;
}
