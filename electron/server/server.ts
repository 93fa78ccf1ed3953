import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Backend } from '../backend/backend';
import { toContractError } from '../backend/backend';
import { ContractError } from '../../shared/contract/errors';
import { httpStatusOf } from './httpStatus';
import { newSessionToken, RequestGuard } from './requestGuard';
import { securityHeaders } from './securityHeaders';
import { readStaticFile } from './staticFiles';
import { saveUpload } from '../backend/uploads/uploadStore';

export interface ServeOptions {
  backend: Backend;
  /** Folder of the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** For tests only: a fixed token. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The URL to open: the token travels in the fragment, which browsers never send to a server. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const API_CALL = /^\/api\/call\/([a-z][A-Za-z]*\.[a-z][A-Za-z]*)$/;
const UPLOAD = /^\/api\/upload\/([^/]+)$/;

/** Starts browser mode: the built renderer and the contract (HTTP calls, SSE events) on 127.0.0.1 only. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newSessionToken();
  const rendererDir = path.resolve(options.rendererDir);
  const sockets = new Set<Socket>();
  // The guard needs the port, which is known only once the server listens.
  const ready: { guard?: RequestGuard } = {};

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    const guard = ready.guard;
    if (!guard) return sendJson(res, 503, { ok: false, error: { code: 'UNAVAILABLE', message: 'Starting.' } });
    const origin = guard.checkOrigin(req);
    if (!origin.ok) return sendError(res, new ContractError('FORBIDDEN', origin.message), origin.status);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      const auth = guard.checkToken(req);
      if (!auth.ok) return sendError(res, new ContractError('UNAUTHORIZED', auth.message), auth.status);
      res.setHeader('Cache-Control', 'no-store');
      if (url.pathname === '/api/events') return streamEvents(req, res, options.backend);
      const upload = UPLOAD.exec(url.pathname);
      if (upload) {
        if (req.method !== 'PUT') return sendError(res, new ContractError('INVALID_INPUT', 'Uploads use PUT.'), 405);
        return void handleUpload(req, res, options.backend, upload[1]!);
      }
      const match = API_CALL.exec(url.pathname);
      if (!match) return sendError(res, new ContractError('NOT_FOUND', `No API at ${url.pathname}.`));
      if (req.method !== 'POST') return sendError(res, new ContractError('INVALID_INPUT', 'Calls use POST.'), 405);
      return void handleCall(req, res, options.backend, match[1]!);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new ContractError('INVALID_INPUT', 'Only GET here.'), 405);
    const file = readStaticFile(rendererDir, url.pathname);
    if (!file) return sendError(res, new ContractError('NOT_FOUND', `Nothing at ${url.pathname}.`));
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: browser mode is never reachable from another machine.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ready.guard = new RequestGuard(port, token);
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handleCall(req: IncomingMessage, res: ServerResponse, backend: Backend, method: string): Promise<void> {
  try {
    const type = req.headers['content-type'] ?? '';
    // JSON only: an HTML form can never produce this content type, so no cross-site form posts.
    if (!type.toLowerCase().startsWith('application/json')) {
      throw new ContractError('INVALID_INPUT', 'Calls must be sent as application/json.');
    }
    const body = await readBody(req);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new ContractError('INVALID_INPUT', 'The request body is not valid JSON.');
    }
    const result = await backend.call(method, input);
    sendJson(res, 200, { ok: true, result });
  } catch (error) {
    sendError(res, toContractError(error));
  }
}

/** PUT /api/upload/<name>: the raw file body, streamed to the data directory (browser mode's "Import file…"). */
async function handleUpload(req: IncomingMessage, res: ServerResponse, backend: Backend, encodedName: string): Promise<void> {
  try {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('application/octet-stream'))
      throw new ContractError('INVALID_INPUT', 'Uploads must be sent as application/octet-stream.');
    let name: string;
    try {
      name = decodeURIComponent(encodedName);
    } catch {
      throw new ContractError('INVALID_INPUT', 'The upload name is not valid URL encoding.');
    }
    const receipt = await saveUpload(backend.dataDir, name, req);
    sendJson(res, 200, { ok: true, result: receipt });
  } catch (error) {
    sendError(res, toContractError(error));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ContractError('INVALID_INPUT', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function streamEvents(req: IncomingMessage, res: ServerResponse, backend: Backend): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': connected\n\n');
  const unsubscribe = backend.onEvent((envelope) => {
    res.write(`event: ${envelope.event}\ndata: ${JSON.stringify(envelope.payload)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

function sendError(res: ServerResponse, error: ContractError, status = httpStatusOf[error.code]): void {
  sendJson(res, status, { ok: false, error: error.toJSON() });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
