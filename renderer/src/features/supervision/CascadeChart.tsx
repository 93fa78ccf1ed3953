import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { StressRunResult } from '../../../../shared/contract';
import { formatUsdCompact } from '../../../../shared/domain/format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const FALLBACK_ACCENT = '#1d4ed8';

/** The cascade round by round: uncovered loss per round (bars from zero); the table beside it has every figure. */
export function CascadeChart({ result }: { result: StressRunResult }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    // No 2D context (a test DOM): the rounds table still carries the figures.
    if (!canvas.current || !context || result.rounds.length === 0) return;
    const accent = getComputedStyle(canvas.current).getPropertyValue('--accent').trim() || FALLBACK_ACCENT;
    const config: ChartConfiguration<'bar', number[], string> = {
      type: 'bar',
      data: {
        labels: result.rounds.map((r) => `Round ${r.round} (${r.defaults.length} defaults)`),
        datasets: [{ label: 'Uncovered loss (USD)', data: result.rounds.map((r) => r.uncoveredUsd), backgroundColor: accent }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => formatUsdCompact(Number(v)) } } },
      },
    };
    const chart = new Chart(context, config);
    return () => chart.destroy();
  }, [result]);
  return (
    <div className="chart-box" style={{ height: 220 }}>
      <canvas ref={canvas} role="img" aria-label="Uncovered loss by round of the cascade" />
    </div>
  );
}
