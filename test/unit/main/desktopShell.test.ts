import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { fileDialogChannels } from '../../../shared/contract/fileDialogs';
import { aboutContent, releaseKeyId } from '../../../electron/main/aboutBox';
import { buildMenuTemplate } from '../../../electron/main/appMenu';
import { checkForDesktopUpdate, configureUpdater, type UpdaterLike } from '../../../electron/main/desktopUpdater';
import { openDialogOptions, openFiles, saveFile, type DialogShower } from '../../../electron/main/fileDialogs';
import { parseWindowState, restoreBounds, serializeWindowState } from '../../../electron/main/windowState';
import { formatPublicKey, publicKeyFromPrivate } from '../../../electron/backend/release/minisign';
import { projectRoot } from '../../helpers/cli';

/** The desktop shell's code paths that run without the Electron binary (main.ts only wires them to Electron). */
describe('native file dialogs', () => {
  const shower = (chosen: { open?: string[]; save?: string | undefined }) => {
    const calls: unknown[] = [];
    const fake: DialogShower = {
      showOpen: async (options) => {
        calls.push(options);
        return { canceled: !chosen.open, filePaths: chosen.open ?? [] };
      },
      showSave: async (options) => {
        calls.push(options);
        return { canceled: chosen.save === undefined, filePath: chosen.save };
      },
    };
    return { fake, calls };
  };

  it('opens with the purpose’s title, filters and selection, and returns the chosen paths ([] when cancelled)', async () => {
    const { fake, calls } = shower({ open: ['/data/trades.csv', '/data/fx.csv'] });
    expect(await openFiles({ purpose: 'import' }, fake, '/home/me/Documents')).toEqual(['/data/trades.csv', '/data/fx.csv']);
    expect(calls[0]).toMatchObject({
      title: 'Import TR files',
      defaultPath: '/home/me/Documents',
      properties: ['openFile', 'multiSelections'],
      filters: [{ extensions: ['csv', 'xml'] }, { extensions: ['*'] }],
    });
    expect(openDialogOptions('bundle-open').filters![0]).toEqual({ name: 'Case bundles', extensions: ['casebundle'] });
    expect(openDialogOptions('evidence').properties).toEqual(['openFile']);
    expect(await openFiles({ purpose: 'evidence' }, shower({}).fake)).toEqual([]);
  });

  it('saves a bundle where the person chooses, suggesting the name in the documents folder; null when cancelled', async () => {
    const { fake, calls } = shower({ save: '/media/usb/case.casebundle' });
    expect(await saveFile({ purpose: 'bundle-export', suggestedName: 'CASE-2026-001.casebundle' }, fake, '/home/me/Documents')).toBe(
      '/media/usb/case.casebundle',
    );
    expect(calls[0]).toMatchObject({
      defaultPath: '/home/me/Documents/CASE-2026-001.casebundle',
      properties: ['createDirectory'],
    });
    // A name typed without the extension keeps it.
    expect(await saveFile({ purpose: 'bundle-export', suggestedName: 'x.casebundle' }, shower({ save: '/tmp/for-bafin' }).fake)).toBe(
      '/tmp/for-bafin.casebundle',
    );
    expect(await saveFile({ purpose: 'bundle-export', suggestedName: 'x.casebundle' }, shower({}).fake)).toBeNull();
  });

  it('refuses any other request from the renderer before a dialog opens', async () => {
    const { fake, calls } = shower({ open: ['/etc/passwd'] });
    await expect(openFiles({ purpose: 'anything' }, fake)).rejects.toThrow();
    await expect(openFiles({ purpose: 'import', defaultPath: '/etc' }, fake)).rejects.toThrow();
    await expect(saveFile({ purpose: 'bundle-export', suggestedName: '../../.bashrc' }, fake)).rejects.toThrow(/a file name, not a path/);
    expect(calls).toEqual([]);
  });

  it('uses the same IPC channels in main and in the sandboxed preload', () => {
    const preload = fs.readFileSync(path.join(projectRoot, 'electron/preload/preload.ts'), 'utf8');
    expect(preload).toContain(`open: '${fileDialogChannels.open}'`);
    expect(preload).toContain(`save: '${fileDialogChannels.save}'`);
  });
});

describe('window bounds', () => {
  const min = { width: 960, height: 600 };
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const external = { x: 1440, y: 0, width: 2560, height: 1440 };

  it('are restored where they were when that display is still there', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000, maximized: true };
    expect(restoreBounds(parseWindowState(serializeWindowState(saved)), [laptop, external], min)).toEqual(saved);
  });

  it('move onto a display and shrink to it when the display they were on is gone or smaller', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000, maximized: false };
    expect(restoreBounds(saved, [laptop], min)).toBeUndefined(); // off screen: the defaults apply
    const partly = { x: 1000, y: 100, width: 1800, height: 1000, maximized: false };
    expect(restoreBounds(partly, [laptop], min)).toEqual({ x: 0, y: 0, width: 1440, height: 900, maximized: false });
  });

  it('ignore an unreadable saved file', () => {
    expect(parseWindowState(undefined)).toBeUndefined();
    expect(parseWindowState('{not json')).toBeUndefined();
    expect(parseWindowState('{"x":1,"y":2,"width":-5,"height":3,"maximized":false}')).toBeUndefined();
  });
});

describe('application menu', () => {
  const actions = { about: () => undefined, checkForUpdates: () => undefined };
  const roles = (template: ReturnType<typeof buildMenuTemplate>) =>
    template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu.map((i) => i.role ?? i.label) : []));

  it('has the usual items by role (their accelerators come with the role), About and the update check', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const items = roles(buildMenuTemplate({ platform, development: false, actions }));
      expect(items).toEqual(
        expect.arrayContaining(['copy', 'paste', 'cut', 'undo', 'redo', 'selectAll', 'quit', 'close', 'togglefullscreen', 'zoomIn']),
      );
      expect(items).toEqual(expect.arrayContaining(['About Concordat', 'Check for Updates…']));
      expect(items).not.toContain('toggleDevTools');
    }
    expect(buildMenuTemplate({ platform: 'darwin', development: false, actions })[0]!.label).toBe('Concordat');
    expect(roles(buildMenuTemplate({ platform: 'linux', development: true, actions }))).toContain('toggleDevTools');
  });
});

describe('About box', () => {
  it('shows the version, the commit and the release key id minisign shows for the key', () => {
    const key = publicKeyFromPrivate(crypto.generateKeyPairSync('ed25519').privateKey);
    const pub = formatPublicKey(key);
    expect(releaseKeyId(pub)).toBe(key.keyId);
    const about = aboutContent({ version: '1.2.3', commit: 'abc123', releasePublicKey: pub });
    expect(about.message).toBe('Concordat 1.2.3');
    expect(about.detail).toContain('Commit: abc123');
    expect(about.detail).toContain(`Release key: ${key.keyId}`);
    expect(aboutContent({ version: '1.2.3', commit: 'abc', releasePublicKey: undefined }).detail).toContain(
      'Release key: none (a development build',
    );
    expect(releaseKeyId('untrusted comment: x\nnot a key')).toBeUndefined();
  });
});

describe('desktop updates', () => {
  function fakeUpdater(version: string | null, fail?: Error) {
    const log: string[] = [];
    const updater: UpdaterLike = {
      autoDownload: true,
      autoInstallOnAppQuit: true,
      checkForUpdates: async () => {
        if (fail) throw fail;
        return version ? { isUpdateAvailable: version !== '1.2.0' && version !== '1.1.0', updateInfo: { version } } : null;
      },
      downloadUpdate: async () => log.push('download'),
      quitAndInstall: () => log.push('install'),
    };
    return { updater, log };
  }
  const answers = (...choices: number[]) => {
    const asked: string[] = [];
    return { asked, ui: { ask: async (message: string) => (asked.push(message), choices.shift() ?? 0) } };
  };

  it('never downloads or installs without a yes', async () => {
    const { updater, log } = fakeUpdater('1.3.0');
    configureUpdater(updater);
    expect([updater.autoDownload, updater.autoInstallOnAppQuit]).toEqual([false, false]);
    const declined = answers(1);
    expect(await checkForDesktopUpdate({ packaged: true, platform: 'win32', currentVersion: '1.2.0', updater, ui: declined.ui })).toBe(
      'declined',
    );
    expect(log).toEqual([]);
    expect(declined.asked).toEqual(['Concordat 1.3.0 is available.']);
    const later = answers(0, 1);
    expect(await checkForDesktopUpdate({ packaged: true, platform: 'win32', currentVersion: '1.2.0', updater, ui: later.ui })).toBe(
      'postponed',
    );
    expect(log).toEqual(['download']);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(await checkForDesktopUpdate({ packaged: true, platform: 'win32', currentVersion: '1.2.0', updater, ui: answers(0, 0).ui })).toBe(
      'installing',
    );
    expect(log).toEqual(['download', 'download', 'install']);
  });

  it('says when there is nothing to do, and shows a failed check (a bad signature, no network) instead of hiding it', async () => {
    expect(
      await checkForDesktopUpdate({
        packaged: true,
        platform: 'win32',
        currentVersion: '1.2.0',
        updater: fakeUpdater('1.2.0').updater,
        ui: answers().ui,
      }),
    ).toBe('up-to-date');
    expect(
      await checkForDesktopUpdate({
        packaged: false,
        platform: 'darwin',
        currentVersion: '1.2.0',
        updater: fakeUpdater('9.9.9').updater,
        ui: answers().ui,
      }),
    ).toBe('not-packaged');
    const failed = answers();
    const error = new Error('New version 1.3.0 is not signed by the application owner: publisherNames: Concordat');
    expect(
      await checkForDesktopUpdate({
        packaged: true,
        platform: 'win32',
        currentVersion: '1.2.0',
        updater: fakeUpdater(null, error).updater,
        ui: failed.ui,
      }),
    ).toBe('failed');
    expect(failed.asked).toEqual(['The update could not be checked or installed.']);
  });

  it('offers a lower version on the host as nothing to do, and does not update itself on Linux (no signature to check)', async () => {
    const older = fakeUpdater('1.1.0');
    expect(
      await checkForDesktopUpdate({
        packaged: true,
        platform: 'darwin',
        currentVersion: '1.2.0',
        updater: older.updater,
        ui: answers(0, 0).ui,
      }),
    ).toBe('up-to-date');
    expect(older.log).toEqual([]);
    const linux = fakeUpdater('1.3.0');
    const asked = answers(0, 0);
    expect(
      await checkForDesktopUpdate({ packaged: true, platform: 'linux', currentVersion: '1.2.0', updater: linux.updater, ui: asked.ui }),
    ).toBe('unsupported');
    expect(linux.log).toEqual([]);
    expect(asked.asked).toEqual(['Update Concordat through your software repository.']);
  });

  it('is configured for the generic provider, with the Windows code-signature check on', () => {
    const config = loadYaml(fs.readFileSync(path.join(projectRoot, 'electron-builder.yml'), 'utf8')) as {
      publish: { provider: string; url: string };
      win: { verifyUpdateCodeSignature: boolean };
    };
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.CONCORDAT_UPDATE_URL}' });
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
  });
});
