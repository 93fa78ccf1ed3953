import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');
export const cliBin = path.join(projectRoot, 'electron', 'cli', 'bin.cjs');

/** Builds the bundles if a source changed since the last build (tests drive the built CLI). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [path.join(projectRoot, 'electron/scripts/build.mjs'), '--if-stale'], {
    cwd: projectRoot,
    stdio: 'ignore',
  });
}

/** Runs the real `concordat` command and captures its output; the default data folder is never touched. */
export function concordat(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, CONCORDAT_DATA_DIR: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
