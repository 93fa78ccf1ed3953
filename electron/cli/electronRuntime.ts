import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds, once per Electron version, a copy of better-sqlite3 compiled for Electron's ABI in
 * out/electron-native, leaving node_modules (Node's ABI, used by the CLI and the tests) as it
 * is. Returns the path of the compiled addon, or undefined (with the reason on stderr).
 */
export function ensureElectronSqliteBinding(projectRoot: string): string | undefined {
  const electronVersion = (
    JSON.parse(fs.readFileSync(path.join(projectRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
  ).version;
  const dir = path.join(projectRoot, 'out', 'electron-native');
  const moduleDir = path.join(dir, 'node_modules', 'better-sqlite3');
  const binding = path.join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  const stamp = path.join(dir, `built-for-electron-${electronVersion}`);
  if (fs.existsSync(binding) && fs.existsSync(stamp)) return binding;

  process.stderr.write(`Compiling better-sqlite3 for Electron ${electronVersion} (once)…\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(moduleDir), { recursive: true });
  fs.cpSync(path.join(projectRoot, 'node_modules', 'better-sqlite3'), moduleDir, { recursive: true });
  const version = (JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8')) as { version: string }).version;
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'concordat-electron-native', private: true, dependencies: { 'better-sqlite3': version } }),
  );
  const cli = path.join(projectRoot, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js');
  const result = spawnSync(
    process.execPath,
    [cli, '--version', electronVersion, '--module-dir', dir, '--only', 'better-sqlite3', '--force'],
    {
      stdio: 'inherit',
      timeout: 600_000,
    },
  );
  if (result.status !== 0 || !fs.existsSync(binding)) {
    process.stderr.write('Could not compile better-sqlite3 for Electron (Electron headers need a download).\n');
    return undefined;
  }
  fs.writeFileSync(stamp, new Date().toISOString());
  return binding;
}

/** Where the Electron binary is, if this machine has one (without triggering a download). */
export function findElectronBinary(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const electronDir = path.join(projectRoot, 'node_modules', 'electron');
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  const candidates: string[] = [];
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const dist = env.ELECTRON_OVERRIDE_DIST_PATH;
    candidates.push(path.join(dist, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron')));
  } else if (relative) {
    candidates.push(path.join(electronDir, 'dist', relative));
  }
  return candidates.find((c) => fs.existsSync(c));
}
