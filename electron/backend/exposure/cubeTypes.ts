import type { Dimension } from '../../../shared/contract/exposure';

/** A snapshot's drill rollup in typed-array columns (see cube.ts, which loads and sums it). */
export interface Cube {
  snapshotId: number;
  cells: number;
  /** Per dimension: each cell's value as a code into `values`. */
  codes: Record<Dimension, Int32Array>;
  values: Record<Dimension, (string | null)[]>;
  codeOf: Record<Dimension, Map<string | null, number>>;
  flags: Uint8Array;
  /** Counts (positions, unconverted notionals, modelled and missing deltas, margined positions) are whole numbers. */
  positions: Int32Array;
  unconverted: Int32Array;
  notional: Float64Array;
  net: Float64Array;
  valuation: Float64Array;
  delta: Float64Array;
  deltaModelled: Int32Array;
  deltaMissing: Int32Array;
  /** Positions whose holder reported margin for them, and their notional in USD. */
  marginedPositions: Int32Array;
  marginedNotional: Float64Array;
  /** 1 where the cell's trades are cross-border. */
  crossBorderCell: Uint8Array;
  /** Reported margin per holder code (counterparty dimension), in USD. */
  margin: HolderMargin;
  postings: Map<Dimension, Int32Array[]>;
}

/** Per holder (counterparty code): reported margin in USD; NaN where no report in effect gives the amount. */
export interface HolderMargin {
  known: Uint8Array;
  imPosted: Float64Array;
  vmPosted: Float64Array;
  excessPosted: Float64Array;
  imCollected: Float64Array;
  vmCollected: Float64Array;
  excessCollected: Float64Array;
  unconverted: Float64Array;
}

/** HolderMargin's amounts, in the order the level code sums them (its marginFields). */
export const holderMarginAmounts = [
  'imPosted',
  'vmPosted',
  'excessPosted',
  'imCollected',
  'vmCollected',
  'excessCollected',
  'unconverted',
] as const satisfies ReadonlyArray<keyof HolderMargin>;
