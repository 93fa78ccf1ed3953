/**
 * The exposure metrics, each defined once: the UI takes column headers and formula tooltips from
 * here, and the CLI prints the same labels and formatting. A metric that cannot be computed (no
 * denominator, no convertible amount) is `null` and shows as "—", never as zero.
 */
import { formatCount, formatUsd } from './format';

import { metricIds, type MetricId } from '../contract/metricIds';

export { metricIds, type MetricId };

/**
 * How a metric's value is expressed and shown.
 * - `count`: a whole number of things.
 * - `usd`: an amount in US dollars.
 * - `ratio`: a quotient of two different quantities, stored as a fraction (0.123), shown as "12.3%"; may exceed 100 %.
 * - `percent`: a share of a whole, stored as a fraction (0.123), shown as "12.3%"; between 0 and 100 %.
 * - `hhi`: a Herfindahl–Hirschman index on the 0–10,000 scale, shown as an integer.
 * - `multiple`: a multiple, shown as "12.3×".
 */
export type MetricUnit = 'count' | 'usd' | 'ratio' | 'percent' | 'hhi' | 'multiple';

export interface MetricDefinition<Id extends MetricId = MetricId> {
  id: Id;
  /** Column header and CLI label. */
  label: string;
  unit: MetricUnit;
  /** The formula in plain English, shown as the column tooltip (at most two sentences). */
  formula: string;
  /** True when a higher value signals more risk, false when less; absent when neither. */
  higherIsRiskier?: boolean;
}

export const metricDefinitions: { readonly [K in MetricId]: MetricDefinition<K> } = {
  tradeCount: {
    id: 'tradeCount',
    label: 'Trades',
    unit: 'count',
    formula: 'Number of distinct UTIs with a side in this row. A trade reported by both counterparties counts once.',
  },
  counterpartyCount: {
    id: 'counterpartyCount',
    label: 'Counterparties',
    unit: 'count',
    formula: 'Number of distinct counterparties (LEI, or natural-person identifier) holding a side of a trade in this row.',
  },
  grossNotionalUsd: {
    id: 'grossNotionalUsd',
    label: 'Gross notional (USD)',
    unit: 'usd',
    formula:
      'Sum of notional × FX rate to USD over the distinct UTIs with a side in this row. A trade reported by both counterparties counts once.',
    higherIsRiskier: true,
  },
  netNotionalUsd: {
    id: 'netNotionalUsd',
    label: 'Net notional (USD)',
    unit: 'usd',
    formula: 'Sum of notional in USD over the sides held in this row, positive for the buyer (BYER) and negative for the seller (SLLR).',
  },
  deltaAdjustedNotionalUsd: {
    id: 'deltaAdjustedNotionalUsd',
    label: 'Delta-adjusted notional (USD)',
    unit: 'usd',
    formula:
      'Net notional in USD with each option weighted by its reported delta (other contracts by 1). An option reported without a delta uses a Black–Scholes delta from its price, strike, expiry and the snapshot’s volatility, and is marked as modelled.',
  },
  mtmValuationUsd: {
    id: 'mtmValuationUsd',
    label: 'Mark-to-market valuation (USD)',
    unit: 'usd',
    formula:
      'Sum of the reported valuation amounts (any sign, before CVA and similar adjustments) of the sides held in this row, converted to USD.',
  },
  imPostedUsd: {
    id: 'imPostedUsd',
    label: 'Initial margin posted (USD)',
    unit: 'usd',
    formula:
      'Sum of initial margin posted, converted to USD, from the latest margin report of each collateral portfolio of the counterparties in this row. Default-fund contributions are excluded.',
  },
  vmPostedUsd: {
    id: 'vmPostedUsd',
    label: 'Variation margin posted (USD)',
    unit: 'usd',
    formula:
      'Sum of variation margin posted, cumulative since first reported and converted to USD, from the latest margin report of each collateral portfolio of the counterparties in this row.',
  },
  imCollectedUsd: {
    id: 'imCollectedUsd',
    label: 'Initial margin collected (USD)',
    unit: 'usd',
    formula:
      'Sum of initial margin collected, converted to USD, from the latest margin report of each collateral portfolio of the counterparties in this row. Default-fund contributions are excluded.',
  },
  vmCollectedUsd: {
    id: 'vmCollectedUsd',
    label: 'Variation margin collected (USD)',
    unit: 'usd',
    formula:
      'Sum of variation margin collected, cumulative since first reported and converted to USD, from the latest margin report of each collateral portfolio of the counterparties in this row.',
  },
  excessCollateralUsd: {
    id: 'excessCollateralUsd',
    label: 'Excess collateral posted (USD)',
    unit: 'usd',
    formula:
      'Sum of collateral posted beyond the margin required, converted to USD, from the latest margin report of each collateral portfolio of the counterparties in this row.',
    higherIsRiskier: false,
  },
  marginCoverage: {
    id: 'marginCoverage',
    label: 'Margin coverage',
    unit: 'ratio',
    formula: 'Initial margin posted ÷ gross notional, both in USD. Not computable when gross notional is zero.',
    higherIsRiskier: false,
  },
  effectiveLeverage: {
    id: 'effectiveLeverage',
    label: 'Effective leverage',
    unit: 'multiple',
    formula: 'Gross notional ÷ (initial margin posted + excess collateral posted), all in USD. Not computable when nothing is posted.',
    higherIsRiskier: true,
  },
  shareOfParent: {
    id: 'shareOfParent',
    label: 'Share of parent',
    unit: 'percent',
    formula: 'This row’s gross notional ÷ the gross notional of the row it was drilled from (the grand total at the top level).',
  },
  concentrationHhi: {
    id: 'concentrationHhi',
    label: 'Concentration (HHI)',
    unit: 'hhi',
    formula:
      'Sum of the squared percentage shares of this row’s children in its gross notional (Herfindahl–Hirschman index). It runs from near 0 (widely spread) to 10,000 (a single child).',
    higherIsRiskier: true,
  },
  crossBorderShare: {
    id: 'crossBorderShare',
    label: 'Cross-border share',
    unit: 'percent',
    formula: 'Gross notional of the trades whose two sides are in different jurisdictions ÷ this row’s gross notional.',
  },
  unconvertedCount: {
    id: 'unconvertedCount',
    label: 'Not converted',
    unit: 'count',
    formula:
      'Number of trade and margin amounts in this row that could not be converted to USD (no FX rate in the snapshot). They are left out of the USD sums, never counted as zero.',
    higherIsRiskier: true,
  },
};

/** Narrows a string (a CLI argument, a saved view) to a metric id. */
export function isMetricId(value: string): value is MetricId {
  return (metricIds as readonly string[]).includes(value);
}

const MINUS = '\u2212';
/** Shown for a metric that cannot be computed. */
export const NOT_COMPUTABLE = '\u2014';

// signDisplay 'negative' drops the sign of values that round to zero ("0.0%", not "−0.0%").
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'negative',
});

function formatOneDecimal(n: number): string {
  const text = oneDecimal.format(n);
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

/**
 * Formats a metric value for grids, tooltips and the CLI: counts and USD amounts with grouping,
 * ratios and shares as percentages with one decimal, HHI as an integer, leverage as "12.3×".
 * `null` or a non-finite value (not computable) gives "—". Negative values carry a true minus sign.
 */
export function formatMetric(id: MetricId, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NOT_COMPUTABLE;
  switch (metricDefinitions[id].unit) {
    case 'count':
      return formatCount(value || 0);
    case 'usd':
      // A loss that rounds to nothing reads "0", not "−0".
      return formatUsd(Math.round(value) === 0 ? 0 : value);
    case 'ratio':
    case 'percent':
      return `${formatOneDecimal(value * 100)}%`;
    case 'hhi':
      return formatCount(Math.round(value) || 0);
    case 'multiple':
      return `${formatOneDecimal(value)}\u00d7`;
  }
}
