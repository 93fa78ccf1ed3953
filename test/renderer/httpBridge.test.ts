import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../renderer/src/api/client';
import { createHttpBridge, readEventStream, takeSessionToken } from '../../renderer/src/api/httpBridge';
import { ContractError } from '../../shared/contract/errors';

describe('session token', () => {
  it('is taken from the URL fragment, kept in session storage and removed from the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc_DEF-123');
    const token = takeSessionToken(window.location, window.sessionStorage, window.history);
    expect(token).toBe('abc_DEF-123');
    expect(window.location.hash).toBe('');
    expect(window.sessionStorage.getItem('concordat.sessionToken')).toBe('abc_DEF-123');
    // A reload keeps working from session storage.
    expect(takeSessionToken(window.location, window.sessionStorage, window.history)).toBe('abc_DEF-123');
  });
});

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('event stream', () => {
  it('parses events split across chunks and skips comments and malformed data', async () => {
    const seen: Array<[string, unknown]> = [];
    await readEventStream(
      streamOf([
        ': connected\n\n',
        'event: job.progress\ndata: {"jobId":"job-1",',
        '"done":3}\n\nevent: job.done\ndata: not json\n\n',
        'event: job.done\ndata: {"state":"succeeded"}\n\n',
      ]),
      (event, data) => seen.push([event, data]),
    );
    expect(seen).toEqual([
      ['job.progress', { jobId: 'job-1', done: 3 }],
      ['job.done', { state: 'succeeded' }],
    ]);
  });
});

describe('HTTP bridge', () => {
  it('sends the token as a bearer header and rebuilds contract errors', async () => {
    const fetchImpl = vi.fn(async (url: string, init?: RequestInit) => {
      expect(url).toBe('/api/call/exposure.drill');
      expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
      return new Response(JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'Snapshot 9 does not exist.' } }), {
        status: 404,
      });
    });
    const api = createApiClient(createHttpBridge('tok', fetchImpl as unknown as typeof fetch));
    const error = await api.call('exposure.drill', { snapshotId: 9, path: ['jurisdiction'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Snapshot 9 does not exist.' });
  });

  it('a server that is gone, or answers with something unreadable, is reported with what to do next', async () => {
    const gone = createApiClient(
      createHttpBridge('tok', (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch),
    );
    const down = await gone.call('snapshots.list', {}).catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'UNAVAILABLE' });
    expect((down as Error).message).toMatch(/^Concordat’s local server is not answering: check that `concordat serve` is still running/);
    expect((down as Error).message).not.toContain('Failed to fetch');
    const garbled = createApiClient(
      createHttpBridge('tok', (async () => new Response('<html>proxy error</html>', { status: 502 })) as unknown as typeof fetch),
    );
    const bad = await garbled.call('snapshots.list', {}).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/^Concordat’s local server gave no readable answer \(HTTP 502\): reload this page/);
  });
});
