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

export const exposureMethods = {
  'exposure.drill': method<DrillResult>()(drillInput),
};
