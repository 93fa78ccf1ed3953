import type { Backend } from '../backend/backend';
import { ContractError } from '../../shared/contract/errors';
import type { JobDone, JobStarted } from '../../shared/contract/jobs';
import { withCancelOnSignal } from './cancel';
import type { Output } from './output';

/**
 * Runs a method that starts a job and follows it: progress on stderr, Ctrl-C cancels the job
 * (the backend cleans up as it does for the app's Cancel button), and the job's result or error
 * comes back as if the call had been synchronous.
 */
export async function runJob<T>(backend: Backend, out: Output, method: string, input: unknown): Promise<T> {
  // Every job's end is kept: a job that fails at once may end before its id is back from the call.
  const ended = new Map<string, JobDone>();
  let jobId: string | undefined;
  const stop = backend.onEvent((e) => {
    if (e.event === 'job.progress' && e.payload.jobId === jobId) out.progress(e.payload.message, e.payload.done, e.payload.total);
    if (e.event === 'job.done') ended.set(e.payload.jobId, e.payload);
  });
  try {
    await withCancelOnSignal(async (signal) => {
      ({ jobId } = (await backend.call(method, input)) as JobStarted);
      const cancel = () => backend.jobs.cancel(jobId!);
      signal.addEventListener('abort', cancel, { once: true });
      try {
        await backend.jobs.wait(jobId);
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    });
  } finally {
    stop();
    out.endProgress();
  }
  const done = jobId === undefined ? undefined : ended.get(jobId);
  if (!done) throw new Error(`The job ${jobId ?? ''} ended without saying how.`);
  if (done.state === 'succeeded') return done.result as T;
  if (done.state === 'cancelled') throw new ContractError('CANCELLED', 'Cancelled; nothing was kept.');
  throw new ContractError(done.error?.code ?? 'INTERNAL', done.error?.message ?? 'The job failed.', done.error?.details);
}
