import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import { autoUpdater } from 'electron-updater';
import { fileDialogChannels } from '../../shared/contract/fileDialogs';
import { aboutContent, releaseKeyId } from './aboutBox';
import { appProtocolResponse } from './appProtocol';
import { buildMenuTemplate } from './appMenu';
import { BackendProcess, portChannels } from './backendProcess';
import { isTrustedSender } from './ipcGuard';
import { checkForDesktopUpdate, configureUpdater } from './desktopUpdater';
import { openFiles, saveFile, type DialogShower } from './fileDialogs';
import { desktopKeySecret } from './keySecret';
import { applySessionSecurity, hardenWebContents } from './securityPolicy';
import { isVettedExternalUrl } from './urlPolicy';
import { appEntryUrl, buildWindowOptions, minimumWindowSize } from './windowOptions';
import { parseWindowState, restoreBounds, serializeWindowState, windowStateFileName } from './windowState';

/** Set at build time (electron/scripts/build.mjs). */
declare const __CONCORDAT_COMMIT__: string;
declare const __CONCORDAT_RELEASE_PUBLIC_KEY__: string;

const bundleDir = __dirname; // out/node
const rendererDir = path.join(bundleDir, '..', 'renderer');

function dataDirFromArgs(): string {
  const arg = process.argv.find((a) => a.startsWith('--data-dir='));
  return arg ? path.resolve(arg.slice('--data-dir='.length)) : app.getPath('userData');
}

// Must precede 'ready': app:// behaves as a secure, standard origin for fetch, storage and CSP.
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const dataDir = dataDirFromArgs();
  const backend = new BackendProcess(path.join(bundleDir, 'backendHost.cjs'), dataDir, () => desktopKeySecret(dataDir));
  const openExternal = (url: string) => {
    if (isVettedExternalUrl(url)) void shell.openExternal(url);
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  ipcMain.on(portChannels.request, (event) => {
    if (!isTrustedSender(event)) return;
    backend.connect(event.sender);
  });

  // Native dialogs: the renderer names a purpose (parsed with zod in fileDialogs.ts), main shows the dialog.
  const shower = (event: Electron.IpcMainInvokeEvent): DialogShower => {
    const win = BrowserWindow.fromWebContents(event.sender);
    return {
      showOpen: (options) => (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options)),
      showSave: (options) => (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options)),
    };
  };
  ipcMain.handle(fileDialogChannels.open, (event, request: unknown) => {
    if (!isTrustedSender(event)) throw new Error('Refused: not a window of this app.');
    return openFiles(request, shower(event), app.getPath('documents'));
  });
  ipcMain.handle(fileDialogChannels.save, (event, request: unknown) => {
    if (!isTrustedSender(event)) throw new Error('Refused: not a window of this app.');
    return saveFile(request, shower(event), app.getPath('documents'));
  });

  const buildInfo = {
    version: app.getVersion(),
    commit: __CONCORDAT_COMMIT__,
    releasePublicKey: __CONCORDAT_RELEASE_PUBLIC_KEY__ || undefined,
  };
  const showAbout = () => {
    const content = aboutContent(buildInfo);
    const win = BrowserWindow.getFocusedWindow();
    const options = { type: 'info' as const, ...content, buttons: ['OK'] };
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };
  configureUpdater(autoUpdater);
  const checkForUpdates = () =>
    void checkForDesktopUpdate({
      packaged: app.isPackaged,
      platform: process.platform,
      currentVersion: app.getVersion(),
      updater: autoUpdater,
      ui: {
        ask: async (message, detail, buttons) => {
          const win = BrowserWindow.getFocusedWindow();
          const options = { type: 'info' as const, message, detail, buttons };
          return (await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options))).response;
        },
      },
    });

  // The window opens where it was last closed, if that still fits a display.
  const stateFile = () => path.join(app.getPath('userData'), windowStateFileName);
  const createWindow = () => {
    let saved: string | undefined;
    try {
      saved = fs.readFileSync(stateFile(), 'utf8');
    } catch {
      saved = undefined;
    }
    const bounds = restoreBounds(
      parseWindowState(saved),
      screen.getAllDisplays().map((d) => d.workArea),
      minimumWindowSize,
    );
    const win = new BrowserWindow(buildWindowOptions(path.join(bundleDir, 'preload.cjs'), bounds));
    win.once('ready-to-show', () => {
      if (bounds?.maximized) win.maximize();
      win.show();
    });
    win.on('close', () => {
      try {
        fs.writeFileSync(stateFile(), serializeWindowState({ ...win.getNormalBounds(), maximized: win.isMaximized() }));
      } catch {
        // Remembering the window's place is a convenience; failing to write it must not block closing.
      }
    });
    void win.loadURL(appEntryUrl);
  };

  void app.whenReady().then(() => {
    applySessionSecurity(session.defaultSession);
    protocol.handle('app', (request) => appProtocolResponse(request.url, rendererDir));
    const keyId = releaseKeyId(buildInfo.releasePublicKey);
    app.setAboutPanelOptions({
      applicationName: 'Concordat',
      applicationVersion: buildInfo.version,
      version: buildInfo.commit.slice(0, 12),
      credits: keyId ? `Release key ${keyId}` : 'Development build (no release key)',
    });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({ platform: process.platform, development: !app.isPackaged, actions: { about: showAbout, checkForUpdates } }),
      ),
    );
    backend.start();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => backend.stop());
}
