import { z } from 'zod';
import { method } from './method';
import { metricIds } from './metricIds';
import { snapshotIdSchema } from './snapshots';

/** Drill-down dimensions: each groups positions (one counterparty's side of a trade). */
export const dimensions = [
  'jurisdiction',
  'group',
  'counterparty',
  'otherJurisdiction',
  'underlier',
  'contractType',
  'venue',
  'cleared',
  'ccp',
  'collateralisation',
  'crossBorder',
] as const;
export type Dimension = (typeof dimensions)[number];

/** A dimension's value; null where the data carries none (e.g. no entity reference data). */
const dimensionValue = z.string().max(120).nullable();

/** A dimension = value condition, applied at every level of a drill. */
export const dimensionFilterSchema = z.object({ dimension: z.enum(dimensions), value: dimensionValue }).strict();
export type DimensionFilter = z.infer<typeof dimensionFilterSchema>;

/** What a drill level's rows can be sorted by: the row label or any metric. */
export const drillSortKeys = ['label', ...metricIds] as const;
export type DrillSortKey = (typeof drillSortKeys)[number];
export const drillSortSchema = z.object({ by: z.enum(drillSortKeys), direction: z.enum(['asc', 'desc']) }).strict();
export type DrillSort = z.infer<typeof drillSortSchema>;

const drillPath = z
  .array(z.enum(dimensions))
  .min(1)
  .max(dimensions.length)
  .refine((p) => new Set(p).size === p.length, 'a dimension may appear only once in a path');

export const drillInput = z
  .object({
    snapshotId: snapshotIdSchema,
    /** The dimensions of the drill, top first; no dimension twice. */
    path: drillPath,
    /** The keys chosen at the levels above: the result groups by path[at.length]. */
    at: z
      .array(dimensionValue)
      .max(dimensions.length - 1)
      .default([]),
    /** Further filters, dimension = value, applied at every level. */
    filters: z.array(dimensionFilterSchema).max(dimensions.length).default([]),
    /** Row order; by default the largest gross notional first. */
    sort: drillSortSchema.default({ by: 'grossNotionalUsd', direction: 'desc' }),
    /** A second snapshot to compare with: each row then carries that snapshot's figures too. */
    compareTo: snapshotIdSchema.optional(),
    /** At most this many rows, the first in the sort order (a level may hold tens of thousands of counterparties). */
    limit: z.number().int().min(1).max(100_000).default(2000),
    /** Only the rows whose label or key contains this text (case-insensitive). */
    search: z.string().trim().min(1).max(200).optional(),
    /**
     * Also the required margin under the harmonised schedule, its coverage and shortfall: one margin computation per
     * snapshot and schedule version (seconds on a large snapshot the first time), so asked for only where shown.
     * Sorting by one of them asks for them too.
     */
    harmonisedMargin: z.boolean().default(false),
  })
  .strict()
  .refine((d) => d.at.length < d.path.length, { message: 'at must choose fewer keys than the path has levels', path: ['at'] })
  .refine((d) => d.compareTo === undefined || d.compareTo !== d.snapshotId, {
    message: 'compare with a different snapshot',
    path: ['compareTo'],
  });
export type DrillInput = z.input<typeof drillInput>;

/**
 * Metrics of one drill row (definitions and formulas: shared/domain/metrics.ts). Money is USD; a
 * value that could not be converted is counted, never zeroed; a figure that cannot be computed
 * at this level is null.
 */
export interface ExposureMetrics {
  tradeCount: number;
  counterpartyCount: number;
  grossNotionalUsd: number;
  netNotionalUsd: number;
  deltaAdjustedNotionalUsd: number;
  /** Options whose delta is modelled (Black–Scholes) because the report carries none. */
  modelledDeltaCount: number;
  /** Options with neither a reported nor a computable delta: left out of the delta-adjusted notional. */
  deltaMissingCount: number;
  /** Mark-to-market valuation in USD from the holder's side. */
  mtmValuationUsd: number;
  /** Margin is reported per counterparty and netting set: null where a row cuts across them (e.g. by underlier). */
  imPostedUsd: number | null;
  vmPostedUsd: number | null;
  imCollectedUsd: number | null;
  vmCollectedUsd: number | null;
  excessCollateralUsd: number | null;
  /** Positions (a holder's side of a trade) whose holder reported no margin for them; null where margin is not shown. */
  positionsWithoutMarginCount: number | null;
  /** IM posted ÷ notional of the positions with margin reported: unreported margin is left out, never read as zero. */
  marginCoverage: number | null;
  /** Harmonised required margin (issue 14 §1); null unless asked for (drill input harmonisedMargin) and the row is a set of counterparties. */
  requiredMarginUsd: number | null;
  requiredMarginCoverage: number | null;
  marginShortfallUsd: number | null;
  effectiveLeverage: number | null;
  /** Gross notional ÷ the level total's (the parent row's) gross notional. */
  shareOfParent: number | null;
  /**
   * HHI of this row's children along the next dimension of the path (of the level's rows, for
   * the totals), from shares of the children's summed gross, so the shares add up to 1.
   */
  concentrationHhi: number | null;
  crossBorderShare: number | null;
  /** Reports whose amounts could not be converted to USD (missing FX rate). */
  unconvertedCount: number;
}

/** How a row of a compared drill relates to the other snapshot. */
export type CompareStatus = 'both' | 'appeared' | 'vanished';

export interface DrillRow extends ExposureMetrics {
  /** The grouping key, e.g. an ISO 3166 country code; null when the data carries none. */
  key: string | null;
  label: string;
  /** With compareTo: the same row in the other snapshot (null when it has none) and how the two relate. */
  compare?: { status: CompareStatus; previous: ExposureMetrics | null };
}

export interface DrillResult {
  snapshotId: number;
  path: Dimension[];
  /** The dimension the rows are grouped by: path[at.length]. */
  dimension: Dimension;
  at: (string | null)[];
  filters: DimensionFilter[];
  sort: DrillSort;
  rows: DrillRow[];
  /** Rows at this level (matching the search): more than rows.length when the limit cut the list. */
  rowCount: number;
  /**
   * The figures of the rows in view: the whole level, or with a search only the rows matching it
   * (`totalsOf: 'matching'`), each trade counted once. Counts every matching row, also those past the limit.
   */
  totals: ExposureMetrics;
  totalsOf: 'level' | 'matching';
  /** With compareTo: the other snapshot and its totals. */
  compare?: { snapshotId: number; totals: ExposureMetrics };
}

export const seriesInput = z
  .object({
    /** The snapshot whose source the series follows: every active snapshot of the same source and regime. */
    snapshotId: snapshotIdSchema,
    path: z.array(z.enum(dimensions)).max(dimensions.length).default([]),
    /** The keys of the cell (as many as path has dimensions): the row whose figures are followed. */
    at: z.array(dimensionValue).max(dimensions.length).default([]),
    filters: z.array(dimensionFilterSchema).max(dimensions.length).default([]),
  })
  .strict()
  .refine((s) => s.at.length === s.path.length, { message: 'choose a key for every dimension of the path', path: ['at'] });

export interface SeriesPoint {
  snapshotId: number;
  asOfDate: string;
  version: number;
  metrics: ExposureMetrics;
}

export interface Series {
  /** The snapshots of the same source and regime, oldest first (the latest version of each date). */
  points: SeriesPoint[];
}

/** Trade columns the trades grid may show, sort and filter by (an allow-list: SQL never sees other names). */
export const tradeColumns = [
  'uti',
  'reportingLei',
  'reportingName',
  'otherCptyId',
  'otherCptyName',
  'direction',
  'contractType',
  'underlier',
  'venue',
  'cleared',
  'ccpLei',
  'ccpName',
  'notional',
  'notionalCcy',
  'notionalUsd',
  'valuationUsd',
  'executionTs',
  'expirationDate',
  'actionType',
] as const;
export type TradeColumn = (typeof tradeColumns)[number];

const textFilter = z
  .object({
    filterType: z.literal('text'),
    type: z.enum(['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank']),
    filter: z.string().max(200).optional(),
  })
  .strict();
const numberFilter = z
  .object({
    filterType: z.literal('number'),
    type: z.enum([
      'equals',
      'notEqual',
      'greaterThan',
      'greaterThanOrEqual',
      'lessThan',
      'lessThanOrEqual',
      'inRange',
      'blank',
      'notBlank',
    ]),
    filter: z.number().finite().optional(),
    filterTo: z.number().finite().optional(),
  })
  .strict();
const dateFilter = z
  .object({
    filterType: z.literal('date'),
    type: z.enum(['equals', 'notEqual', 'greaterThan', 'lessThan', 'inRange', 'blank', 'notBlank']),
    dateFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}/)
      .nullable()
      .optional(),
    dateTo: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}/)
      .nullable()
      .optional(),
  })
  .strict();
/** One column filter, in the shape ag-grid's text/number/date filters produce. */
export const columnFilterSchema = z.discriminatedUnion('filterType', [textFilter, numberFilter, dateFilter]);
export type ColumnFilter = z.infer<typeof columnFilterSchema>;

export const tradesInput = z
  .object({
    snapshotId: snapshotIdSchema,
    path: z.array(z.enum(dimensions)).max(dimensions.length).default([]),
    at: z.array(z.string().max(120).nullable()).max(dimensions.length).default([]),
    filters: z.array(dimensionFilterSchema).max(dimensions.length).default([]),
    columnFilters: z.partialRecord(z.enum(tradeColumns), columnFilterSchema).default({}),
    sort: z
      .array(z.object({ colId: z.enum(tradeColumns), sort: z.enum(['asc', 'desc']) }).strict())
      .max(3)
      .default([]),
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
  })
  .strict()
  .refine((t) => t.endRow > t.startRow && t.endRow - t.startRow <= 1000, { message: 'a page is 1 to 1,000 rows', path: ['endRow'] })
  .refine((t) => t.at.length <= t.path.length, { message: 'at may not choose more keys than the path has levels', path: ['at'] });

/** One trade behind a drill cell: its canonical report (the one counted in the figures). */
export type TradeRow = Record<TradeColumn, string | number | null>;

export interface TradesPage {
  rows: TradeRow[];
  /** Trades matching the cell and the column filters. */
  total: number;
}

export const exposureMethods = {
  'exposure.drill': method<DrillResult>()(drillInput),
  /** The trades behind a drill cell (path + the keys chosen + filters), paged for the infinite row model. */
  'exposure.trades': method<TradesPage>()(tradesInput),
  /** A cell's figures across the snapshots of the same source: the time series behind a chart. */
  'exposure.series': method<Series>()(seriesInput),
};
