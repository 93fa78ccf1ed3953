import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

/**
 * Browser-mode request checks. Host must name this server (defeats DNS rebinding: a foreign
 * name that resolves to 127.0.0.1 is refused), Origin, when a browser sends one, must be
 * this server's own, and API requests must carry the per-start token.
 */
export class RequestGuard {
  private readonly allowedHosts: Set<string>;
  private readonly allowedOrigins: Set<string>;
  private readonly tokenBytes: Buffer;

  constructor(port: number, token: string) {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.allowedOrigins = new Set([...this.allowedHosts].map((h) => `http://${h}`));
    this.tokenBytes = Buffer.from(token, 'utf8');
  }

  checkOrigin(req: IncomingMessage): GuardVerdict {
    const host = req.headers.host;
    if (!host || !this.allowedHosts.has(host.toLowerCase())) {
      return { ok: false, status: 403, message: 'Forbidden: this server answers only to 127.0.0.1 or localhost on its own port.' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin.toLowerCase())) {
      return { ok: false, status: 403, message: 'Forbidden: requests from other origins are refused.' };
    }
    return { ok: true };
  }

  checkToken(req: IncomingMessage): GuardVerdict {
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!presented) return { ok: false, status: 401, message: 'Unauthorized: the session token is missing.' };
    const bytes = Buffer.from(presented, 'utf8');
    // Constant-time comparison, so the token cannot be guessed byte by byte from timings.
    if (bytes.length !== this.tokenBytes.length || !crypto.timingSafeEqual(bytes, this.tokenBytes)) {
      return { ok: false, status: 401, message: 'Unauthorized: the session token is wrong.' };
    }
    return { ok: true };
  }
}

/** A fresh random token per server start (256 bits, URL-safe). */
export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}
