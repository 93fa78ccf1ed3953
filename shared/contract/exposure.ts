import { z } from 'zod';
import { method } from './method';
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

export const drillInput = z
  .object({
    snapshotId: snapshotIdSchema,
    /** The dimensions of the drill, top first; no dimension twice. */
    path: z
      .array(z.enum(dimensions))
      .min(1)
      .max(dimensions.length)
      .refine((p) => new Set(p).size === p.length, 'a dimension may appear only once in a path'),
    /** The keys chosen at the levels above: the result groups by path[at.length]. */
    at: z
      .array(dimensionValue)
      .max(dimensions.length - 1)
      .default([]),
    /** Further filters, dimension = value, applied at every level. */
    filters: z
      .array(z.object({ dimension: z.enum(dimensions), value: dimensionValue }).strict())
      .max(dimensions.length)
      .default([]),
  })
  .strict()
  .refine((d) => d.at.length < d.path.length, { message: 'at must choose fewer keys than the path has levels', path: ['at'] });
export type DrillInput = z.input<typeof drillInput>;

/** Metrics of one drill row. Money is USD; a value that could not be converted is counted, never zeroed. */
export interface ExposureMetrics {
  tradeCount: number;
  counterpartyCount: number;
  grossNotionalUsd: number;
  netNotionalUsd: number;
  /** Margin is reported per counterparty and netting set: null where a row cuts across them (e.g. by underlier). */
  initialMarginPostedUsd: number | null;
  /** Mark-to-market valuation in USD from the holder's side. */
  mtmValuationUsd: number;
  /** Reports whose amounts could not be converted to USD (missing FX rate). */
  unconvertedCount: number;
}

export interface DrillRow extends ExposureMetrics {
  /** The grouping key, e.g. an ISO 3166 country code; null when the data carries none. */
  key: string | null;
  label: string;
}

export interface DrillResult {
  snapshotId: number;
  path: Dimension[];
  /** The dimension the rows are grouped by: path[at.length]. */
  dimension: Dimension;
  at: (string | null)[];
  rows: DrillRow[];
  totals: ExposureMetrics;
}

/** Trade columns the trades grid may show, sort and filter by (an allow-list: SQL never sees other names). */
export const tradeColumns = [
  'uti',
  'reportingLei',
  'otherCptyId',
  'direction',
  'contractType',
  'underlier',
  'venue',
  'cleared',
  'ccpLei',
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
    filters: z
      .array(z.object({ dimension: z.enum(dimensions), value: z.string().max(120).nullable() }).strict())
      .max(dimensions.length)
      .default([]),
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
};
