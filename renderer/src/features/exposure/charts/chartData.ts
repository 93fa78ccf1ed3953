/**
 * Shapes drill results and series into what the charts (and their text tables) show. Pure: no
 * chart library, no DOM, so every figure a chart draws can be tested here.
 */
import type { DrillRow, SeriesPoint } from '../../../../../shared/contract';
import { formatUsdCompact } from '../../../../../shared/domain/format';
import { formatMetric, metricDefinitions, type MetricId } from '../../../../../shared/domain/metrics';

/** Bars the share chart shows before the rest is gathered under "Others". */
export const SHARE_BAR_LIMIT = 12;

export interface ShareBar {
  /** The row's key; undefined for the "Others" bucket. */
  key?: string | null;
  label: string;
  grossNotionalUsd: number;
  /** Of the sum of the level's rows' gross notional; null when that sum is zero. */
  share: number | null;
  /** How many drill rows the bar stands for (1, or the rows under "Others"). */
  rows: number;
  isOthers: boolean;
}

export interface ShareData {
  bars: ShareBar[];
  /** The sum of the rows' gross notional: the denominator of every share. */
  sumGrossUsd: number;
}

/**
 * The level's rows as shares of their summed gross notional, largest first: the top `limit`
 * rows, then one "Others" bar for the rest. The shares add up to 1. A trade whose two sides
 * fall in different rows (a cross-border trade by jurisdiction) counts in both, so a share here
 * can be smaller than the row's "Share of parent", which divides by the level total.
 */
export function shareBars(rows: readonly Pick<DrillRow, 'key' | 'label' | 'grossNotionalUsd'>[], limit = SHARE_BAR_LIMIT): ShareData {
  const sorted = [...rows].sort((a, b) => b.grossNotionalUsd - a.grossNotionalUsd || a.label.localeCompare(b.label));
  const sumGrossUsd = sorted.reduce((sum, r) => sum + r.grossNotionalUsd, 0);
  const share = (gross: number) => (sumGrossUsd > 0 ? gross / sumGrossUsd : null);
  const top = sorted.length > limit ? sorted.slice(0, limit) : sorted;
  const rest = sorted.slice(top.length);
  const bars: ShareBar[] = top.map((r) => ({
    key: r.key,
    label: r.label,
    grossNotionalUsd: r.grossNotionalUsd,
    share: share(r.grossNotionalUsd),
    rows: 1,
    isOthers: false,
  }));
  if (rest.length > 0) {
    const gross = rest.reduce((sum, r) => sum + r.grossNotionalUsd, 0);
    bars.push({ label: `Others (${rest.length})`, grossNotionalUsd: gross, share: share(gross), rows: rest.length, isOthers: true });
  }
  return { bars, sumGrossUsd };
}

export interface SeriesChartPoint {
  snapshotId: number;
  asOfDate: string;
  version: number;
  /** The axis label: the as-of date, with the version when it is not the first. */
  label: string;
  /** The metric in this snapshot; null where it cannot be computed (a gap, never 0). */
  value: number | null;
}

export interface SeriesData {
  labels: string[];
  values: (number | null)[];
  points: SeriesChartPoint[];
}

/** One metric across the series' points, oldest first, with null kept as a gap. */
export function seriesValues(points: readonly SeriesPoint[], metric: MetricId): SeriesData {
  const shaped = points.map((p): SeriesChartPoint => {
    const raw = p.metrics[metric];
    return {
      snapshotId: p.snapshotId,
      asOfDate: p.asOfDate,
      version: p.version,
      label: p.version > 1 ? `${p.asOfDate} (v${p.version})` : p.asOfDate,
      value: typeof raw === 'number' && Number.isFinite(raw) ? raw : null,
    };
  });
  return { labels: shaped.map((p) => p.label), values: shaped.map((p) => p.value), points: shaped };
}

/** An axis tick: USD in compact units ("$1.23bn"), anything else as the grids show it. */
export function formatTick(metric: MetricId, value: number): string {
  return metricDefinitions[metric].unit === 'usd' ? formatUsdCompact(value) : formatMetric(metric, value);
}

/** A share as the grids show shares: "12.3%", or "—" when there is none. */
export function formatShare(share: number | null): string {
  return formatMetric('shareOfParent', share);
}
