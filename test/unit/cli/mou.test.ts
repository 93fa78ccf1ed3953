import { beforeAll, describe, expect, it } from 'vitest';
import type { ShareDecision } from '../../../shared/contract/cooperation';
import { concordat, ensureBuilt } from '../../helpers/cli';
import { fileTempDir } from '../../helpers/tempDir';

beforeAll(ensureBuilt, 180_000);

/** `concordat mou`: the decision the UI shows, on the command line, against the shipped registry. */
describe('concordat mou', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fileTempDir();
  });
  const args = [
    '--home',
    'CFTC',
    '--recipient',
    'SCB',
    '--category',
    'transaction_records',
    '--purpose',
    'civil_admin_enforcement',
    '--date',
    '2026-01-15',
  ];

  it('check prints the outcome, the reasoning and, with --json, the whole decision', () => {
    const json = concordat(['mou', 'check', ...args, '--data-dir', dataDir, '--json'], { CONCORDAT_DEMO_TRADES: '300' });
    expect(json.code).toBe(0);
    const decision = JSON.parse(json.stdout) as ShareDecision;
    // SCB holds Appendix B in the shipped registry (a later move to A is not verified): no basis.
    expect(decision.outcome).toBe('NO_BASIS');
    expect(decision.trace.at(-1)!.step).toBe('result');
    const human = concordat(['mou', 'check', ...args, '--data-dir', dataDir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Outcome: ${decision.outcome}`);
    expect(human.stdout).toContain(`${decision.trace.length}. [result]`);
    // CFTC -> ESMA for CCP recognition: allowed, with the legend to stamp.
    const ccp = concordat([
      'mou',
      'check',
      '--home',
      'CFTC',
      '--recipient',
      'ESMA',
      '--category',
      'ccp_risk_data',
      '--purpose',
      'recognition_monitoring',
      '--subject',
      'ccp_recognition',
      '--date',
      '2026-01-15',
      '--data-dir',
      dataDir,
    ]);
    expect(ccp.stdout).toContain('Outcome: ALLOW\n');
    expect(ccp.stdout).toContain('Legend to stamp:');
  });

  it('names what it does not know, with the close matches, and exits 2 or 1', () => {
    const category = concordat([
      'mou',
      'check',
      ...args.slice(0, 4),
      '--category',
      'transaction_record',
      '--purpose',
      'supervision',
      '--data-dir',
      dataDir,
    ]);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain('Unknown --category "transaction_record". Did you mean transaction_records?');
    const authority = concordat(['mou', 'check', ...args.slice(2), '--home', 'CFTX', '--data-dir', dataDir]);
    expect(authority.code).not.toBe(0);
    expect(authority.stderr).toContain('Unknown home authority "CFTX". Did you mean CFTC?');
  });

  it('lists authorities with unknown statuses as unknown, and shows an instrument', () => {
    const list = JSON.parse(concordat(['mou', 'authorities', '--data-dir', dataDir, '--json']).stdout) as Array<{
      shortName: string;
      memberships: Array<{ instrument: string; status: string; tier: string | null }>;
    }>;
    expect(list).toHaveLength(30);
    // FCA's MMoU status is sourced since the 2026-12-05 re-check; MAS's still is not.
    expect(list.find((a) => a.shortName === 'MAS')!.memberships.find((m) => m.instrument === 'IOSCO_MMOU')!.status).toBe('unknown');
    expect(list.find((a) => a.shortName === 'FCA')!.memberships.find((m) => m.instrument === 'IOSCO_MMOU')!.status).toBe('verified');
    expect(list.find((a) => a.shortName === 'SCB')!.memberships.find((m) => m.instrument === 'IOSCO_MMOU')!.tier).toBe('B');
    const mmou = concordat(['mou', 'instrument', 'IOSCO_MMOU', '--data-dir', dataDir]);
    expect(mmou.stdout).toContain('MMOU.PERMISSIBLE_USE');
    expect(concordat(['mou', 'instrument', 'IOSCO_MMO', '--data-dir', dataDir]).stderr).toContain('Did you mean IOSCO_MMOU');
  });
});
