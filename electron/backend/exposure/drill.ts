import { staleDrillError } from '../snapshots/drillStale';
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
import { harmonisedMarginMetrics } from '../../../shared/domain/metrics';
import type { Db } from '../db/connection';
import { LruMap } from '../db/perDatabase';
import { cubeOf, sumLevel, type Accumulators, type CellSums, type Condition, type Cube, type LevelResult } from './cube';
import { dimensionColumn, holderDimensions } from './dimensionColumns';
import { labelKeys } from './dimensionLabels';
import { holderRequirementColumns } from './holderRequirement';

export interface DrillQuery {
  snapshotId: number;
  path: Dimension[];
  at: (string | null)[];
  filters: DimensionFilter[];
  sort?: DrillSort;
  compareTo?: number;
  /** At most this many rows, the first in the sort order (a level can have tens of thousands). */
  limit?: number;
  /** Only rows whose label or key contains this text (case-insensitive). */
  search?: string;
  /** Also the harmonised required margin, coverage and shortfall (drill input harmonisedMargin). */
  harmonisedMargin?: boolean;
}

const defaultSort: DrillSort = { by: 'grossNotionalUsd', direction: 'desc' };
export const DEFAULT_DRILL_LIMIT = 2000;

/** One level of one snapshot: its rows' figures by key code, and its totals. */
interface Level {
  result: LevelResult;
  totals: ExposureMetrics;
  totalGross: number;
}

/**
 * One level of a drill-down: the snapshot's positions matching the keys chosen above and the
 * filters, grouped by path[at.length], with every metric of shared/domain/metrics.ts. Read from
 * the snapshot's rollup cube (exposure/cube.ts); margin is shown only where every dimension in
 * play describes the holder (it is reported per counterparty and netting set, not per trade).
 * Rows are sorted and cut to `limit` before they become objects, so a level of fifty thousand
 * counterparties costs little more than one of fifty. With a search, the totals are those of
 * the matching rows (each trade once), so the Total row always describes the rows in view.
 */
export function drill(db: Db, query: DrillQuery): DrillResult {
  assertActive(db, query.snapshotId);
  if (query.compareTo !== undefined) assertActive(db, query.compareTo);
  const sort = query.sort ?? defaultSort;
  const limit = query.limit ?? DEFAULT_DRILL_LIMIT;
  const dimension = query.path[query.at.length]!;
  const child = query.path[query.at.length + 1] ?? null;
  const chosen: Condition[] = query.at.map((value, i) => ({ dimension: query.path[i]!, value }));
  const conditions = [...chosen, ...query.filters];
  const marginShown = [dimension, ...conditions.map((c) => c.dimension)].every((d) => holderDimensions.has(d));
  const withRequirement =
    marginShown && (query.harmonisedMargin === true || (harmonisedMarginMetrics as readonly string[]).includes(sort.by));
  const holderFigures = (cube: Cube) => (withRequirement ? holderRequirementColumns(db, cube) : undefined);
  // The row this level was drilled from sits one level up: its share is of the level above that.
  const parentConditions = chosen.length === 0 ? [] : [...chosen.slice(0, -1), ...query.filters];

  const level = (snapshotId: number): Level => {
    const cube = cubeOf(db, snapshotId);
    const result = sumLevel(cube, conditions, dimension, { total: true, childDimension: child, holderFigures: holderFigures(cube) });
    const totalGross = result.total?.gross ?? 0;
    rememberTotalGross(cube, conditions, totalGross);
    const parentGross = chosen.length === 0 && query.filters.length === 0 ? totalGross : levelTotalGross(cube, parentConditions);
    const totals = metricsOf(result.total, marginShown, share(totalGross, parentGross), rowsHhi(result, result.codes));
    return { result, totals, totalGross };
  };
  const rowMetrics = (l: Level, code: number): ExposureMetrics => {
    const gross = l.result.acc.gross[code]!;
    const squares = l.result.childSquares?.[code];
    const childSum = l.result.childSums?.[code];
    return metricsOf(
      l.result.acc.sums(code),
      marginShown,
      share(gross, l.totalGross),
      squares === undefined || childSum === undefined ? null : hhi(squares, childSum),
    );
  };

  const current = level(query.snapshotId);
  const previous = query.compareTo === undefined ? undefined : level(query.compareTo);

  // Candidate rows: the current level's keys, then (comparing) the keys that vanished since.
  const candidates: Array<{ key: string | null; code: number | undefined }> = current.result.codes.map((code) => ({
    key: current.result.keyOf(code),
    code,
  }));
  if (previous)
    for (const code of previous.result.codes) {
      const key = previous.result.keyOf(code);
      if (current.result.codeOf(key) === undefined || !current.result.acc.seen[current.result.codeOf(key)!])
        candidates.push({ key, code: undefined });
    }

  const needLabels = sort.by === 'label' || query.search !== undefined;
  const labels = needLabels
    ? labelsFor(
        db,
        query,
        dimension,
        candidates.map((c) => c.key),
      )
    : undefined;
  let matching = candidates;
  if (query.search !== undefined) {
    const needle = query.search.toLocaleLowerCase('en-US');
    matching = candidates.filter(
      (c) => labels!.get(c.key)!.toLocaleLowerCase('en-US').includes(needle) || (c.key ?? '').toLocaleLowerCase('en-US').includes(needle),
    );
  }
  const ordered = orderCandidates(matching, sort, current, marginShown, labels);
  const shown = ordered.slice(0, limit);
  const shownLabels =
    labels ??
    labelsFor(
      db,
      query,
      dimension,
      shown.map((c) => c.key),
    );

  const rows: DrillRow[] = shown.map(({ key, code }) => {
    const metrics = code === undefined ? metricsOf(undefined, marginShown, null, null) : rowMetrics(current, code);
    const row: DrillRow = { key, label: shownLabels.get(key) ?? String(key), ...metrics };
    if (previous) {
      const before = previous.result.codeOf(key);
      const previousMetrics = before !== undefined && previous.result.acc.seen[before] ? rowMetrics(previous, before) : null;
      const status: CompareStatus = code === undefined ? 'vanished' : previousMetrics ? 'both' : 'appeared';
      row.compare = { status, previous: previousMetrics };
    }
    return row;
  });

  // A search narrows the rows: the totals become those of the matching rows, in both snapshots.
  let totals = current.totals;
  let previousTotals = previous?.totals;
  if (query.search !== undefined) {
    const keys = matching.map((c) => c.key);
    const totalsOf = (snapshotId: number) => {
      const cube = cubeOf(db, snapshotId);
      return matchingTotals(db, cube, conditions, parentConditions, dimension, child, keys, marginShown, holderFigures(cube));
    };
    totals = totalsOf(query.snapshotId);
    if (query.compareTo !== undefined) previousTotals = totalsOf(query.compareTo);
  }
  return {
    snapshotId: query.snapshotId,
    path: query.path,
    dimension,
    at: query.at,
    filters: query.filters,
    sort,
    rows,
    rowCount: matching.length,
    totals,
    totalsOf: query.search === undefined ? 'level' : 'matching',
    ...(previousTotals && query.compareTo !== undefined ? { compare: { snapshotId: query.compareTo, totals: previousTotals } } : {}),
  };
}

/**
 * The totals of some rows of a level (those a search kept): one more pass over the cells,
 * restricted to those keys, so a trade between two matching rows still counts once.
 */
function matchingTotals(
  db: Db,
  cube: Cube,
  conditions: Condition[],
  parentConditions: Condition[],
  dimension: Dimension,
  child: Dimension | null,
  keys: (string | null)[],
  marginShown: boolean,
  holderFigures: Float64Array[] | undefined,
): ExposureMetrics {
  const snapshotId = cube.snapshotId;
  const only = new Uint8Array(cube.values[dimension].length);
  for (const key of keys) {
    const code = cube.codeOf[dimension].get(key);
    if (code !== undefined) only[code] = 1;
  }
  const result = sumLevel(cube, conditions, dimension, { total: true, onlyKeys: only, childDimension: child, holderFigures });
  // Rows cut by a holder dimension: a trade's two sides may be in one matching row, two, or only
  // one of its sides may match; the cells cannot tell (they do not know the other side's key), so
  // the figures that count a trade once are read from the positions themselves.
  if (result.total && sidesSplitAcrossRows.has(dimension))
    Object.assign(result.total, tradesOnce(db, snapshotId, conditions, dimension, keys));
  const gross = result.total?.gross ?? 0;
  const parentGross = levelTotalGross(cube, parentConditions.length === 0 && conditions.length === 0 ? [] : parentConditions);
  return metricsOf(result.total, marginShown, share(gross, parentGross), rowsHhi(result, result.codes));
}

/** Dimensions under which a trade's two sides can fall in different rows. */
const sidesSplitAcrossRows: ReadonlySet<Dimension> = new Set(['jurisdiction', 'otherJurisdiction', 'group', 'counterparty']);

/**
 * Each trade once over the positions matching the conditions whose `dimension` is one of `keys`:
 * trades, gross, cross-border gross and the counts weighted per trade. One grouped pass over the
 * positions (bound values only; the keys travel as one JSON array).
 */
function tradesOnce(
  db: Db,
  snapshotId: number,
  conditions: Condition[],
  dimension: Dimension,
  keys: (string | null)[],
): Pick<CellSums, 'trades' | 'gross' | 'crossBorderGross' | 'unconverted' | 'deltaModelled' | 'deltaMissing'> {
  const where = conditions.map((c) => `AND ${dimensionColumn[c.dimension]} IS ?`).join(' ');
  const column = dimensionColumn[dimension];
  const hasNull = keys.includes(null);
  const row = db
    .prepare(
      `SELECT count(*) AS trades, total(n) AS gross, total(CASE WHEN xb = 'cross-border' THEN n END) AS crossBorder,
              sum(n IS NULL) AS unconverted, sum(ds = 1) AS modelled, sum(ds = 2) AS missing
         FROM (SELECT trade_row, max(notional_usd) AS n, max(cross_border) AS xb, max(delta_source) AS ds
                 FROM exposure_position
                WHERE snapshot_id = ? ${where}
                  AND (${column} IN (SELECT value FROM json_each(?))${hasNull ? ` OR ${column} IS NULL` : ''})
                GROUP BY trade_row)`,
    )
    .get(snapshotId, ...conditions.map((c) => c.value), JSON.stringify(keys.filter((k) => k !== null))) as {
    trades: number;
    gross: number;
    crossBorder: number;
    unconverted: number | null;
    modelled: number | null;
    missing: number | null;
  };
  return {
    trades: row.trades,
    gross: row.gross,
    crossBorderGross: row.crossBorder,
    unconverted: row.unconverted ?? 0,
    deltaModelled: row.modelled ?? 0,
    deltaMissing: row.missing ?? 0,
  };
}

/**
 * HHI of a level's rows: each row's share is its gross over the sum of the rows' gross, so the
 * shares add up to 1 even where a trade between two rows (a cross-border trade cut by
 * jurisdiction) counts in both. Dividing by the total instead, which counts such a trade once,
 * gave shares summing past 1 and an HHI above 10,000.
 */
function rowsHhi(result: LevelResult, codes: readonly number[]): number | null {
  let squares = 0;
  let sum = 0;
  for (const code of codes) {
    const g = result.acc.gross[code]!;
    squares += g * g;
    sum += g;
  }
  return hhi(squares, sum);
}

function labelsFor(db: Db, query: DrillQuery, dimension: Dimension, keys: (string | null)[]): Map<string | null, string> {
  const labels = labelKeys(db, query.snapshotId, dimension, keys);
  if (query.compareTo !== undefined) {
    // A key only the other snapshot has is named from that snapshot's reference data.
    const missing = keys.filter((k) => !labels.has(k));
    for (const [k, label] of labelKeys(db, query.compareTo, dimension, missing)) labels.set(k, label);
  }
  return labels;
}

/**
 * Orders candidate rows by the sort column without building a row per key: the sort value
 * comes straight from the level's accumulators. Rows without a figure go last either way;
 * ties fall back to the key, so the order is stable from call to call.
 */
function orderCandidates(
  candidates: Array<{ key: string | null; code: number | undefined }>,
  sort: DrillSort,
  current: Level,
  marginShown: boolean,
  labels: Map<string | null, string> | undefined,
): Array<{ key: string | null; code: number | undefined }> {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const byKey = (a: { key: string | null }, b: { key: string | null }) => String(a.key).localeCompare(String(b.key));
  if (sort.by === 'label') {
    const label = (c: { key: string | null }) => labels!.get(c.key) ?? String(c.key);
    return [...candidates].sort((a, b) => sign * label(a).localeCompare(label(b)) || byKey(a, b));
  }
  const empty = metricsOf(undefined, marginShown, null, null)[sort.by];
  const values = candidates.map((c) => (c.code === undefined ? empty : sortValue(current, c.code, sort.by, marginShown)));
  const index = candidates.map((_, i) => i);
  index.sort((i, j) => {
    const x = values[i]!;
    const y = values[j]!;
    if (x === null || y === null) return x === y ? byKey(candidates[i]!, candidates[j]!) : x === null ? 1 : -1;
    return sign * (x - y) || byKey(candidates[i]!, candidates[j]!);
  });
  return index.map((i) => candidates[i]!);
}

/** One metric of one row, read from the accumulators (the same formulas as metricsOf). */
function sortValue(level: Level, code: number, metric: DrillSort['by'], marginShown: boolean): number | null {
  const acc: Accumulators = level.result.acc;
  switch (metric) {
    case 'tradeCount':
      return acc.trades[code]!;
    case 'counterpartyCount':
      return acc.holders[code]!;
    case 'grossNotionalUsd':
    case 'shareOfParent':
      return acc.gross[code]!;
    case 'netNotionalUsd':
      return acc.net[code]!;
    case 'mtmValuationUsd':
      return acc.mtm[code]!;
    case 'deltaAdjustedNotionalUsd':
      return acc.delta[code]!;
    default: {
      // The rarer sorts (margin, ratios, concentration): the row's metrics, computed once.
      const squares = level.result.childSquares?.[code];
      const childSum = level.result.childSums?.[code];
      const m = metricsOf(
        acc.sums(code),
        marginShown,
        null,
        squares === undefined || childSum === undefined ? null : hhi(squares, childSum),
      );
      return m[metric as Exclude<DrillSort['by'], 'label'>];
    }
  }
}

function assertActive(db: Db, snapshotId: number): void {
  const snapshot = db.prepare(`SELECT status, drill_stale AS stale FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as
    { status: string; stale: number } | undefined;
  if (!snapshot || snapshot.status !== 'active')
    throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
  // Drill data of the rules before an update: refused until the rebuild job has redone it, never shown.
  if (snapshot.stale === 1) throw staleDrillError(snapshotId);
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * Herfindahl–Hirschman index (0–10,000) of parts' shares, from Σ part² and Σ part: the shares
 * are of the parts' own sum, so they add up to 1 and the index never exceeds 10,000.
 */
function hhi(sumOfSquares: number, sumOfParts: number): number | null {
  if (!(sumOfParts > 0)) return null;
  return Math.min(10_000, (sumOfSquares / (sumOfParts * sumOfParts)) * 10_000);
}

/**
 * Gross notional of everything matching some conditions: the level above's total, which the
 * previous drill step usually just computed, so the last few are remembered.
 */
const totalGrossCache = new WeakMap<Cube, LruMap<string, number>>();
function totalsOf(cube: Cube): LruMap<string, number> {
  let totals = totalGrossCache.get(cube);
  if (!totals) totalGrossCache.set(cube, (totals = new LruMap(64)));
  return totals;
}
function conditionsKey(conditions: readonly Condition[]): string {
  return JSON.stringify(conditions.map((c) => [c.dimension, c.value]));
}
function rememberTotalGross(cube: Cube, conditions: readonly Condition[], gross: number): void {
  totalsOf(cube).set(conditionsKey(conditions), gross);
}
function levelTotalGross(cube: Cube, conditions: readonly Condition[]): number {
  const hit = totalsOf(cube).get(conditionsKey(conditions));
  if (hit !== undefined) return hit;
  const gross = sumLevel(cube, conditions, null, { total: true }).total?.gross ?? 0;
  rememberTotalGross(cube, conditions, gross);
  return gross;
}

/**
 * The metrics of a row from its sums; an empty row (a vanished one) has zero counts and no ratios.
 * Margin (shown only where the row is a set of counterparties): an amount no holder of the row
 * reported is null, never zero; coverage and leverage are computed over the positions whose
 * margin was reported, and the others are counted.
 */
function metricsOf(
  s: CellSums | undefined,
  marginShown: boolean,
  shareOfParent: number | null,
  concentration: number | null,
): ExposureMetrics {
  const gross = s?.gross ?? 0;
  const margin = (v: number | null | undefined) => (marginShown ? (v ?? null) : null);
  const imPosted = margin(s?.imPosted);
  const excessPosted = margin(s?.excessPosted);
  const marginedNotional = s?.marginedNotional ?? 0;
  // Excess collateral counts where reported; IM is required for a leverage figure.
  const posted = imPosted === null ? null : imPosted + (excessPosted ?? 0);
  // The harmonised requirement, in holderRequirement.ts's order: required, posted against it, shortfall.
  const [required = null, postedAgainst = null, shortfall = null] = marginShown ? (s?.holderFigures ?? []) : [];
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
    positionsWithoutMarginCount: marginShown ? Math.round((s?.positions ?? 0) - (s?.marginedPositions ?? 0)) : null,
    marginCoverage: imPosted === null ? null : share(imPosted, marginedNotional),
    effectiveLeverage: posted === null || !(posted > 0) || !(marginedNotional > 0) ? null : marginedNotional / posted,
    requiredMarginUsd: required,
    requiredMarginCoverage: required === null || postedAgainst === null ? null : share(postedAgainst, required),
    marginShortfallUsd: shortfall,
    shareOfParent: s ? shareOfParent : null,
    concentrationHhi: concentration,
    crossBorderShare: share(s?.crossBorderGross ?? 0, gross),
    unconvertedCount: Math.round((s?.unconverted ?? 0) + (marginShown ? (s?.marginUnconverted ?? 0) : 0)),
  };
}
