/**
 * Snapshot-to-snapshot change of one metric (the Δ and Δ% columns of a compared drill). A change
 * needs both figures: where either is missing (a row that appeared or vanished, a figure not
 * computable) the change is null and shows as "—", never as a change from or to zero. Δ% exists
 * only for non-negative magnitudes (metricDefinitions[id].change === 'relative'): for a signed
 * figure that sits at or crosses zero (net notional, MTM) it would be meaningless, and shares and
 * ratios change in percentage points.
 */
import type { ExposureMetrics } from '../contract/exposure';
import type { MetricId } from '../contract/metricIds';
import { formatMetric, metricDefinitions, NOT_COMPUTABLE } from './metrics';

export interface MetricChange {
  /** current − previous, in the metric's unit (a fraction for shares and ratios). */
  delta: number | null;
  /** delta ÷ previous, as a fraction; null for metrics without a Δ% and when previous is zero or missing. */
  deltaPct: number | null;
}

export function metricChange(id: MetricId, current: ExposureMetrics | null, previous: ExposureMetrics | null): MetricChange {
  const now = current?.[id] ?? null;
  const before = previous?.[id] ?? null;
  if (now === null || before === null || !Number.isFinite(now) || !Number.isFinite(before)) return { delta: null, deltaPct: null };
  const delta = now - before;
  const relative = metricDefinitions[id].change === 'relative';
  return { delta, deltaPct: relative && before > 0 ? delta / before : null };
}

const MINUS = '\u2212';
const pct = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const points = pct;

/** "+1,234" / "−56" in the metric's own format; shares and ratios in percentage points ("+1.2 pp"). */
export function formatDelta(id: MetricId, delta: number | null): string {
  if (delta === null) return NOT_COMPUTABLE;
  const unit = metricDefinitions[id].unit;
  if (metricDefinitions[id].change === 'points' || unit === 'percent' || unit === 'ratio')
    return `${points.format(delta * 100).replace('-', MINUS)} pp`;
  const text = formatMetric(id, Math.abs(delta));
  if (text === formatMetric(id, 0)) return text;
  return (delta < 0 ? MINUS : '+') + text;
}

/** Whether a metric has a Δ% column at all (non-negative magnitudes only). */
export function hasDeltaPct(id: MetricId): boolean {
  return metricDefinitions[id].change === 'relative';
}

/** "+12.3%" / "−4.0%"; "—" when there is no base to compare with. */
export function formatDeltaPct(deltaPct: number | null): string {
  if (deltaPct === null || !Number.isFinite(deltaPct)) return NOT_COMPUTABLE;
  return `${pct.format(deltaPct * 100).replace('-', MINUS)}%`;
}
