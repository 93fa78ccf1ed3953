import path from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { appProtocolResponse } from './appProtocol';
import { BackendProcess, portChannels } from './backendProcess';
import { isTrustedSender } from './ipcGuard';
import { desktopKeySecret } from './keySecret';
import { applySessionSecurity, hardenWebContents } from './securityPolicy';
import { isVettedExternalUrl } from './urlPolicy';
import { appEntryUrl, buildWindowOptions } from './windowOptions';

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

  const createWindow = () => {
    const win = new BrowserWindow(buildWindowOptions(path.join(bundleDir, 'preload.cjs')));
    win.once('ready-to-show', () => win.show());
    void win.loadURL(appEntryUrl);
  };

  void app.whenReady().then(() => {
    applySessionSecurity(session.defaultSession);
    protocol.handle('app', (request) => appProtocolResponse(request.url, rendererDir));
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
