import { parentPort, workerData } from 'node:worker_threads';
import { ContractError } from '../../../shared/contract/errors';
import type { ParentToWorker, WorkerToParent } from './executors';
import { runTask } from './tasks';

/** Worker-thread entry: runs one task, relays progress, honours cancel. */
const port = parentPort;
if (!port) throw new Error('jobWorker must run in a worker thread.');
const controller = new AbortController();
port.on('message', (message: ParentToWorker) => {
  if (message.type === 'cancel') controller.abort();
});
const send = (message: WorkerToParent) => port.postMessage(message);
let lastSent = 0;
const { task, params } = workerData as { task: string; params: unknown };
runTask(task, params, {
  signal: controller.signal,
  progress: (progress) => {
    // At most ~10 messages a second: progress is for people, not a log.
    const now = Date.now();
    if (now - lastSent < 100) return;
    lastSent = now;
    send({ type: 'progress', progress });
  },
}).then(
  (result) => {
    send({ type: 'done', result });
    port.close();
  },
  (error: unknown) => {
    const wire =
      error instanceof ContractError
        ? error.toJSON()
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    send({ type: 'error', error: wire });
    port.close();
  },
);
