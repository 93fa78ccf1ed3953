import { beforeAll, describe, expect, it } from 'vitest';
import type { ShareDecision } from '../../../shared/contract/cooperation';
import { concordat, ensureBuilt } from '../../helpers/cli';
import { fileTempDir } from '../../helpers/tempDir';

beforeAll(ensureBuilt, 180_000);

/**
 * Issue 10, "The MoU registry must answer": `mou check` answers CFTC → FCA for enforcement with a basis, on the shipped
 * registry, and cites where each party's status was read and when it was checked.
 */
describe('concordat mou check cites its sources', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fileTempDir();
  });
  const args = [
    'mou',
    'check',
    '--home',
    'CFTC',
    '--recipient',
    'FCA',
    '--category',
    'transaction_records',
    '--purpose',
    'civil_admin_enforcement',
  ];

  it('--json: a basis instrument, and the source address and date checked of both parties’ statuses', () => {
    const run = concordat([...args, '--json', '--data-dir', dataDir], { CONCORDAT_DEMO_TRADES: '300' });
    expect(run.code).toBe(0);
    const d = JSON.parse(run.stdout) as ShareDecision;
    expect(['ALLOW', 'ALLOW_WITH_CONDITIONS']).toContain(d.outcome);
    expect(d.bases[0]!.instrument).toBe('IOSCO_MMOU');
    const sources = d.bases[0]!.partySources!;
    expect(sources.map((p) => p.authority)).toEqual(['CFTC', 'FCA']);
    for (const p of sources) {
      expect(p.status).toBe('verified');
      expect(p.sourceUrl).toMatch(/^https?:\/\/\S+$/);
      expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // The trace says it too, in the step that relied on the status.
      expect(d.trace.some((t) => t.step === 'candidate' && t.text.includes(`source: ${p.sourceUrl}, checked ${p.asOf}`))).toBe(true);
    }
  });

  it('the human-readable answer prints each party’s source under its basis', () => {
    const json = JSON.parse(concordat([...args, '--json', '--data-dir', dataDir]).stdout) as ShareDecision;
    const run = concordat([...args, '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Outcome: ${json.outcome}`);
    const lines = run.stdout.split('\n');
    const basis = lines.findIndex((l) => l.startsWith('  IOSCO_MMOU ('));
    expect(basis).toBeGreaterThan(0);
    for (const [n, p] of json.bases[0]!.partySources!.entries())
      expect(lines[basis + 1 + n]).toBe(`    ${p.authority}: tier A from ${p.validFrom}; source ${p.sourceUrl} (checked ${p.asOf})`);
  });

  it('SEC → CFTC, two US regulators: no basis under the cross-border MMoU, with the domestic-gateway advice', () => {
    const run = concordat([
      'mou',
      'check',
      '--home',
      'SEC',
      '--recipient',
      'CFTC',
      '--category',
      'transaction_records',
      '--purpose',
      'civil_admin_enforcement',
      '--data-dir',
      dataDir,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Outcome: NO_BASIS');
    expect(run.stdout).toContain(
      '\nAdvice:\n  - Both authorities are of the same country: the IOSCO MMoU and EMMoU are cross-border instruments',
    );
  });
});
