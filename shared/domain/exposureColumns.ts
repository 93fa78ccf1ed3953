import type { ExposureMetrics } from '../contract/exposure';
import { formatCount, formatUsd } from './format';

export interface MetricColumn {
  field: keyof ExposureMetrics;
  header: string;
  /** The formula, shown as the column's tooltip: every figure says how it was computed. */
  description: string;
  format: (n: number) => string;
}

/** The metric columns of the exposure views, in display order; the CLI prints the same. */
export const exposureColumns: readonly MetricColumn[] = [
  {
    field: 'grossNotionalUsd',
    header: 'Gross notional (USD)',
    description:
      'Sum of notional × FX rate to USD over the distinct UTIs with a side in this row. A two-sided trade counts once; a domestic trade once, a cross-border trade in each side\u2019s row.',
    format: formatUsd,
  },
  {
    field: 'netNotionalUsd',
    header: 'Net notional (USD)',
    description: 'Sum over positions held in this row of notional in USD, positive when buying (BYER), negative when selling (SLLR).',
    format: formatUsd,
  },
  {
    field: 'tradeCount',
    header: 'Trades',
    description: 'Number of distinct UTIs with a side in this row (terminated and erroneous reports excluded).',
    format: formatCount,
  },
  {
    field: 'counterpartyCount',
    header: 'Counterparties',
    description: 'Number of distinct counterparties (LEI or natural-person id) holding a position in this row.',
    format: formatCount,
  },
  {
    field: 'initialMarginPostedUsd',
    header: 'Initial margin posted (USD)',
    description: 'Sum of IM posted, converted to USD, from the margin reports of counterparties in this row.',
    format: formatUsd,
  },
  {
    field: 'unconvertedCount',
    header: 'Not converted',
    description:
      'Trades and margin reports whose amount could not be converted to USD (no FX rate in the snapshot). They are left out of the sums above, never counted as zero.',
    format: formatCount,
  },
];
