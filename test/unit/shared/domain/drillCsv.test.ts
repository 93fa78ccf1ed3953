import { describe, expect, it } from 'vitest';
import type { DrillResult, ExposureMetrics } from '../../../../shared/contract/exposure';
import { drillToCsv } from '../../../../shared/domain/drillCsv';

const m: ExposureMetrics = {
  tradeCount: 2,
  counterpartyCount: 1,
  grossNotionalUsd: 1234567.6,
  netNotionalUsd: -5.4,
  deltaAdjustedNotionalUsd: -5.4,
  modelledDeltaCount: 0,
  deltaMissingCount: 0,
  mtmValuationUsd: 10,
  imPostedUsd: null,
  vmPostedUsd: null,
  imCollectedUsd: null,
  vmCollectedUsd: null,
  excessCollateralUsd: null,
  positionsWithoutMarginCount: null,
  marginCoverage: null,
  requiredMarginUsd: null,
  requiredMarginCoverage: null,
  marginShortfallUsd: null,
  effectiveLeverage: null,
  shareOfParent: 0.5,
  concentrationHhi: 5000,
  crossBorderShare: 0,
  unconvertedCount: 0,
};
const result: DrillResult = {
  snapshotId: 3,
  path: ['jurisdiction', 'venue'],
  dimension: 'venue',
  at: ['US'],
  filters: [{ dimension: 'cleared', value: 'uncleared' }],
  sort: { by: 'grossNotionalUsd', direction: 'desc' },
  rows: [
    { key: 'XCME', label: 'Chicago, "CME"', ...m },
    { key: null, label: '=cmd()', ...m, shareOfParent: 0.123456789 },
  ],
  rowCount: 2,
  totals: { ...m, tradeCount: 4, shareOfParent: 1 },
  totalsOf: 'level',
};
const snapshot = { snapshotId: 3, sourceName: 'TR', regime: 'EMIR' as const, asOfDate: '2026-06-30', version: 2 };

describe('drill CSV export', () => {
  it('states what was exported, then the grid rows and totals with plain numbers', () => {
    const csv = drillToCsv({ result, snapshot, crumbs: ['United States (US)'], exportedAt: new Date('2026-07-01T00:00:00Z') });
    const lines = csv.trimEnd().split('\n');
    expect(lines.slice(0, 11)).toEqual([
      '# Concordat exposure',
      '"# Snapshot: 3 (TR, EMIR, as of 2026-06-30, version 2)"',
      '# Compared with: none',
      '# Path: Jurisdiction > Venue',
      '# Position: All > United States (US)',
      '# Keys chosen: jurisdiction=US',
      '# Filters: cleared=uncleared',
      '# Rows by: Venue',
      '"# Sorted by: Gross notional (USD), descending"',
      '# Exported at: 2026-07-01T00:00:00.000Z',
      '# Money in USD; shares and ratios as fractions (0.125 = 12.5%); an empty cell is a figure that cannot be computed.',
    ]);
    // The columns shown by default, in their display order.
    expect(lines[11]).toBe(
      'Venue,key,Gross notional (USD),Net notional (USD),Trades,Counterparties,Mark-to-market valuation (USD),Initial margin posted (USD),Positions without margin,Share of parent,Not converted',
    );
    expect(lines[12]).toBe('"Chicago, ""CME""",XCME,1234568,-5,2,1,10,,,0.5,0');
    expect(lines[13]).toBe("'=cmd(),,1234568,-5,2,1,10,,,0.123457,0");
    expect(lines[14]).toBe('Total (each trade once),,1234568,-5,4,1,10,,,1,0');
    expect(lines).toHaveLength(15);
  });

  it('writes exactly the columns given, in their order', () => {
    const csv = drillToCsv({
      result: { ...result, filters: [], at: [null], sort: { by: 'label', direction: 'asc' } },
      snapshot,
      crumbs: ['(no jurisdiction)\nINJECTED'],
      columns: ['tradeCount', 'concentrationHhi', 'grossNotionalUsd'],
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    // Text from the data stays on its line of the header block.
    expect(lines[4]).toBe('# Position: All > (no jurisdiction) INJECTED');
    expect(lines[5]).toBe('# Keys chosen: jurisdiction=(none)');
    expect(lines[6]).toBe('# Filters: none');
    expect(lines[8]).toBe('"# Sorted by: Venue, ascending"');
    expect(lines[11]).toBe('Venue,key,Trades,Concentration (HHI),Gross notional (USD)');
    expect(lines[12]).toBe('"Chicago, ""CME""",XCME,2,5000,1234568');
  });

  it('says when the level was searched or holds more rows than the grid shows', () => {
    const csv = drillToCsv({
      result: { ...result, rowCount: 5000 },
      snapshot,
      crumbs: ['United States (US)'],
      search: 'chi',
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    expect(lines.slice(7, 10)).toEqual([
      '# Rows by: Venue',
      '"# Search: rows whose label or key contains ""chi"""',
      '# Rows: the first 2 of 5000 in this order (the grid shows no more)',
    ]);
  });

  it('when comparing: names the other snapshot, marks rows that appeared or vanished, and adds Δ after each metric and Δ% after counts and amounts', () => {
    const before: ExposureMetrics = { ...m, grossNotionalUsd: 1_000_000, tradeCount: 1, shareOfParent: 0.4 };
    const compared: DrillResult = {
      ...result,
      rows: [
        { key: 'XCME', label: 'CME', ...m, compare: { status: 'both', previous: before } },
        { key: 'XNEW', label: 'New venue', ...m, compare: { status: 'appeared', previous: null } },
        {
          key: 'XOLD',
          label: 'Old venue',
          ...m,
          grossNotionalUsd: 0,
          tradeCount: 0,
          shareOfParent: null,
          compare: { status: 'vanished', previous: before },
        },
      ],
      compare: { snapshotId: 2, totals: { ...before, tradeCount: 2, grossNotionalUsd: 2_000_000 } },
    };
    const csv = drillToCsv({
      result: compared,
      snapshot,
      compareSnapshot: { ...snapshot, snapshotId: 2, asOfDate: '2026-06-29', version: 1 },
      crumbs: ['United States (US)'],
      columns: ['grossNotionalUsd', 'tradeCount', 'shareOfParent'],
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    expect(lines[2]).toBe('"# Compared with: snapshot 2 (TR, EMIR, as of 2026-06-29, version 1)"');
    expect(lines[11]).toMatch(/^"# Δ = this snapshot minus the one compared with/);
    expect(lines[12]).toBe(
      'Venue,key,Change,Gross notional (USD),Δ Gross notional (USD),Δ% Gross notional (USD),Trades,Δ Trades,Δ% Trades,Share of parent,Δ Share of parent',
    );
    // A share changes in points (0.5 − 0.4), with no Δ%.
    expect(lines[13]).toBe('CME,XCME,,1234568,234568,0.234568,2,1,1,0.5,0.1');
    // A row only in one snapshot has no change (never a change from or to zero).
    expect(lines[14]).toBe('New venue,XNEW,new,1234568,,,2,,,0.5,');
    expect(lines[15]).toBe('Old venue,XOLD,gone,0,,,0,,,,');
    expect(lines[16]).toBe('Total (each trade once),,,1234568,-765432,-0.382716,4,2,1,1,0.6');
  });

  it('encodes the header block like the cells: no line breaks from the data, commas and quotes kept in one cell (OWASP)', () => {
    const hostile = 'TR\n=HYPERLINK("http://x.invalid","click"),=cmd()';
    const csv = drillToCsv({
      result: { ...result, filters: [{ dimension: 'cleared', value: '=1+1,@SUM(A1)' }] },
      snapshot: { ...snapshot, sourceName: hostile },
      crumbs: ['US\r\n-2+3'],
      search: '"=x",y',
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    // Every header line is one line and one cell: it starts with # (or a quote and #), and a CSV
    // reader sees it as a single field, so no cell of it can start with = + - @.
    const header = lines.slice(
      0,
      lines.findIndex((l) => !l.startsWith('#') && !l.startsWith('"#')),
    );
    expect(header).toHaveLength(12);
    for (const line of header) {
      expect(line).toMatch(/^"?#/);
      if (line.startsWith('"')) expect(line).toMatch(/^"(?:[^"]|"")*"$/);
      else expect(line).not.toMatch(/[,"]/);
    }
    expect(lines[1]).toBe('"# Snapshot: 3 (TR =HYPERLINK(""http://x.invalid"",""click""),=cmd(), EMIR, as of 2026-06-30, version 2)"');
    expect(lines[4]).toBe('# Position: All > US -2+3');
  });
});
