import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { appProtocolResponse, resolveAppFile } from '../../../electron/main/appProtocol';
import { isTrustedSender } from '../../../electron/main/ipcGuard';
import { applySessionSecurity, hardenWebContents, type SessionLike, type WebContentsLike } from '../../../electron/main/securityPolicy';
import { isAppUrl, isVettedExternalUrl } from '../../../electron/main/urlPolicy';
import { appEntryUrl, buildWindowOptions } from '../../../electron/main/windowOptions';
import { tempDir } from '../../helpers/tempDir';

describe('BrowserWindow options', () => {
  const prefs = buildWindowOptions('/app/out/node/preload.cjs').webPreferences!;

  it('isolate the renderer: context isolation, sandbox, no Node, web security on', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(prefs.preload).toBe('/app/out/node/preload.cjs');
  });

  it('load the UI from app://concordat, never file://', () => {
    expect(appEntryUrl).toBe('app://concordat/index.html');
    expect(isAppUrl(appEntryUrl)).toBe(true);
    expect(isAppUrl('file:///app/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('app://elsewhere/index.html')).toBe(false);
  });
});

/** Records the handlers the policy installs, so each can be called as Electron would. */
function fakeSession() {
  const handlers: Record<string, (...args: never[]) => unknown> = {};
  const session = {
    setPermissionRequestHandler: (h: never) => (handlers.permissionRequest = h),
    setPermissionCheckHandler: (h: never) => (handlers.permissionCheck = h),
    setDevicePermissionHandler: (h: never) => (handlers.devicePermission = h),
    webRequest: {
      onHeadersReceived: (h: never) => (handlers.headersReceived = h),
      onBeforeRequest: (h: never) => (handlers.beforeRequest = h),
    },
  };
  return { session: session as unknown as SessionLike, handlers: handlers as Record<string, (...args: unknown[]) => unknown> };
}

describe('session security', () => {
  it('denies every permission request and check', () => {
    const { session, handlers } = fakeSession();
    applySessionSecurity(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      handlers.permissionRequest!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.permissionCheck!({}, permission)).toBe(false);
    }
    expect(handlers.devicePermission!({})).toBe(false);
  });

  it('sets the strict CSP on every response', () => {
    const { session, handlers } = fakeSession();
    applySessionSecurity(session);
    const callback = vi.fn();
    handlers.headersReceived!({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    const headers = callback.mock.calls[0]![0].responseHeaders;
    expect(headers['Content-Security-Policy']).toEqual([
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'",
    ]);
    expect(headers['Content-Type']).toEqual(['text/html']);
  });

  it('lets requests reach only the app itself', () => {
    const { session, handlers } = fakeSession();
    applySessionSecurity(session);
    const verdict = (url: string) => {
      const callback = vi.fn();
      handlers.beforeRequest!({ url }, callback);
      return callback.mock.calls[0]![0].cancel;
    };
    expect(verdict('app://concordat/assets/index.js')).toBe(false);
    expect(verdict('https://attacker.example/x')).toBe(true);
    expect(verdict('http://127.0.0.1:8080/api')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
  });
});

describe('webContents guards', () => {
  function fakeContents() {
    const listeners: Record<string, (event: { preventDefault: () => void }, url?: string) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, l: never) => {
        listeners[name] = l;
        return contents;
      },
      setWindowOpenHandler: (h: never) => (openHandler = h),
    };
    return { contents: contents as unknown as WebContentsLike, listeners, open: (url: string) => openHandler!({ url }) };
  }

  it('blocks navigation and redirects away from the app', () => {
    const { contents, listeners } = fakeContents();
    hardenWebContents(contents, vi.fn());
    for (const name of ['will-navigate', 'will-redirect']) {
      const away = { preventDefault: vi.fn() };
      listeners[name]!(away, 'https://attacker.example/');
      expect(away.preventDefault).toHaveBeenCalled();
      const inside = { preventDefault: vi.fn() };
      listeners[name]!(inside, 'app://concordat/index.html');
      expect(inside.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    listeners['will-attach-webview']!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window; only vetted https links go to the system browser', () => {
    const openExternal = vi.fn();
    const { contents, open } = fakeContents();
    hardenWebContents(contents, openExternal);
    expect(open('https://www.gleif.org/en/lei/search')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://www.gleif.org/en/lei/search');
    for (const url of [
      'http://www.gleif.org/',
      'https://attacker.example/',
      'https://user:pw@www.gleif.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
    ]) {
      openExternal.mockClear();
      expect(open(url)).toEqual({ action: 'deny' });
      expect(openExternal).not.toHaveBeenCalled();
      expect(isVettedExternalUrl(url)).toBe(false);
    }
  });

  it('accepts IPC only from the app top frame', () => {
    expect(isTrustedSender({ senderFrame: { url: 'app://concordat/index.html', parent: null } as never })).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'https://attacker.example/', parent: null } as never })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'app://concordat/index.html', parent: {} } as never })).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as never)).toBe(false);
  });
});

describe('app:// protocol', () => {
  it('serves only files inside the renderer folder, with the CSP', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    expect(resolveAppFile('app://concordat/', dir)?.file).toBe(path.join(dir, 'index.html'));
    expect(resolveAppFile('app://concordat/../../etc/passwd', dir)?.file ?? path.join(dir, 'etc/passwd')).toContain(dir);
    expect(resolveAppFile('app://concordat/%2e%2e/%2e%2e/etc/passwd', dir)).toBeNull();
    expect(resolveAppFile('app://other/index.html', dir)).toBeNull();
    expect(resolveAppFile('file:///etc/passwd', dir)).toBeNull();
    expect(resolveAppFile('app://concordat/secret.sqlite', dir)).toBeNull();
    const ok = await appProtocolResponse('app://concordat/index.html', dir);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect((await appProtocolResponse('app://concordat/missing.js', dir)).status).toBe(404);
  });
});
