import { parseCommandArgs, positiveInt, UsageError } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { chooseSnapshot } from '../snapshotChoice';
import { createOutput } from '../output';
import { renderTable } from '../table';
import { dimensions, type Dimension, type DrillResult } from '../../../shared/contract/exposure';
import { dimensionNames } from '../../../shared/domain/dimensionNames';
import { defaultExposureColumns, exposureColumns, type MetricColumn } from '../../../shared/domain/exposureColumns';
import { formatDelta, metricChange } from '../../../shared/domain/metricChange';
import { harmonisedMarginMetrics, isMetricId } from '../../../shared/domain/metrics';
import { drillSortKeys, type DrillSort } from '../../../shared/contract/exposure';

const NULL_VALUE = '(none)';

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Print exposure rows, as the Exposure view shows them',
  usage: `concordat exposure [--by DIM[,DIM…]] [--where DIM=VALUE …] [--snapshot ID] [--compare ID]
                   [--sort KEY[:asc|desc]] [--columns all|METRIC,…] [--search TEXT] [--limit N]
                   [--data-dir D] [--json]

--by is the drill path (default jurisdiction). A --where on a dimension of the path picks that
level's key; the rows printed group by the first dimension of the path without one. Other
--where options filter every level. VALUE ${NULL_VALUE} matches rows without a value.
Without --snapshot, uses the newest snapshot. --compare adds, per column, the change since
snapshot ID (Δ) and marks rows that appeared or vanished. --sort takes label or a metric
(default grossNotionalUsd:desc). --columns picks the metrics printed (default: the grid's
default columns); --json always carries every metric. The harmonised-margin metrics
(${harmonisedMarginMetrics.join(', ')}) are computed when printed, sorted by or with
--json, where every dimension describes the holder (jurisdiction, group, counterparty).
--search keeps the rows whose name or key contains TEXT; --limit prints at most N rows
(default 2000; the total covers them all).
Dimensions: ${dimensions.join(', ')}.
Metrics: ${exposureColumns.map((c) => c.field).join(', ')}.
Example: concordat exposure --by jurisdiction,counterparty --where jurisdiction=US`,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      by: { type: 'string', default: 'jurisdiction' },
      where: { type: 'string', multiple: true, default: [] },
      snapshot: { type: 'string' },
      compare: { type: 'string' },
      sort: { type: 'string', default: 'grossNotionalUsd:desc' },
      columns: { type: 'string' },
      search: { type: 'string' },
      limit: { type: 'string', default: '2000' },
    });
    const sort = parseSort(values.sort);
    const columns = parseColumns(values.columns);
    const path = values.by.split(',').map((d) => d.trim()) as Dimension[];
    for (const d of path)
      if (!(dimensions as readonly string[]).includes(d))
        throw new UsageError(`Unknown dimension "${d}". Known: ${dimensions.join(', ')}.`);
    const where = new Map<Dimension, string | null>();
    for (const clause of values.where) {
      const eq = clause.indexOf('=');
      const dim = clause.slice(0, Math.max(eq, 0)) as Dimension;
      if (eq < 1 || !(dimensions as readonly string[]).includes(dim))
        throw new UsageError(`--where takes DIM=VALUE with a known dimension, not "${clause}".`);
      const value = clause.slice(eq + 1);
      where.set(dim, value === NULL_VALUE ? null : value);
    }
    const at: (string | null)[] = [];
    for (const d of path) {
      if (!where.has(d)) break;
      at.push(where.get(d)!);
      where.delete(d);
    }
    if (at.length >= path.length)
      throw new UsageError('Every dimension of the path has a --where value: add a dimension to --by to see its rows.');
    const filters = [...where].map(([dimension, value]) => ({ dimension, value }));

    const out = createOutput(values.json);
    return withBackend(values['data-dir'], out, async (backend) => {
      const snapshotId = await chooseSnapshot(backend, values.snapshot);
      const compareTo = values.compare === undefined ? undefined : positiveInt('compare', values.compare);
      const result = (await backend.call('exposure.drill', {
        snapshotId,
        path,
        at,
        filters,
        sort,
        limit: positiveInt('limit', values.limit),
        ...(values.search === undefined ? {} : { search: values.search }),
        ...(compareTo === undefined ? {} : { compareTo }),
        harmonisedMargin: values.json === true || columns.some((c) => harmonisedMarginMetrics.includes(c.field)),
      })) as DrillResult;
      out.result(result, () => renderDrill(result, columns));
      return 0;
    });
  },
};

function parseSort(text: string): DrillSort {
  const [by, direction = 'desc'] = text.split(':');
  if (!(drillSortKeys as readonly string[]).includes(by!) || (direction !== 'asc' && direction !== 'desc'))
    throw new UsageError(`--sort takes label or a metric, optionally :asc or :desc, not "${text}".`);
  return { by: by as DrillSort['by'], direction };
}

function parseColumns(text: string | undefined): readonly MetricColumn[] {
  if (text === undefined) return defaultExposureColumns;
  if (text === 'all') return exposureColumns;
  const ids = text.split(',').map((c) => c.trim());
  for (const id of ids)
    if (!isMetricId(id)) throw new UsageError(`Unknown metric "${id}". Known: ${exposureColumns.map((c) => c.field).join(', ')}.`);
  return ids.map((id) => exposureColumns.find((c) => c.field === id)!);
}

const compareMarks = { both: '', appeared: 'new', vanished: 'gone' } as const;

/** The level as the grid shows it: a row per key and the total; with a comparison, Δ per column. */
function renderDrill(result: DrillResult, columns: readonly MetricColumn[]): string {
  const compared = result.compare !== undefined;
  const header = [dimensionNames[result.dimension], ...columns.flatMap((c) => (compared ? [c.header, `Δ ${c.header}`] : [c.header]))];
  const cells = (metrics: DrillResult['totals'], previous: DrillResult['totals'] | null) =>
    columns.flatMap((c) =>
      compared
        ? [c.format(metrics[c.field]), formatDelta(c.field, metricChange(c.field, metrics, previous).delta)]
        : [c.format(metrics[c.field])],
    );
  const rows = result.rows.map((r) => {
    const mark = r.compare ? compareMarks[r.compare.status] : '';
    return [mark ? `${r.label} (${mark})` : r.label, ...cells(r, r.compare?.previous ?? null)];
  });
  rows.push([
    result.totalsOf === 'matching' ? `Total of the ${result.rowCount.toLocaleString('en-US')} matching rows` : 'Total',
    ...cells(result.totals, result.compare?.totals ?? null),
  ]);
  const table = renderTable(header, rows, [false, ...header.slice(1).map(() => true)]);
  if (result.rowCount <= result.rows.length) return table;
  return `${table}\nThe first ${result.rows.length.toLocaleString('en-US')} of ${result.rowCount.toLocaleString('en-US')} rows; the total covers them all (--limit, --search).`;
}
