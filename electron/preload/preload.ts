import { contextBridge, ipcRenderer } from 'electron';
import type { ConcordatBridge, ContractErrorShape, EventEnvelope } from '../../shared/contract';

/** The dialogs' IPC channels (shared/contract/fileDialogs.ts; repeated here: the sandboxed preload imports types only). */
const dialogChannels = { open: 'concordat:dialog-open', save: 'concordat:dialog-save' } as const;

/**
 * The renderer's only door: `window.concordat = { call, on }`. Calls travel over a
 * MessagePort straight to the backend utility process; this script keeps the port, so the
 * page never holds an Electron object.
 */
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ContractErrorShape };

let port: MessagePort | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; message: unknown; sent: boolean }>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function onPortMessage(event: MessageEvent): void {
  const data = event.data as Reply | EventEnvelope;
  if ('event' in data) {
    for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    return;
  }
  const call = pending.get(data.id);
  if (!call) return;
  pending.delete(data.id);
  if (data.ok) call.resolve(data.result);
  // Plain objects cross the context bridge; the renderer client rebuilds ContractError.
  else call.reject(data.error);
}

ipcRenderer.on('concordat:port', (event) => {
  const [received] = event.ports;
  if (!received) return;
  const restarted = port !== undefined;
  port?.close();
  port = received;
  port.onmessage = onPortMessage;
  port.start();
  for (const [id, call] of pending) {
    if (!call.sent) {
      port.postMessage(call.message);
      call.sent = true;
    } else if (restarted) {
      // Not resent: the old backend may have done the work already (calls need not be idempotent).
      pending.delete(id);
      call.reject({ code: 'UNAVAILABLE', message: 'The backend restarted while this request was running; try again.' });
    }
  }
});
ipcRenderer.send('concordat:connect');

const bridge: ConcordatBridge = {
  call(method, input) {
    if (typeof method !== 'string') return Promise.reject({ code: 'INVALID_INPUT', message: 'method must be a string' });
    const id = nextId++;
    const message = { id, method, input };
    return new Promise((resolve, reject) => {
      // Calls made before the port arrives wait in `pending` and are sent when it does.
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, message, sent: port !== undefined });
      port?.postMessage(message);
    });
  },
  on(event, listener) {
    if (typeof event !== 'string' || typeof listener !== 'function') return () => undefined;
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  },
  // Native dialogs: main validates the request and shows the dialog; only the chosen paths come back.
  dialogs: {
    openFiles: (request) => ipcRenderer.invoke(dialogChannels.open, request) as Promise<string[]>,
    saveFile: (request) => ipcRenderer.invoke(dialogChannels.save, request) as Promise<string | null>,
  },
};

contextBridge.exposeInMainWorld('concordat', bridge);
