import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Backend } from '../backend/backend';
import { toContractError } from '../backend/backend';
import { ContractError } from '../../shared/contract/errors';
import { httpStatusOf } from './httpStatus';
import { newSessionToken, RequestGuard } from './requestGuard';
import { securityHeaders } from './securityHeaders';
import { readStaticFile } from './staticFiles';
import { refuseServerPaths } from './browserPolicy';
import { evidenceFile } from '../backend/cases/items.repo';
import { resolveOutbox } from '../backend/bundles/outbox';
import { saveUpload, sweepUploads, UploadLimitError, type UploadLimits } from '../backend/uploads/uploadStore';

export interface ServeOptions {
  backend: Backend;
  /** Folder of the built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** For tests only: a fixed token. */
  token?: string;
  /** For tests only: other upload limits, or a clock for their expiry (uploadStore.ts has the defaults). */
  uploadLimits?: Partial<UploadLimits>;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The URL to open: the token travels in the fragment, which browsers never send to a server. */
  url: string;
  close(): Promise<void>;
}

/** The largest JSON body of a call (files travel as uploads, not in calls). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How often expired and orphaned uploads are swept while the server runs (also before every upload and import). */
const UPLOAD_SWEEP_INTERVAL_MS = 3600_000;
const API_CALL = /^\/api\/call\/([a-z][A-Za-z]*\.[a-z][A-Za-z]*)$/;
const UPLOAD = /^\/api\/upload\/([^/]+)$/;
const EVIDENCE = /^\/api\/evidence\/(\d{1,12})$/;
const OUTBOX = /^\/api\/outbox\/(.+)$/;

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
        return void handleUpload(req, res, options.backend, upload[1]!, options.uploadLimits);
      }
      const evidence = EVIDENCE.exec(url.pathname);
      if (evidence) {
        if (req.method !== 'GET') return sendError(res, new ContractError('INVALID_INPUT', 'Evidence is read with GET.'), 405);
        return sendEvidence(res, options.backend, Number(evidence[1]));
      }
      const outbox = OUTBOX.exec(url.pathname);
      if (outbox) {
        if (req.method !== 'GET') return sendError(res, new ContractError('INVALID_INPUT', 'Exported bundles are read with GET.'), 405);
        return sendOutboxFile(res, options.backend, outbox[1]!);
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
  const sweeper = setInterval(() => {
    try {
      sweepUploads(options.backend.dataDir, options.uploadLimits);
    } catch {
      // The next sweep (or upload) tries again.
    }
  }, UPLOAD_SWEEP_INTERVAL_MS);
  sweeper.unref();
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweeper);
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
    const declared = declaredLength(req);
    if (declared !== undefined && declared > MAX_BODY_BYTES) throw new BodyTooLargeError();
    const body = await readBody(req);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new ContractError('INVALID_INPUT', 'The request body is not valid JSON.');
    }
    refuseServerPaths(method, input);
    const result = await backend.call(method, input);
    sendJson(res, 200, { ok: true, result });
  } catch (error) {
    sendError(res, toContractError(error));
  }
}

/**
 * PUT /api/upload/<name>: the raw file body, streamed to the data directory (browser mode's "Import file…"), within
 * the per-upload limit and the quota of pending uploads: refused from its Content-Length before any byte is read when
 * it announces too much, else as soon as the bytes pass a limit.
 */
async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  backend: Backend,
  encodedName: string,
  limits: Partial<UploadLimits> | undefined,
): Promise<void> {
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
    // The store reads a pass-through, not the request: a refused upload must not destroy the request (and reset the
    // connection) before its answer is sent.
    const body = new PassThrough();
    req.pipe(body);
    req.on('close', () => {
      if (!req.complete) body.destroy(new Error('The client stopped sending.'));
    });
    const declared = declaredLength(req);
    const receipt = await saveUpload(backend.dataDir, name, body, {
      ...(declared !== undefined ? { declaredBytes: declared } : {}),
      limits,
    });
    sendJson(res, 200, { ok: true, result: receipt });
  } catch (error) {
    sendError(res, toContractError(error));
  }
}

/** A call body over MAX_BODY_BYTES: answered 413. */
class BodyTooLargeError extends ContractError {
  constructor() {
    super('INVALID_INPUT', `The request body is larger than the limit of ${MAX_BODY_BYTES} bytes (1 MiB).`, { limitBytes: MAX_BODY_BYTES });
  }
}

/** The Content-Length a request announces (Node has checked its syntax), if any. */
function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  if (value === undefined) return undefined;
  const bytes = Number(value);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

/** Reads a call body up to MAX_BODY_BYTES; past that it stops keeping bytes and fails (the answer discards the rest). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new ContractError('INVALID_INPUT', 'The request body did not arrive whole.'));
    });
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

/** The HTTP status of an error: its code's, but 413 for a body or upload over its limit and 507 over the upload quota. */
function statusOf(error: ContractError): number {
  if (error instanceof BodyTooLargeError) return 413;
  if (error instanceof UploadLimitError) return error.limit === 'quota' ? 507 : 413;
  return httpStatusOf[error.code];
}

/**
 * Sends an error. When the request's body is still arriving (refused unread, or cut off at a limit), the rest is
 * discarded as it comes, never kept, and the connection is closed once the answer is out: the client reads the
 * answer instead of a reset connection.
 */
function sendError(res: ServerResponse, error: ContractError, status = statusOf(error)): void {
  const req = res.req;
  const hasBody = req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
  if (hasBody && !req.complete) {
    res.setHeader('Connection', 'close');
    req.unpipe();
    req.resume();
  }
  sendJson(res, status, { ok: false, error: error.toJSON() });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * GET /api/evidence/<itemId>: an evidence file's stored bytes, always as a download. Whatever the
 * file is, the browser must not run it in our origin: the type is the sniffed one but never HTML
 * or script (those go as text/plain or octet-stream), nosniff forbids guessing, the CSP sandbox
 * gives any document an opaque origin with no script, and Content-Disposition: attachment keeps
 * it out of the page.
 */
function sendEvidence(res: ServerResponse, backend: Backend, itemId: number): void {
  let found: ReturnType<typeof evidenceFile>;
  try {
    found = evidenceFile(backend.db, backend.dataDir, itemId);
  } catch (error) {
    return sendError(res, error instanceof ContractError ? error : new ContractError('INTERNAL', String(error)));
  }
  const inert = /^(text\/html|application\/xhtml|image\/svg|application\/xml|text\/xml|application\/javascript|text\/javascript)/.test(
    found.mediaType,
  );
  const type = inert
    ? found.mediaType.startsWith('text/') || found.mediaType.includes('xml')
      ? 'text/plain; charset=utf-8'
      : 'application/octet-stream'
    : found.mediaType;
  const ascii = found.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': found.size,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(found.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  fs.createReadStream(found.file).pipe(res);
}

/**
 * GET /api/outbox/<uuid>/<file>.casebundle: a bundle an export wrote to the outbox (browser mode's "Save bundle"),
 * always as a download. The id is matched whole against the outbox's own pattern; nothing else is ever served.
 */
function sendOutboxFile(res: ServerResponse, backend: Backend, outboxId: string): void {
  let found: ReturnType<typeof resolveOutbox>;
  try {
    found = resolveOutbox(backend.dataDir, decodeURIComponent(outboxId));
  } catch (error) {
    return sendError(res, error instanceof ContractError ? error : new ContractError('NOT_FOUND', 'No such exported bundle.'));
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': found.size,
    'Content-Disposition': `attachment; filename="${found.name}"`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  fs.createReadStream(found.file).pipe(res);
}
