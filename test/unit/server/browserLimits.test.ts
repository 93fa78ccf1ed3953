import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend';
import { inProcessExecutor } from '../../../electron/backend/jobs/executors';
import type { TaskExecutor } from '../../../electron/backend/jobs/jobTask';
import { startServer, type RunningServer, type ServeOptions } from '../../../electron/server/server';
import { fixturesDir, tempDir } from '../../helpers/tempDir';

// Issue 11, faults 9–11: what browser mode accepts, against a real server on 127.0.0.1.

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const token = 'test-token-0123456789abcdefghijklmnopqrstuv';
const fixture = (name: string) => path.join(fixturesDir, 'snapshot-small', name);
const hour = 3600_000;

let opened: { backend: Backend; server: RunningServer } | undefined;

afterEach(async () => {
  await opened?.server.close();
  await opened?.backend.close();
  opened = undefined;
});

async function open(
  options: { dataDir?: string; mode?: 'browser' | 'cli'; executor?: TaskExecutor; uploadLimits?: ServeOptions['uploadLimits'] } = {},
): Promise<{ backend: Backend; server: RunningServer }> {
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Concordat</title>');
  const backend = await Backend.open({
    dataDir: options.dataDir ?? tempDir(),
    mode: options.mode ?? 'browser',
    version: 'test',
    executor: options.executor ?? inProcessExecutor,
    loadDemoOnFirstStart: false,
  });
  const server = await startServer({
    backend,
    rendererDir,
    token,
    ...(options.uploadLimits ? { uploadLimits: options.uploadLimits } : {}),
  });
  opened = { backend, server };
  return opened;
}

/**
 * A raw HTTP request. `body` is sent whole (with Content-Length unless `chunked`); with `endBody: false` the request
 * is left open after it, as a client still sending would: the reply must then come before the body ends.
 */
function request(
  server: RunningServer,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean; endBody?: boolean },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method,
        path: options.path,
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${token}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          if (options.endBody === false) req.destroy();
        });
      },
    );
    req.on('error', reject);
    const body = options.body ?? '';
    if (options.endBody === false || options.chunked) {
      if (body.length > 0) req.write(body);
      if (options.endBody !== false) req.end();
    } else {
      req.end(body);
    }
  });
}

const call = (server: RunningServer, method: string, input: unknown) =>
  request(server, {
    method: 'POST',
    path: `/api/call/${method}`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });

const upload = (server: RunningServer, name: string, body: string | Buffer, options: { chunked?: boolean } = {}) =>
  request(server, {
    method: 'PUT',
    path: `/api/upload/${encodeURIComponent(name)}`,
    headers: { 'Content-Type': 'application/octet-stream' },
    body,
    ...options,
  });

async function uploadFixture(server: RunningServer, name: string): Promise<string> {
  const reply = await upload(server, name, fs.readFileSync(fixture(name)));
  expect(reply.status, reply.body).toBe(200);
  return JSON.parse(reply.body).result.uploadId as string;
}

const importInput = (files: unknown[]) => ({ files, sourceName: 'Upload TR', regime: 'EMIR', asOfDate: '2026-07-01' });

/** Entries of <dataDir>/uploads, sorted. */
const uploadDirs = (backend: Backend) => {
  const dir = path.join(backend.dataDir, 'uploads');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

describe('fault 9: snapshots.import over HTTP takes upload ids, never server paths', () => {
  it('refuses an existing and a missing path with the same answer, and starts no job', async () => {
    const { backend, server } = await open();
    const existing = await call(server, 'snapshots.import', importInput([{ path: fixture('trades.csv') }]));
    const missing = await call(server, 'snapshots.import', importInput([{ path: path.join(fixturesDir, 'no-such-file.csv') }]));
    expect(existing.status).toBe(403);
    expect(missing.status).toBe(existing.status);
    expect(missing.body).toBe(existing.body);
    const { error } = JSON.parse(existing.body);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/upload/i);
    expect(existing.body).not.toContain('trades.csv');
    // Mixed with an upload, or with invalid fields, a path is still refused the same way.
    const uploadId = await uploadFixture(server, 'fx.csv');
    const mixed = await call(server, 'snapshots.import', importInput([{ uploadId }, { path: '/etc/passwd' }]));
    expect(mixed.body).toBe(existing.body);
    const bare = await call(server, 'snapshots.import', { files: [{ path: '/etc' }] });
    expect(bare.body).toBe(existing.body);
    expect(backend.jobs.list()).toEqual([]);
  });

  it('refuses paths at the server whatever the backend behind it, and at a browser-mode backend whatever the way in', async () => {
    const { backend, server } = await open({ mode: 'cli' });
    const reply = await call(server, 'snapshots.import', importInput([{ path: fixture('trades.csv') }]));
    expect(reply.status).toBe(403);
    expect(backend.jobs.list()).toEqual([]);
    await opened?.server.close();
    await opened?.backend.close();

    const browser = await open();
    await expect(browser.backend.call('snapshots.import', importInput([{ path: fixture('trades.csv') }]))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(browser.backend.jobs.list()).toEqual([]);
  });

  it('still imports uploads', async () => {
    const { backend, server } = await open();
    const files = [{ uploadId: await uploadFixture(server, 'trades.csv') }, { uploadId: await uploadFixture(server, 'fx.csv') }];
    const reply = await call(server, 'snapshots.import', importInput(files));
    expect(reply.status, reply.body).toBe(200);
    const info = await backend.jobs.wait(JSON.parse(reply.body).result.jobId);
    expect(info.state).toBe('succeeded');
    expect(uploadDirs(backend)).toEqual([]);
  });
});

describe('fault 10: a JSON body over the limit', () => {
  const limit = 1024 * 1024;
  const overLimit = () => {
    const padding = 'x'.repeat(limit + 1 - '{"pad":""}'.length);
    const body = `{"pad":"${padding}"}`;
    expect(Buffer.byteLength(body)).toBe(limit + 1);
    return body;
  };

  const expectTooLarge = (reply: Reply) => {
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(reply.body);
    expect(body).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining(String(limit)), details: { limitBytes: limit } },
    });
  };

  it('is answered 413 naming the limit, in the usual error shape, when its Content-Length is one byte over', async () => {
    const { server } = await open();
    expectTooLarge(
      await request(server, {
        method: 'POST',
        path: '/api/call/app.info',
        headers: { 'Content-Type': 'application/json' },
        body: overLimit(),
      }),
    );
    // The connection was answered, not reset: the server keeps serving.
    expect((await call(server, 'app.info', {})).status).toBe(200);
  });

  it('is answered from its Content-Length before the body is read', async () => {
    const { server } = await open();
    const reply = await request(server, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(limit + 1) },
      body: '{"pad":"',
      endBody: false,
    });
    expectTooLarge(reply);
  });

  it('is answered once a chunked body passes the limit, without waiting for the rest', async () => {
    const { server } = await open();
    const reply = await request(server, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: overLimit(),
      endBody: false,
    });
    expectTooLarge(reply);
  });
});

describe('fault 11: uploads not imported have a quota, an expiry and a cleanup at start', () => {
  it('refuses an upload over the quota of pending uploads, naming the quota, and keeps nothing of it', async () => {
    const { backend, server } = await open({ uploadLimits: { quotaBytes: 1000, maxUploadBytes: 800 } });
    expect((await upload(server, 'a.csv', 'a'.repeat(600))).status).toBe(200);
    const [kept] = uploadDirs(backend);

    const overQuota = await upload(server, 'b.csv', 'b'.repeat(500));
    expect(overQuota.status).toBe(507);
    const { error } = JSON.parse(overQuota.body);
    expect(error.message).toMatch(/quota/);
    expect(error.message).toContain('1000 bytes');
    // Without a Content-Length the quota is enforced as the bytes arrive.
    const chunked = await upload(server, 'c.csv', 'c'.repeat(500), { chunked: true });
    expect(chunked.status).toBe(507);
    expect(JSON.parse(chunked.body).error.message).toContain('1000 bytes');
    // The per-upload limit still holds, as a 413 naming it.
    const tooBig = await upload(server, 'd.csv', 'd'.repeat(801));
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error.message).toContain('800 bytes');
    expect(uploadDirs(backend)).toEqual([kept]);
    // Within the quota it is accepted.
    expect((await upload(server, 'e.csv', 'e'.repeat(400))).status).toBe(200);
  });

  it('removes uploads older than 24 hours that no import took', async () => {
    let now = Date.now();
    const { backend, server } = await open({ uploadLimits: { now: () => now } });
    const old = await uploadFixture(server, 'trades.csv');
    now += 23 * hour;
    const recent = await uploadFixture(server, 'fx.csv');
    expect(uploadDirs(backend)).toEqual([old, recent].sort());
    now += 2 * hour;
    await uploadFixture(server, 'margins.csv');
    expect(uploadDirs(backend)).not.toContain(old);
    expect(uploadDirs(backend)).toContain(recent);
    const reply = await call(server, 'snapshots.import', importInput([{ uploadId: old }]));
    expect(reply.status).toBe(404);
  });

  it('never removes an upload a running import is reading', async () => {
    let now = Date.now();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: TaskExecutor = {
      execute: async (task, params, ctx) => {
        if (task === 'snapshots.import')
          await Promise.race([gate, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))]);
        return inProcessExecutor.execute(task, params, ctx);
      },
    };
    const { backend, server } = await open({ executor: gated, uploadLimits: { now: () => now } });
    const inImport = [await uploadFixture(server, 'trades.csv'), await uploadFixture(server, 'fx.csv')];
    const idle = await uploadFixture(server, 'margins.csv');
    const started = await call(server, 'snapshots.import', importInput(inImport.map((uploadId) => ({ uploadId }))));
    expect(started.status, started.body).toBe(200);

    now += 25 * hour;
    await uploadFixture(server, 'entities.csv');
    const left = uploadDirs(backend);
    expect(left).not.toContain(idle);
    for (const id of inImport) expect(left).toContain(id);

    release();
    const info = await backend.jobs.wait(JSON.parse(started.body).result.jobId);
    expect(info.state, JSON.stringify(info.error)).toBe('succeeded');
    for (const id of inImport) expect(uploadDirs(backend)).not.toContain(id);
  });

  it('removes expired uploads and orphaned partial ones at start, and keeps pending ones', async () => {
    const dataDir = tempDir();
    const uploads = path.join(dataDir, 'uploads');
    const ids = {
      expired: '00000000-0000-4000-8000-000000000001',
      partialOfCrash: '00000000-0000-4000-8000-000000000002',
      emptyOfCrash: '00000000-0000-4000-8000-000000000003',
      pendingTrades: '00000000-0000-4000-8000-000000000004',
      pendingFx: '00000000-0000-4000-8000-000000000005',
      partialInFlight: '00000000-0000-4000-8000-000000000006',
    };
    const put = (id: string, name: string, ageMs: number, content = 'x') => {
      fs.mkdirSync(path.join(uploads, id), { recursive: true });
      const file = path.join(uploads, id, name);
      if (name) fs.writeFileSync(file, content);
      const when = new Date(Date.now() - ageMs);
      fs.utimesSync(name ? file : path.join(uploads, id), when, when);
    };
    put(ids.expired, 'trades.csv', 25 * hour);
    put(ids.partialOfCrash, '.partial', 2 * hour);
    put(ids.emptyOfCrash, '', 2 * hour);
    put(ids.pendingTrades, 'trades.csv', 1 * hour, fs.readFileSync(fixture('trades.csv'), 'utf8'));
    put(ids.pendingFx, 'fx.csv', 1 * hour, fs.readFileSync(fixture('fx.csv'), 'utf8'));
    // Another process on this data directory writing an upload right now.
    put(ids.partialInFlight, '.partial', 0);

    const { backend, server } = await open({ dataDir });
    expect(uploadDirs(backend)).toEqual([ids.pendingTrades, ids.pendingFx, ids.partialInFlight].sort());
    const reply = await call(server, 'snapshots.import', importInput([{ uploadId: ids.pendingTrades }, { uploadId: ids.pendingFx }]));
    expect(reply.status, reply.body).toBe(200);
    expect((await backend.jobs.wait(JSON.parse(reply.body).result.jobId)).state).toBe('succeeded');
  });
});
