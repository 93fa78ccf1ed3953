import type { ColumnState, Dimension, MetricId } from '../../../../shared/contract';
import { exposureColumns, type MetricColumn } from '../../../../shared/domain/exposureColumns';

/**
 * The drill grid's column layout: the label column and every metric column, in the user's
 * order, with widths, visibility and pinning (the array order is the column order, as in
 * ag-grid's column state). When comparing, each metric is followed by its Δ and Δ% columns:
 * they are shown and hidden with their metric and only their widths are remembered.
 */
export const labelColId = 'label';
/** The "Trades ›" button column: always last, pinned right, not part of the layout. */
export const tradesColId = 'trades';

export type DeltaKind = 'delta' | 'deltaPct';
export const deltaColId = (id: MetricId, kind: DeltaKind): string => `${id}${kind === 'delta' ? 'Delta' : 'DeltaPct'}`;

const metricById = new Map<string, MetricColumn>(exposureColumns.map((c) => [c.field, c]));
export const metricColumn = (colId: string): MetricColumn | undefined => metricById.get(colId);

const deltaIds = new Map<string, { metric: MetricId; kind: DeltaKind }>(
  exposureColumns.flatMap((c) => (['delta', 'deltaPct'] as const).map((kind) => [deltaColId(c.field, kind), { metric: c.field, kind }])),
);
export const deltaOf = (colId: string) => deltaIds.get(colId);

const defaultWidth = (colId: string): number => {
  if (colId === labelColId) return 200;
  const delta = deltaOf(colId);
  if (delta) return delta.kind === 'delta' ? 130 : 95;
  return metricColumn(colId)?.header.includes('USD') ? 145 : 110;
};

/** The width a column takes when the layout gives none. */
export const widthOf = (entry: ColumnState | undefined, colId: string): number => entry?.width ?? defaultWidth(colId);

/** The layout before the user changes anything: every metric in display order, those not shown by default hidden. */
export function defaultLayout(): ColumnState[] {
  return resolveLayout([]);
}

/**
 * A complete, canonical layout from a saved one (possibly partial, stale or from another
 * version): unknown columns dropped, each column once, missing ones added where they belong by
 * default, the label column never hidden and pinned left unless the user unpinned it.
 */
export function resolveLayout(saved: readonly ColumnState[]): ColumnState[] {
  const byId = new Map<string, ColumnState>();
  for (const entry of saved) if (!byId.has(entry.colId)) byId.set(entry.colId, entry);
  const baseIds = [labelColId, ...exposureColumns.map((c) => c.field)];
  const order = saved.map((e) => e.colId).filter((id, i, all) => baseIds.includes(id) && all.indexOf(id) === i);
  // Missing columns go after the column that precedes them by default (or first).
  for (const [i, id] of baseIds.entries()) {
    if (order.includes(id)) continue;
    const before = baseIds
      .slice(0, i)
      .reverse()
      .find((b) => order.includes(b));
    order.splice(before === undefined ? 0 : order.indexOf(before) + 1, 0, id);
  }
  const layout: ColumnState[] = [];
  for (const id of order) {
    const entry = byId.get(id);
    const width = entry?.width;
    if (id === labelColId) {
      layout.push({ colId: id, hide: false, ...(width ? { width } : {}), pinned: entry?.pinned === undefined ? 'left' : entry.pinned });
      continue;
    }
    const hide = entry?.hide ?? !metricColumn(id)!.shownByDefault;
    layout.push({ colId: id, hide, ...(width ? { width } : {}), ...(entry?.pinned ? { pinned: entry.pinned } : {}) });
    for (const kind of ['delta', 'deltaPct'] as const) {
      const delta = byId.get(deltaColId(id as MetricId, kind));
      if (delta?.width) layout.push({ colId: delta.colId, width: delta.width });
    }
  }
  return layout;
}

/** The metric columns shown, in the order the grid shows them (pinned left first, pinned right last). */
export function visibleMetrics(layout: readonly ColumnState[]): MetricId[] {
  const rank = (e: ColumnState) => (e.pinned === 'left' ? 0 : e.pinned === 'right' ? 2 : 1);
  return layout
    .filter((e) => metricColumn(e.colId) && !e.hide)
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map(({ e }) => e.colId as MetricId);
}

/**
 * The layout after the user moved, resized, pinned or hid columns in the grid: the grid's
 * column state (which has Δ columns only while comparing), keeping the Δ widths the grid
 * did not show from the previous layout.
 */
export function layoutFromGrid(
  grid: ReadonlyArray<{ colId: string; hide?: boolean | null; width?: number | null; pinned?: 'left' | 'right' | boolean | null }>,
  previous: readonly ColumnState[],
): ColumnState[] {
  const entries: ColumnState[] = [];
  for (const c of grid) {
    if (c.colId === tradesColId) continue;
    const width = typeof c.width === 'number' ? Math.max(20, Math.min(4000, Math.round(c.width))) : undefined;
    const pinned = c.pinned === true ? 'left' : c.pinned || null;
    if (deltaOf(c.colId)) {
      if (width) entries.push({ colId: c.colId, width });
      continue;
    }
    entries.push({ colId: c.colId, hide: !!c.hide, ...(width ? { width } : {}), pinned });
  }
  for (const p of previous) if (deltaOf(p.colId) && !entries.some((e) => e.colId === p.colId)) entries.push(p);
  return resolveLayout(entries);
}

/** Shows or hides one metric column. */
export function setHidden(layout: readonly ColumnState[], colId: string, hide: boolean): ColumnState[] {
  return layout.map((e) => (e.colId === colId && colId !== labelColId && metricColumn(colId) ? { ...e, hide } : e));
}

export function sameLayout(a: readonly ColumnState[], b: readonly ColumnState[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Dimensions whose keys are LEIs: the grid shows them in a column of their own, beside the name. */
const leiDimensions: ReadonlySet<Dimension> = new Set(['group', 'counterparty', 'ccp']);
/** The header of the key column at a level of this dimension; none where the label says it all. */
export const keyColumnOf = (dimension: Dimension): string | undefined => (leiDimensions.has(dimension) ? 'LEI' : undefined);

/** A label "Name (KEY)" without its key, for a grid that shows the key in its own column; other labels as they are. */
export function labelWithoutKey(label: string, key: string | null): string {
  const suffix = key === null ? undefined : ` (${key})`;
  return suffix && label.endsWith(suffix) && label.length > suffix.length ? label.slice(0, -suffix.length) : label;
}

const noMetrics: readonly MetricId[] = [];
const oneCounterparty: readonly MetricId[] = ['counterpartyCount'];
/**
 * Metrics equal on every row of a level of this dimension by construction, hidden there (the
 * same array each time, so a grid can compare it): a counterparty's row has one counterparty.
 */
export const constantAtLevel = (dimension: Dimension): readonly MetricId[] => (dimension === 'counterparty' ? oneCounterparty : noMetrics);
