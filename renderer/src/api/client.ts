import {
  ContractError,
  type ConcordatBridge,
  type EventName,
  type Events,
  type FileDialogs,
  type InputOf,
  type MethodName,
  type OutputOf,
} from '../../../shared/contract';
import { createEvidenceDownloader, createHttpBridge, createOutboxDownloader, createUploader, takeSessionToken } from './httpBridge';

declare global {
  interface Window {
    concordat?: ConcordatBridge;
  }
}

export interface UploadReceipt {
  uploadId: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** Sends a local file to the backend (browser mode, where a page cannot hand over a path). */
export type Uploader = (file: File, onProgress: (sent: number, total: number) => void, signal?: AbortSignal) => Promise<UploadReceipt>;

/** The renderer's one API client: typed from the contract, whatever the transport. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: InputOf<M>): Promise<OutputOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  upload?: Uploader;
  /** An evidence file's bytes (browser mode: GET /api/evidence/<itemId> with the session token). */
  downloadEvidence?: (itemId: number) => Promise<Blob>;
  /** A bundle an export wrote to the outbox (browser mode: GET /api/outbox/<id> with the session token). */
  downloadOutbox?: (outboxId: string) => Promise<Blob>;
  /** The desktop app's native open and save dialogs: files are then named by path (browser mode uploads instead). */
  dialogs?: FileDialogs;
}

/** The file name of a path a native dialog returned (Windows or POSIX separators). */
export function fileNameOf(filePath: string): string {
  return filePath.split(/[/\\]/).pop() ?? filePath;
}

export function createApiClient(
  bridge: ConcordatBridge,
  upload?: Uploader,
  downloadEvidence?: (itemId: number) => Promise<Blob>,
  downloadOutbox?: (outboxId: string) => Promise<Blob>,
): ApiClient {
  return {
    ...(bridge.dialogs ? { dialogs: bridge.dialogs } : {}),
    ...(upload ? { upload } : {}),
    ...(downloadEvidence ? { downloadEvidence } : {}),
    ...(downloadOutbox ? { downloadOutbox } : {}),
    async call(method, input) {
      try {
        return await bridge.call(method, input);
      } catch (error) {
        throw ContractError.fromWire(error);
      }
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

/** Picks the desktop bridge (preload) when present, else browser mode over HTTP. */
export function connect(): ApiClient | { error: string } {
  if (window.concordat) return createApiClient(window.concordat);
  const token = takeSessionToken(window.location, window.sessionStorage, window.history);
  if (!token) {
    return { error: 'This page needs the session link that `concordat serve` printed (it ends with #token=…). Open that link instead.' };
  }
  return createApiClient(createHttpBridge(token), createUploader(token), createEvidenceDownloader(token), createOutboxDownloader(token));
}
