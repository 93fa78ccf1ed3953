import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend';
import { inProcessExecutor } from '../../../electron/backend/jobs/executors';
import { importSnapshot } from '../../../electron/backend/snapshots/importSnapshot';
import { startServer, type RunningServer } from '../../../electron/server/server';
import { copyFixture, tempDir } from '../../helpers/tempDir';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so tests can set Host and Origin as an attacker's page would. */
function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let backend: Backend;
let server: RunningServer;
let rendererDir: string;
const token = 'test-token-0123456789abcdefghijklmnopqrstuv';

beforeEach(async () => {
  const dataDir = tempDir();
  rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Concordat</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  backend = await Backend.open({ dataDir, mode: 'browser', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  await importSnapshot(backend.db, {
    files: copyFixture('snapshot-small').files,
    sourceName: 'Test TR',
    trLei: '9845005CCPXXXXXX0005',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  });
  server = await startServer({ backend, rendererDir, token });
});

afterEach(async () => {
  await server.close();
  await backend.close();
});

const host = () => `127.0.0.1:${server.port}`;
const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  request(server.port, {
    method: 'POST',
    path: `/api/call/${method}`,
    headers: { Host: host(), 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('browser-mode server', () => {
  it('prints a 127.0.0.1 URL with the token in the fragment and listens on loopback only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${token}`);
  });

  it('answers a call with the token', async () => {
    const reply = await call('app.info', {});
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body);
    expect(body).toMatchObject({ ok: true, result: { name: 'Concordat', mode: 'browser' } });
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const none = await request(server.port, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { Host: host(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('UNAUTHORIZED');
    const wrong = await call('app.info', {}, { Authorization: `Bearer ${token.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    const events = await request(server.port, { path: '/api/events', headers: { Host: host() } });
    expect(events.status).toBe(401);
  });

  it('answers 403 to a foreign Host (DNS rebinding) and to a foreign Origin, even with the token', async () => {
    expect((await call('app.info', {}, { Host: `attacker.example:${server.port}` })).status).toBe(403);
    expect((await call('app.info', {}, { Host: '127.0.0.1:1' })).status).toBe(403);
    expect((await call('app.info', {}, { Origin: 'http://attacker.example' })).status).toBe(403);
    expect((await call('app.info', {}, { Origin: `http://localhost:${server.port}` })).status).toBe(200);
    const page = await request(server.port, { path: '/', headers: { Host: `evil.example:${server.port}` } });
    expect(page.status).toBe(403);
  });

  it('parses every input with the contract: bad input is a 400 naming the field', async () => {
    const reply = await call('exposure.drill', { snapshotId: 'one', path: ['jurisdiction'] });
    expect(reply.status).toBe(400);
    const { error } = JSON.parse(reply.body);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^Snapshot:/);
    expect((await call('exposure.drill', { snapshotId: 999, path: ['jurisdiction'] })).status).toBe(404);
    expect((await call('nope.method', {})).status).toBe(404);
  });

  it('refuses bodies that are not JSON, so no HTML form can post to it', async () => {
    const reply = await call('app.info', {}, { 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error.message).toBe('Calls must be sent as application/json.');
    const broken = await request(server.port, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { Host: host(), 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{oops',
    });
    expect(broken.status).toBe(400);
  });

  it('returns drill rows equal to the rollups', async () => {
    const list = JSON.parse((await call('snapshots.list', {})).body).result;
    const reply = await call('exposure.drill', { snapshotId: list[0].snapshotId, path: ['jurisdiction'] });
    const { result } = JSON.parse(reply.body);
    expect(result.totals.grossNotionalUsd).toBe(2_050_000);
    expect(result.rows).toHaveLength(4);
  });

  it('serves the built renderer with the CSP, and nothing outside it', async () => {
    const page = await request(server.port, { path: '/', headers: { Host: host() } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await request(server.port, { path: '/assets/app.js', headers: { Host: host() } })).status).toBe(200);
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../secret.txt', '/.env', '/assets/missing.js']) {
      expect((await request(server.port, { path: p, headers: { Host: host() } })).status, p).toBe(404);
    }
    expect((await request(server.port, { method: 'DELETE', path: '/', headers: { Host: host() } })).status).toBe(405);
  });

  it('stores an upload under the data directory and imports it as a job', async () => {
    const body = fs.readFileSync(path.join(__dirname, '../../fixtures/snapshot-small/trades.csv'));
    const reply = await request(server.port, {
      method: 'PUT',
      path: '/api/upload/trades.csv',
      headers: { Host: host(), 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
      body: body.toString('utf8'),
    });
    expect(reply.status).toBe(200);
    const receipt = JSON.parse(reply.body).result;
    expect(receipt).toMatchObject({ name: 'trades.csv', bytes: body.length });
    const fx = await request(server.port, {
      method: 'PUT',
      path: '/api/upload/fx.csv',
      headers: { Host: host(), 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
      body: fs.readFileSync(path.join(__dirname, '../../fixtures/snapshot-small/fx.csv'), 'utf8'),
    });
    const started = JSON.parse(
      (
        await call('snapshots.import', {
          files: [{ uploadId: receipt.uploadId }, { uploadId: JSON.parse(fx.body).result.uploadId }],
          sourceName: 'Upload TR',
          regime: 'EMIR',
          asOfDate: '2026-07-01',
        })
      ).body,
    ).result;
    const info = await backend.jobs.wait(started.jobId);
    expect(info.state).toBe('succeeded');
    const list = JSON.parse((await call('snapshots.list', {})).body).result as Array<{ sourceName: string }>;
    expect(list.map((s) => s.sourceName)).toContain('Upload TR');
    // Uploads are removed once imported.
    expect(fs.existsSync(path.join(backend.dataDir, 'uploads', receipt.uploadId))).toBe(false);
  });

  it('refuses uploads without the token, with a path in the name, or of the wrong type', async () => {
    const put = (name: string, headers: Record<string, string>) =>
      request(server.port, { method: 'PUT', path: `/api/upload/${name}`, headers: { Host: host(), ...headers }, body: 'x' });
    expect((await put('trades.csv', { 'Content-Type': 'application/octet-stream' })).status).toBe(401);
    const auth = { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` };
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '%2Etrades.csv', 'a%5Cb.csv', 'x%00.csv']) {
      const reply = await put(name, auth);
      expect(reply.status, name).toBe(400);
    }
    expect((await put('trades.csv', { ...auth, 'Content-Type': 'text/plain' })).status).toBe(400);
    expect(fs.existsSync(path.join(backend.dataDir, 'uploads')) ? fs.readdirSync(path.join(backend.dataDir, 'uploads')) : []).toEqual([]);
  });
});
