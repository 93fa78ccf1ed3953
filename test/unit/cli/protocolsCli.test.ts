import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concordat, ensureBuilt } from '../../helpers/cli';
import { fileTempDir } from '../../helpers/tempDir';
import { handFiles } from '../backend/supervision/handSnapshot';
import type { ProtocolRiskResult, ProtocolVersion } from '../../../shared/contract/protocols';
import type { StressRunResult, StressScenario } from '../../../shared/contract/stress';

// `concordat protocols` (the register: import all or nothing, list, show, risk) and named stress scenarios
// (`concordat stress save|scenarios|run --scenario|delete`), on the five-trade snapshot of the supervision tests (all off venue), through the real CLI.
// The figures are worked by hand in test/unit/backend/protocols/protocols.test.ts; here, the commands' behaviour.

let dataDir: string;
const EVM = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const protocol = (over: Record<string, unknown> = {}) => ({
  id: 'off-dex',
  name: 'Off DEX',
  chains: ['ethereum'],
  contracts: [{ chain: 'ethereum', address: EVM.toLowerCase() }],
  venues: ['OFF-VENUE'],
  audits: [
    {
      auditor: 'A',
      date: '2026-01-10',
      scope: { contracts: [EVM] },
      findings: [{ ref: 'C-1', title: 't', severity: 'critical', status: 'open' }],
    },
  ],
  upgradeability: { kind: 'immutable' },
  insuranceFundUsd: 1_000_000,
  ...over,
});
const write = (name: string, body: unknown) => {
  const file = path.join(fileTempDir(), name);
  fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
};
const run = (...args: string[]) => concordat([...args, '--data-dir', dataDir]);

beforeAll(() => {
  ensureBuilt();
  dataDir = fileTempDir();
  const imported = run('import', ...handFiles(), '--source', 'Hand TR', '--regime', 'EMIR', '--as-of', '2026-06-30');
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

describe('concordat protocols', () => {
  it('refuses a bad register naming where, and stores nothing', () => {
    const bad = run(
      'protocols',
      'import',
      write('bad.json', { v: 1, protocols: [protocol(), protocol({ id: 'two', insuranceFundUsd: -1 })] }),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('protocol 2 › insurance fund (USD)');
    expect(bad.stderr).toContain('Nothing was saved');
    const notJson = run('protocols', 'import', write('x.json', '{ nope'));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not a readable JSON register file/);
    const empty = run('protocols', 'list');
    expect(empty.stdout).toContain('The register is empty');
  });

  it('imports, lists, shows and prints the buffer of a register', () => {
    const file = write('register.json', { v: 1, protocols: [protocol()] });
    const imported = run('protocols', 'import', file, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(JSON.parse(run('protocols', 'import', file, '--json').stdout)).toEqual({ added: 0, updated: 0, unchanged: 1 });
    const listed = JSON.parse(run('protocols', 'list', '--json').stdout) as Array<ProtocolVersion & { audit: { openCritical: number } }>;
    expect(listed.map((p) => [p.id, p.contracts[0]!.address, p.audit.openCritical])).toEqual([['off-dex', EVM, 1]]);
    const shown = run('protocols', 'show', 'off-dex');
    expect(shown.stdout).toContain('Off DEX (off-dex), version 1');
    expect(shown.stdout).toContain('C-1 critical open: t');
    expect(run('protocols', 'show', 'nope').stderr).toContain('No protocol "nope"');
    const risk = JSON.parse(run('protocols', 'risk', '--shock', 'BTC=-0.3', '--json').stdout) as ProtocolRiskResult;
    expect(risk.shocks).toEqual({ BTC: -0.3 });
    expect(risk.protocols[0]!.openInterestUsd).toBeGreaterThan(0);
    expect(risk.protocols[0]!.stressed).not.toBeNull();
    expect(run('protocols', 'risk').stdout).toContain('Off DEX');
  });
});

describe('concordat stress scenarios', () => {
  it('saves a named scenario, lists it, runs it on the snapshot and deletes it', () => {
    const saved = run('stress', 'save', 'Crash', '--shock', 'BTC=-0.30,ETH=-0.40', '--rounds', '3', '--channels', 'price');
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Saved scenario "Crash".');
    expect(run('stress', 'save', 'Crash', '--shock', 'BTC=-0.30,ETH=-0.40', '--rounds', '3', '--channels', 'price').stdout).toContain(
      'Replaced',
    );
    const list = JSON.parse(run('stress', 'scenarios', '--json').stdout) as StressScenario[];
    expect(list.map((s) => [s.name, s.shocks, s.rounds, s.channels])).toEqual([['Crash', { BTC: -0.3, ETH: -0.4 }, 3, ['price']]]);
    const byName = JSON.parse(run('stress', 'run', '--scenario', 'Crash', '--json').stdout) as StressRunResult;
    const byHand = JSON.parse(
      run('stress', 'run', '--shock', 'BTC=-0.30,ETH=-0.40', '--rounds', '3', '--channels', 'price', '--json').stdout,
    ) as StressRunResult;
    expect(byName.scenario).toEqual(byHand.scenario);
    expect(byName.channels).toEqual(['price']);
    expect(byName.rounds).toEqual(byHand.rounds);
    expect(run('stress', 'run', '--scenario', 'Nope').stderr).toContain('No saved scenario "Nope"');
    expect(run('stress', 'run', '--scenario', 'Crash', '--shock', 'BTC=-0.1').code).toBe(2);
    expect(run('stress', 'delete', 'Crash').stdout).toContain('Deleted scenario "Crash".');
    expect(run('stress', 'scenarios').stdout).toContain('No saved scenarios');
  });
});
