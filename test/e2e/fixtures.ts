import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, chromium, type Browser } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  dbFile: string;
}

/** Chromium from Debian (or CHROMIUM_PATH): tests never download a browser. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found)
    throw new Error(
      `No Chromium found (looked at ${candidates.join(', ')}). Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  return found;
}

/** Starts `concordat serve` on a fresh data directory and reads the URL it prints. */
export async function serve(dataDir: string): Promise<{ app: ServedApp; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [path.join(root, 'electron/cli/bin.cjs'), 'serve', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, CONCORDAT_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`concordat serve printed no URL in 30 s. stderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /^Concordat is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`concordat serve exited (${code}): ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    app: { url, origin: parsed.origin, token: parsed.hash.replace('#token=', ''), dataDir, dbFile: path.join(dataDir, 'concordat.db') },
    child,
    stderr: () => stderr,
  };
}

/** Calls the contract over HTTP as the renderer does. */
export async function apiCall<T>(app: ServedApp, method: string, input: unknown): Promise<T> {
  const response = await fetch(`${app.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.token}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; result: T; error?: unknown };
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
  return body.result;
}

export const test = base.extend<{ browser: Browser }, { served: ServedApp; sharedBrowser: Browser }>({
  served: [
    async ({}, use) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-e2e-'));
      const { app, child } = await serve(dataDir);
      await use(app);
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  sharedBrowser: [
    async ({}, use) => {
      // chromium.launch starts from a fresh temporary profile each time, removed on close.
      const browser = await chromium.launch({
        executablePath: chromiumPath(),
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  browser: async ({ sharedBrowser }, use) => use(sharedBrowser),
});

export { expect } from '@playwright/test';
