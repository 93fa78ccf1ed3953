import { describe, expect, it } from 'vitest';
import { formatTick, formatShare, SHARE_BAR_LIMIT, seriesValues, shareBars } from '../../renderer/src/features/exposure/charts/chartData';
import { plainMetrics as metrics } from './drillData';
import type { SeriesPoint } from '../../shared/contract';

const row = (key: string | null, grossNotionalUsd: number) => ({ key, label: key ?? 'Unknown', grossNotionalUsd });

describe('shareBars', () => {
  it('keeps every row, largest first, when there are no more than the limit', () => {
    const { bars, sumGrossUsd } = shareBars([row('B', 300), row('A', 100), row(null, 600)]);
    expect(sumGrossUsd).toBe(1000);
    expect(bars.map((b) => [b.key, b.share, b.isOthers])).toEqual([
      [null, 0.6, false],
      ['B', 0.3, false],
      ['A', 0.1, false],
    ]);
  });

  it('gathers the rows beyond the top 12 under "Others", whose gross is their sum', () => {
    // 20 rows with gross 1..20, given smallest first: the top 12 are 20..9, Others holds 8..1.
    const rows = Array.from({ length: 20 }, (_, i) => row(`K${i + 1}`, i + 1));
    const { bars, sumGrossUsd } = shareBars(rows);
    expect(sumGrossUsd).toBe(210);
    expect(bars).toHaveLength(SHARE_BAR_LIMIT + 1);
    expect(bars.slice(0, SHARE_BAR_LIMIT).map((b) => b.grossNotionalUsd)).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9]);
    const others = bars[SHARE_BAR_LIMIT]!;
    expect(others).toMatchObject({ isOthers: true, rows: 8, grossNotionalUsd: 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8, label: 'Others (8)' });
    expect(others.share).toBeCloseTo(36 / 210, 12);
    // The bars cover every row once: the shares add up to 1.
    expect(bars.reduce((sum, b) => sum + (b.share ?? 0), 0)).toBeCloseTo(1, 12);
    expect(bars.reduce((sum, b) => sum + b.rows, 0)).toBe(20);
  });

  it('has no shares when the rows carry no gross notional, rather than dividing by zero', () => {
    const { bars } = shareBars([row('A', 0), row('B', 0)]);
    expect(bars.map((b) => b.share)).toEqual([null, null]);
    expect(formatShare(null)).toBe('\u2014');
    expect(shareBars([]).bars).toEqual([]);
  });
});

describe('seriesValues', () => {
  const points: SeriesPoint[] = [
    { snapshotId: 3, asOfDate: '2026-04-30', version: 1, metrics: metrics({ grossNotionalUsd: 10, marginCoverage: 0.2 }) },
    { snapshotId: 7, asOfDate: '2026-05-31', version: 2, metrics: metrics({ grossNotionalUsd: 0, marginCoverage: null }) },
    { snapshotId: 9, asOfDate: '2026-06-30', version: 1, metrics: metrics({ grossNotionalUsd: 30, marginCoverage: 0.25 }) },
  ];

  it('labels each point by its as-of date (and version after the first) and keeps the order', () => {
    const data = seriesValues(points, 'grossNotionalUsd');
    expect(data.labels).toEqual(['2026-04-30', '2026-05-31 (v2)', '2026-06-30']);
    expect(data.values).toEqual([10, 0, 30]);
    expect(data.points.map((p) => p.snapshotId)).toEqual([3, 7, 9]);
  });

  it('keeps a metric that cannot be computed as a gap (null), never as 0', () => {
    expect(seriesValues(points, 'marginCoverage').values).toEqual([0.2, null, 0.25]);
    expect(seriesValues([{ ...points[0]!, metrics: metrics({ effectiveLeverage: Number.NaN }) }], 'effectiveLeverage').values).toEqual([
      null,
    ]);
  });

  it('formats axis ticks: USD compact, other metrics as the grids do', () => {
    expect(formatTick('grossNotionalUsd', 2_500_000_000)).toBe('$2.50bn');
    expect(formatTick('marginCoverage', 0.125)).toBe('12.5%');
    expect(formatTick('tradeCount', 12345)).toBe('12,345');
  });
});
