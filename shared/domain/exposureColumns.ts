import type { MetricId } from '../contract/metricIds';
import { formatMetric, metricDefinitions, NOT_COMPUTABLE, type MetricUnit } from './metrics';

/** Shown where a figure cannot be computed at this level (never as zero). */
export const notComputable = NOT_COMPUTABLE;

export interface MetricColumn {
  field: MetricId;
  header: string;
  /** The formula, shown as the column's tooltip: every figure says how it was computed. */
  description: string;
  format: (n: number | null) => string;
  unit: MetricUnit;
  /** Shown unless the user hides it; the others can be shown from the column chooser. */
  shownByDefault: boolean;
}

/** Display order of the metric columns (every metric once). */
const columnOrder: readonly MetricId[] = [
  'grossNotionalUsd',
  'netNotionalUsd',
  'tradeCount',
  'counterpartyCount',
  'mtmValuationUsd',
  'imPostedUsd',
  'positionsWithoutMarginCount',
  'shareOfParent',
  'deltaAdjustedNotionalUsd',
  'vmPostedUsd',
  'imCollectedUsd',
  'vmCollectedUsd',
  'excessCollateralUsd',
  'marginCoverage',
  'effectiveLeverage',
  'requiredMarginUsd',
  'requiredMarginCoverage',
  'marginShortfallUsd',
  'concentrationHhi',
  'crossBorderShare',
  'unconvertedCount',
];
const shownByDefault: ReadonlySet<MetricId> = new Set([
  'grossNotionalUsd',
  'netNotionalUsd',
  'tradeCount',
  'counterpartyCount',
  'mtmValuationUsd',
  'imPostedUsd',
  'positionsWithoutMarginCount',
  'shareOfParent',
  'unconvertedCount',
]);

/** The metric columns of the exposure views, in display order; the CLI prints the same. */
export const exposureColumns: readonly MetricColumn[] = columnOrder.map((id) => ({
  field: id,
  header: metricDefinitions[id].label,
  description: `${metricDefinitions[id].formula} ${metricDefinitions[id].unknowns}`,
  format: (n: number | null) => formatMetric(id, n),
  unit: metricDefinitions[id].unit,
  shownByDefault: shownByDefault.has(id),
}));

/** The columns a grid shows before the user changes anything (and the CLI prints without --all-columns). */
export const defaultExposureColumns = exposureColumns.filter((c) => c.shownByDefault);
