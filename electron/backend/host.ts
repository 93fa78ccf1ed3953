import path from 'node:path';
import { Backend, toContractError } from './backend';
import { workerExecutor } from './jobs/executors';
import { providedSecretStore } from './keys/workstationIdentity';

/**
 * Backend entry in Electron's utility process. Main sends one MessagePort per window; each
 * port carries calls `{ id, method, input }`, replies `{ id, ok, result | error }` and events.
 * This file must not import 'electron': the utility process API arrives on `process.parentPort`.
 */
interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

declare const __CONCORDAT_VERSION__: string | undefined;

async function run(): Promise<void> {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (!parentPort) throw new Error('host.ts runs only in an Electron utility process.');
  const dataArg = process.argv.find((a) => a.startsWith('--data-dir='));
  if (!dataArg) throw new Error('The backend needs --data-dir=.');
  // Main's first message carries the workstation key's secret (from safeStorage), if it has one.
  const keySecret = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 5_000);
    const first = (e: { data: unknown }) => {
      const data = e.data as { type?: string; keySecret?: unknown } | null;
      if (data?.type !== 'init') return;
      clearTimeout(timer);
      resolve(typeof data.keySecret === 'string' ? data.keySecret : null);
    };
    parentPort.on('message', first);
  });
  const backend = await Backend.open({
    dataDir: path.resolve(dataArg.slice('--data-dir='.length)),
    mode: 'electron',
    version: typeof __CONCORDAT_VERSION__ === 'string' ? __CONCORDAT_VERSION__ : '0.0.0-dev',
    executor: workerExecutor(path.join(__dirname, 'jobWorker.cjs')),
    ...(keySecret ? { keySecret: providedSecretStore(Buffer.from(keySecret, 'base64'), 'the OS keychain (Electron safeStorage)') } : {}),
  });

  parentPort.on('message', (e) => {
    const [port] = e.ports;
    if (!port || (e.data as { type?: string } | null)?.type !== 'connect') return;
    const unsubscribe = backend.onEvent((envelope) => port.postMessage(envelope));
    port.on('message', ({ data }) => {
      const { id, method, input } = (data ?? {}) as { id?: unknown; method?: unknown; input?: unknown };
      if (typeof id !== 'number' || typeof method !== 'string') return;
      backend.call(method, input).then(
        (result) => port.postMessage({ id, ok: true, result }),
        (error: unknown) => port.postMessage({ id, ok: false, error: toContractError(error).toJSON() }),
      );
    });
    port.on('close', unsubscribe);
    port.start();
  });
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
