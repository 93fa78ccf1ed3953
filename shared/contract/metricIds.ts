/** The exposure metrics by id (definitions, formulas and formatting: shared/domain/metrics.ts). */
export const metricIds = [
  'tradeCount',
  'counterpartyCount',
  'grossNotionalUsd',
  'netNotionalUsd',
  'deltaAdjustedNotionalUsd',
  'mtmValuationUsd',
  'imPostedUsd',
  'vmPostedUsd',
  'imCollectedUsd',
  'vmCollectedUsd',
  'excessCollateralUsd',
  'positionsWithoutMarginCount',
  'marginCoverage',
  'effectiveLeverage',
  'requiredMarginUsd',
  'requiredMarginCoverage',
  'marginShortfallUsd',
  'shareOfParent',
  'concentrationHhi',
  'crossBorderShare',
  'unconvertedCount',
] as const;

export type MetricId = (typeof metricIds)[number];
