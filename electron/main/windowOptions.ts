import type { BrowserWindowConstructorOptions } from 'electron';

/** The only origin the renderer is ever loaded from. */
export const appOrigin = 'app://concordat';
export const appEntryUrl = `${appOrigin}/index.html`;

/**
 * BrowserWindow options: the security baseline of architecture.md. Kept pure so a test can
 * assert on it without an Electron binary.
 */
export const minimumWindowSize = { width: 960, height: 600 } as const;

/** `bounds`: where the window was last (windowState.ts), already fitted to a display. */
export function buildWindowOptions(
  preloadPath: string,
  bounds?: { x: number; y: number; width: number; height: number },
): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1440,
    height: bounds?.height ?? 900,
    ...(bounds ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
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
