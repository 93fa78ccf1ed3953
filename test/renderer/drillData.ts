import type { AppInfo, DrillResult, ExposureMetrics, SnapshotSummary } from '../../shared/contract';

/** Every metric of a drill row, with overrides. */
/** Metrics of a plain row: small counts, margin and ratios not computable (null). */
export function plainMetrics(over: Partial<ExposureMetrics> = {}): ExposureMetrics {
  return {
    tradeCount: 1,
    counterpartyCount: 2,
    grossNotionalUsd: 100,
    netNotionalUsd: 0,
    deltaAdjustedNotionalUsd: 0,
    modelledDeltaCount: 0,
    deltaMissingCount: 0,
    mtmValuationUsd: 0,
    imPostedUsd: null,
    vmPostedUsd: null,
    imCollectedUsd: null,
    vmCollectedUsd: null,
    excessCollateralUsd: null,
    positionsWithoutMarginCount: null,
    marginCoverage: null,
    requiredMarginUsd: null,
    requiredMarginCoverage: null,
    marginShortfallUsd: null,
    effectiveLeverage: null,
    shareOfParent: null,
    concentrationHhi: null,
    crossBorderShare: null,
    unconvertedCount: 0,
    ...over,
  };
}

export function metrics(over: Partial<ExposureMetrics> = {}): ExposureMetrics {
  return {
    tradeCount: 3,
    counterpartyCount: 2,
    grossNotionalUsd: 2_500_000_000,
    netNotionalUsd: -5,
    deltaAdjustedNotionalUsd: -5,
    modelledDeltaCount: 0,
    deltaMissingCount: 0,
    mtmValuationUsd: 0,
    imPostedUsd: 1_000_000,
    vmPostedUsd: 0,
    imCollectedUsd: 0,
    vmCollectedUsd: 0,
    excessCollateralUsd: 0,
    positionsWithoutMarginCount: 0,
    marginCoverage: 0.0004,
    requiredMarginUsd: null,
    requiredMarginCoverage: null,
    marginShortfallUsd: null,
    effectiveLeverage: 2500,
    shareOfParent: 1,
    concentrationHhi: 10_000,
    crossBorderShare: 0,
    unconvertedCount: 0,
    ...over,
  };
}

export const info: AppInfo = {
  name: 'Concordat',
  version: '9.9.9',
  mode: 'browser',
  dataDir: '/d',
  schemaVersion: 1,
  sqliteVersion: '3',
  demoLoading: false,
};

export function snapshotSummary(over: Partial<SnapshotSummary> = {}): SnapshotSummary {
  return {
    snapshotId: 4,
    sourceName: 'Demo TR',
    trLei: '9845001DEM0TR0000023',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
    version: 1,
    importedAt: '2026-06-30T00:00:00Z',
    tradeRows: 10,
    rejectedRows: 0,
    warningRows: 0,
    isDemo: true,
    ...over,
  };
}

/** One drill level by jurisdiction with a US row. */
export function drillResult(over: Partial<DrillResult> = {}): DrillResult {
  return {
    snapshotId: 4,
    path: ['jurisdiction'],
    dimension: 'jurisdiction',
    at: [],
    filters: [],
    sort: { by: 'grossNotionalUsd', direction: 'desc' },
    rows: [{ key: 'US', label: 'United States (US)', ...metrics() }],
    rowCount: 1,
    totals: metrics({ unconvertedCount: 2 }),
    totalsOf: 'level',
    ...over,
  };
}
