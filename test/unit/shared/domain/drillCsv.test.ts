import { describe, expect, it } from 'vitest';
import type { DrillResult } from '../../../../shared/contract/exposure';
import { drillToCsv } from '../../../../shared/domain/drillCsv';

const m = {
  tradeCount: 2,
  counterpartyCount: 1,
  grossNotionalUsd: 1234567.6,
  netNotionalUsd: -5.4,
  mtmValuationUsd: 10,
  unconvertedCount: 0,
};
const result: DrillResult = {
  snapshotId: 3,
  path: ['jurisdiction', 'venue'],
  dimension: 'venue',
  at: ['US'],
  rows: [
    { key: 'XCME', label: 'Chicago, "CME"', ...m, initialMarginPostedUsd: null },
    { key: null, label: '=cmd()', ...m, initialMarginPostedUsd: null },
  ],
  totals: { ...m, tradeCount: 4, initialMarginPostedUsd: null },
};

describe('drill CSV export', () => {
  it('states what was exported, then the grid rows and totals with plain numbers', () => {
    const csv = drillToCsv({
      result,
      snapshot: { snapshotId: 3, sourceName: 'TR', regime: 'EMIR', asOfDate: '2026-06-30', version: 2 },
      crumbs: ['United States (US)'],
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '# Concordat exposure',
      '# Snapshot: 3 (TR, EMIR, as of 2026-06-30, version 2)',
      '# Path: Jurisdiction > Venue',
      '# Position: All > United States (US)',
      '# Rows by: Venue',
      '# Exported at: 2026-07-01T00:00:00.000Z',
    ]);
    expect(lines[7]).toBe(
      'Venue,key,Gross notional (USD),Net notional (USD),Trades,Counterparties,MTM valuation (USD),Initial margin posted (USD),Not converted',
    );
    expect(lines[8]).toBe('"Chicago, ""CME""",XCME,1234568,-5,2,1,10,,0');
    expect(lines[9]).toBe("'=cmd(),,1234568,-5,2,1,10,,0");
    expect(lines[10]).toBe('Total (each trade once),,1234568,-5,4,1,10,,0');
  });
});
