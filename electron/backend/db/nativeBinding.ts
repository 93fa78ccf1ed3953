import type Database from 'better-sqlite3';

/**
 * better-sqlite3 is compiled for one Node ABI. The CLI and browser mode use Node's build in
 * node_modules; a development run of the desktop app passes, in CONCORDAT_SQLITE_BINDING, a
 * copy compiled for Electron's ABI (see electron/cli/electronNative.ts). Packaged builds are
 * rebuilt for Electron by electron-builder and need no override.
 */
export function sqliteOptions(options: Database.Options = {}): Database.Options {
  const binding = process.env.CONCORDAT_SQLITE_BINDING;
  return binding ? { ...options, nativeBinding: binding } : options;
}
