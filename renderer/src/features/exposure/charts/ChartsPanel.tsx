import { useEffect, useState } from 'react';
import type { DrillResult, InputOf, SeriesPoint } from '../../../../../shared/contract';
import { dimensionNames } from '../../../../../shared/domain/dimensionNames';
import { useApi } from '../../../stores/StoresContext';
import { SeriesChart } from './SeriesChart';
import { ShareChart } from './ShareChart';

export interface ChartsPanelProps {
  result: DrillResult;
  /** The row whose series to show; without one, the level total's. */
  selected?: { key: string | null; label: string };
}

type SeriesState = { request: string; points: SeriesPoint[] } | { request: string; error: string };

/**
 * Charts of the current drill level, in the lower pane of a split under its table (mounted only
 * while the user has the charts shown): the rows' share of gross notional, and a metric of the
 * selected row (or the level total) across the snapshots of the same source.
 */
export function ChartsPanel({ result, selected }: ChartsPanelProps) {
  const api = useApi();
  const [series, setSeries] = useState<SeriesState>();

  const input: InputOf<'exposure.series'> = {
    snapshotId: result.snapshotId,
    path: result.path.slice(0, result.at.length + (selected ? 1 : 0)),
    at: selected ? [...result.at, selected.key] : result.at,
    filters: result.filters,
  };
  // The request by value: a new result or selection object with the same cell asks nothing new.
  const request = JSON.stringify(input);

  useEffect(() => {
    // A later request (or closing the panel) makes this one's answer stale: it is then ignored.
    let stale = false;
    api.call('exposure.series', JSON.parse(request) as InputOf<'exposure.series'>).then(
      (answer) => {
        if (!stale) setSeries({ request, points: answer.points });
      },
      (error: unknown) => {
        if (!stale) setSeries({ request, error: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      stale = true;
    };
  }, [api, request]);

  const current = series?.request === request ? series : undefined;
  const subject = selected ? selected.label : 'the level total';
  return (
    <section className="charts-panel" data-testid="charts-panel" aria-label="Charts of this level">
      <div className="charts">
        <ShareChart rows={result.rows} dimensionName={dimensionNames[result.dimension]} totalGrossUsd={result.totals.grossNotionalUsd} />
        {current === undefined ? (
          <p className="muted" role="status">
            Loading the series of {subject}…
          </p>
        ) : 'error' in current ? (
          <p className="error" role="alert">
            The series could not be loaded: {current.error}
          </p>
        ) : (
          <SeriesChart points={current.points} subject={subject} />
        )}
      </div>
    </section>
  );
}
