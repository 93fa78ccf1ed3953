import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export interface SeenRequest {
  path: string;
  range: string | undefined;
}

/** A hook may answer a request itself (return true), e.g. to tamper, stall or drop the connection. */
export type Hook = (req: http.IncomingMessage, res: http.ServerResponse, relPath: string, file: string | undefined) => boolean | void;

/**
 * A real HTTP server on 127.0.0.1 serving a published feed folder, as a static host would
 * (with Range support unless `honourRange` is off), plus hooks to misbehave.
 */
export class FeedServer {
  readonly requests: SeenRequest[] = [];
  honourRange = true;
  hook: Hook | undefined;
  /** Bytes served instead of a file's own, by path relative to the root (e.g. "timestamp.json"). */
  readonly replace = new Map<string, Buffer>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    public root: string,
    private readonly server: http.Server,
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(root: string): Promise<FeedServer> {
    const handler: { serve?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {};
    const server = http.createServer((req, res) => handler.serve?.(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const instance = new FeedServer(root, server, `http://127.0.0.1:${port}/`);
    handler.serve = (req, res) => instance.serve(req, res);
    return instance;
  }

  /** Requests whose path ends with `suffix`. */
  seen(suffix: string): SeenRequest[] {
    return this.requests.filter((r) => r.path.endsWith(suffix));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const relPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    this.requests.push({ path: relPath, range: req.headers.range });
    const file = path.join(this.root, ...relPath.split('/'));
    const exists = !relPath.includes('..') && fs.existsSync(file) && fs.statSync(file).isFile();
    if (this.hook?.(req, res, relPath, exists ? file : undefined)) return;
    const replaced = this.replace.get(relPath);
    if (!replaced && !exists) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = replaced ?? fs.readFileSync(file);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && this.honourRange) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'accept-ranges': this.honourRange ? 'bytes' : 'none' });
    res.end(body);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
