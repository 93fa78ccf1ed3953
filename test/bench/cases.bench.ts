/**
 * npm run bench:cases — case files at scale (issue 12), measured in one run:
 *  - 1,000 cases, one of them with 10,000 items and 100,000 audit entries, built through the
 *    repositories (every entry hashed and chained as in use);
 *  - open that case (header, subjects, tasks, counts, chain head + the first 100 items), any
 *    100-item block of its list, an FTS search across all cases, verify its 100,000 entries;
 *  - attach a 1 GB file: throughput of the attach beside `sha256sum` of the same file (the
 *    baseline: reading and hashing alone), and the peak RSS of `concordat case attach` for a
 *    100 MB and a 1 GB file (it must not grow with the file).
 * Targets: open ≤ 100 ms, block ≤ 20 ms, search ≤ 50 ms, verify ≤ 1 s, attach ≥ 300 MB/s.
 * Options: BENCH_ATTACH_MB=1024 to change the large file's size.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend } from '../../electron/backend/backend';
import type { Actor } from '../../electron/backend/context';
import { inProcessExecutor } from '../../electron/backend/jobs/executors';
import { addTask, createCase, getCase, write } from '../../electron/backend/cases/cases.repo';
import { storeBlob } from '../../electron/backend/cases/evidence';
import { addNote, listItems, updateItem } from '../../electron/backend/cases/items.repo';
import { searchCases } from '../../electron/backend/cases/search';
import { verifyCases } from '../../electron/backend/cases/cases.service';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'electron/cli/bin.cjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-bench-cases-'));
const attachMb = Number(process.env.BENCH_ATTACH_MB ?? 1024);
const actor: Actor = { name: 'Bench Investigator', workstationKeyId: 'bench' };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
function timeMs(fn: () => unknown, runs = 30): { median: number; max: number } {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return { median: median(times), max: Math.max(...times) };
}

const words = [
  'spoofing',
  'layering',
  'wash',
  'trade',
  'venue',
  'margin',
  'perpetual',
  'liquidation',
  'wallet',
  'custody',
  'omnibus',
  'order',
];
const sentence = (i: number) => Array.from({ length: 12 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');

async function peakRssOf(args: string[]): Promise<{ seconds: number; peakMb: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CONCORDAT_DATA_DIR: '' },
  });
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // ended
    }
  }, 20);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(sample);
  if (code !== 0) throw new Error(`concordat ${args.join(' ')} exited ${code}`);
  return { seconds: (performance.now() - start) / 1000, peakMb: peakKb / 1024 };
}

function makeFile(file: string, mb: number): void {
  const block = crypto.randomBytes(1024 * 1024);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) {
    block[0] = i & 0xff;
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
}

async function main() {
  execFileSync(process.execPath, [path.join(root, 'electron/scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  const dataDir = path.join(work, 'data');
  const backend = await Backend.open({ dataDir, mode: 'cli', version: 'bench', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  const db = backend.db;

  // 999 ordinary cases (20 items each) and the large one.
  let started = performance.now();
  for (let c = 0; c < 999; c++) {
    write(db, () => {
      const h = createCase(db, actor, {
        title: `Case ${c}: ${sentence(c).slice(0, 40)}`,
        summary: sentence(c),
        classification: 'AMBER',
        tags: [],
      });
      for (let i = 0; i < 20; i++) addNote(db, actor, { caseNumber: h.caseNumber, markdown: `${sentence(c + i)} ${c}-${i}` });
    });
  }
  const big = createCase(db, actor, { title: 'The large case', summary: 'ten thousand items', classification: 'RED', tags: ['bench'] });
  const bigId = (db.prepare(`SELECT case_id FROM case_file WHERE case_number = ?`).get(big.caseNumber) as { case_id: number }).case_id;
  const itemIds: number[] = [];
  for (let batch = 0; batch < 10; batch++)
    write(db, () => {
      for (let i = 0; i < 1000; i++)
        itemIds.push(
          addNote(db, actor, { caseNumber: big.caseNumber, markdown: `${sentence(batch * 1000 + i)} item ${batch * 1000 + i}` }).itemId,
        );
    });
  for (let t = 0; t < 50; t++)
    addTask(db, actor, { caseNumber: big.caseNumber, text: `Task ${t}`, dueDate: '2027-01-01', linkedItems: [] });
  // Grades and edits until the chain holds 100,000 entries.
  let entries = (db.prepare(`SELECT count(*) AS n FROM case_audit WHERE case_id = ?`).get(bigId) as { n: number }).n;
  const versions = new Map<number, number>();
  const grades = ['A1', 'B2', 'C3', 'B1', 'A2'];
  while (entries < 100_000) {
    write(db, () => {
      for (let k = 0; k < 5000 && entries < 100_000; k++, entries++) {
        const id = itemIds[entries % itemIds.length]!;
        const v = versions.get(id) ?? 1;
        updateItem(db, actor, { itemId: id, version: v, grade: grades[(entries + v) % grades.length]! });
        versions.set(id, v + 1);
      }
    });
  }
  const built = (performance.now() - started) / 1000;
  const totalEntries = (db.prepare(`SELECT count(*) AS n FROM case_audit`).get() as { n: number }).n;
  console.log(
    `Built 1,000 cases (${(db.prepare(`SELECT count(*) AS n FROM case_item`).get() as { n: number }).n.toLocaleString('en-US')} items, ${totalEntries.toLocaleString('en-US')} audit entries) in ${built.toFixed(1)} s; the large case: 10,000 items, ${entries.toLocaleString('en-US')} entries.`,
  );

  const open = timeMs(() => {
    getCase(db, big.caseNumber);
    listItems(db, { caseNumber: big.caseNumber, includeWithdrawn: false, startRow: 0, endRow: 100 });
  });
  const blocks = [0, 2500, 5000, 7500, 9900].map((start) => ({
    start,
    ...timeMs(() => listItems(db, { caseNumber: big.caseNumber, includeWithdrawn: false, startRow: start, endRow: start + 100 })),
  }));
  const search = timeMs(() => searchCases(db, 'liquidation omnibus', undefined, 100));
  const searchOne = timeMs(() => searchCases(db, 'custody', big.caseNumber, 100));
  started = performance.now();
  const verified = verifyCases(db, big.caseNumber);
  const verifySeconds = (performance.now() - started) / 1000;
  if (!verified.ok) throw new Error('The large case’s chain did not verify.');

  // Attach: the file streamed through SHA-256 into the blob store, beside sha256sum of the same file.
  const large = path.join(work, `evidence-${attachMb}MB.bin`);
  const small = path.join(work, 'evidence-100MB.bin');
  makeFile(large, attachMb);
  makeFile(small, 100);
  const sha256sum = spawnSync('sha256sum', [large], { encoding: 'utf8' });
  started = performance.now();
  spawnSync('sha256sum', [large], { encoding: 'utf8' });
  const sumSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const stored = await storeBlob(dataDir, large);
  const attachSeconds = (performance.now() - started) / 1000;
  if (sha256sum.status === 0 && !sha256sum.stdout.startsWith(stored.sha256)) throw new Error('sha256sum disagrees with the stored hash.');
  await backend.close();
  const cliData = path.join(work, 'cli');
  execFileSync(process.execPath, [cli, 'case', 'create', '--title', 'Attach', '--data-dir', cliData], {
    env: { ...process.env, CONCORDAT_DATA_DIR: '', CONCORDAT_DEMO_TRADES: '200' },
  });
  const rssSmall = await peakRssOf(['case', 'attach', 'CASE-' + new Date().getFullYear() + '-0001', small, '--data-dir', cliData]);
  const rssLarge = await peakRssOf(['case', 'attach', 'CASE-' + new Date().getFullYear() + '-0001', large, '--data-dir', cliData]);

  const mbps = (mb: number, s: number) => (mb * 1.048576) / s;
  const line = (label: string, value: string, target: string, met: boolean) =>
    console.log(`${label.padEnd(58)} ${value.padStart(16)}   target ${target.padEnd(12)} ${met ? 'met' : 'NOT MET'}`);
  console.log('');
  line('open the large case (header, subjects, tasks, first 100 items)', `${open.median.toFixed(2)} ms`, '≤ 100 ms', open.median <= 100);
  for (const b of blocks) line(`  items ${b.start}–${b.start + 99} of 10,000`, `${b.median.toFixed(2)} ms`, '≤ 20 ms', b.median <= 20);
  line('FTS search across 1,000 cases ("liquidation omnibus")', `${search.median.toFixed(2)} ms`, '≤ 50 ms', search.median <= 50);
  line('FTS search within the large case ("custody")', `${searchOne.median.toFixed(2)} ms`, '≤ 50 ms', searchOne.median <= 50);
  line(`verify ${entries.toLocaleString('en-US')} audit entries`, `${verifySeconds.toFixed(2)} s`, '≤ 1 s', verifySeconds <= 1);
  line(
    `attach ${attachMb.toLocaleString('en-US')} MB (stream, SHA-256, store)`,
    `${mbps(attachMb, attachSeconds).toFixed(0)} MB/s`,
    '≥ 300 MB/s',
    mbps(attachMb, attachSeconds) >= 300,
  );
  console.log(
    `  baseline: sha256sum of the same file                       ${mbps(attachMb, sumSeconds).toFixed(0).padStart(9)} MB/s   (${sumSeconds.toFixed(2)} s; ratio attach/sha256sum time ${(attachSeconds / sumSeconds).toFixed(2)})`,
  );
  console.log(`  sha256sum:  ${sha256sum.stdout.trim().split(' ')[0]}`);
  console.log(`  Concordat:  ${stored.sha256}`);
  console.log(
    `  peak RSS of \`concordat case attach\`: 100 MB file ${rssSmall.peakMb.toFixed(0)} MB, ${attachMb.toLocaleString('en-US')} MB file ${rssLarge.peakMb.toFixed(0)} MB`,
  );
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
