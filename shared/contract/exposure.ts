import { z } from 'zod';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/** Drill-down dimensions. The foundation offers one; the drill-down feature adds the rest. */
export const dimensions = ['jurisdiction'] as const;
export type Dimension = (typeof dimensions)[number];

export const drillInput = z
  .object({
    snapshotId: snapshotIdSchema,
    path: z.array(z.enum(dimensions)).min(1).max(1),
  })
  .strict();
export type DrillInput = z.input<typeof drillInput>;

/** Metrics of one drill row. Money is USD; a value that could not be converted is counted, never zeroed. */
export interface ExposureMetrics {
  tradeCount: number;
  counterpartyCount: number;
  grossNotionalUsd: number;
  netNotionalUsd: number;
  initialMarginPostedUsd: number;
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
  rows: DrillRow[];
  totals: ExposureMetrics;
}

export const exposureMethods = {
  'exposure.drill': method<DrillResult>()(drillInput),
};
