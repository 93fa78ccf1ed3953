import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, projectRoot } from '../../helpers/cli';

/**
 * The command as the README writes it: `npx concordat --help` right after `npm ci`, through npm's
 * own bin resolution and a shell, not `node electron/cli/bin.cjs`. A bin committed without its
 * executable bit fails on every fresh clone with "concordat: Permission denied" (issue 11, fault 0).
 */
const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };

beforeAll(() => ensureBuilt(), 120_000);

describe('npx concordat', () => {
  it('every bin of package.json is committed executable (mode 100755), so a fresh clone can run it', () => {
    for (const file of Object.values(pkg.bin)) {
      const entry = execFileSync('git', ['ls-files', '-s', '--', file], { cwd: projectRoot, encoding: 'utf8' });
      expect(entry.split(' ')[0], file).toBe('100755');
    }
  });

  it('runs through npx from the project folder and prints its help', () => {
    const r = spawnSync('npx', ['--no-install', 'concordat', '--help'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, CONCORDAT_DATA_DIR: '' },
      timeout: 120_000,
    });
    expect(r.stderr).not.toContain('Permission denied');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Concordat \d+\.\d+\.\d+: /);
    expect(r.stdout).toContain('Usage: concordat <command> [options]');
  });
});
