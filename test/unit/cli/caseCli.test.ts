import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, projectRoot } from '../../helpers/cli';
import { fileTempDir, tempDir } from '../../helpers/tempDir';

/**
 * The case CLI flow as a real process on a real data directory (issue 12), and the audit chain
 * tampered with behind the app's back in each way the issue names, with `case verify` naming the
 * first broken entry. Exit codes: 0 ok, 1 verification failed, 2 bad input.
 */
const env = { ...process.env, CONCORDAT_DATA_DIR: '', CONCORDAT_DEMO_TRADES: '1500' };
function concordat(args: string[]) {
  const r = spawnSync(process.execPath, [cliBin, ...args], { cwd: projectRoot, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = <T>(args: string[]): T => {
  const r = concordat([...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
};

let template: string;
let caseNumber: string;

beforeAll(() => {
  ensureBuilt();
  template = fileTempDir();
  const created = json<{ caseNumber: string }>([
    'case',
    'create',
    '--title',
    'Wash trading on an offshore perp venue',
    '--classification',
    'AMBER+STRICT',
    '--authority',
    'CFTC',
    '--data-dir',
    template,
  ]);
  caseNumber = created.caseNumber;
  const dd = ['--data-dir', template];
  json(['case', 'pin-view', caseNumber, '--by', 'jurisdiction,counterparty', '--where', 'jurisdiction=US', '--grade', 'B2', ...dd]);
  const db = new Database(path.join(template, 'concordat.db'), { readonly: true });
  const utis = (db.prepare(`SELECT DISTINCT uti FROM trade_state LIMIT 2`).all() as Array<{ uti: string }>).map((r) => r.uti);
  db.close();
  json(['case', 'add-trades', caseNumber, '--uti', utis[0]!, '--uti', utis[1]!, ...dd]);
  const evidence = path.join(fileTempDir(), 'exchange-response.csv');
  fs.writeFileSync(evidence, 'account,owner\nA-1,Example Ltd\n');
  json(['case', 'attach', caseNumber, evidence, '--grade', 'A1', '--from', 'FCA', ...dd]);
  json(['case', 'note', caseNumber, '--text', '# Pattern\nSelf-matched orders, see [[item:1]].', ...dd]);
}, 240_000);

function copy(): string {
  const dir = tempDir();
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

describe('concordat case', () => {
  it('shows the case with its items, re-checks its pinned view, verifies its chain and writes the dossier', () => {
    const dir = copy();
    const shown = json<{
      header: { caseNumber: string; classification: string };
      items: Array<{ kind: string; grade: string | null }>;
      audit: { entries: number };
    }>(['case', 'show', caseNumber, '--data-dir', dir]);
    expect(shown.header).toMatchObject({ caseNumber, classification: 'AMBER+STRICT' });
    expect(shown.items.map((i) => `${i.kind}:${i.grade ?? ''}`)).toEqual(['view:B2', 'trades:', 'evidence:A1', 'note:']);
    expect(shown.audit.entries).toBe(5);
    expect(concordat(['case', 'recheck', caseNumber, '--data-dir', dir]).stdout).toContain('reproduced');
    const verified = concordat(['case', 'verify', caseNumber, '--data-dir', dir]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`${caseNumber}: chain intact (5 entries)`);
    const out = path.join(dir, 'dossier.html');
    expect(concordat(['case', 'report', caseNumber, '--out', out, '--data-dir', dir]).code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('TLP:AMBER+STRICT');
    expect(html.match(/class="banner (top|bottom)"/g)).toHaveLength(2);
    expect(html).toContain('exchange-response.csv');
    expect(html).not.toMatch(/<script/i);
    // Read by a foreign authority or a court: vocabularies in words, not the contract's codes.
    expect(html).toContain('Path Jurisdiction › Counterparty');
    expect(html).toMatch(/Evidence file · grade A1 · event [^·]+ · transaction records, our own collection/);
    expect(html).toMatch(/<td>(Buyer|Seller|Payer of leg 1|Receiver of leg 1) \((BYER|SLLR|MAKE|TAKE)\)<\/td>/);
    expect(html).not.toMatch(/own_collection|received_foreign|Path jurisdiction/);
    // The dossier signed the chain head: verify now checks that signature too.
    expect(concordat(['case', 'verify', caseNumber, '--data-dir', dir]).stdout).toContain('1 signature valid');
  });

  it('exit code 2 for bad input, with one clear line', () => {
    const dir = copy();
    const unknown = concordat(['case', 'show', 'CASE-2099-0001', '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('There is no case CASE-2099-0001.');
    const grade = concordat(['case', 'note', caseNumber, '--text', 'x', '--grade', 'G9', '--data-dir', dir]);
    expect(grade.code).toBe(2);
    expect(grade.stderr).toContain('a grade such as B2');
    expect(concordat(['case', 'pin-view', caseNumber, '--by', 'planet', '--data-dir', dir]).code).toBe(2);
  });
});

describe('the audit chain tampered with behind the app’s back', () => {
  /** Opens the database as an attacker with a SQLite shell would: the triggers dropped first. */
  function tamper(dir: string, sql: string): void {
    const db = new Database(path.join(dir, 'concordat.db'));
    // The app itself cannot: the triggers refuse.
    expect(() => db.prepare(`UPDATE case_audit SET actor = 'x' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM case_audit WHERE seq = 1`).run()).toThrow(/append-only/);
    db.exec(`DROP TRIGGER case_audit_no_update; DROP TRIGGER case_audit_no_delete; ${sql}`);
    db.close();
  }
  const verify = (dir: string) => concordat(['case', 'verify', '--data-dir', dir]);

  it('an entry edited: names it and says its content changed', () => {
    const dir = copy();
    tamper(dir, `UPDATE case_audit SET change_json = json_set(change_json, '$.grade', 'F6') WHERE seq = 2`);
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${caseNumber}: BROKEN at entry 2: entry 2 (add item:view 1) no longer matches its hash`);
  });

  it('an entry removed: names the gap', () => {
    const dir = copy();
    tamper(dir, `DELETE FROM case_audit WHERE seq = 3`);
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BROKEN at entry 3: entry 3 is missing: the chain goes from 2 to 4');
  });

  it('the last entry removed: the signed head no longer holds', () => {
    const dir = copy();
    expect(concordat(['case', 'report', caseNumber, '--out', path.join(dir, 'd.html'), '--data-dir', dir]).code).toBe(0);
    // The dossier's export entry (6) is the signed head; removing it leaves a chain that is
    // consistent in itself but shorter than what was signed.
    tamper(dir, `DELETE FROM case_audit WHERE seq = 6`);
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BROKEN at entry 6: the signature of the chain head at entry 6 does not verify');
  });

  it('two entries swapped: names the first out of place', () => {
    const dir = copy();
    tamper(
      dir,
      `UPDATE case_audit SET seq = 100 WHERE seq = 2; UPDATE case_audit SET seq = 2 WHERE seq = 3; UPDATE case_audit SET seq = 3 WHERE seq = 100;`,
    );
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BROKEN at entry 2: entry 2 (\(add item:trades 2\) no longer matches its hash|names .* as the previous hash)/);
  });

  it('an entry rewritten with its hash recomputed: the next entry’s link breaks', () => {
    const dir = copy();
    // An attacker who recomputes entry 2's own hash still leaves entry 3 pointing at the old one.
    tamper(dir, `UPDATE case_audit SET actor = 'someone else', hash = '${'f'.repeat(64)}' WHERE seq = 2`);
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('BROKEN at entry 2');
  });
});
