import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concordat, ensureBuilt } from '../../helpers/cli';
import { fileTempDir } from '../../helpers/tempDir';

/**
 * The bundle commands as a user types them, on two data directories (two authorities), and the
 * README's recipe for a partner without Concordat, run with the standard tools it names.
 */
let cftc: string;
let fca: string;
let work: string;
let caseNumber: string;

const ok = (args: string[]) => {
  const r = concordat(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
};
const json = <T>(args: string[]) => JSON.parse(ok([...args, '--json'])) as T;

beforeAll(() => {
  ensureBuilt();
  [cftc, fca, work] = [fileTempDir(), fileTempDir(), fileTempDir()];
  ok(['keys', 'init', '--authority', 'CFTC', '--name', 'CFTC examiner', '--data-dir', cftc]);
  ok(['keys', 'init', '--authority', 'FCA', '--name', 'FCA examiner', '--data-dir', fca]);
  ok(['keys', 'export', '--out', path.join(work, 'cftc.json'), '--data-dir', cftc]);
  ok(['keys', 'export', '--out', path.join(work, 'fca.json'), '--data-dir', fca]);
  const imported = ok(['keys', 'import', path.join(work, 'cftc.json'), '--data-dir', fca]);
  const fingerprint = /fingerprint (sha256:[0-9a-f]{64})/.exec(imported)![1]!;
  expect(imported).toMatch(/unverified/);
  ok(['keys', 'trust', fingerprint, '--data-dir', fca]);
  const back = ok(['keys', 'import', path.join(work, 'fca.json'), '--data-dir', cftc]);
  ok(['keys', 'trust', /fingerprint (sha256:[0-9a-f]{64})/.exec(back)![1]!, '--data-dir', cftc]);
  caseNumber = ok(['case', 'create', '--title', 'Wash trades on a perp venue', '--authority', 'CFTC', '--data-dir', cftc]).trim();
  // Own transaction records (an attached extract) may go to FCA under the MMoU; inspection findings (a note) may not.
  fs.writeFileSync(path.join(work, 'extract.csv'), 'uti,notional\nUTI1,100\n');
  ok(['case', 'attach', caseNumber, path.join(work, 'extract.csv'), '--data-dir', cftc]);
  ok(['case', 'note', caseNumber, '--text', 'Self-matched orders between two accounts of one group.', '--data-dir', cftc]);
}, 240_000);

describe('concordat bundle', () => {
  it('export → verify → import between two data directories, and a bad option is exit 2', () => {
    const file = path.join(work, 'to-fca.casebundle');
    const preview = json<{ recipients: Array<{ shared: unknown[]; withheld: Array<{ outcome: string; reason: string }> }> }>([
      'bundle',
      'export',
      caseNumber,
      '--to',
      'FCA',
      '--purpose',
      'civil_admin_enforcement',
      '--preview',
      '--data-dir',
      cftc,
    ]);
    expect(preview.recipients[0]!.shared).toHaveLength(1);
    expect(preview.recipients[0]!.withheld).toMatchObject([{ outcome: 'NO_BASIS', reason: expect.stringMatching(/inspection findings/) }]);
    expect(fs.existsSync(file)).toBe(false);
    const exported = ok([
      'bundle',
      'export',
      caseNumber,
      '--to',
      'FCA',
      '--purpose',
      'civil_admin_enforcement',
      '--out',
      file,
      '--data-dir',
      cftc,
    ]);
    expect(exported).toMatch(/for FCA, 1 item\(s\) sent, 1 withheld, encrypted/);
    const verified = ok(['bundle', 'verify', file, '--data-dir', fca]);
    expect(verified).toMatch(/VERIFIED/);
    expect(verified).toMatch(/\[ok\] Decrypt/);
    const imported = ok(['bundle', 'import', file, '--data-dir', fca]);
    expect(imported).toMatch(/Imported as CASE-\d{4}-\d{4} \(read-only\)/);
    expect(ok(['bundle', 'import', file, '--data-dir', fca])).toMatch(/imported before/);
    // The sender cannot open its own bundle: it is not a recipient.
    const own = concordat(['bundle', 'verify', file, '--data-dir', cftc]);
    expect(own.code).toBe(1);
    expect(own.stdout).toMatch(/\[FAILED\] We are a recipient/);
    const bad = concordat([
      'bundle',
      'export',
      caseNumber,
      '--to',
      'FCA',
      '--purpose',
      'gossip',
      '--out',
      path.join(work, 'x.casebundle'),
      '--data-dir',
      cftc,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Purpose: /);
  });

  it('verify --trust CARD works with no data directory; inbox lists what it finds', () => {
    const file = path.join(work, 'plain.casebundle');
    ok([
      'bundle',
      'export',
      caseNumber,
      '--to',
      'FCA',
      '--purpose',
      'civil_admin_enforcement',
      '--no-encrypt',
      '--out',
      file,
      '--data-dir',
      cftc,
    ]);
    const report = json<{ ok: boolean; sender: { authority: string } }>([
      'bundle',
      'verify',
      file,
      '--trust',
      path.join(work, 'cftc.json'),
    ]);
    expect(report).toMatchObject({ ok: true, sender: { authority: 'CFTC' } });
    const wrong = concordat(['bundle', 'verify', file, '--trust', path.join(work, 'fca.json')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/not signed by any trusted partner key/);
    const inbox = ok(['bundle', 'inbox', work, '--data-dir', fca]);
    expect(inbox).toMatch(/verified\s+plain\.casebundle/);
    expect(inbox).toMatch(/Nothing was imported/);
    // Without a folder: the inbox folder of the data directory (the app's setting; inbox/ by default).
    expect(ok(['bundle', 'inbox', '--data-dir', fca])).toMatch(/^No \.casebundle files in .*inbox\.$/m);
    fs.copyFileSync(file, path.join(fca, 'inbox', 'dropped.casebundle'));
    expect(ok(['bundle', 'inbox', '--data-dir', fca])).toMatch(/verified\s+dropped\.casebundle: CASE-\d{4}-\d{4} from CFTC/);
  });

  it('the README recipe opens and checks a bundle with age, unzip, sha512sum and openssl only', () => {
    const dir = fileTempDir();
    execFileSync('age-keygen', ['-o', path.join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', path.join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    ok(['keys', 'add', '--authority', 'BaFin', '--age-recipient', recipient, '--data-dir', cftc]);
    const file = path.join(dir, 'case.casebundle');
    ok(['bundle', 'export', caseNumber, '--to', 'BaFin', '--purpose', 'civil_admin_enforcement', '--out', file, '--data-dir', cftc]);
    const card = JSON.parse(fs.readFileSync(path.join(work, 'cftc.json'), 'utf8')) as { signingKey: string };
    fs.writeFileSync(path.join(dir, 'sender.pem'), card.signingKey);
    // The commands of README § Case bundles, "Without Concordat", as written there.
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const recipe = /\*\*Without Concordat\.\*\*[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const script = recipe.replace(
      'openssl pkeyutl -verify -pubin -inkey sender.pem',
      'openssl pkeyutl -verify -pubin -inkey ../../sender.pem',
    );
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8' });
    expect(out).toMatch(/bag-info.txt: OK/);
    expect(out).toMatch(/data\/case.json: OK/);
    expect(out).toMatch(/Signature Verified Successfully/);
    const signed = JSON.parse(fs.readFileSync(path.join(dir, 'bundle', 'bag', 'body.json'), 'utf8')) as { tagmanifest: { sha512: string } };
    expect(out).toContain(signed.tagmanifest.sha512);
  });
});
