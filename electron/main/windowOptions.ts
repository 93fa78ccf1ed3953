import type { BrowserWindowConstructorOptions } from 'electron';

/** The only origin the renderer is ever loaded from. */
export const appOrigin = 'app://concordat';
export const appEntryUrl = `${appOrigin}/index.html`;

/**
 * BrowserWindow options: the security baseline of architecture.md. Kept pure so a test can
 * assert on it without an Electron binary.
 */
export function buildWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Concordat',
    show: false,
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  };
}
