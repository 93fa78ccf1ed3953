import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu, built as a plain template (tested without Electron). Standard roles give each platform's
 * usual items and accelerators (copy and paste, zoom, full screen, close, quit); the app adds About and the update
 * check. Reload and the developer tools are offered in development builds only.
 */
export interface MenuActions {
  about(): void;
  checkForUpdates(): void;
}

export function buildMenuTemplate(options: {
  platform: NodeJS.Platform;
  development: boolean;
  actions: MenuActions;
}): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About Concordat', click: () => options.actions.about() };
  const updates: MenuItemConstructorOptions = { label: 'Check for Updates…', click: () => options.actions.checkForUpdates() };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Concordat',
      submenu: [
        about,
        updates,
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: 'File',
    submenu: mac ? [{ role: 'close' }] : [{ role: 'close' }, { type: 'separator' }, { role: 'quit', accelerator: 'Ctrl+Q' }],
  });
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: 'View',
    submenu: [
      ...(options.development
        ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: 'Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }],
  });
  if (!mac) template.push({ label: 'Help', submenu: [updates, { type: 'separator' }, about] });
  return template;
}
