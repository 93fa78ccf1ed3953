/**
 * "Check for Updates…" in the desktop app: electron-updater with electron-builder's generic provider, pointed at
 * the agency's update host (electron-builder.yml `publish`, its URL from CONCORDAT_UPDATE_URL at build time). The
 * package is checked against the SHA-512 of the signed-over-TLS latest*.yml and, on Windows, against the
 * publisher of the installed build's code signature (`verifyUpdateCodeSignature` stays on); on macOS Squirrel.Mac
 * checks the Developer ID signature. Nothing is downloaded or installed without the person's yes.
 * The Electron and electron-updater objects are injected so the flow is tested without the binary.
 */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
}

export interface UpdateUi {
  /** Shows a message; resolves to the index of the button chosen. */
  ask(message: string, detail: string, buttons: string[]): Promise<number>;
}

export type UpdateOutcome = 'not-packaged' | 'unsupported' | 'up-to-date' | 'declined' | 'installing' | 'postponed' | 'failed';

/**
 * What checks a downloaded update before it runs, by platform. On Linux electron-updater checks only the SHA-512
 * that latest-linux.yml (from the same host) lists: no signature, so the desktop app does not update itself there.
 */
export function updateSignatureCheck(platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return 'Its code signature is checked against the publisher of this installed build before it is installed.';
  if (platform === 'darwin') return 'Its Developer ID signature is checked by macOS before it is installed.';
  return undefined;
}

export function configureUpdater(updater: UpdaterLike): void {
  // Never behind the person's back: they choose when to download and when to restart.
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
}

export async function checkForDesktopUpdate(options: {
  packaged: boolean;
  platform: NodeJS.Platform;
  currentVersion: string;
  updater: UpdaterLike;
  ui: UpdateUi;
}): Promise<UpdateOutcome> {
  const { updater, ui } = options;
  const signatureCheck = updateSignatureCheck(options.platform);
  if (!signatureCheck) {
    await ui.ask(
      'Update Concordat through your software repository.',
      'On Linux the desktop app does not update itself (an update could not be checked against a signature here). Install the signed .deb from your agency’s repository, or use the portable package, whose updates are signed (concordat update).',
      ['OK'],
    );
    return 'unsupported';
  }
  if (!options.packaged) {
    await ui.ask('Updates apply to installed builds.', 'This copy runs from a source checkout: update it with git and npm ci.', ['OK']);
    return 'not-packaged';
  }
  try {
    const result = await updater.checkForUpdates();
    const version = result?.updateInfo.version;
    // electron-updater decides (semver, newer only); a lower version on the host is not offered.
    if (!result?.isUpdateAvailable || !version) {
      await ui.ask(`Concordat ${options.currentVersion} is up to date.`, '', ['OK']);
      return 'up-to-date';
    }
    const download = await ui.ask(
      `Concordat ${version} is available.`,
      `You have ${options.currentVersion}. Download it now? ${signatureCheck}`,
      ['Download', 'Not now'],
    );
    if (download !== 0) return 'declined';
    await updater.downloadUpdate();
    const restart = await ui.ask(
      `Concordat ${version} is ready.`,
      'Restart now to install it, or later: it installs when you next quit Concordat.',
      ['Restart now', 'Later'],
    );
    if (restart !== 0) {
      updater.autoInstallOnAppQuit = true;
      return 'postponed';
    }
    updater.quitAndInstall();
    return 'installing';
  } catch (error) {
    await ui.ask('The update could not be checked or installed.', error instanceof Error ? error.message : String(error), ['OK']);
    return 'failed';
  }
}
