import type { ExposureMetrics } from '../contract/exposure';
import { formatCount, formatUsd } from './format';

/** Shown where a figure cannot be computed at this level (never as zero). */
export const notComputable = '\u2014';
const orDash = (fmt: (n: number) => string) => (n: number | null) => (n === null ? notComputable : fmt(n));

export interface MetricColumn {
  field: keyof ExposureMetrics;
  header: string;
  /** The formula, shown as the column's tooltip: every figure says how it was computed. */
  description: string;
  format: (n: number | null) => string;
}

/** The metric columns of the exposure views, in display order; the CLI prints the same. */
export const exposureColumns: readonly MetricColumn[] = [
  {
    field: 'grossNotionalUsd',
    header: 'Gross notional (USD)',
    description:
      'Sum of notional × FX rate to USD over the distinct UTIs with a side in this row. A two-sided trade counts once; a domestic trade once, a cross-border trade in each side\u2019s row.',
    format: orDash(formatUsd),
  },
  {
    field: 'netNotionalUsd',
    header: 'Net notional (USD)',
    description: 'Sum over positions held in this row of notional in USD, positive when buying (BYER), negative when selling (SLLR).',
    format: orDash(formatUsd),
  },
  {
    field: 'tradeCount',
    header: 'Trades',
    description: 'Number of distinct UTIs with a side in this row (terminated and erroneous reports excluded).',
    format: orDash(formatCount),
  },
  {
    field: 'counterpartyCount',
    header: 'Counterparties',
    description: 'Number of distinct counterparties (LEI or natural-person id) holding a position in this row.',
    format: orDash(formatCount),
  },
  {
    field: 'mtmValuationUsd',
    header: 'MTM valuation (USD)',
    description:
      'Sum of the reported mark-to-market valuations in USD, seen from the holder of each position (the other side counts with the opposite sign).',
    format: orDash(formatUsd),
  },
  {
    field: 'initialMarginPostedUsd',
    header: 'Initial margin posted (USD)',
    description:
      'Sum of IM posted, converted to USD, from the margin reports of the counterparties in this row. Shown only where the row is a set of counterparties (jurisdiction, group, counterparty): margin is reported per netting set, not per trade.',
    format: orDash(formatUsd),
  },
  {
    field: 'unconvertedCount',
    header: 'Not converted',
    description:
      'Trades and margin reports whose amount could not be converted to USD (no FX rate in the snapshot). They are left out of the sums above, never counted as zero.',
    format: orDash(formatCount),
  },
];
