import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DrillRow } from '../../../../../shared/contract';
import { formatUsd, formatUsdCompact } from '../../../../../shared/domain/format';
import { formatShare, shareBars } from './chartData';

// Only what a bar chart needs, so the rest of chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** A fixed palette that reads on white (WCAG contrast ≥ 3:1 for graphics), used where no CSS variable is set. */
const FALLBACK_ACCENT = '#1d4ed8';
const OTHERS_COLOUR = '#6b7280';

export interface ShareChartProps {
  rows: readonly DrillRow[];
  /** What the rows are grouped by, e.g. "Jurisdiction". */
  dimensionName: string;
  /** The level's total gross notional (each trade once), to say when the rows overlap. */
  totalGrossUsd: number;
}

/** The current level's rows as shares of their gross notional: a horizontal bar per row, top 12 and "Others". */
export function ShareChart({ rows, dimensionName, totalGrossUsd }: ShareChartProps) {
  const data = useMemo(() => shareBars(rows), [rows]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showTable, setShowTable] = useState(false);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    // No 2D context (a test DOM, a blocked canvas): the table below still carries the figures.
    if (!canvas.current || !context || data.bars.length === 0) return;
    const accent = getComputedStyle(canvas.current).getPropertyValue('--accent').trim() || FALLBACK_ACCENT;
    const config: ChartConfiguration<'bar', number[], string> = {
      type: 'bar',
      data: {
        labels: data.bars.map((b) => b.label),
        datasets: [
          {
            label: 'Share of gross notional',
            data: data.bars.map((b) => b.share ?? 0),
            backgroundColor: data.bars.map((b) => (b.isOthers ? OTHERS_COLOUR : accent)),
            barPercentage: 0.8,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, ticks: { callback: (value) => formatShare(Number(value)) } },
          y: { ticks: { autoSkip: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const bar = data.bars[item.dataIndex]!;
                return `${formatShare(bar.share)} · ${formatUsdCompact(bar.grossNotionalUsd)}`;
              },
            },
          },
        },
      },
    };
    const chart = new Chart(context, config);
    return () => chart.destroy();
  }, [data]);

  if (data.bars.length === 0) return <p className="muted">No rows at this level.</p>;
  const overlap = data.sumGrossUsd > totalGrossUsd * (1 + 1e-9) + 0.5;
  const largest = data.bars[0]!;
  const description =
    `Bar chart: share of gross notional by ${dimensionName.toLowerCase()}, ${data.bars.length} bars; ` +
    `largest ${largest.label} at ${formatShare(largest.share)}. The figures are in the table that follows.`;
  return (
    <figure className="chart" data-testid="share-chart">
      <figcaption>
        <span>Share of gross notional by {dimensionName.toLowerCase()}</span>
        <button type="button" className="link" aria-expanded={showTable} onClick={() => setShowTable((v) => !v)}>
          {showTable ? 'Hide table' : 'Show table'}
        </button>
      </figcaption>
      <div className="chart-canvas" style={{ height: `${48 + 26 * data.bars.length}px` }}>
        <canvas ref={canvas} role="img" aria-label={description} />
      </div>
      <table className={showTable ? 'chart-table' : 'chart-table visually-hidden'} data-testid="share-table">
        <caption>Share of gross notional by {dimensionName.toLowerCase()}</caption>
        <thead>
          <tr>
            <th scope="col">{dimensionName}</th>
            <th scope="col">Gross notional (USD)</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {data.bars.map((b) => (
            <tr key={b.isOthers ? '__others__' : `k:${b.key ?? '__null__'}`}>
              <th scope="row">{b.label}</th>
              <td>{formatUsd(b.grossNotionalUsd)}</td>
              <td>{formatShare(b.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {overlap && (
        <p className="footnote">
          Shares of the rows&rsquo; summed gross notional. A trade whose two sides fall in different rows counts in both, so these shares
          are smaller than the Share of parent column, which divides by the level total (each trade once).
        </p>
      )}
    </figure>
  );
}
