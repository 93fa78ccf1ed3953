/**
 * npm run bench:bundle — case bundles at scale (issue 13), in one run, through the real
 * `concordat` command on two data directories (CFTC sends, FCA receives):
 *  - a case with one evidence file of BENCH_BUNDLE_MB (default 1024) MB;
 *  - export and verify, unencrypted and encrypted: MB/s and peak RSS of each command;
 *  - beside the baselines on the same bytes: `sha512sum` (what an unencrypted verify must at least
 *    do) and Debian's `age -d` (what an encrypted verify must at least do), and `age -r` for export.
 * Goals: verify ≥ 300 MB/s unencrypted, within 1.5× of `age -d` encrypted, peak RSS < 300 MB.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'electron/cli/bin.cjs');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-bench-bundle-'));
const mb = Number(process.env.BENCH_BUNDLE_MB ?? 1024);

function concordat(args: string[]): string {
  return execFileSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONCORDAT_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

async function measured(command: string, args: string[]): Promise<{ seconds: number; peakMb: number }> {
  const start = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, CONCORDAT_DATA_DIR: '' } });
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
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
  return { seconds: (performance.now() - start) / 1000, peakMb: peakKb / 1024 };
}

async function main() {
  // The bench drives the built command: build it if a source changed.
  execFileSync(process.execPath, [path.join(root, 'electron/scripts/build.mjs'), '--if-stale'], { stdio: 'ignore' });
  const [cftc, fca] = [path.join(work, 'cftc'), path.join(work, 'fca')];
  concordat(['keys', 'init', '--authority', 'CFTC', '--name', 'Bench sender', '--data-dir', cftc]);
  concordat(['keys', 'init', '--authority', 'FCA', '--name', 'Bench recipient', '--data-dir', fca]);
  for (const [from, to] of [
    [cftc, fca],
    [fca, cftc],
  ] as const) {
    const card = path.join(work, `${path.basename(from)}.json`);
    concordat(['keys', 'export', '--out', card, '--data-dir', from]);
    const fp = /fingerprint (sha256:[0-9a-f]{64})/.exec(concordat(['keys', 'import', card, '--data-dir', to]))![1]!;
    concordat(['keys', 'trust', fp, '--data-dir', to]);
  }
  const evidence = path.join(work, 'evidence.bin');
  const fd = fs.openSync(evidence, 'w');
  const block = crypto.randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  const caseNumber = concordat(['case', 'create', '--title', 'Bench case', '--authority', 'CFTC', '--data-dir', cftc]).trim();
  concordat(['case', 'attach', caseNumber, evidence, '--data-dir', cftc]);

  const rows: Array<[string, number, number]> = [];
  const rate = (s: number) => mb / s;
  for (const encrypt of [false, true]) {
    const file = path.join(work, `${encrypt ? 'enc' : 'plain'}.casebundle`);
    const exp = await measured(process.execPath, [
      cli,
      'bundle',
      'export',
      caseNumber,
      '--to',
      'FCA',
      '--purpose',
      'civil_admin_enforcement',
      '--out',
      file,
      ...(encrypt ? [] : ['--no-encrypt']),
      '--data-dir',
      cftc,
    ]);
    rows.push([`export, ${encrypt ? 'encrypted' : 'not encrypted'}`, rate(exp.seconds), exp.peakMb]);
    const ver = await measured(process.execPath, [cli, 'bundle', 'verify', file, '--data-dir', fca]);
    rows.push([`verify, ${encrypt ? 'encrypted' : 'not encrypted'}`, rate(ver.seconds), ver.peakMb]);
  }
  // Baselines on the same bytes.
  const sha = await measured('sha512sum', [evidence]);
  rows.push(['sha512sum (baseline)', rate(sha.seconds), sha.peakMb]);
  execFileSync('age-keygen', ['-o', path.join(work, 'key.txt')], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', path.join(work, 'key.txt')], { encoding: 'utf8' }).trim();
  const enc = await measured('age', ['-r', recipient, '-o', path.join(work, 'baseline.age'), evidence]);
  rows.push(['age -r (baseline)', rate(enc.seconds), enc.peakMb]);
  const dec = await measured('age', [
    '-d',
    '-i',
    path.join(work, 'key.txt'),
    '-o',
    path.join(work, 'baseline.out'),
    path.join(work, 'baseline.age'),
  ]);
  rows.push(['age -d (baseline)', rate(dec.seconds), dec.peakMb]);

  console.log(`Case bundle with ${mb} MB of evidence (${os.cpus().length} cores):`);
  for (const [what, mbs, rss] of rows)
    console.log(`  ${what.padEnd(26)} ${mbs.toFixed(0).padStart(6)} MB/s   peak RSS ${rss.toFixed(0)} MB`);
  const get = (what: string) => rows.find((r) => r[0] === what)![1];
  console.log(
    `  verify not encrypted: ${get('verify, not encrypted').toFixed(0)} MB/s (goal ≥ 300); sha512sum ${get('sha512sum (baseline)').toFixed(0)} MB/s`,
  );
  console.log(
    `  verify encrypted: ${(get('age -d (baseline)') / get('verify, encrypted')).toFixed(2)}× the time of age -d (goal ≤ 1.5×); peak RSS max ${Math.max(...rows.slice(0, 4).map((r) => r[2])).toFixed(0)} MB (goal < 300)`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(work, { recursive: true, force: true }));
