/**
 * npm run bench:import — in one run, on the same 1,000,000-row trades.csv (seed fixed):
 *  (a) the sqlite3 command line's `.import` into an untyped table (the baseline),
 *  (b) `concordat import` with full validation and rollups (a separate process, as a user runs it),
 * and prints both, the ratio b/a, rows/s and peak RSS; then (c) drill-down latency while a
 * 1,000,000-row import runs in a worker thread of a live backend.
 * Also (f) the write floor (writeFloor.ts): the same trade rows written into the application's table with nothing
 * else, the least any import of them can cost here, as a ratio to (a).
 * Options: BENCH_TRADES=N to change the size; BENCH_ONLY=floor to measure (a) and (f) only.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend } from '../../electron/backend/backend';
import { workerExecutor } from '../../electron/backend/jobs/executors';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'electron/cli/bin.cjs');
const trades = Number(process.env.BENCH_TRADES ?? 1_000_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-bench-'));

function seconds<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, (performance.now() - start) / 1000];
}

/** Runs a command and reports its wall time and peak RSS (VmHWM, sampled until exit). */
async function timedProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const start = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // The process has ended.
    }
  }, 50);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(sample);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return { seconds: (performance.now() - start) / 1000, peakRssMb: peakKb / 1024, stdout };
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main() {
  execFileSync(process.execPath, [path.join(root, 'electron/scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  const sqlite3 = spawnSync('sqlite3', ['-version']).status === 0 ? 'sqlite3' : undefined;
  if (!sqlite3) throw new Error('The sqlite3 command line is needed as the baseline: apt-get install -y sqlite3');

  console.log(`Generating ${trades.toLocaleString('en-US')} trades (seed 20260630)…`);
  const data = path.join(work, 'data');
  const [, genSeconds] = seconds(() =>
    execFileSync(process.execPath, [cli, 'demo', 'generate', '--trades', String(trades), '--seed', '20260630', '--out', data], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const files = fs.readdirSync(data).map((f) => path.join(data, f));
  const tradesCsv = path.join(data, 'trades.csv');
  const bytes = fs.statSync(tradesCsv).size;
  console.log(`  generated in ${genSeconds.toFixed(1)} s (trades.csv ${(bytes / 1e6).toFixed(0)} MB)`);

  // (a) baseline: sqlite3 .import of trades.csv into an untyped table.
  const baseDb = path.join(work, 'baseline.db');
  const baseline = await timedProcess(sqlite3, [baseDb, '-cmd', '.mode csv', `.import ${tradesCsv} trades`]);
  // (f) the write floor, in its own process like the others.
  fs.mkdirSync(path.join(work, 'floor'));
  const floorRun = await timedProcess(process.execPath, [
    path.join(root, 'node_modules/tsx/dist/cli.mjs'),
    path.join(root, 'test/bench/writeFloor.ts'),
    tradesCsv,
    path.join(work, 'floor'),
  ]);
  const floor = JSON.parse(floorRun.stdout) as { rows: number; loadSeconds: number; indexSeconds: number; seconds: number };
  if (floor.rows !== trades) throw new Error(`The write floor wrote ${floor.rows} rows, expected ${trades}`);
  const floorLine = `  (f) write floor: rows only, no checks   ${floor.seconds.toFixed(2)} s (load ${floor.loadSeconds.toFixed(2)} s, indexes after ${floor.indexSeconds.toFixed(2)} s) = ${(floor.seconds / baseline.seconds).toFixed(2)}× (a)`;
  if (process.env.BENCH_ONLY === 'floor') {
    console.log(`\nWrite floor\n  (a) sqlite3 .import, untyped table      ${baseline.seconds.toFixed(2)} s\n${floorLine}`);
    fs.rmSync(work, { recursive: true, force: true });
    return;
  }
  // (b) concordat import of the same trades.csv (plus the reference files it needs for USD and jurisdictions).
  const onlyTrades = await timedProcess(
    process.execPath,
    [
      cli,
      'import',
      tradesCsv,
      path.join(data, 'fx.csv'),
      path.join(data, 'entities.csv'),
      '--data-dir',
      path.join(work, 'cc1'),
      '--regime',
      'EMIR',
      '--as-of',
      '2026-06-30',
      '--json',
    ],
    { CONCORDAT_DATA_DIR: '' },
  );
  const summary = JSON.parse(onlyTrades.stdout) as { rowsRead: number; loaded: number; rejected: number; seconds: number };
  const all = await timedProcess(process.execPath, [
    cli,
    'import',
    ...files,
    '--data-dir',
    path.join(work, 'cc2'),
    '--regime',
    'EMIR',
    '--as-of',
    '2026-06-30',
    '--json',
  ]);

  // (c) drill latency while a 1M-row import runs in a worker thread of a live backend.
  const liveDir = path.join(work, 'live');
  const backend = await Backend.open({
    dataDir: liveDir,
    mode: 'cli',
    version: 'bench',
    executor: workerExecutor(path.join(root, 'out/node/jobWorker.cjs')),
    loadDemoOnFirstStart: false,
  });
  const small = path.join(work, 'small');
  execFileSync(process.execPath, [cli, 'demo', 'generate', '--trades', '20000', '--seed', '7', '--out', small], { stdio: 'ignore' });
  const first = (await backend.call('snapshots.import', {
    files: fs.readdirSync(small).map((f) => ({ path: path.join(small, f) })),
    sourceName: 'Bench',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  })) as { jobId: string };
  await backend.jobs.wait(first.jobId);
  const snapshotId = ((await backend.call('snapshots.list', {})) as Array<{ snapshotId: number }>)[0]!.snapshotId;
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await backend.call('exposure.drill', { snapshotId, path: ['jurisdiction'] });
    idle.push(performance.now() - t);
  }
  const big = (await backend.call('snapshots.import', {
    files: files.map((f) => ({ path: f })),
    sourceName: 'Bench big',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  })) as { jobId: string };
  const during: number[] = [];
  let running = true;
  const done = backend.jobs.wait(big.jobId).then((info) => {
    running = false;
    return info;
  });
  while (running) {
    const t = performance.now();
    await backend.call('exposure.drill', { snapshotId, path: ['jurisdiction'] });
    during.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  const info = await done;
  await backend.close();

  const ratio = onlyTrades.seconds / baseline.seconds;
  console.log('\nImport benchmark');
  console.log(`  rows in trades.csv                      ${trades.toLocaleString('en-US')} (${(bytes / 1e6).toFixed(0)} MB)`);
  console.log(`  (a) sqlite3 .import, untyped table      ${baseline.seconds.toFixed(2)} s`);
  console.log(
    `  (b) concordat import trades+fx+entities ${onlyTrades.seconds.toFixed(2)} s  (${summary.loaded.toLocaleString('en-US')} loaded, ${summary.rejected} rejected)`,
  );
  // The command's own summary times the import (reading, checks, rollups); the rest is what follows it in the same
  // command: the alert rules and the stored digests and cube.
  console.log(
    `    of which the import itself            ${summary.seconds.toFixed(2)} s; alert rules, digests and cube after it ${(onlyTrades.seconds - summary.seconds).toFixed(2)} s`,
  );
  console.log(
    `  ratio b/a                               ${ratio.toFixed(2)}  (target ≤ 1.5, aim 1.0: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
  );
  console.log(floorLine);
  console.log(`  rows/s                                  ${Math.round(summary.rowsRead / onlyTrades.seconds).toLocaleString('en-US')}`);
  console.log(`  peak RSS of the import process          ${onlyTrades.peakRssMb.toFixed(0)} MB (limit 400 MB)`);
  const allImport = (JSON.parse(all.stdout) as { seconds: number }).seconds;
  console.log(
    `  all six files, full snapshot            ${all.seconds.toFixed(2)} s (import ${allImport.toFixed(2)} s), peak RSS ${all.peakRssMb.toFixed(0)} MB`,
  );
  console.log(`  drill while idle: median ${pct(idle, 50).toFixed(2)} ms, p95 ${pct(idle, 95).toFixed(2)} ms`);
  console.log(
    `  drill during a ${trades.toLocaleString('en-US')}-row import (${info.state}): ${during.length} calls, median ${pct(during, 50).toFixed(2)} ms, p95 ${pct(during, 95).toFixed(2)} ms, max ${Math.max(...during).toFixed(2)} ms`,
  );
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
