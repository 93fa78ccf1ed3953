import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { cliBin, concordat, ensureBuilt } from '../../helpers/cli';
import { groupFiles, P2, P3 } from '../backend/supervision/groupSnapshots';
import { fileTempDir } from '../../helpers/tempDir';
import type { Alert, AlertRunResult } from '../../../shared/contract/alerts';

// `concordat margin`: schedule versions loaded from files (bad ones refused with where and why, nothing loaded),
// and the required margin of the fixture snapshot, printed and as JSON. Figures are checked by hand in
// test/unit/backend/supervision/requiredMargin.test.ts; here, the command's behaviour.

let dataDir: string;
const scheduleFor = (defaultRate: number) => ({
  v: 1,
  name: 'CLI test schedule',
  effectiveFrom: '2026-01-01',
  source: 'test',
  illustrative: true,
  defaultRate,
  rules: [],
});
const schedule = (over: Record<string, unknown>) => ({
  v: 1,
  name: 'CLI test schedule',
  effectiveFrom: '2026-01-01',
  source: 'test',
  illustrative: true,
  defaultRate: 0.1,
  rules: [],
  ...over,
});

beforeAll(() => {
  ensureBuilt();
  dataDir = fileTempDir();
  const fixture = path.join(__dirname, '..', '..', 'fixtures', 'snapshot-small');
  const files = fs
    .readdirSync(fixture)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(fixture, f));
  const imported = concordat([
    'import',
    ...files,
    '--source',
    'Small TR',
    '--regime',
    'EMIR',
    '--as-of',
    '2026-06-30',
    '--data-dir',
    dataDir,
  ]);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

describe('concordat margin', () => {
  it('loads a schedule version from a file, refusing a bad one with where and what was expected', () => {
    const dir = fileTempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify(schedule({ defaultRate: 2 })));
    const refused = concordat(['margin', 'import-schedule', bad, '--data-dir', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/defaultRate: a rate from 0 to 1/);
    const notJson = path.join(dir, 'x.json');
    fs.writeFileSync(notJson, '{ nope');
    expect(concordat(['margin', 'import-schedule', notJson, '--data-dir', dataDir]).stderr).toMatch(/not a readable JSON file/);

    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, JSON.stringify(schedule({})));
    const loaded = concordat(['margin', 'import-schedule', good, '--data-dir', dataDir]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toMatch(/Loaded "CLI test schedule", effective 2026-01-01/);
    const list = JSON.parse(concordat(['margin', 'schedules', '--json', '--data-dir', dataDir]).stdout) as Array<{
      loadedBy: string;
      effectiveFrom: string;
    }>;
    expect(list.map((v) => [v.loadedBy === 'shipped', v.effectiveFrom])).toEqual([
      [true, '2020-01-01'],
      [false, '2026-01-01'],
    ]);
  });

  it('prints required, posted, coverage and shortfall by a dimension; --json carries the same', () => {
    const text = concordat(['margin', '--by', 'jurisdiction', '--data-dir', dataDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/schedule "CLI test schedule" effective 2026-01-01 \(illustrative\)/);
    expect(text.stdout).toMatch(/jurisdiction\s+Netting sets\s+Required\s+Posted\s+Coverage\s+Shortfall/);
    const json = JSON.parse(concordat(['margin', '--by', 'jurisdiction', '--json', '--data-dir', dataDir]).stdout) as {
      rows: Array<{ key: string[]; requiredUsd: number; postedUsd: number; shortfallUsd: number; coverage: number | null }>;
      total: { requiredUsd: number; shortfallUsd: number };
    };
    expect(json.rows.length).toBeGreaterThan(0);
    // The roll-up adds up, and each row's coverage is its posted over its required.
    expect(json.rows.reduce((s, r) => s + r.requiredUsd, 0)).toBeCloseTo(json.total.requiredUsd, 4);
    for (const r of json.rows) if (r.requiredUsd > 0) expect(r.coverage).toBeCloseTo(r.postedUsd / r.requiredUsd, 9);
    expect(concordat(['margin', '--by', 'planet', '--data-dir', dataDir]).code).toBe(2);
  });

  it('reads the digests the import stored; two commands at once on one data directory build them alike', async () => {
    const db = () => new Database(path.join(dataDir, 'concordat.db'));
    const kinds = () => {
      const d = db();
      try {
        return (d.prepare(`SELECT kind FROM snapshot_digest ORDER BY kind`).all() as Array<{ kind: string }>).map((r) => r.kind);
      } finally {
        d.close();
      }
    };
    // The import's alert run wrote them (beforeAll imported with the CLI), and the drill's cube beside them.
    expect(kinds()).toEqual(['alert-cells', 'alert-positions', 'drill-cube', 'margin-basis']);
    const stored = JSON.parse(concordat(['margin', '--by', 'nettingSet', '--json', '--data-dir', dataDir]).stdout) as { rows: unknown[] };
    const d = db();
    d.exec(`DELETE FROM snapshot_digest`);
    d.close();
    // Two processes compute at once with nothing stored: both build, both answer the same, one row stays per kind.
    const both = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, [cliBin, 'margin', '--by', 'nettingSet', '--json', '--data-dir', dataDir], {
              env: { ...process.env, CONCORDAT_DATA_DIR: '' },
            });
            let out = '';
            let err = '';
            child.stdout.on('data', (c: Buffer) => (out += c.toString()));
            child.stderr.on('data', (c: Buffer) => (err += c.toString()));
            child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
          }),
      ),
    );
    expect(JSON.parse(both[0]!)).toEqual(stored);
    expect(JSON.parse(both[1]!)).toEqual(stored);
    expect(kinds()).toEqual(['margin-basis']);
  });

  it('concordat exposure prints the same figures as drill columns, and --json carries them', () => {
    const margin = JSON.parse(concordat(['margin', '--by', 'jurisdiction', '--json', '--data-dir', dataDir]).stdout) as {
      rows: Array<{ key: string[]; requiredUsd: number; shortfallUsd: number }>;
    };
    const drill = JSON.parse(concordat(['exposure', '--by', 'jurisdiction', '--json', '--data-dir', dataDir]).stdout) as {
      rows: Array<{ key: string; requiredMarginUsd: number | null; marginShortfallUsd: number | null }>;
    };
    for (const r of margin.rows) {
      const row = drill.rows.find((d) => d.key === r.key[0])!;
      expect(row.requiredMarginUsd).toBeCloseTo(r.requiredUsd, 4);
      expect(row.marginShortfallUsd).toBeCloseTo(r.shortfallUsd, 4);
    }
    const text = concordat(['exposure', '--columns', 'requiredMarginUsd,marginShortfallUsd', '--data-dir', dataDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Required margin \(USD\)\s+Margin shortfall \(USD\)/);
    expect(text.stdout).not.toMatch(/—\s+—\n/);
  });
});

describe('concordat stress run', () => {
  it('runs a scenario and says what it could not apply; bad shocks are exit 2 with the expected form', () => {
    // The fixture's trades name no underlier: a BTC shock touches nothing, and the command says so.
    const run = concordat(['stress', 'run', '--shock', 'BTC=-0.30', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/BTC -30\.0 %/);
    expect(run.stdout).toMatch(/No holder defaults\./);
    expect(run.stdout).toMatch(/No position has BTC: those shocks changed nothing\./);
    const json = JSON.parse(concordat(['stress', 'run', '--shock', 'BTC=-0.30', '--json', '--data-dir', dataDir]).stdout) as {
      rounds: unknown[];
      unmatchedShocks: string[];
    };
    expect(json).toMatchObject({ rounds: [], unmatchedShocks: ['BTC'] });

    const bad = concordat(['stress', 'run', '--shock', 'BTC', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shock takes UNDERLIER=MOVE pairs such as BTC=-0.30, not "BTC"/);
    expect(concordat(['stress', 'run', '--shock', 'BTC=-2', '--data-dir', dataDir]).code).toBe(2);
    expect(concordat(['stress', '--shock', 'BTC=-0.3', '--data-dir', dataDir]).stderr).toMatch(/concordat stress run/);
  });
});

describe('concordat alerts', () => {
  it('runs the built-in rules and lists what they raised; a bad status is exit 2', () => {
    const run = JSON.parse(concordat(['alerts', 'run', '--json', '--data-dir', dataDir]).stdout) as {
      alerts: number;
      rules: Array<{ id: string }>;
    };
    expect(run.rules.map((r) => r.id)).toContain('STALE_VALUATION');
    expect(run.rules.map((r) => r.id).slice(0, 1)).toEqual(['MARGIN_BELOW_THRESHOLD']);
    const listed = JSON.parse(concordat(['alerts', 'list', '--json', '--data-dir', dataDir]).stdout) as Array<{ status: string }>;
    expect(listed).toHaveLength(run.alerts);
    expect(listed.every((a) => a.status === 'new')).toBe(true);
    const bad = concordat(['alerts', 'list', '--status', 'bogus', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status is one of new, acknowledged, escalated, dismissed/);
  });
});

describe('concordat alerts run --compare', () => {
  it('runs the two-snapshot rules against the snapshot --compare names, and says which were skipped', () => {
    // The two snapshots of test/unit/backend/supervision/groupSnapshots.ts (figures worked in alertRulesGroups.test.ts).
    const dir = fileTempDir();
    const load = (which: 'compare' | 'current', asOf: string) => {
      const r = concordat([
        'import',
        ...groupFiles(which),
        '--source',
        'Group TR',
        '--regime',
        'EMIR',
        '--as-of',
        asOf,
        '--json',
        '--data-dir',
        dir,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { snapshotId: number }).snapshotId;
    };
    const previous = load('compare', '2026-05-29');
    const current = load('current', '2026-06-30');
    const schedule = path.join(dir, 'flat.json');
    fs.writeFileSync(schedule, JSON.stringify({ ...scheduleFor(0.1), name: 'Flat 10 %' }));
    expect(concordat(['margin', 'import-schedule', schedule, '--data-dir', dir]).code).toBe(0);

    const run = JSON.parse(
      concordat(['alerts', 'run', '--snapshot', String(current), '--compare', String(previous), '--json', '--data-dir', dir]).stdout,
    ) as AlertRunResult;
    expect(run).toMatchObject({ snapshotId: current, compareSnapshotId: previous, homeAuthority: null });
    // No workstation authority here: only the arbitrage rules are skipped, the two-snapshot ones ran.
    expect(run.rules.filter((r) => r.skipped).map((r) => r.id)).toEqual(['ARBITRAGE_SHARE', 'ARBITRAGE_SHIFT', 'OFFSHORE_LOWER_COVERAGE']);
    const falling = JSON.parse(
      concordat(['alerts', 'list', '--rule', 'COVERAGE_FALLING', '--snapshot', String(current), '--json', '--data-dir', dir]).stdout,
    ) as Alert[];
    expect(falling.map((a) => [a.subject, a.value, a.compareSnapshotId])).toEqual([
      [P3, 0.75, previous],
      [P2, 0.5, previous],
    ]);

    const text = concordat(['alerts', 'run', '--snapshot', String(current), '--data-dir', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`Run \\d+ on snapshot ${current}: \\d+ alert\\(s\\), 0 new\\.`));
    expect(text.stdout).toMatch(/Skipped COVERAGE_FALLING: it compares two snapshots, and no compare snapshot was given\./);
    expect(concordat(['alerts', 'run', '--snapshot', String(current), '--compare', String(previous), '--data-dir', dir]).stdout).toMatch(
      new RegExp(`on snapshot ${current} compared with ${previous}:`),
    );
    // Values in their rule's unit: leverage as a multiple, a fall in coverage in points.
    const listed = concordat(['alerts', 'list', '--snapshot', String(current), '--data-dir', dir]).stdout;
    expect(listed).toMatch(/LEVERAGE_ABOVE .*20\.0×\s+10\.0×/);
    expect(listed).toMatch(/COVERAGE_FALLING .*75\.0 pts\s+25\.0 pts/);

    const same = concordat(['alerts', 'run', '--snapshot', String(current), '--compare', String(current), '--data-dir', dir]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/different snapshot/);
    expect(concordat(['alerts', 'run', '--compare', '999', '--data-dir', dir]).stderr).toMatch(/No compare snapshot 999/);
    expect(concordat(['alerts', 'run', '--compare', 'last', '--data-dir', dir]).code).toBe(2);
    expect(concordat(['alerts', 'list', '--compare', String(previous), '--data-dir', dir]).stderr).toMatch(/--compare goes with/);
  }, 120_000);
});
