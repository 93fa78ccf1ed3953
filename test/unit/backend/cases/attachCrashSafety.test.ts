import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, projectRoot } from '../../../helpers/cli';
import { fileTempDir, tempDir } from '../../../helpers/tempDir';

/**
 * Case edits and evidence attach killed with SIGKILL at random points (issue 11, "Crash safety
 * everywhere it writes"): `concordat case attach` of twelve files, each an audited change whose
 * bytes are streamed into the blob store before the item commits. After every kill the next
 * start (here `case verify`) finds a sound database, an intact audit chain, and no blob, pending
 * marker or temporary file that nothing refers to. KILLS defaults to 20.
 */
const KILLS = Number(process.env.CONCORDAT_CRASH_KILLS ?? 20);
const env = { ...process.env, CONCORDAT_DATA_DIR: '', CONCORDAT_DEMO_TRADES: '300' };
let template: string;
let files: string[];
let referenceMs = 0;
const caseNumber = `CASE-${new Date().getFullYear()}-0001`;

const cli = (args: string[]) => execFileSync(process.execPath, [cliBin, ...args], { cwd: projectRoot, env, encoding: 'utf8' });

function attachAndKill(dir: string, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, 'case', 'attach', caseNumber, ...files, '--data-dir', dir], { env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_c, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

beforeAll(() => {
  ensureBuilt();
  const src = fileTempDir();
  files = Array.from({ length: 12 }, (_, i) => {
    const f = path.join(src, `statement-${i}.bin`);
    fs.writeFileSync(f, crypto.randomBytes(6 * 1024 * 1024));
    return f;
  });
  template = fileTempDir();
  cli(['case', 'create', '--title', 'Crash test', '--data-dir', template]);
  const reference = tempDir();
  fs.cpSync(template, reference, { recursive: true });
  const start = performance.now();
  cli(['case', 'attach', caseNumber, ...files, '--data-dir', reference]);
  referenceMs = performance.now() - start;
}, 240_000);

describe(`evidence attach killed with SIGKILL (${KILLS} random points)`, () => {
  it('leaves a sound database, an intact chain and no orphaned blob', async () => {
    let x = 987654321;
    let kills = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 3; attempt++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const fraction = 0.05 + (x / 2 ** 31) * 0.9;
      const dir = tempDir();
      fs.cpSync(template, dir, { recursive: true });
      if ((await attachAndKill(dir, Math.round(referenceMs * fraction))) === 'killed') kills++;
      const where = `kill at ${fraction.toFixed(3)} of ${Math.round(referenceMs)} ms`;
      // The next start clears what the killed process left; verify must pass.
      const verified = cli(['case', 'verify', '--data-dir', dir, '--json']);
      expect(JSON.parse(verified).ok, where).toBe(true);
      const db = new Database(path.join(dir, 'concordat.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true }), where).toBe('ok');
        const referenced = new Set(
          (
            db
              .prepare(`SELECT content_sha256 AS sha FROM case_item WHERE kind = 'evidence' UNION SELECT sha256 FROM feed_target`)
              .all() as Array<{ sha: string }>
          ).map((r) => r.sha),
        );
        const blobDir = path.join(dir, 'blobs');
        const names = fs.existsSync(blobDir) ? fs.readdirSync(blobDir) : [];
        expect(
          names.filter((n) => n.startsWith('.')),
          `${where}: temporary or pending files`,
        ).toEqual([]);
        expect(
          names.filter((n) => !referenced.has(n)),
          `${where}: blobs nothing refers to`,
        ).toEqual([]);
        // Every evidence item's bytes are there, whole.
        for (const sha of referenced) {
          const file = path.join(blobDir, sha);
          if (!fs.existsSync(file)) continue; // a feed target of another kind
          expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'), where).toBe(sha);
        }
      } finally {
        db.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(kills).toBe(KILLS);
  }, 900_000);
});
