import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { SeriesPoint } from '../../../../../shared/contract';
import { formatMetric, harmonisedMarginMetrics, metricDefinitions, metricIds, type MetricId } from '../../../../../shared/domain/metrics';

/** The harmonised margin is not charted across snapshots: it would cost a margin computation per snapshot. */
const chartedMetrics = metricIds.filter((id) => !harmonisedMarginMetrics.includes(id));
import { formatTick, seriesValues } from './chartData';

// Only what a line chart needs, so the rest of chart.js stays out of the bundle.
Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);

const FALLBACK_ACCENT = '#1d4ed8';

export interface SeriesChartProps {
  points: readonly SeriesPoint[];
  /** Whose figures these are: the selected row, or the level total. */
  subject: string;
}

/** One metric of one drill cell across the snapshots of its source, as a line; a metric that cannot be computed leaves a gap. */
export function SeriesChart({ points, subject }: SeriesChartProps) {
  const [metric, setMetric] = useState<MetricId>('grossNotionalUsd');
  const [showTable, setShowTable] = useState(false);
  const data = useMemo(() => seriesValues(points, metric), [points, metric]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const pickerId = useId();
  const definition = metricDefinitions[metric];

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    // No 2D context (a test DOM, a blocked canvas): the table below still carries the figures.
    if (!canvas.current || !context) return;
    const accent = getComputedStyle(canvas.current).getPropertyValue('--accent').trim() || FALLBACK_ACCENT;
    const whole = definition.unit === 'count' || definition.unit === 'hhi';
    const config: ChartConfiguration<'line', (number | null)[], string> = {
      type: 'line',
      data: {
        labels: data.labels,
        datasets: [
          {
            label: definition.label,
            data: data.values,
            borderColor: accent,
            backgroundColor: accent,
            pointRadius: 3,
            // A figure that cannot be computed is a gap in the line, never a dip to zero.
            spanGaps: false,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          // From zero (or through it, for figures that go negative): an axis cut above zero makes a small change look large.
          y: { beginAtZero: true, ticks: { ...(whole ? { precision: 0 } : {}), callback: (value) => formatTick(metric, Number(value)) } },
        },
        plugins: {
          tooltip: { callbacks: { label: (item) => `${definition.label}: ${formatMetric(metric, data.values[item.dataIndex] ?? null)}` } },
        },
      },
    };
    const chart = new Chart(context, config);
    return () => chart.destroy();
  }, [data, metric, definition]);

  const first = data.points[0];
  const last = data.points[data.points.length - 1];
  const description =
    first && last
      ? `Line chart: ${definition.label} of ${subject} over ${data.points.length} snapshots, ` +
        `${formatMetric(metric, first.value)} on ${first.label} and ${formatMetric(metric, last.value)} on ${last.label}. ` +
        'The figures are in the table that follows.'
      : `Line chart: ${definition.label} of ${subject}; no snapshots.`;
  return (
    <figure className="chart" data-testid="series-chart">
      <figcaption>
        <span>
          {definition.label} of {subject} across snapshots
        </span>
        <label htmlFor={pickerId} className="visually-hidden">
          Metric
        </label>
        <select id={pickerId} value={metric} onChange={(e) => setMetric(e.target.value as MetricId)} title={definition.formula}>
          {chartedMetrics.map((id) => (
            <option key={id} value={id}>
              {metricDefinitions[id].label}
            </option>
          ))}
        </select>
        <button type="button" className="link" aria-expanded={showTable} onClick={() => setShowTable((v) => !v)}>
          {showTable ? 'Hide table' : 'Show table'}
        </button>
      </figcaption>
      {data.points.length < 2 && (
        <p className="muted">Only one snapshot of this source and regime is imported: import later as-of dates to see a trend.</p>
      )}
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={description} />
      </div>
      <table className={showTable ? 'chart-table' : 'chart-table visually-hidden'} data-testid="series-table">
        <caption>
          {definition.label} of {subject} by snapshot
        </caption>
        <thead>
          <tr>
            <th scope="col">As of</th>
            <th scope="col">Version</th>
            <th scope="col">{definition.label}</th>
          </tr>
        </thead>
        <tbody>
          {data.points.map((p) => (
            <tr key={p.snapshotId}>
              <th scope="row">{p.asOfDate}</th>
              <td>{p.version}</td>
              <td>{formatMetric(metric, p.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
