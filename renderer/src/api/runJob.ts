import type { InputOf, JobDone, JobProgress, MethodName } from '../../../shared/contract';
import { ContractError } from '../../../shared/contract';
import type { ApiClient } from './client';

/** A job the page started and waits for: its progress as it comes, Cancel, and its result or error at the end. */
export interface RunningJob<T> {
  jobId: Promise<string>;
  result: Promise<T>;
  cancel: () => Promise<void>;
}

/**
 * Starts a method that answers with a job and follows that job to its end. It listens before it starts, so an
 * event of a quick job is never missed; a failed or cancelled job rejects with its ContractError.
 */
export function runJob<T, M extends MethodName = MethodName>(
  api: ApiClient,
  method: M,
  input: InputOf<M>,
  onProgress: (progress: JobProgress) => void,
): RunningJob<T> {
  const early: Array<JobProgress | JobDone> = [];
  let id: string | undefined;
  let settle: ((done: JobDone) => void) | undefined;
  const ended = new Promise<JobDone>((resolve) => (settle = resolve));
  const handle = (event: JobProgress | JobDone) => {
    if (id === undefined) return void early.push(event);
    if (event.jobId !== id) return;
    if ('state' in event) settle?.(event);
    else onProgress(event);
  };
  const stopProgress = api.on('job.progress', handle);
  const stopDone = api.on('job.done', handle);
  const jobId = (api.call(method, input) as Promise<{ jobId: string }>).then(
    (started) => {
      id = started.jobId;
      for (const event of early.splice(0)) handle(event);
      return started.jobId;
    },
    (error: unknown) => {
      stopProgress();
      stopDone();
      throw error;
    },
  );
  const result = jobId.then(async () => {
    const done = await ended;
    stopProgress();
    stopDone();
    if (done.state === 'succeeded') return done.result as T;
    if (done.state === 'cancelled') throw new ContractError('CANCELLED', 'Cancelled: nothing was kept.');
    throw ContractError.fromWire(done.error);
  });
  return {
    jobId,
    result,
    cancel: async () => {
      await api.call('jobs.cancel', { jobId: await jobId });
    },
  };
}
