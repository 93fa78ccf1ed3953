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

/**
 * How a change between two snapshots is shown (the Δ and Δ% columns of a compared drill):
 * - `relative`: a non-negative magnitude (counts, gross notional, margin amounts): Δ and Δ%;
 * - `absolute`: a signed figure (net notional, MTM) or an index (HHI, leverage): Δ only, since a
 *   percentage change of a figure that sits at or crosses zero means nothing;
 * - `points`: a share or ratio: Δ in percentage points, no Δ%.
 */
export type MetricChangeKind = 'relative' | 'absolute' | 'points';

export interface MetricDefinition<Id extends MetricId = MetricId> {
  id: Id;
  /** Column header and CLI label. */
  label: string;
  unit: MetricUnit;
  /** The formula in plain English, shown as the column tooltip (at most three sentences). */
  formula: string;
  change: MetricChangeKind;
  /** What the metric does with what is not known (no FX rate, no margin report, no delta): README's metric table. */
  unknowns: string;
  /** True when a higher value signals more risk, false when less; absent when neither. */
  higherIsRiskier?: boolean;
}

const NO_RATE =
  'An amount without an FX rate for the snapshot date (or an earlier day) is left out of the sum and counted in "Not converted", never taken as zero.';

const HARMONISED_ROWS =
  'Shown only where the row is a set of counterparties (jurisdiction, group, counterparty) and the column is on; by venue, see the Supervision page.';

export const metricDefinitions: { readonly [K in MetricId]: MetricDefinition<K> } = {
  tradeCount: {
    id: 'tradeCount',
    label: 'Trades',
    unit: 'count',
    formula:
      'Number of distinct outstanding UTIs with a side in this row. A trade reported by both counterparties counts once; terminated, erroneous, matured, ported trades and position components do not count.',
    change: 'relative',
    unknowns: 'Every outstanding trade counts, whatever else is missing from its report.',
  },
  counterpartyCount: {
    id: 'counterpartyCount',
    label: 'Counterparties',
    unit: 'count',
    formula: 'Number of distinct counterparties (LEI, or natural-person identifier) holding a side of a trade in this row.',
    change: 'relative',
    unknowns: 'A counterparty without entity data still counts (under an unknown jurisdiction or group).',
  },
  grossNotionalUsd: {
    id: 'grossNotionalUsd',
    label: 'Gross notional (USD)',
    unit: 'usd',
    formula:
      'Sum of notional × FX rate to USD (the rate of the snapshot date, else the latest earlier one) over the distinct UTIs with a side in this row. A trade reported by both counterparties counts once.',
    higherIsRiskier: true,
    change: 'relative',
    unknowns: NO_RATE,
  },
  netNotionalUsd: {
    id: 'netNotionalUsd',
    label: 'Net notional (USD)',
    unit: 'usd',
    formula: 'Sum of notional in USD over the sides held in this row, positive for the buyer (BYER) and negative for the seller (SLLR).',
    change: 'absolute',
    unknowns: NO_RATE,
  },
  deltaAdjustedNotionalUsd: {
    id: 'deltaAdjustedNotionalUsd',
    label: 'Delta-adjusted notional (USD)',
    unit: 'usd',
    formula:
      'Net notional in USD with each option weighted by its reported delta (other contracts by 1). An option reported without a delta uses a Black–Scholes delta from its price, strike, expiry and the snapshot’s volatility, and is marked as modelled.',
    change: 'absolute',
    unknowns: `An option with neither a reported nor a computable delta is left out and counted as "no delta". ${NO_RATE}`,
  },
  mtmValuationUsd: {
    id: 'mtmValuationUsd',
    label: 'Mark-to-market valuation (USD)',
    unit: 'usd',
    formula:
      'Sum of the reported valuation amounts (any sign, before CVA and similar adjustments) of the sides held in this row, converted to USD.',
    change: 'absolute',
    unknowns: `A trade without a valuation adds nothing (flagged CNC_VALUATION_MISSING after 14 days). ${NO_RATE}`,
  },
  imPostedUsd: {
    id: 'imPostedUsd',
    label: 'Initial margin posted (USD)',
    unit: 'usd',
    formula:
      'Sum of initial margin posted, converted to USD, from the latest margin report as of the snapshot date of each collateral portfolio (and side) of the counterparties in this row. Default-fund contributions are excluded.',
    change: 'relative',
    unknowns:
      'Shown only where the row is a set of counterparties. "—" when none of them reported the amount (not reported is not zero); the positions without any margin report are counted beside it.',
  },
  vmPostedUsd: {
    id: 'vmPostedUsd',
    label: 'Variation margin posted (USD)',
    unit: 'usd',
    formula:
      'Sum of variation margin posted, cumulative since first reported and converted to USD, from the latest margin report as of the snapshot date of each collateral portfolio (and side) of the counterparties in this row.',
    change: 'relative',
    unknowns: 'As initial margin posted: "—" when nobody in the row reported it.',
  },
  imCollectedUsd: {
    id: 'imCollectedUsd',
    label: 'Initial margin collected (USD)',
    unit: 'usd',
    formula:
      'Sum of initial margin collected, converted to USD, from the latest margin report as of the snapshot date of each collateral portfolio (and side) of the counterparties in this row. Default-fund contributions are excluded.',
    change: 'relative',
    unknowns: 'As initial margin posted: "—" when nobody in the row reported it.',
  },
  vmCollectedUsd: {
    id: 'vmCollectedUsd',
    label: 'Variation margin collected (USD)',
    unit: 'usd',
    formula:
      'Sum of variation margin collected, cumulative since first reported and converted to USD, from the latest margin report as of the snapshot date of each collateral portfolio (and side) of the counterparties in this row.',
    change: 'relative',
    unknowns: 'As initial margin posted: "—" when nobody in the row reported it.',
  },
  excessCollateralUsd: {
    id: 'excessCollateralUsd',
    label: 'Excess collateral posted (USD)',
    unit: 'usd',
    formula:
      'Sum of collateral posted beyond the margin required, converted to USD, from the latest margin report as of the snapshot date of each collateral portfolio (and side) of the counterparties in this row.',
    higherIsRiskier: false,
    change: 'relative',
    unknowns: 'As initial margin posted: "—" when nobody in the row reported it.',
  },
  positionsWithoutMarginCount: {
    id: 'positionsWithoutMarginCount',
    label: 'Positions without margin',
    unit: 'count',
    formula:
      'Number of positions (a counterparty’s side of a trade) in this row for which that counterparty reported no margin: neither for the trade nor for the collateral portfolio its own report names.',
    higherIsRiskier: true,
    change: 'relative',
    unknowns: 'Shown only where margin is; the other side of a one-sided report has reported nothing and counts here.',
  },
  marginCoverage: {
    id: 'marginCoverage',
    label: 'Margin coverage',
    unit: 'ratio',
    formula:
      'Initial margin posted ÷ the notional of the positions whose margin was reported (each side counted, as each side posts its own), both in USD. Positions without a margin report are left out of both.',
    higherIsRiskier: false,
    change: 'points',
    unknowns: '"—" when no initial margin was reported in the row or the reported positions have no notional in USD.',
  },
  effectiveLeverage: {
    id: 'effectiveLeverage',
    label: 'Effective leverage',
    unit: 'multiple',
    formula:
      'Notional of the positions whose margin was reported ÷ (initial margin posted + excess collateral posted where reported), all in USD.',
    higherIsRiskier: true,
    change: 'absolute',
    unknowns: '"—" when no initial margin was reported in the row or nothing is posted.',
  },
  requiredMarginUsd: {
    id: 'requiredMarginUsd',
    label: 'Required margin (USD)',
    unit: 'usd',
    formula:
      'Initial margin the harmonised schedule in effect at the as-of date requires of the netting sets of the counterparties in this row: per set R = Σ over underliers of rate × |Σ signed delta-adjusted notional|, then summed over the sets.',
    change: 'relative',
    unknowns: `${HARMONISED_ROWS} A position without a delta-adjusted notional in USD is left out (see margin --by).`,
  },
  requiredMarginCoverage: {
    id: 'requiredMarginCoverage',
    label: 'Coverage of required margin',
    unit: 'ratio',
    formula:
      'Initial margin posted against the netting sets of the counterparties in this row (their reports in effect at the as-of date) ÷ the required margin of those sets. Below 100 % some set is short.',
    higherIsRiskier: false,
    change: 'points',
    unknowns: `${HARMONISED_ROWS} A netting set without a margin report counts as nothing posted; "—" when nothing is required.`,
  },
  marginShortfallUsd: {
    id: 'marginShortfallUsd',
    label: 'Margin shortfall (USD)',
    unit: 'usd',
    formula:
      'Σ over the netting sets of the counterparties in this row of max(0, required − initial margin posted): a surplus in one set never covers another’s gap.',
    higherIsRiskier: true,
    change: 'relative',
    unknowns: `${HARMONISED_ROWS} A netting set without a margin report counts as nothing posted.`,
  },
  shareOfParent: {
    id: 'shareOfParent',
    label: 'Share of parent',
    unit: 'percent',
    formula:
      'This row’s gross notional ÷ the gross notional of the row it was drilled from (the grand total at the top level). Rows cut by a counterparty dimension can add up to more than 100 %: a trade between two rows counts in both.',
    change: 'points',
    unknowns: 'Gross notional only, so amounts without an FX rate are left out of both.',
  },
  concentrationHhi: {
    id: 'concentrationHhi',
    label: 'Concentration (HHI)',
    unit: 'hhi',
    formula:
      'Sum of the squared percentage shares of this row’s children (of the level’s rows, on the Total row), each share its gross notional ÷ the sum of the children’s gross notional, so the shares add up to 100 %. From near 0 (widely spread) to 10,000 (a single child).',
    higherIsRiskier: true,
    change: 'absolute',
    unknowns: '"—" when the children have no gross notional in USD; amounts without an FX rate are left out.',
  },
  crossBorderShare: {
    id: 'crossBorderShare',
    label: 'Cross-border share',
    unit: 'percent',
    formula: 'Gross notional of the trades whose two sides are in different jurisdictions ÷ this row’s gross notional.',
    change: 'points',
    unknowns: 'A trade with a side of unknown jurisdiction is not cross-border (it is "unknown" in the cross-border dimension).',
  },
  unconvertedCount: {
    id: 'unconvertedCount',
    label: 'Not converted',
    unit: 'count',
    formula:
      'Number of trade and margin amounts in this row that could not be converted to USD (no FX rate on or before the snapshot date). They are left out of the USD sums, never counted as zero.',
    higherIsRiskier: true,
    change: 'relative',
    unknowns: 'Counts what the USD sums leave out.',
  },
};

/**
 * The harmonised-margin metrics (issue 14 §1): computed only when asked for (drill input harmonisedMargin), as the
 * first computation for a snapshot reads all its positions.
 */
export const harmonisedMarginMetrics: readonly MetricId[] = ['requiredMarginUsd', 'requiredMarginCoverage', 'marginShortfallUsd'];

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
