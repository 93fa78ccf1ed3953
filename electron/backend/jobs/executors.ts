import { Worker } from 'node:worker_threads';
import { ContractError } from '../../../shared/contract/errors';
import type { TaskContext, TaskExecutor, TaskProgress } from './jobTask';
import { runTask } from './tasks';

/** Runs tasks on the calling thread (tests, and builds without a worker bundle). */
export const inProcessExecutor: TaskExecutor = {
  execute: (task, params, ctx) => runTask(task, params, ctx),
};

/** Messages between a job worker and its parent. */
export type WorkerToParent =
  | { type: 'progress'; progress: TaskProgress }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code?: string; message: string; details?: unknown } };
export type ParentToWorker = { type: 'cancel' };

/**
 * Runs each task in its own worker thread (its own SQLite connection), so a long import
 * never blocks the thread that answers calls.
 */
export function workerExecutor(workerFile: string): TaskExecutor {
  return {
    execute(task: string, params: unknown, ctx: TaskContext): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const worker = new Worker(workerFile, { workerData: { task, params } });
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          ctx.signal.removeEventListener('abort', onAbort);
          fn();
        };
        const onAbort = () => worker.postMessage({ type: 'cancel' } satisfies ParentToWorker);
        ctx.signal.addEventListener('abort', onAbort);
        worker.on('message', (message: WorkerToParent) => {
          if (message.type === 'progress') ctx.progress(message.progress);
          else if (message.type === 'done') settle(() => resolve(message.result));
          else settle(() => reject(ContractError.fromWire({ code: message.error.code ?? 'INTERNAL', ...message.error })));
        });
        worker.on('error', (error) => settle(() => reject(new ContractError('INTERNAL', `The job worker failed: ${error.message}`))));
        worker.on('exit', (code) =>
          settle(() => reject(new ContractError('INTERNAL', `The job worker stopped unexpectedly (exit code ${code}).`))),
        );
      });
    },
  };
}
