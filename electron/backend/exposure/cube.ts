import { dimensions, type Dimension } from '../../../shared/contract/exposure';
import type { Db } from '../db/connection';
import { LruMap, perDatabase } from '../db/perDatabase';
import { persistedDigest } from '../supervision/snapshotDigest';
import { cubeCodec, unreadableCubes } from './cubeDigest';
import { holderMarginAmounts, type Cube, type HolderMargin } from './cubeTypes';
import { dimensionColumn } from './dimensionColumns';

/**
 * A snapshot's drill rollup (exposure_cell) held column-wise in typed arrays, so any level of
 * any path is one pass over a few hundred thousand cells: milliseconds, where a GROUP BY over
 * millions of positions takes a second. Snapshots never change after import, so a loaded cube
 * stays valid; the few most recently used are kept.
 *
 * Counting a trade once. A cell sums positions (one counterparty's side of a trade). Both
 * sides of a trade fall in the same row exactly when, for every holder dimension in play
 * (jurisdiction or other jurisdiction, group, counterparty), the two sides share that value:
 * the trade-level dimensions (underlier, venue, …) are the same on both sides by construction.
 * Each cell knows, per position, whether its sides share a jurisdiction, a group and a holder
 * (same_side_flags), so a row weighs each position ½ when its twin is in the row too and 1
 * otherwise: trade counts and gross notional come out per distinct UTI, as defined.
 */

const FLAG_JURISDICTION = 1;
const FLAG_GROUP = 2;
const FLAG_HOLDER = 4;
const holderFlag: Partial<Record<Dimension, number>> = {
  jurisdiction: FLAG_JURISDICTION,
  otherJurisdiction: FLAG_JURISDICTION,
  group: FLAG_GROUP,
  counterparty: FLAG_HOLDER,
};

export type { Cube, HolderMargin } from './cubeTypes';

/** Sums of one row of a level, before ratios are derived. */
export interface CellSums {
  trades: number;
  holders: number;
  gross: number;
  net: number;
  mtm: number;
  delta: number;
  deltaModelled: number;
  deltaMissing: number;
  unconverted: number;
  crossBorderGross: number;
  /** Positions (one holder's side of a trade; both sides of a trade within the row count) and those with margin reported. */
  positions: number;
  marginedPositions: number;
  /** Notional in USD of the positions with margin reported (each side counted: margin is posted per side). */
  marginedNotional: number;
  /** Margin amounts in USD; null when no holder of the row reported the amount. */
  imPosted: number | null;
  vmPosted: number | null;
  excessPosted: number | null;
  imCollected: number | null;
  vmCollected: number | null;
  excessCollected: number | null;
  marginUnconverted: number;
  /** Per figure of LevelOptions.holderFigures: the sum over the row's holders that have it; null when none has. */
  holderFigures: (number | null)[];
}

export interface Condition {
  dimension: Dimension;
  value: string | null;
}

/** The cubes of the snapshots in use, per database: a few, most recently used first. */
const cubes = perDatabase(() => new LruMap<number, Cube>(4));

/** The cube of a snapshot, loaded on first use and kept among the most recently used. */
export function cubeOf(db: Db, snapshotId: number): Cube {
  const cache = cubes(db);
  const hit = cache.get(snapshotId);
  if (hit && !unreadableCubes.has(hit)) return hit;
  // Kept as a snapshot digest: a later process reads the columns back instead of decoding every cell row again.
  const cube = persistedDigest(db, snapshotId, cubeCodec, () => loadCube(db, snapshotId));
  cache.set(snapshotId, cube);
  return cube;
}

function loadCube(db: Db, snapshotId: number): Cube {
  const count = (db.prepare(`SELECT count(*) AS n FROM exposure_cell WHERE snapshot_id = ?`).get(snapshotId) as { n: number }).n;
  const codes = {} as Record<Dimension, Int32Array>;
  const values = {} as Record<Dimension, (string | null)[]>;
  const codeOf = {} as Record<Dimension, Map<string | null, number>>;
  for (const d of dimensions) {
    codes[d] = new Int32Array(count);
    values[d] = [];
    codeOf[d] = new Map();
  }
  const f64 = () => new Float64Array(count);
  const i32 = () => new Int32Array(count);
  const cube: Cube = {
    snapshotId,
    cells: count,
    codes,
    values,
    codeOf,
    flags: new Uint8Array(count),
    positions: i32(),
    unconverted: i32(),
    notional: f64(),
    net: f64(),
    valuation: f64(),
    delta: f64(),
    deltaModelled: i32(),
    deltaMissing: i32(),
    marginedPositions: i32(),
    marginedNotional: f64(),
    crossBorderCell: new Uint8Array(count),
    margin: undefined as unknown as HolderMargin,
    postings: new Map(),
  };
  const encode = (d: Dimension, value: string | null): number => {
    let code = codeOf[d].get(value);
    if (code === undefined) {
      code = values[d].length;
      values[d].push(value);
      codeOf[d].set(value, code);
    }
    return code;
  };
  const columns = dimensions.map((d) => dimensionColumn[d]).join(', ');
  const rows = db
    .prepare(
      `SELECT ${columns}, same_side_flags, positions, unconverted, notional_usd, net_usd, valuation_usd, delta_usd, delta_modelled, delta_missing,
              margined_positions, margined_notional_usd
         FROM exposure_cell WHERE snapshot_id = ? ORDER BY holder`,
    )
    .raw()
    .iterate(snapshotId) as IterableIterator<unknown[]>;
  let i = 0;
  const nDims = dimensions.length;
  for (const row of rows) {
    if (i >= count) break;
    for (let d = 0; d < nDims; d++) codes[dimensions[d]!][i] = encode(dimensions[d]!, row[d] as string | null);
    cube.flags[i] = row[nDims] as number;
    cube.positions[i] = row[nDims + 1] as number;
    cube.unconverted[i] = row[nDims + 2] as number;
    cube.notional[i] = row[nDims + 3] as number;
    cube.net[i] = row[nDims + 4] as number;
    cube.valuation[i] = row[nDims + 5] as number;
    cube.delta[i] = row[nDims + 6] as number;
    cube.deltaModelled[i] = row[nDims + 7] as number;
    cube.deltaMissing[i] = row[nDims + 8] as number;
    cube.marginedPositions[i] = row[nDims + 9] as number;
    cube.marginedNotional[i] = row[nDims + 10] as number;
    i++;
  }
  const crossBorder = codeOf.crossBorder.get('cross-border');
  for (let c = 0; c < count; c++) cube.crossBorderCell[c] = codes.crossBorder[c] === crossBorder ? 1 : 0;
  cube.margin = loadMargin(db, snapshotId, codeOf.counterparty, values.counterparty.length);
  return cube;
}

function loadMargin(db: Db, snapshotId: number, holderCode: Map<string | null, number>, holders: number): HolderMargin {
  const f64 = () => new Float64Array(holders);
  const m: HolderMargin = {
    known: new Uint8Array(holders),
    imPosted: f64(),
    vmPosted: f64(),
    excessPosted: f64(),
    imCollected: f64(),
    vmCollected: f64(),
    excessCollected: f64(),
    unconverted: f64(),
  };
  const rows = db
    .prepare(
      `SELECT holder, im_posted_usd, vm_posted_usd, excess_posted_usd, im_collected_usd, vm_collected_usd, excess_collected_usd, unconverted
         FROM holder_margin WHERE snapshot_id = ?`,
    )
    .raw()
    .iterate(snapshotId) as IterableIterator<
    [string, number | null, number | null, number | null, number | null, number | null, number | null, number]
  >;
  for (const [holder, imP, vmP, exP, imC, vmC, exC, lost] of rows) {
    // Margin of a counterparty that holds no live position has no row to appear in.
    const h = holderCode.get(holder);
    if (h === undefined) continue;
    m.known[h] = 1;
    m.imPosted[h] = imP ?? NaN;
    m.vmPosted[h] = vmP ?? NaN;
    m.excessPosted[h] = exP ?? NaN;
    m.imCollected[h] = imC ?? NaN;
    m.vmCollected[h] = vmC ?? NaN;
    m.excessCollected[h] = exC ?? NaN;
    m.unconverted[h] = lost;
  }
  return m;
}

/** The flags a cell must carry for both sides of its trades to fall in a row cut by `dims`. */
function twinMask(dims: Iterable<Dimension>): number {
  let mask = 0;
  for (const d of dims) mask |= holderFlag[d] ?? 0;
  return mask;
}

function levelKeys(cube: Cube, groupBy: Dimension | null): Pick<LevelResult, 'keyOf' | 'codeOf'> {
  return groupBy
    ? { keyOf: (code) => cube.values[groupBy][code]!, codeOf: (key) => cube.codeOf[groupBy].get(key) }
    : { keyOf: () => null, codeOf: (key) => (key === null ? 0 : undefined) };
}

function emptyLevel(cube: Cube, groupBy: Dimension | null): LevelResult {
  return {
    ...levelKeys(cube, groupBy),
    codes: [],
    acc: new Accumulators(0, 0),
    childSquares: new Float64Array(0),
    childSums: new Float64Array(0),
  };
}

/**
 * Σ gross per (row, child) pair met, in an open-addressing table that grows with the pairs: a dense table of every
 * row × child would be touched whole (16 MB for 36 jurisdictions × 54,000 groups), and touching fresh memory is what
 * made the first level after a start slow. Reused between levels; `drain` empties it.
 */
class PairSums {
  /** Row + 1 of the pair in each slot; 0 where empty. */
  private rows = new Int32Array(1 << 12);
  private children = new Int32Array(1 << 12);
  private gross = new Float64Array(1 << 12);
  private used = 0;
  inUse = false;

  add(row: number, child: number, gross: number): void {
    const mask = this.rows.length - 1;
    const tag = row + 1;
    let slot = (Math.imul(row, 0x9e3779b1) ^ Math.imul(child, 0x85ebca6b)) & mask;
    for (;;) {
      const held = this.rows[slot]!;
      if (held === tag && this.children[slot] === child) {
        this.gross[slot]! += gross;
        return;
      }
      if (held === 0) break;
      slot = (slot + 1) & mask;
    }
    this.rows[slot] = tag;
    this.children[slot] = child;
    this.gross[slot] = gross;
    if (++this.used * 2 > this.rows.length) this.grow();
  }

  /** Adds each pair's squared sum to its row, and empties the table. */
  drain(squares: Float64Array): void {
    const { rows, gross } = this;
    for (let slot = 0; slot < rows.length; slot++) {
      const tag = rows[slot]!;
      if (tag === 0) continue;
      squares[tag - 1]! += gross[slot]! ** 2;
      rows[slot] = 0;
    }
    this.used = 0;
  }

  private grow(): void {
    const { rows, children, gross } = this;
    this.rows = new Int32Array(rows.length * 2);
    this.children = new Int32Array(rows.length * 2);
    this.gross = new Float64Array(rows.length * 2);
    this.used = 0;
    for (let slot = 0; slot < rows.length; slot++) if (rows[slot] !== 0) this.add(rows[slot]! - 1, children[slot]!, gross[slot]!);
  }
}
const sharedPairSums = new PairSums();

/**
 * The cells of a posting list: for each value of a dimension, the ascending indices of the
 * cells holding it (ascending keeps the holder order). Built on first use of the dimension.
 */
function postings(cube: Cube, dimension: Dimension): Int32Array[] {
  const built = cube.postings.get(dimension);
  if (built) return built;
  const codes = cube.codes[dimension];
  const counts = new Int32Array(cube.values[dimension].length);
  for (let i = 0; i < cube.cells; i++) counts[codes[i]!]!++;
  const lists = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(counts.length);
  for (let i = 0; i < cube.cells; i++) {
    const c = codes[i]!;
    lists[c]![fill[c]!++] = i;
  }
  cube.postings.set(dimension, lists);
  return lists;
}

/** Accumulators of one level, one typed array per figure, indexed by key code. */
export class Accumulators {
  readonly trades: Float64Array;
  readonly holders: Float64Array;
  readonly gross: Float64Array;
  readonly net: Float64Array;
  readonly mtm: Float64Array;
  readonly delta: Float64Array;
  readonly deltaModelled: Float64Array;
  readonly deltaMissing: Float64Array;
  readonly unconverted: Float64Array;
  readonly crossBorderGross: Float64Array;
  readonly positions: Float64Array;
  readonly marginedPositions: Float64Array;
  readonly marginedNotional: Float64Array;
  /** Per margin field: the sum over the row's holders that reported it, and how many did. */
  readonly margin: Float64Array[];
  readonly marginReported: Float64Array[];
  /** Per holder figure (LevelOptions.holderFigures): the sum over the row's holders that have it, and how many do. */
  readonly holderFigures: Float64Array[];
  readonly holderFiguresHad: Float64Array[];
  readonly seen: Uint8Array;
  readonly lastHolder: Int32Array;
  constructor(size: number, holderFigureCount = 0) {
    const f = () => new Float64Array(size);
    this.trades = f();
    this.holders = f();
    this.gross = f();
    this.net = f();
    this.mtm = f();
    this.delta = f();
    this.deltaModelled = f();
    this.deltaMissing = f();
    this.unconverted = f();
    this.crossBorderGross = f();
    this.positions = f();
    this.marginedPositions = f();
    this.marginedNotional = f();
    this.margin = marginFields.map(f);
    this.marginReported = marginFields.map(f);
    this.holderFigures = Array.from({ length: holderFigureCount }, f);
    this.holderFiguresHad = Array.from({ length: holderFigureCount }, f);
    this.seen = new Uint8Array(size);
    this.lastHolder = new Int32Array(size).fill(-1);
  }

  /** Every key's figures added up (exact for the figures weighted alike). */
  sumAll(): CellSums {
    const sum = (a: Float64Array) => {
      let t = 0;
      for (let k = 0; k < a.length; k++) t += a[k]!;
      return t;
    };
    const margin = marginFields.map((_, m) => (sum(this.marginReported[m]!) > 0 ? sum(this.margin[m]!) : null));
    return {
      trades: sum(this.trades),
      holders: sum(this.holders),
      gross: sum(this.gross),
      net: sum(this.net),
      mtm: sum(this.mtm),
      delta: sum(this.delta),
      deltaModelled: sum(this.deltaModelled),
      deltaMissing: sum(this.deltaMissing),
      unconverted: sum(this.unconverted),
      crossBorderGross: sum(this.crossBorderGross),
      positions: sum(this.positions),
      marginedPositions: sum(this.marginedPositions),
      marginedNotional: sum(this.marginedNotional),
      ...marginSums(margin),
      holderFigures: this.holderFigures.map((a, x) => (sum(this.holderFiguresHad[x]!) > 0 ? sum(a) : null)),
    };
  }

  sums(key: number): CellSums {
    const margin = marginFields.map((_, m) => (this.marginReported[m]![key]! > 0 ? this.margin[m]![key]! : null));
    return {
      trades: this.trades[key]!,
      holders: this.holders[key]!,
      gross: this.gross[key]!,
      net: this.net[key]!,
      mtm: this.mtm[key]!,
      delta: this.delta[key]!,
      deltaModelled: this.deltaModelled[key]!,
      deltaMissing: this.deltaMissing[key]!,
      unconverted: this.unconverted[key]!,
      crossBorderGross: this.crossBorderGross[key]!,
      positions: this.positions[key]!,
      marginedPositions: this.marginedPositions[key]!,
      marginedNotional: this.marginedNotional[key]!,
      ...marginSums(margin),
      holderFigures: this.holderFigures.map((a, x) => (this.holderFiguresHad[x]![key]! > 0 ? a[key]! : null)),
    };
  }
}

/** The margin fields of CellSums from values in marginFields order (the unconverted count is never null). */
function marginSums(values: (number | null)[]): Pick<CellSums, (typeof marginFields)[number]> {
  return {
    imPosted: values[0]!,
    vmPosted: values[1]!,
    excessPosted: values[2]!,
    imCollected: values[3]!,
    vmCollected: values[4]!,
    excessCollected: values[5]!,
    marginUnconverted: values[6] ?? 0,
  };
}

const marginFields = [
  'imPosted',
  'vmPosted',
  'excessPosted',
  'imCollected',
  'vmCollected',
  'excessCollected',
  'marginUnconverted',
] as const satisfies ReadonlyArray<keyof CellSums>;

/** A holder's margin figures in the order of marginFields. */
function holderMarginColumns(m: HolderMargin): Float64Array[] {
  return holderMarginAmounts.map((a) => m[a]);
}

/**
 * Sums of the children of each row along one dimension, reduced on the fly to what the
 * concentration needs: Σ (child gross)² per row. A counterparty child is complete at the end of
 * its run of cells (cells are ordered by holder); any other child is summed in a scratch table
 * per (row, child) pair (PairSums) and squared at the end.
 */
class ChildSquares {
  readonly squares: Float64Array;
  /** Per row: Σ child gross, the denominator of the children's shares (see finish). */
  readonly sums: Float64Array;
  private readonly runGross: Float64Array | null;
  private readonly runKeys: Int32Array | null;
  private readonly inRun: Uint8Array | null;
  private runLength = 0;
  private runHolder = -1;
  private readonly pairs: PairSums | null;
  /** Each cell's child code (the counterparty's when the child is the holder). */
  private readonly childCodes: Int32Array;

  constructor(cube: Cube, child: Dimension, keyCount: number) {
    this.squares = new Float64Array(keyCount);
    this.sums = new Float64Array(keyCount);
    this.childCodes = cube.codes[child];
    if (child === 'counterparty') {
      this.runGross = new Float64Array(keyCount);
      this.runKeys = new Int32Array(keyCount);
      this.inRun = new Uint8Array(keyCount);
      this.pairs = null;
    } else {
      this.runGross = null;
      this.runKeys = null;
      this.inRun = null;
      // One level is summed at a time; should two ever be, the second gets a table of its own.
      this.pairs = sharedPairSums.inUse ? new PairSums() : sharedPairSums;
      this.pairs.inUse = true;
    }
  }

  add(i: number, key: number, gross: number): void {
    this.sums[key]! += gross;
    if (this.runGross) {
      const holder = this.childCodes[i]!;
      if (holder !== this.runHolder) {
        this.flushRun();
        this.runHolder = holder;
      }
      if (!this.inRun![key]) {
        this.inRun![key] = 1;
        this.runKeys![this.runLength++] = key;
      }
      this.runGross[key]! += gross;
      return;
    }
    this.pairs!.add(key, this.childCodes[i]!, gross);
  }

  private flushRun(): void {
    for (let r = 0; r < this.runLength; r++) {
      const key = this.runKeys![r]!;
      this.squares[key]! += this.runGross![key]! ** 2;
      this.runGross![key] = 0;
      this.inRun![key] = 0;
    }
    this.runLength = 0;
  }

  finish(): Float64Array {
    if (this.runGross) this.flushRun();
    else {
      this.pairs!.drain(this.squares);
      this.pairs!.inUse = false;
    }
    return this.squares;
  }
}

export interface LevelOptions {
  /** Also sum everything matching as one total (its own twin weighting). */
  total?: boolean;
  /** Only the keys (codes of the groupBy dimension) flagged 1 here: rows, total and children. */
  onlyKeys?: Uint8Array;
  /** Also compute, per row, Σ (child gross)² along this dimension. */
  childDimension?: Dimension | null;
  /**
   * Figures known per holder (indexed by counterparty code; NaN where a holder has none), added once per holder in
   * each row and in the total, like reported margin: the harmonised required margin of exposure/holderRequirement.ts.
   */
  holderFigures?: readonly Float64Array[];
}

export interface LevelResult {
  /** The codes of the keys that have cells, ascending; `keyOf` names them. */
  codes: number[];
  keyOf(code: number): string | null;
  /** The code of a key at this level, if the snapshot has it. */
  codeOf(key: string | null): number | undefined;
  /** Per code: the figures (typed arrays, so large levels need no object per row). */
  acc: Accumulators;
  total?: CellSums;
  /** Per code: Σ over the row's children of (child gross)², and Σ child gross. */
  childSquares?: Float64Array;
  childSums?: Float64Array;
}

/**
 * One pass over the cells matching every condition: sums per key of `groupBy` and,
 * optionally, the total and each row's children's squared gross (for the concentration).
 * With conditions, only the shortest posting list among them is walked.
 */
export function sumLevel(cube: Cube, conditions: readonly Condition[], groupBy: Dimension | null, options: LevelOptions = {}): LevelResult {
  const filterCodes: Int32Array[] = [];
  const filterWanted: number[] = [];
  let walk: Int32Array | null = null;
  for (const c of conditions) {
    const code = cube.codeOf[c.dimension].get(c.value);
    // A value the snapshot does not have: nothing matches.
    if (code === undefined) return emptyLevel(cube, groupBy);
    const list = postings(cube, c.dimension)[code]!;
    if (!walk || list.length < walk.length) walk = list;
    filterCodes.push(cube.codes[c.dimension]);
    filterWanted.push(code);
  }
  const inPlay = conditions.map((c) => c.dimension);
  const mask = twinMask(groupBy ? [...inPlay, groupBy] : inPlay);
  const totalMask = twinMask(inPlay);
  const child = options.childDimension ?? null;
  const childMask = child ? twinMask([...inPlay, ...(groupBy ? [groupBy] : []), child]) : 0;

  const keyCodes = groupBy ? cube.codes[groupBy] : null;
  const keyCount = groupBy ? cube.values[groupBy].length : 1;
  const extra = options.holderFigures ?? [];
  const nExtra = extra.length;
  const acc = new Accumulators(keyCount, nExtra);
  const squares = child ? new ChildSquares(cube, child, keyCount) : null;
  const nFilters = filterCodes.length;
  const count = walk ? walk.length : cube.cells;
  const { flags, positions, notional, unconverted, net, valuation, delta, deltaModelled, deltaMissing, crossBorderCell } = cube;
  const { marginedPositions, marginedNotional } = cube;
  const onlyKeys = options.onlyKeys;
  const holderCodes = cube.codes.counterparty;
  const marginKnown = cube.margin.known;
  const marginColumns = holderMarginColumns(cube.margin);
  // The total: figures weighted like the rows add up from the rows; the others (when the rows
  // are cut by a holder dimension) are summed here, and its holders counted once each.
  const totalWeighsApart = options.total === true && mask !== totalMask;
  let tTrades = 0;
  let tGross = 0;
  let tUnconverted = 0;
  let tModelled = 0;
  let tMissing = 0;
  let tCrossBorder = 0;
  let tHolders = 0;
  let tLastHolder = -1;
  const tMargin = new Float64Array(marginFields.length);
  const tMarginReported = new Float64Array(marginFields.length);
  const tExtra = new Float64Array(nExtra);
  const tExtraHad = new Float64Array(nExtra);
  const { holderFigures: aExtra, holderFiguresHad: aExtraHad } = acc;
  const { trades, gross, net: aNet, mtm, delta: aDelta, deltaModelled: aModelled, deltaMissing: aMissing } = acc;
  const { unconverted: aUnconverted, crossBorderGross, holders, lastHolder, seen, margin: aMargin, marginReported: aReported } = acc;
  const { positions: aPositions, marginedPositions: aMarginedPositions, marginedNotional: aMarginedNotional } = acc;
  const nMargin = marginColumns.length;

  cells: for (let n = 0; n < count; n++) {
    const i = walk ? walk[n]! : n;
    for (let f = 0; f < nFilters; f++) if (filterCodes[f]![i] !== filterWanted[f]) continue cells;
    const key = keyCodes ? keyCodes[i]! : 0;
    if (onlyKeys && !onlyKeys[key]) continue;
    const flag = flags[i]!;
    const w = mask === 0 || (flag & mask) === mask ? 0.5 : 1;
    const cellNotional = notional[i]!;
    seen[key] = 1;
    trades[key]! += positions[i]! * w;
    gross[key]! += cellNotional * w;
    aUnconverted[key]! += unconverted[i]! * w;
    aNet[key]! += net[i]!;
    mtm[key]! += valuation[i]!;
    aDelta[key]! += delta[i]!;
    aModelled[key]! += deltaModelled[i]! * w;
    aMissing[key]! += deltaMissing[i]! * w;
    if (crossBorderCell[i]) crossBorderGross[key]! += cellNotional * w;
    aPositions[key]! += positions[i]!;
    aMarginedPositions[key]! += marginedPositions[i]!;
    aMarginedNotional[key]! += marginedNotional[i]!;
    const holder = holderCodes[i]!;
    if (lastHolder[key] !== holder) {
      lastHolder[key] = holder;
      holders[key]!++;
      if (marginKnown[holder])
        for (let m = 0; m < nMargin; m++) {
          const v = marginColumns[m]![holder]!;
          // NaN: this holder's reports in effect do not give the amount (not reported, not zero).
          if (v === v) {
            aMargin[m]![key]! += v;
            aReported[m]![key]!++;
          }
        }
      for (let x = 0; x < nExtra; x++) {
        const v = extra[x]![holder]!;
        if (v === v) {
          aExtra[x]![key]! += v;
          aExtraHad[x]![key]!++;
        }
      }
    }
    if (options.total) {
      if (tLastHolder !== holder) {
        tLastHolder = holder;
        tHolders++;
        if (marginKnown[holder])
          for (let m = 0; m < nMargin; m++) {
            const v = marginColumns[m]![holder]!;
            if (v === v) {
              tMargin[m]! += v;
              tMarginReported[m]!++;
            }
          }
        for (let x = 0; x < nExtra; x++) {
          const v = extra[x]![holder]!;
          if (v === v) {
            tExtra[x]! += v;
            tExtraHad[x]!++;
          }
        }
      }
      if (totalWeighsApart) {
        const tw = totalMask === 0 || (flag & totalMask) === totalMask ? 0.5 : 1;
        tTrades += positions[i]! * tw;
        tGross += cellNotional * tw;
        tUnconverted += unconverted[i]! * tw;
        tModelled += deltaModelled[i]! * tw;
        tMissing += deltaMissing[i]! * tw;
        if (crossBorderCell[i]) tCrossBorder += cellNotional * tw;
      }
    }
    if (squares) squares.add(i, key, cellNotional * (childMask === 0 || (flag & childMask) === childMask ? 0.5 : 1));
  }

  const codes: number[] = [];
  for (let k = 0; k < keyCount; k++) if (seen[k]) codes.push(k);
  const result: LevelResult = { ...levelKeys(cube, groupBy), codes, acc };
  if (squares) {
    result.childSquares = squares.finish();
    result.childSums = squares.sums;
  }
  if (options.total && tHolders > 0) {
    const total = acc.sumAll();
    total.holders = tHolders;
    Object.assign(total, marginSums(marginFields.map((_, m) => (tMarginReported[m]! > 0 ? tMargin[m]! : null))));
    total.holderFigures = Array.from(tExtra, (v, x) => (tExtraHad[x]! > 0 ? v : null));
    if (totalWeighsApart)
      Object.assign(total, {
        trades: tTrades,
        gross: tGross,
        unconverted: tUnconverted,
        deltaModelled: tModelled,
        deltaMissing: tMissing,
        crossBorderGross: tCrossBorder,
      });
    result.total = total;
  }
  return result;
}
