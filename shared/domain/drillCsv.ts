import type { DrillResult, DrillRow, ExposureMetrics } from '../contract/exposure';
import type { MetricId } from '../contract/metricIds';
import type { SnapshotSummary } from '../contract/snapshots';
import { csvHeaderLine, csvLine } from './csv';
import { dimensionNames } from './dimensionNames';
import { defaultExposureColumns, exposureColumns } from './exposureColumns';
import { hasDeltaPct, metricChange } from './metricChange';
import { metricDefinitions } from './metrics';

type SnapshotNaming = Pick<SnapshotSummary, 'snapshotId' | 'sourceName' | 'regime' | 'asOfDate' | 'version'>;

export interface DrillCsvInput {
  result: DrillResult;
  snapshot: SnapshotNaming;
  /** The snapshot the result is compared with (result.compare), when known by name. */
  compareSnapshot?: SnapshotNaming;
  /** Labels of the keys chosen above this level (the breadcrumb). */
  crumbs: string[];
  /** The metric columns the grid shows, in the grid's order; by default those shown by default. */
  columns?: readonly MetricId[];
  /** The text the level's rows were searched for, if any. */
  search?: string;
  exportedAt: Date;
}

/**
 * A figure as plain digits (no separators, a dot for decimals), so spreadsheets read it as a
 * number: counts, dollars and HHI whole; shares and ratios as fractions (0.125 = 12.5%).
 */
function plain(id: MetricId, n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '';
  switch (metricDefinitions[id].unit) {
    case 'count':
    case 'usd':
    case 'hhi':
      return String(Math.round(n));
    case 'percent':
    case 'ratio':
      return decimals(n, 6);
    case 'multiple':
      return decimals(n, 4);
  }
}

function decimals(n: number, places: number): string {
  const text = n.toFixed(places).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** Text from the data, on one line of the header block. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');
const keyText = (key: string | null) => (key === null ? '(none)' : key);
const naming = (s: SnapshotNaming) => `${s.snapshotId} (${s.sourceName}, ${s.regime}, as of ${s.asOfDate}, version ${s.version})`;

/**
 * The rows the drill grid shows, as CSV: a header block saying which snapshot, path, position,
 * keys, filters, comparison and time, then one line per row and the totals line, with the
 * grid's visible metric columns in its order (and their Δ and Δ% columns when comparing).
 */
export function drillToCsv({ result, snapshot, compareSnapshot, crumbs, columns, search, exportedAt }: DrillCsvInput): string {
  const metrics = columns ?? defaultExposureColumns.map((c) => c.field);
  const headers = new Map(exposureColumns.map((c) => [c.field, c.header]));
  const compare = result.compare;
  const comparedWith = compare
    ? compareSnapshot && compareSnapshot.snapshotId === compare.snapshotId
      ? naming(compareSnapshot)
      : String(compare.snapshotId)
    : undefined;
  const sortName = result.sort.by === 'label' ? dimensionNames[result.dimension] : metricDefinitions[result.sort.by].label;

  const figures = (row: ExposureMetrics, previous: ExposureMetrics | null | undefined, current: ExposureMetrics | null) =>
    metrics.flatMap((id) => {
      if (!compare) return [plain(id, row[id])];
      const change = metricChange(id, current, previous ?? null);
      const pct = hasDeltaPct(id) ? [change.deltaPct === null ? '' : decimals(change.deltaPct, 6)] : [];
      return [plain(id, row[id]), plain(id, change.delta), ...pct];
    });
  const rowLine = (r: DrillRow) => {
    const status = r.compare?.status;
    const current = status === 'vanished' ? null : r;
    return csvLine([
      r.label,
      r.key ?? '',
      ...(compare ? [status === 'appeared' ? 'new' : status === 'vanished' ? 'gone' : ''] : []),
      ...figures(r, r.compare?.previous, current),
    ]);
  };

  const header = [
    '# Concordat exposure',
    `# Snapshot: ${naming(snapshot)}`,
    `# Compared with: ${comparedWith === undefined ? 'none' : `snapshot ${comparedWith}`}`,
    `# Path: ${result.path.map((d) => dimensionNames[d]).join(' > ')}`,
    `# Position: ${oneLine(['All', ...crumbs].join(' > '))}`,
    `# Keys chosen: ${result.at.length === 0 ? 'none' : oneLine(result.at.map((k, i) => `${result.path[i]}=${keyText(k)}`).join('; '))}`,
    `# Filters: ${result.filters.length === 0 ? 'none' : oneLine(result.filters.map((f) => `${f.dimension}=${keyText(f.value)}`).join('; '))}`,
    `# Rows by: ${dimensionNames[result.dimension]}`,
    ...(search ? [`# Search: rows whose label or key contains "${oneLine(search)}"`] : []),
    ...(result.rowCount > result.rows.length
      ? [`# Rows: the first ${result.rows.length} of ${result.rowCount} in this order (the grid shows no more)`]
      : []),
    `# Sorted by: ${sortName}, ${result.sort.direction === 'asc' ? 'ascending' : 'descending'}`,
    `# Exported at: ${exportedAt.toISOString()}`,
    '# Money in USD; shares and ratios as fractions (0.125 = 12.5%); an empty cell is a figure that cannot be computed.',
    ...(compare
      ? [
          '# Δ = this snapshot minus the one compared with (shares and ratios: a difference of fractions); Δ% = Δ as a fraction of that one, only for counts and amounts that cannot be negative; "new"/"gone": the row is only in this / that one.',
        ]
      : []),
  ];
  const lines = [
    ...header.map(csvHeaderLine),
    csvLine([
      dimensionNames[result.dimension],
      'key',
      ...(compare ? ['Change'] : []),
      ...metrics.flatMap((id) =>
        compare ? [headers.get(id)!, `Δ ${headers.get(id)!}`, ...(hasDeltaPct(id) ? [`Δ% ${headers.get(id)!}`] : [])] : [headers.get(id)!],
      ),
    ]),
    ...result.rows.map(rowLine),
    csvLine([
      result.totalsOf === 'matching' ? `Total of the ${result.rowCount} matching rows (each trade once)` : 'Total (each trade once)',
      '',
      ...(compare ? [''] : []),
      ...figures(result.totals, compare?.totals, result.totals),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
