import type { Session, WebContents } from 'electron';
import { contentSecurityPolicy } from '../../shared/contract/security';
import { isAppUrl, isVettedExternalUrl } from './urlPolicy';

/** Narrow views of Electron objects, so the policy can be exercised in tests without a binary. */
export type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived' | 'onBeforeRequest'>;
};
export type WebContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Session-wide guards: every permission request denied, the CSP on every response, and no
 * request leaves the app except to its own protocol and devtools.
 */
export function applySessionSecurity(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  // The renderer works offline on local data: any request to the network is a bug or an attack.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });
}

/**
 * Per-webContents guards: no navigation away from the app, no new windows (vetted https links
 * go to the system browser instead), no <webview>.
 */
export function hardenWebContents(contents: WebContentsLike, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isVettedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
