import { ContractError } from '../../../shared/contract/errors';
import { dimensions, type Dimension } from '../../../shared/contract/exposure';
import { columnsAsSource, type Column, type ColumnSource, type DigestCodec } from '../supervision/snapshotDigest';
import { holderMarginAmounts, type Cube, type HolderMargin } from './cubeTypes';

/**
 * A snapshot's drill cube as a snapshot digest (issue 16: the first drill after a restart without a multi-second
 * load): its typed-array columns are written as they are and read back as they are. Every level sums the cell
 * columns, so those are read at once; each dimension's codes, values and lookup are read when a level first groups
 * or filters by it (a first level reads two of the twelve dimensions). `format` changes whenever what is written
 * does; a digest of another format, import or a damaged one is built again from exposure_cell
 * (supervision/snapshotDigest.ts decides).
 */
const cellColumns = [
  'flags',
  'positions',
  'unconverted',
  'notional',
  'net',
  'valuation',
  'delta',
  'deltaModelled',
  'deltaMissing',
  'marginedPositions',
  'marginedNotional',
  'crossBorderCell',
] as const;

interface CubeJson {
  snapshotId: number;
  cells: number;
  /** How many values each dimension has (the codes' range). */
  valueCounts: Record<Dimension, number>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Defines `key` on `target` as computed on first read, then kept as a plain value. */
function onFirstRead<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

/**
 * Cubes a part of which could not be read from their stored file after they were opened (an I/O error, or damage
 * found only then): the cache gives them up, and the digest is built again at the next call.
 */
export const unreadableCubes = new WeakSet<Cube>();

function decodeCube(raw: unknown, source: ColumnSource): Cube {
  const json = raw as CubeJson;
  /** A part read on first use; when it cannot be, the cube is given up and the caller told to ask again. */
  const later =
    <T>(what: string, read: () => T) =>
    (): T => {
      try {
        return read();
      } catch (error) {
        // Only read after decodeCube has returned the cube (the parts are read on a level's first use).
        unreadableCubes.add(cube);
        source.invalidate();
        throw new ContractError(
          'UNAVAILABLE',
          `The stored drill data of snapshot ${json.snapshotId} could not be read (${what}: ${(error as Error).message}); ask again: it is built anew.`,
          { snapshotId: json.snapshotId },
        );
      }
    };
  const n = json.cells;
  if (!Number.isInteger(n) || typeof json.valueCounts !== 'object' || json.valueCounts === null)
    throw new Error('drill cube digest: no cell count');
  // Everything is checked against the stored layout now, so that a later read can only fail on I/O.
  const expect = (name: string, type: 'f64' | 'i32' | 'u8', length: number) => {
    const d = source.describe(name);
    if (!d || d.type !== type || d.length !== length) throw new Error(`drill cube digest: ${name} does not fit`);
  };
  const f64 = (name: string, length: number) => (expect(name, 'f64', length), source.get(name) as Float64Array);
  const i32 = (name: string, length: number) => (expect(name, 'i32', length), source.get(name) as Int32Array);
  const u8 = (name: string, length: number) => (expect(name, 'u8', length), source.get(name) as Uint8Array);
  const holders = json.valueCounts.counterparty;
  const codes = {} as Record<Dimension, Int32Array>;
  const values = {} as Record<Dimension, (string | null)[]>;
  const codeOf = {} as Record<Dimension, Map<string | null, number>>;
  for (const d of dimensions) {
    const count = json.valueCounts[d];
    if (!Number.isInteger(count)) throw new Error(`drill cube digest: no value count for ${d}`);
    expect(`code:${d}`, 'i32', n);
    if (source.describe(`values:${d}`)?.type !== 'u8') throw new Error(`drill cube digest: values of ${d} missing`);
    onFirstRead(
      codes,
      d,
      later(`codes of ${d}`, () => source.get(`code:${d}`) as Int32Array),
    );
    onFirstRead(
      values,
      d,
      later(`values of ${d}`, () => {
        const list = JSON.parse(utf8.decode(source.get(`values:${d}`))) as unknown;
        if (!Array.isArray(list) || list.length !== count) throw new Error('their count does not fit');
        return list as (string | null)[];
      }),
    );
    onFirstRead(codeOf, d, () => new Map(values[d].map((v, i) => [v, i])));
  }
  const margin = { known: u8('margin:known', holders) } as HolderMargin;
  for (const a of holderMarginAmounts) margin[a] = f64(`margin:${a}`, holders);
  const cube: Cube = {
    snapshotId: json.snapshotId,
    cells: n,
    codes,
    values,
    codeOf,
    flags: u8('flags', n),
    positions: i32('positions', n),
    unconverted: i32('unconverted', n),
    notional: f64('notional', n),
    net: f64('net', n),
    valuation: f64('valuation', n),
    delta: f64('delta', n),
    deltaModelled: i32('deltaModelled', n),
    deltaMissing: i32('deltaMissing', n),
    marginedPositions: i32('marginedPositions', n),
    marginedNotional: f64('marginedNotional', n),
    crossBorderCell: u8('crossBorderCell', n),
    margin,
    // Built on demand by the level code, as after a load from exposure_cell.
    postings: new Map(),
  };
  return cube;
}

export const cubeCodec: DigestCodec<Cube> = {
  kind: 'drill-cube',
  format: 3,
  encode(cube) {
    // The columns every level reads first, one after another; then each dimension's codes and values.
    const columns: Record<string, Column> = {};
    for (const c of cellColumns) columns[c] = cube[c];
    columns['margin:known'] = cube.margin.known;
    for (const a of holderMarginAmounts) columns[`margin:${a}`] = cube.margin[a];
    const valueCounts = {} as Record<Dimension, number>;
    for (const d of dimensions) {
      columns[`code:${d}`] = cube.codes[d];
      columns[`values:${d}`] = new Uint8Array(Buffer.from(JSON.stringify(cube.values[d]), 'utf8'));
      valueCounts[d] = cube.values[d].length;
    }
    const json: CubeJson = { snapshotId: cube.snapshotId, cells: cube.cells, valueCounts };
    return { json, columns };
  },
  decode: (json, columns) => decodeCube(json, columnsAsSource(columns)),
  decodeFrom: decodeCube,
};
