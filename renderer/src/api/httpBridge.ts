import type { ConcordatBridge, EventName } from '../../../shared/contract';

const TOKEN_KEY = 'concordat.sessionToken';

/**
 * Reads the session token of browser mode. It arrives in the URL fragment (never sent to a
 * server, so never in logs); it is kept in sessionStorage and removed from the address bar.
 */
export function takeSessionToken(location: Location, storage: Storage, history: History): string | undefined {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

/** Browser mode transport: POST /api/call/<method> for calls, an SSE stream read with fetch for events. */
export function createHttpBridge(token: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): ConcordatBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let streaming = false;

  const startEvents = async () => {
    if (streaming) return;
    streaming = true;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetchImpl('/api/events', { headers: { Authorization: `Bearer ${token}` } });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        attempt = 0;
        await readEventStream(response.body, (event, data) => {
          for (const listener of listeners.get(event) ?? []) listener(data);
        });
      } catch {
        // The server restarted or the connection dropped: retry with backoff, up to 10 s.
      }
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  };

  const notAnswering =
    'Concordat’s local server is not answering: check that `concordat serve` is still running (or start it again), then reload this page with the address it prints.';
  return {
    async call(method, input) {
      let response: Response;
      try {
        response = await fetchImpl(`/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        // The browser's own words ("Failed to fetch") say nothing about what to do.
        throw { code: 'UNAVAILABLE', message: notAnswering };
      }
      const body = (await response.json().catch(() => undefined)) as { ok: boolean; result?: unknown; error?: unknown } | undefined;
      if (!body)
        throw {
          code: 'UNAVAILABLE',
          message: `Concordat’s local server gave no readable answer (HTTP ${response.status}): reload this page; if that does not help, restart \`concordat serve\` and open the address it prints.`,
        };
      if (!body.ok) throw body.error;
      return body.result as never;
    },
    on(event: EventName, listener) {
      void startEvents();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

/** Parses a text/event-stream body, calling `onEvent` for each event with JSON data. */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0) continue;
      try {
        onEvent(event, JSON.parse(data.join('\n')));
      } catch {
        // A malformed event is skipped, never evaluated.
      }
    }
  }
}

/** PUT /api/upload/<name> with upload progress (XMLHttpRequest: fetch reports none). */
export function createUploader(token: string) {
  return (file: File, onProgress: (sent: number, total: number) => void, signal?: AbortSignal) =>
    new Promise<{ uploadId: string; name: string; bytes: number; sha256: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `/api/upload/${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
      xhr.onerror = () => reject({ code: 'UNAVAILABLE', message: `The upload of ${file.name} failed.` });
      xhr.onabort = () => reject({ code: 'CANCELLED', message: `The upload of ${file.name} was cancelled.` });
      xhr.onload = () => {
        let body: { ok: boolean; result?: unknown; error?: unknown } | undefined;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = undefined;
        }
        if (body?.ok) resolve(body.result as { uploadId: string; name: string; bytes: number; sha256: string });
        else reject(body?.error ?? { code: 'UNAVAILABLE', message: `The upload of ${file.name} failed (HTTP ${xhr.status}).` });
      };
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(file);
    });
}

/** GET /api/evidence/<itemId> with the session token: the file as a Blob (the page saves it; nothing from it runs). */
/** GETs a file the server offers as a download (with the session token), as a Blob. */
async function download(token: string, url: string, what: string): Promise<Blob> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw body?.error ?? { code: 'UNAVAILABLE', message: `${what} could not be read (HTTP ${response.status}).` };
  }
  return response.blob();
}

export function createEvidenceDownloader(token: string) {
  return (itemId: number): Promise<Blob> => download(token, `/api/evidence/${itemId}`, `The file of item ${itemId}`);
}

/** An exported bundle from the outbox (its id is "<uuid>/<file>.casebundle"). */
export function createOutboxDownloader(token: string) {
  return (outboxId: string): Promise<Blob> =>
    download(token, `/api/outbox/${outboxId.split('/').map(encodeURIComponent).join('/')}`, `The bundle ${outboxId}`);
}
