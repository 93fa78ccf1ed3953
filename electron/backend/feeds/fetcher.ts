import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Fetcher } from 'tuf-js';
import { DownloadError, DownloadHTTPError, DownloadLengthMismatchError } from 'tuf-js/dist/error';
import { ContractError } from '../../../shared/contract/errors';
import { isAllowedFeedUrl } from '../../../shared/contract/feeds';

/**
 * The feed transport: https://, http:// on loopback, and file:// (a folder). It is tuf-js's
 * `Fetcher` for metadata and downloads target files itself:
 * - every download has a length cap (the signed length for targets, tuf-js's caps for metadata);
 * - target downloads go to a `.part` file and resume with `Range: bytes=N-` after a dropped
 *   connection, a retry, or a cancelled sync (the part is named by the file's expected SHA-256);
 * - network errors, timeouts, HTTP 5xx/408/429 are retried with exponential backoff and jitter;
 * - each request has an idle timeout (no byte for `timeoutMs`), and the AbortSignal cancels at once.
 * Errors are tuf-js download errors (a 404 must be a `DownloadHTTPError` so that tuf-js stops
 * looking for a newer root), with messages meant for people.
 */
export interface TransportOptions {
  /** Idle timeout of one request, ms (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff delay, ms (default 500); doubles each retry, with jitter, up to `maxBackoffMs` (default 15 000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** 0 ≤ x < 1; tests make the jitter predictable. */
  random?: () => number;
}

export interface FetcherOptions extends TransportOptions {
  signal?: AbortSignal;
  /** Where `.part` files live; must be on the same file system as the blob store. */
  partDir: string;
  /** Called as a file's bytes arrive: its size on disk so far (resumed bytes included). */
  onFileBytes?: (url: string, bytes: number) => void;
}

const USER_AGENT = 'Concordat-feed-client/1';
const MAX_REDIRECTS = 5;

/** A download failed with an HTTP status (a missing file on disk counts as 404). */
export class FeedHttpError extends DownloadHTTPError {
  constructor(
    readonly url: string,
    statusCode: number,
    attempts = 1,
    /** The server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(
      `${url} answered HTTP ${statusCode}${statusCode === 404 ? ' (not found)' : ''}${attempts > 1 ? ` (gave up after ${attempts} attempts)` : ''}`,
      statusCode,
    );
  }
}

/** More bytes arrived than the cap allows. Never retried. */
export class FeedTooLargeError extends DownloadLengthMismatchError {
  constructor(
    readonly url: string,
    readonly maxLength: number,
  ) {
    super(`${url} is larger than the ${maxLength} bytes allowed`);
  }
}

/** A connection problem: refused, reset, timed out, ended early. Retried. */
export class FeedNetworkError extends DownloadError {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${url}: ${reason}`);
  }
}

export function cancelledError(feedName?: string): ContractError {
  return new ContractError(
    'CANCELLED',
    feedName === undefined
      ? 'The feed sync was cancelled. Nothing was changed.'
      : `Feed "${feedName}": the sync was cancelled. Nothing was changed.`,
    feedName === undefined ? undefined : { feed: feedName },
  );
}

interface Opened {
  status: number;
  /** Offset in the file where the body starts (206), else 0. */
  start: number;
  /** Body length when the server says it. */
  length?: number;
  retryAfterMs?: number;
  body: Readable;
  close: () => void;
  /** The idle-timeout error, once the timer fired (the stream itself then fails with a bare "aborted"). */
  timeout?: () => Error | undefined;
}

export class FeedFetcher implements Fetcher {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  /** Metadata bytes received, by URL: used to explain a refusal (e.g. when a timestamp expired). */
  readonly received = new Map<string, Buffer>();
  /** The last download failure, kept because tuf-js flattens some errors into strings. */
  lastFailure: Error | undefined;

  constructor(private readonly options: FetcherOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 15_000;
    this.random = options.random ?? Math.random;
  }

  /** tuf-js: metadata, in memory, capped. */
  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    const bytes = await this.withRetries(url, () => this.bytesOnce(url, maxLength));
    this.received.set(url, bytes);
    return bytes;
  }

  /** tuf-js: a file handed to `handler`, then removed (never resumed: the URL may name changing content). */
  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    fs.mkdirSync(this.options.partDir, { recursive: true });
    const part = path.join(this.options.partDir, `${crypto.randomUUID()}.tmp`);
    try {
      await this.downloadToPart(url, part, { maxLength, resume: false });
      return await handler(part);
    } finally {
      fs.rmSync(part, { force: true });
    }
  }

  /**
   * Downloads `url` into `partFile`, resuming from what the part already holds. Resolves when the
   * part holds the whole file (exactly `expectedLength` bytes when given). The part is deleted
   * when the file proves too large; otherwise it stays for the next attempt or the next sync.
   */
  async downloadToPart(
    url: string,
    partFile: string,
    opts: { maxLength: number; expectedLength?: number; resume?: boolean },
  ): Promise<void> {
    fs.mkdirSync(path.dirname(partFile), { recursive: true });
    if (opts.resume === false) fs.rmSync(partFile, { force: true });
    await this.withRetries(url, () => this.partOnce(url, partFile, opts.maxLength, opts.expectedLength));
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw cancelledError();
  }

  private async withRetries<T>(url: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      this.throwIfAborted();
      try {
        return await attempt();
      } catch (error) {
        if (this.options.signal?.aborted) throw cancelledError();
        const retryable = isRetryable(error);
        if (!retryable || n >= this.retries) {
          const final = retryable && n > 0 ? withAttempts(error as Error, n + 1) : (error as Error);
          this.lastFailure = final;
          throw final;
        }
        const exp = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** n);
        const jittered = exp / 2 + this.random() * (exp / 2);
        const retryAfter = error instanceof FeedNetworkError || error instanceof FeedHttpError ? error.retryAfterMs : undefined;
        await sleep(retryAfter !== undefined ? Math.min(this.maxBackoffMs, Math.max(jittered, retryAfter)) : jittered, this.options.signal);
      }
    }
  }

  private async bytesOnce(url: string, maxLength: number): Promise<Buffer> {
    const opened = await this.open(url, 0);
    try {
      if (opened.status !== 200) throw httpError(url, opened);
      if (opened.length !== undefined && opened.length > maxLength) throw new FeedTooLargeError(url, maxLength);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of opened.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > maxLength) throw new FeedTooLargeError(url, maxLength);
        chunks.push(buf);
      }
      if (opened.length !== undefined && size < opened.length) {
        throw new FeedNetworkError(url, `the connection ended after ${size} of ${opened.length} bytes`);
      }
      return Buffer.concat(chunks);
    } catch (error) {
      throw this.translate(url, opened.timeout?.() ?? error);
    } finally {
      opened.close();
    }
  }

  private async partOnce(url: string, partFile: string, maxLength: number, expectedLength?: number): Promise<void> {
    let have = fileSize(partFile);
    if (have > maxLength || (expectedLength !== undefined && have > expectedLength)) {
      fs.rmSync(partFile, { force: true });
      have = 0;
    }
    if (expectedLength !== undefined && have === expectedLength && have > 0) return;
    const opened = await this.open(url, have);
    try {
      if (opened.status === 416 && have > 0) {
        fs.rmSync(partFile, { force: true });
        throw new FeedNetworkError(url, 'the server could not resume the download; starting again', 0);
      }
      if (opened.status === 206 && have > 0) {
        if (opened.start !== have) {
          fs.rmSync(partFile, { force: true });
          throw new FeedNetworkError(url, `the server resumed at byte ${opened.start}, not ${have}; starting again`, 0);
        }
      } else if (opened.status === 200) {
        have = 0;
      } else {
        throw httpError(url, opened);
      }
      if (opened.length !== undefined && have + opened.length > maxLength) throw new FeedTooLargeError(url, maxLength);
      const fd = fs.openSync(partFile, have > 0 ? 'a' : 'w');
      let size = have;
      try {
        this.options.onFileBytes?.(url, size);
        for await (const chunk of opened.body) {
          const buf = chunk as Buffer;
          size += buf.length;
          if (size > maxLength) throw new FeedTooLargeError(url, maxLength);
          fs.writeSync(fd, buf);
          this.options.onFileBytes?.(url, size);
        }
      } finally {
        fs.closeSync(fd);
      }
      if (expectedLength !== undefined && size < expectedLength) {
        throw new FeedNetworkError(url, `the connection ended after ${size} of ${expectedLength} bytes`);
      }
    } catch (error) {
      if (error instanceof FeedTooLargeError) fs.rmSync(partFile, { force: true });
      throw this.translate(url, opened.timeout?.() ?? error);
    } finally {
      opened.close();
    }
  }

  /** Maps stream errors onto our error classes. */
  private translate(url: string, error: unknown): unknown {
    if (this.options.signal?.aborted) return cancelledError();
    if (error instanceof DownloadError || error instanceof ContractError) return error;
    return networkError(url, error);
  }

  private async open(url: string, from: number): Promise<Opened> {
    let current = new URL(url);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      this.throwIfAborted();
      if (current.protocol === 'file:') return openFile(current, from);
      const opened = await this.openHttp(current, from);
      const location = opened.headers.location;
      if (opened.status >= 300 && opened.status < 400 && opened.status !== 304 && location) {
        opened.close();
        const next = new URL(location, current);
        if (!isAllowedFeedUrl(next.href) || next.protocol === 'file:') {
          throw new FeedHttpError(url, opened.status);
        }
        current = next;
        continue;
      }
      return opened;
    }
    throw new FeedNetworkError(url, `more than ${MAX_REDIRECTS} redirects`);
  }

  private openHttp(url: URL, from: number): Promise<Opened & { headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
      if (from > 0) headers.range = `bytes=${from}-`;
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'GET',
        headers,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      let timedOut: FeedNetworkError | undefined;
      request.setTimeout(this.timeoutMs, () => {
        timedOut = new FeedNetworkError(url.href, `no data for ${formatSeconds(this.timeoutMs)} (timed out)`);
        request.destroy(timedOut);
      });
      request.on('error', (error) => reject(timedOut ?? error));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const lengthHeader = response.headers['content-length'];
        const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
        let start = 0;
        if (status === 206) {
          const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
          start = match ? Number(match[1]) : -1;
        }
        // Errors surface through the body's iterator; this keeps one that fires before iteration from crashing the process.
        response.on('error', () => undefined);
        const retryAfterHeader = response.headers['retry-after'];
        const retryAfter = retryAfterHeader !== undefined && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) * 1000 : undefined;
        resolve({
          status,
          start,
          ...(length !== undefined ? { length } : {}),
          ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
          body: response,
          headers: response.headers,
          close: () => {
            response.destroy();
            request.destroy();
          },
          timeout: () => timedOut,
        });
      });
      request.end();
    });
  }
}

function httpError(url: string, opened: Opened): FeedHttpError {
  return new FeedHttpError(url, opened.status, 1, opened.retryAfterMs);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof FeedTooLargeError || error instanceof ContractError) return false;
  if (error instanceof FeedHttpError) return error.statusCode >= 500 || error.statusCode === 408 || error.statusCode === 429;
  return error instanceof FeedNetworkError;
}

function withAttempts(error: Error, attempts: number): Error {
  if (error instanceof FeedHttpError) return new FeedHttpError(error.url, error.statusCode, attempts, error.retryAfterMs);
  if (error instanceof FeedNetworkError) return new FeedNetworkError(error.url, `${error.reason} (gave up after ${attempts} attempts)`);
  return error;
}

function networkError(url: string, error: unknown): FeedNetworkError {
  if (error instanceof FeedNetworkError) return error;
  const code = (error as { code?: string }).code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    EPIPE: 'the connection was closed',
    ETIMEDOUT: 'the connection timed out',
    ENOTFOUND: 'the host name was not found',
    EAI_AGAIN: 'the host name could not be resolved',
    ERR_STREAM_PREMATURE_CLOSE: 'the connection closed early',
    EHOSTUNREACH: 'the host is unreachable',
  };
  const message = error instanceof Error ? error.message : String(error);
  return new FeedNetworkError(url, (code && reasons[code]) || (message === 'aborted' ? 'the connection closed early' : message));
}

function openFile(url: URL, from: number): Opened {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch {
    throw new FeedHttpError(url.href, 404);
  }
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new FeedHttpError(url.href, 404);
  }
  if (from > size) return { status: 416, start: 0, body: emptyStream(), close: () => undefined };
  const body = fs.createReadStream(file, { start: from });
  return {
    status: from > 0 ? 206 : 200,
    start: from,
    length: size - from,
    body,
    close: () => body.destroy(),
  };
}

function emptyStream(): Readable {
  return Readable.from([]);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
