import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { portableManifestName } from '../backend/release/portablePackage';

/** Folder of the bundled Node code (out/node); the renderer build sits beside it. */
export const bundleDir = __dirname;
export const rendererDir = path.join(bundleDir, '..', 'renderer');
export const jobWorkerFile = path.join(bundleDir, 'jobWorker.cjs');
/** The app's root: a source checkout, or an installed package's app folder. */
export const appRoot = path.join(bundleDir, '..', '..');

/** Whether this is an installed portable package (release/portablePackage.ts), not a source checkout. */
export function runsFromPortablePackage(): boolean {
  return fs.existsSync(path.join(appRoot, portableManifestName));
}

/** The release public key a signed build carries (release build writes it; absent in development). */
export const embeddedReleaseKeyName = 'release-key.pub';
export function embeddedReleaseKeyFile(): string | undefined {
  const file = path.join(appRoot, embeddedReleaseKeyName);
  return fs.existsSync(file) ? file : undefined;
}

/** Set at build time from package.json. */
declare const __CONCORDAT_VERSION__: string | undefined;
export const appVersion = typeof __CONCORDAT_VERSION__ === 'string' ? __CONCORDAT_VERSION__ : '0.0.0-dev';

/**
 * The default data directory: where the desktop app keeps its data (Electron's userData
 * for the product name "Concordat"), so the CLI and browser mode see the same database.
 */
export function defaultDataDir(): string {
  if (process.env.CONCORDAT_DATA_DIR) return path.resolve(process.env.CONCORDAT_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Concordat');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Concordat');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Concordat');
  }
}

export function resolveDataDir(option: string | undefined): string {
  return option ? path.resolve(option) : defaultDataDir();
}
