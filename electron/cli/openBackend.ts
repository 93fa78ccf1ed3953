import fs from 'node:fs';
import { Backend } from '../backend/backend';
import { inProcessExecutor, workerExecutor } from '../backend/jobs/executors';
import type { AppInfo } from '../../shared/contract/app';
import type { JobDone } from '../../shared/contract/jobs';
import type { Output } from './output';
import { appVersion, jobWorkerFile, resolveDataDir } from './paths';

/** Opens the backend for a command; long jobs go to worker threads when the worker bundle exists. */
export async function openBackend(dataDir: string, mode: AppInfo['mode'], loadDemoOnFirstStart = true): Promise<Backend> {
  const executor = fs.existsSync(jobWorkerFile) ? workerExecutor(jobWorkerFile) : inProcessExecutor;
  return Backend.open({ dataDir, mode, version: appVersion, executor, loadDemoOnFirstStart });
}

/** Shows the progress of the first-start demo load, and waits for it when `wait` is set. */
export async function followDemoLoad(backend: Backend, out: Output, wait: boolean): Promise<JobDone['state'] | undefined> {
  const jobId = backend.demoJob;
  if (!jobId) return undefined;
  out.notice('This data directory is new: loading the built-in demo snapshot.');
  const stop = backend.onEvent((e) => {
    if (e.event === 'job.progress' && e.payload.jobId === jobId) out.progress(e.payload.message, e.payload.done, e.payload.total);
  });
  const finished = backend.jobs.wait(jobId).then((info) => {
    stop();
    out.endProgress();
    if (info.state === 'succeeded') out.notice('Demo snapshot loaded.');
    else out.notice(`Loading the demo snapshot ${info.state}: ${info.error?.message ?? ''}`);
    return info.state as JobDone['state'];
  });
  return wait ? finished : undefined;
}

/**
 * Shows the progress of the drill-data rebuild an update queued, and waits for it: a command reads figures, and a
 * snapshot not yet rebuilt would be refused. Ctrl+C stops the command; what was rebuilt stays, the rest waits for
 * the next start.
 */
export async function followDrillRebuild(backend: Backend, out: Output): Promise<void> {
  const jobId = backend.drillRebuildJob;
  if (!jobId) return;
  out.notice('Concordat was updated: rebuilding the drill data of the snapshots with the new rules.');
  const stop = backend.onEvent((e) => {
    if (e.event === 'job.progress' && e.payload.jobId === jobId) out.progress(e.payload.message, e.payload.done, e.payload.total);
  });
  const info = await backend.jobs.wait(jobId);
  stop();
  out.endProgress();
  if (info.state === 'succeeded') out.notice('Drill data rebuilt.');
  else out.notice(`Rebuilding the drill data ${info.state}: ${info.error?.message ?? ''}`);
}

/**
 * Runs a command's work against the backend of a data directory: opens it, waits for a
 * first-start demo load or a drill-data rebuild after an update (showing their progress), and always closes it.
 */
export async function withBackend<T>(
  dataDirOption: string | undefined,
  out: Output,
  work: (backend: Backend) => Promise<T>,
  options: { loadDemoOnFirstStart?: boolean } = {},
): Promise<T> {
  const backend = await openBackend(resolveDataDir(dataDirOption), 'cli', options.loadDemoOnFirstStart ?? true);
  try {
    await followDemoLoad(backend, out, true);
    await followDrillRebuild(backend, out);
    return await work(backend);
  } finally {
    await backend.close();
  }
}
