import type { DrillResult } from '../contract/exposure';
import type { SnapshotSummary } from '../contract/snapshots';
import { csvLine } from './csv';
import { dimensionNames } from './dimensionNames';
import { exposureColumns } from './exposureColumns';

export interface DrillCsvInput {
  result: DrillResult;
  snapshot: Pick<SnapshotSummary, 'snapshotId' | 'sourceName' | 'regime' | 'asOfDate' | 'version'>;
  /** Labels of the keys chosen above this level (the breadcrumb). */
  crumbs: string[];
  exportedAt: Date;
}

/** Whole dollars and counts as plain digits (no separators), so spreadsheets read them as numbers. */
const plain = (n: number | null) => (n === null ? '' : String(Math.round(n)));

/**
 * The rows the drill grid shows, as CSV: a header block saying which snapshot, path, position
 * and time, then one line per row and the totals line, in the grid's column order.
 */
export function drillToCsv({ result, snapshot, crumbs, exportedAt }: DrillCsvInput): string {
  const lines = [
    '# Concordat exposure',
    `# Snapshot: ${snapshot.snapshotId} (${snapshot.sourceName}, ${snapshot.regime}, as of ${snapshot.asOfDate}, version ${snapshot.version})`,
    `# Path: ${result.path.map((d) => dimensionNames[d]).join(' > ')}`,
    `# Position: ${['All', ...crumbs].join(' > ')}`,
    `# Rows by: ${dimensionNames[result.dimension]}`,
    `# Exported at: ${exportedAt.toISOString()}`,
    '# Money in USD; an empty cell is a figure that cannot be computed at this level.',
    csvLine([dimensionNames[result.dimension], 'key', ...exposureColumns.map((c) => c.header)]),
    ...result.rows.map((r) => csvLine([r.label, r.key ?? '', ...exposureColumns.map((c) => plain(r[c.field]))])),
    csvLine(['Total (each trade once)', '', ...exposureColumns.map((c) => plain(result.totals[c.field]))]),
  ];
  return `${lines.join('\n')}\n`;
}
