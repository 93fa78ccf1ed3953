import { describe, expect, it } from 'vitest';
import { drill } from '../../../../../electron/backend/exposure/drill';
import type { ExposureMetrics } from '../../../../../shared/contract/exposure';
import { metricIds, type MetricId } from '../../../../../shared/contract/metricIds';
import { drillToCsv } from '../../../../../shared/domain/drillCsv';
import { formatDelta, hasDeltaPct, metricChange } from '../../../../../shared/domain/metricChange';
import { metricDefinitions } from '../../../../../shared/domain/metrics';
import { freshDb, importHandMade, LEI, otherSide, trade } from './handMade';

/**
 * Issue 10, item 6: Δ% of a signed metric that sits at or crosses zero is meaningless. Before,
 * a compared Total showed Δ% +91.3 % where net notional was 0 in both snapshots (a rounding
 * residue divided by another), and −105.2 % for MTM.
 */
const kinds: Record<MetricId, 'relative' | 'absolute' | 'points'> = {
  tradeCount: 'relative',
  counterpartyCount: 'relative',
  grossNotionalUsd: 'relative',
  netNotionalUsd: 'absolute',
  deltaAdjustedNotionalUsd: 'absolute',
  mtmValuationUsd: 'absolute',
  imPostedUsd: 'relative',
  vmPostedUsd: 'relative',
  imCollectedUsd: 'relative',
  vmCollectedUsd: 'relative',
  excessCollateralUsd: 'relative',
  positionsWithoutMarginCount: 'relative',
  marginCoverage: 'points',
  effectiveLeverage: 'absolute',
  requiredMarginUsd: 'relative',
  requiredMarginCoverage: 'points',
  marginShortfallUsd: 'relative',
  shareOfParent: 'points',
  concentrationHhi: 'absolute',
  crossBorderShare: 'points',
  unconvertedCount: 'relative',
};

const metricsWith = (id: MetricId, value: number): ExposureMetrics => ({ [id]: value }) as unknown as ExposureMetrics;

describe('change between two snapshots, by kind of metric', () => {
  it('every metric has a kind, and the right one', () => {
    for (const id of metricIds) expect(metricDefinitions[id].change, id).toBe(kinds[id]);
  });

  it('non-negative magnitudes: Δ and Δ% (none from zero)', () => {
    for (const id of metricIds.filter((m) => kinds[m] === 'relative')) {
      expect(metricChange(id, metricsWith(id, 150), metricsWith(id, 100)), id).toEqual({ delta: 50, deltaPct: 0.5 });
      expect(metricChange(id, metricsWith(id, 150), metricsWith(id, 0)), id).toEqual({ delta: 150, deltaPct: null });
      expect(hasDeltaPct(id)).toBe(true);
    }
  });

  it('signed figures and indices: Δ only, even across or at zero', () => {
    for (const id of metricIds.filter((m) => kinds[m] === 'absolute')) {
      expect(metricChange(id, metricsWith(id, 0.000001), metricsWith(id, -0.0000005)), id).toEqual({ delta: 0.0000015, deltaPct: null });
      expect(metricChange(id, metricsWith(id, -40), metricsWith(id, 100)).deltaPct, id).toBeNull();
      expect(hasDeltaPct(id)).toBe(false);
    }
    expect(formatDelta('netNotionalUsd', -1_500)).toBe('\u22121,500');
    expect(formatDelta('concentrationHhi', 250)).toBe('+250');
  });

  it('shares and ratios: Δ in percentage points, no Δ%', () => {
    for (const id of metricIds.filter((m) => kinds[m] === 'points')) {
      const change = metricChange(id, metricsWith(id, 0.25), metricsWith(id, 0.2));
      expect(change.delta, id).toBeCloseTo(0.05, 12);
      expect(change.deltaPct, id).toBeNull();
      expect(formatDelta(id, change.delta), id).toBe('+5.0 pp');
    }
  });

  it('a compared market whose net notional is 0 in both snapshots: Δ 0, no Δ%, in the grid figures and the CSV', async () => {
    const db = await freshDb();
    // Two-sided reports: the market's net notional and MTM are exactly zero (each side cancels the other).
    const t1 = trade({
      uti: `${LEI.usDealer}T1`,
      reporting_lei: LEI.usDealer,
      other_cpty_id: LEI.gbFund,
      notional: 1_000_000.1,
      valuation_amount: 1234.56,
      valuation_ccy: 'USD',
      valuation_ts: '2026-06-29T18:00:00Z',
    });
    const t2 = trade({
      uti: `${LEI.kyFund}T2`,
      reporting_lei: LEI.kyFund,
      other_cpty_id: LEI.frBank,
      notional: 333_333.3,
      direction: 'SLLR',
    });
    const before = await importHandMade(db, { asOfDate: '2026-06-29', trades: [t1, otherSide(t1), t2, otherSide(t2)] });
    const t3 = trade({ uti: `${LEI.deBank}T3`, reporting_lei: LEI.deBank, other_cpty_id: LEI.usBank, notional: 777_777.7 });
    const now = await importHandMade(db, { trades: [t1, otherSide(t1), t2, otherSide(t2), t3, otherSide(t3)] });
    const level = drill(db, { snapshotId: now.snapshotId, path: ['jurisdiction'], at: [], filters: [], compareTo: before.snapshotId });
    const net = metricChange('netNotionalUsd', level.totals, level.compare!.totals);
    expect(Math.abs(net.delta!)).toBeLessThan(1e-6);
    expect(net.deltaPct).toBeNull();
    expect(formatDelta('netNotionalUsd', net.delta)).toBe('0');
    expect(metricChange('mtmValuationUsd', level.totals, level.compare!.totals).deltaPct).toBeNull();
    // Gross grew by T3: a real percentage.
    expect(metricChange('grossNotionalUsd', level.totals, level.compare!.totals).deltaPct).toBeCloseTo(777_777.7 / 1_333_333.4, 12);

    const csv = drillToCsv({
      result: level,
      snapshot: { snapshotId: now.snapshotId, sourceName: 'Hand TR', regime: 'EMIR', asOfDate: '2026-06-30', version: 1 },
      crumbs: [],
      columns: ['grossNotionalUsd', 'netNotionalUsd', 'mtmValuationUsd', 'shareOfParent'],
      exportedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const lines = csv.trimEnd().split('\n');
    const header = lines.find((l) => l.startsWith('Jurisdiction,'))!;
    expect(header).toBe(
      'Jurisdiction,key,Change,Gross notional (USD),Δ Gross notional (USD),Δ% Gross notional (USD),Net notional (USD),Δ Net notional (USD),Mark-to-market valuation (USD),Δ Mark-to-market valuation (USD),Share of parent,Δ Share of parent',
    );
    const total = lines[lines.length - 1]!.split(',');
    expect(total).toHaveLength(header.split(',').length);
  });
});
