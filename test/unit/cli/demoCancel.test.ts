import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, projectRoot } from '../../helpers/cli';
import { tempDir } from '../../helpers/tempDir';

beforeAll(() => ensureBuilt(), 120_000);

describe('concordat demo generate: Ctrl-C', () => {
  it('stops with exit 130, one line saying so (no stack), and leaves no partial files', async () => {
    const out = path.join(tempDir(), 'demo');
    const child = spawn(process.execPath, [cliBin, 'demo', 'generate', '--trades', '2000000', '--seed', '1', '--out', out], {
      cwd: projectRoot,
      env: { ...process.env, CONCORDAT_DATA_DIR: '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Once generation is under way (progress printed), as a user presses Ctrl-C.
    const deadline = Date.now() + 60_000;
    while (!/Generating/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toMatch(/Generating/);
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).not.toMatch(/Unexpected error|AbortError|\n\s+at /);
    expect(stderr.trim().split('\n').at(-1)).toBe('Cancelled; nothing unfinished was kept.');
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  }, 120_000);
});
