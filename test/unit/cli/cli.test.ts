import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { concordat, ensureBuilt } from '../../helpers/cli';
import { latestSchemaVersion } from '../../../electron/backend/db/migrations';
import { tempDir } from '../../helpers/tempDir';

beforeAll(ensureBuilt, 180_000);

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('concordat CLI', () => {
  it('prints its help with every command, and per-command usage', () => {
    const help = concordat(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['start', 'serve', 'demo', 'snapshots', 'exposure', 'info'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help.stdout).toContain('--data-dir D');
    expect(help.stdout).toContain('--json');
    const usage = concordat(['demo', '--help']);
    expect(usage.stdout).toContain('concordat demo generate --trades N --seed S --out DIR');
  });

  it('answers an unknown command or a bad option with exit code 2 and a reason', () => {
    expect(concordat(['frobnicate']).code).toBe(2);
    const bad = concordat(['demo', 'generate', '--trades', 'many', '--seed', '1', '--out', tempDir()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--trades must be a whole number above zero, not "many".');
    const unknown = concordat(['info', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
  });

  it('generates the same files for the same seed', () => {
    const a = tempDir();
    const b = tempDir();
    const first = concordat(['demo', 'generate', '--trades', '2000', '--seed', '7', '--out', a, '--json']);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.counts.tradeRows).toBe(2000);
    concordat(['demo', 'generate', '--trades', '2000', '--seed', '7', '--out', b]);
    for (const name of ['trades.csv', 'margins.csv', 'entities.csv', 'venues.csv', 'prices.csv', 'fx.csv']) {
      expect(sha(path.join(a, name)), name).toBe(sha(path.join(b, name)));
    }
  });

  it('loads the demo on a new data directory and prints the exposure rows with their totals', () => {
    const dataDir = tempDir();
    const env = { CONCORDAT_DEMO_TRADES: '3000' };
    const json = concordat(['exposure', '--by', 'jurisdiction', '--data-dir', dataDir, '--json'], env);
    expect(json.code).toBe(0);
    expect(json.stderr).toContain('This data directory is new: loading the built-in demo snapshot.');
    const result = JSON.parse(json.stdout);
    expect(result.rows.length).toBeGreaterThan(5);
    const db = new Database(path.join(dataDir, 'concordat.db'), { readonly: true });
    const distinct = db
      // Outstanding: not terminated, erroneous, a position component or ported out, and not matured by the as-of date.
      .prepare(
        `SELECT count(DISTINCT t.uti) AS n FROM trade_state t JOIN snapshot s USING (snapshot_id)
          WHERE coalesce(t.action_type, '') NOT IN ('TERM', 'EROR', 'POSC', 'PRTO')
            AND NOT coalesce(substr(t.expiration_date, 1, 10) < s.as_of_date, 0)`,
      )
      .get() as { n: number };
    db.close();
    expect(result.totals.tradeCount).toBe(distinct.n);

    const text = concordat(['exposure', '--data-dir', dataDir], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Jurisdiction\s+Gross notional \(USD\)/);
    expect(text.stdout).toMatch(new RegExp(`^Total .* ${result.totals.tradeCount.toLocaleString('en-US')} `, 'm'));
    // The second run found data: no demo load again.
    expect(text.stderr).not.toContain('loading the built-in demo');
  });

  it('refuses a database from a newer Concordat with a clear message and leaves it untouched', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'concordat.db');
    const db = new Database(file);
    db.pragma(`user_version = ${latestSchemaVersion + 1}`);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const before = sha(file);
    const r = concordat(['info', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was written by a newer version of Concordat');
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dataDir)).toEqual(['concordat.db']);
  });
});
