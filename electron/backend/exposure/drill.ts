import type {
  CompareStatus,
  Dimension,
  DimensionFilter,
  DrillResult,
  DrillRow,
  DrillSort,
  ExposureMetrics,
} from '../../../shared/contract/exposure';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/openDatabase';
import { cubeOf, sumLevel, type CellSums, type Condition, type Cube } from './cube';
import { holderDimensions } from './dimensionColumns';
import { labelKeys } from './dimensionLabels';

export interface DrillQuery {
  snapshotId: number;
  path: Dimension[];
  at: (string | null)[];
  filters: DimensionFilter[];
  sort?: DrillSort;
  compareTo?: number;
}

const defaultSort: DrillSort = { by: 'grossNotionalUsd', direction: 'desc' };

/**
 * One level of a drill-down: the snapshot's positions matching the keys chosen above and the
 * filters, grouped by path[at.length], with every metric of shared/domain/metrics.ts. Read from
 * the snapshot's rollup cube (exposure/cube.ts); margin is shown only where every dimension in
 * play describes the holder (it is reported per counterparty and netting set, not per trade).
 */
export function drill(db: Db, query: DrillQuery): DrillResult {
  assertActive(db, query.snapshotId);
  if (query.compareTo !== undefined) assertActive(db, query.compareTo);
  const sort = query.sort ?? defaultSort;
  const dimension = query.path[query.at.length]!;
  const child = query.path[query.at.length + 1] ?? null;
  const chosen: Condition[] = query.at.map((value, i) => ({ dimension: query.path[i]!, value }));
  const conditions = [...chosen, ...query.filters];
  const marginShown = [dimension, ...conditions.map((c) => c.dimension)].every((d) => holderDimensions.has(d));

  const level = (snapshotId: number) => {
    const cube = cubeOf(db, snapshotId);
    const grouped = sumLevel(cube, conditions, dimension, { total: true, childDimension: child });
    const total = grouped.total;
    const totalGross = total?.gross ?? 0;
    rememberTotalGross(cube, conditions, totalGross);
    // The row this level was drilled from sits one level up: its share is of the level above that.
    const parentGross = chosen.length === 0 && query.filters.length === 0 ? totalGross : levelTotalGross(cube, parentConditions);
    const rows = new Map<string | null, ExposureMetrics>();
    let squares = 0;
    for (const [key, sums] of grouped.rows) {
      squares += sums.gross ** 2;
      const childSquares = grouped.childSquares?.get(key);
      rows.set(
        key,
        metricsOf(sums, marginShown, share(sums.gross, totalGross), childSquares === undefined ? null : hhi(childSquares, sums.gross)),
      );
    }
    const totals = metricsOf(total, marginShown, share(totalGross, parentGross), hhi(squares, totalGross));
    return { rows, totals };
  };
  const parentConditions = chosen.length === 0 ? [] : [...chosen.slice(0, -1), ...query.filters];

  const current = level(query.snapshotId);
  const previous = query.compareTo === undefined ? undefined : level(query.compareTo);
  const keys = [...current.rows.keys(), ...(previous ? [...previous.rows.keys()].filter((k) => !current.rows.has(k)) : [])];
  const labels = labelKeys(db, query.snapshotId, dimension, keys);
  if (query.compareTo !== undefined) {
    const missing = keys.filter((k) => !labels.has(k));
    for (const [k, label] of labelKeys(db, query.compareTo, dimension, missing)) labels.set(k, label);
  }
  const rows: DrillRow[] = keys.map((key) => {
    const metrics = current.rows.get(key) ?? metricsOf(undefined, marginShown, null, null);
    const row: DrillRow = { key, label: labels.get(key) ?? String(key), ...metrics };
    if (previous) {
      const before = previous.rows.get(key) ?? null;
      const status: CompareStatus = !current.rows.has(key) ? 'vanished' : before ? 'both' : 'appeared';
      row.compare = { status, previous: before };
    }
    return row;
  });
  rows.sort(compareRows(sort));
  return {
    snapshotId: query.snapshotId,
    path: query.path,
    dimension,
    at: query.at,
    filters: query.filters,
    sort,
    rows,
    totals: current.totals,
    ...(previous && query.compareTo !== undefined ? { compare: { snapshotId: query.compareTo, totals: previous.totals } } : {}),
  };
}

function assertActive(db: Db, snapshotId: number): void {
  const snapshot = db.prepare(`SELECT status FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { status: string } | undefined;
  if (!snapshot || snapshot.status !== 'active')
    throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Herfindahl–Hirschman index (0–10,000) of parts' shares in a whole, from Σ part². */
function hhi(sumOfSquares: number, whole: number): number | null {
  if (!(whole > 0)) return null;
  return (sumOfSquares / (whole * whole)) * 10_000;
}

/**
 * Gross notional of everything matching some conditions: the level above's total, which the
 * previous drill step usually just computed, so the last few are remembered.
 */
const totalGrossCache = new Map<string, number>();
const conditionsKey = (cube: Cube, conditions: readonly Condition[]) =>
  `${cube.snapshotId}|${JSON.stringify(conditions.map((c) => [c.dimension, c.value]))}`;
function rememberTotalGross(cube: Cube, conditions: readonly Condition[], gross: number): void {
  totalGrossCache.set(conditionsKey(cube, conditions), gross);
  if (totalGrossCache.size > 64) totalGrossCache.delete(totalGrossCache.keys().next().value!);
}
function levelTotalGross(cube: Cube, conditions: readonly Condition[]): number {
  const hit = totalGrossCache.get(conditionsKey(cube, conditions));
  if (hit !== undefined) return hit;
  const gross = sumLevel(cube, conditions, null).rows.get(null)?.gross ?? 0;
  rememberTotalGross(cube, conditions, gross);
  return gross;
}

/** The metrics of a row from its sums; an empty row (a vanished one) has zero counts and no ratios. */
function metricsOf(
  s: CellSums | undefined,
  marginShown: boolean,
  shareOfParent: number | null,
  concentration: number | null,
): ExposureMetrics {
  const margin = (v: number | undefined) => (marginShown ? (v ?? 0) : null);
  const gross = s?.gross ?? 0;
  const imPosted = margin(s?.imPosted);
  const excessPosted = margin(s?.excessPosted);
  const posted = imPosted === null || excessPosted === null ? null : imPosted + excessPosted;
  return {
    tradeCount: Math.round(s?.trades ?? 0),
    counterpartyCount: s?.holders ?? 0,
    grossNotionalUsd: gross,
    netNotionalUsd: s?.net ?? 0,
    deltaAdjustedNotionalUsd: s?.delta ?? 0,
    modelledDeltaCount: Math.round(s?.deltaModelled ?? 0),
    deltaMissingCount: Math.round(s?.deltaMissing ?? 0),
    mtmValuationUsd: s?.mtm ?? 0,
    imPostedUsd: imPosted,
    vmPostedUsd: margin(s?.vmPosted),
    imCollectedUsd: margin(s?.imCollected),
    vmCollectedUsd: margin(s?.vmCollected),
    excessCollateralUsd: excessPosted,
    marginCoverage: imPosted === null ? null : share(imPosted, gross),
    effectiveLeverage: posted === null || !(posted > 0) ? null : gross / posted,
    shareOfParent: s ? shareOfParent : null,
    concentrationHhi: concentration,
    crossBorderShare: share(s?.crossBorderGross ?? 0, gross),
    unconvertedCount: Math.round((s?.unconverted ?? 0) + (marginShown ? (s?.marginUnconverted ?? 0) : 0)),
  };
}

/** Orders rows by the chosen column; rows without a figure go last either way, ties by label. */
function compareRows(sort: DrillSort) {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return (a: DrillRow, b: DrillRow): number => {
    if (sort.by === 'label') return sign * a.label.localeCompare(b.label) || String(a.key).localeCompare(String(b.key));
    const x = a[sort.by];
    const y = b[sort.by];
    if (x === null || y === null) return x === y ? a.label.localeCompare(b.label) : x === null ? 1 : -1;
    return sign * (x - y) || a.label.localeCompare(b.label) || String(a.key).localeCompare(String(b.key));
  };
}
