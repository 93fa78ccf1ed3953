import crypto from 'node:crypto';
import type { JobDone, JobInfo, JobKind, JobProgress, JobStarted } from '../../../shared/contract/jobs';
import { ContractError } from '../../../shared/contract/errors';
import type { TaskContext, TaskExecutor } from './jobTask';
import { databaseBusyError, isDatabaseBusy } from '../db/writeWhenFree';

export interface JobEventSink {
  progress(p: JobProgress): void;
  done(d: JobDone): void;
}

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  finished: Promise<void>;
}

/** Starts long work, tracks it, relays its progress as events, and cancels it on request. */
export class JobManager {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly executor: TaskExecutor,
    private readonly sink: JobEventSink,
  ) {}

  start(kind: JobKind, task: string, params: unknown, onSuccess?: (result: unknown) => void): JobStarted {
    return this.run(kind, (ctx) => this.executor.execute(task, params, ctx), onSuccess);
  }

  /**
   * A job that runs in this process: for work that needs what cannot cross to a worker thread
   * (the workstation's keys, whose secret the desktop app holds in memory) and that is I/O bound
   * and streamed, so it does not hold up the backend.
   */
  startHere(kind: JobKind, work: (ctx: TaskContext) => Promise<unknown>, onSuccess?: (result: unknown) => void): JobStarted {
    return this.run(kind, work, onSuccess);
  }

  private run(kind: JobKind, work: (ctx: TaskContext) => Promise<unknown>, onSuccess?: (result: unknown) => void): JobStarted {
    const jobId = `job-${crypto.randomUUID()}`;
    const controller = new AbortController();
    const info: JobInfo = { jobId, kind, state: 'running', startedAt: new Date().toISOString() };
    const finished = work({
      signal: controller.signal,
      progress: (p) => {
        const progress: JobProgress = { jobId, kind, ...p };
        info.lastProgress = progress;
        this.sink.progress(progress);
      },
    }).then(
      (result) => {
        info.state = 'succeeded';
        info.endedAt = new Date().toISOString();
        onSuccess?.(result);
        this.sink.done({ jobId, kind, state: 'succeeded', result });
      },
      (error: unknown) => {
        const wire =
          error instanceof ContractError
            ? error.toJSON()
            : isDatabaseBusy(error)
              ? databaseBusyError().toJSON()
              : { code: 'INTERNAL' as const, message: error instanceof Error ? error.message : String(error) };
        info.state = controller.signal.aborted || wire.code === 'CANCELLED' ? 'cancelled' : 'failed';
        info.endedAt = new Date().toISOString();
        info.error = wire;
        this.sink.done({ jobId, kind, state: info.state, error: wire });
      },
    );
    this.jobs.set(jobId, { info, controller, finished });
    return { jobId };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('NOT_FOUND', `No job ${jobId}.`, { jobId });
    if (job.info.state !== 'running') return false;
    job.controller.abort();
    return true;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  isRunning(kind: JobKind): boolean {
    return [...this.jobs.values()].some((j) => j.info.kind === kind && j.info.state === 'running');
  }

  /** Resolves when the job has ended (whatever the outcome). */
  async wait(jobId: string): Promise<JobInfo> {
    const job = this.jobs.get(jobId);
    if (!job) throw new ContractError('NOT_FOUND', `No job ${jobId}.`, { jobId });
    await job.finished;
    return { ...job.info };
  }

  /** Cancels everything still running and waits for it to stop. */
  async shutdown(): Promise<void> {
    for (const job of this.jobs.values()) if (job.info.state === 'running') job.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }
}
