import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

const created: string[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = 'concordat-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const forFile: string[] = [];

/** A temporary directory for a whole test file (made in beforeAll), removed after its last test. */
export function fileTempDir(prefix = 'concordat-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  forFile.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of forFile.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export const fixturesDir = path.resolve(__dirname, '..', 'fixtures');

/** Copies the files of a fixture snapshot to a temp dir (so tests may alter them) and lists them. */
export function copyFixture(name: string): { dir: string; files: string[] } {
  const dir = tempDir();
  const src = path.join(fixturesDir, name);
  const files = fs
    .readdirSync(src)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => {
      fs.copyFileSync(path.join(src, f), path.join(dir, f));
      return path.join(dir, f);
    });
  return { dir, files };
}
