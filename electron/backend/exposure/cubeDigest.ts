import { dimensions, type Dimension } from '../../../shared/contract/exposure';
import { requireColumns, type Column, type DigestCodec } from '../supervision/snapshotDigest';
import type { Cube, HolderMargin } from './cubeTypes';

/**
 * A snapshot's drill cube as a snapshot digest (issue 16: the first drill after a restart without a multi-second
 * load): its typed-array columns are written as they are, the dimension values beside them, and read back in place.
 * `format` changes whenever what is written does; a digest of another format, import or a damaged one is built again
 * from exposure_cell (supervision/snapshotDigest.ts decides).
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
const marginColumns = [
  'known',
  'imPosted',
  'vmPosted',
  'excessPosted',
  'imCollected',
  'vmCollected',
  'excessCollected',
  'unconverted',
] as const;

interface CubeJson {
  snapshotId: number;
  cells: number;
  values: Record<Dimension, (string | null)[]>;
}

export const cubeCodec: DigestCodec<Cube> = {
  kind: 'drill-cube',
  format: 1,
  encode(cube) {
    const columns: Record<string, Column> = {};
    for (const d of dimensions) columns[`code:${d}`] = cube.codes[d];
    for (const c of cellColumns) columns[c] = cube[c];
    for (const m of marginColumns) columns[`margin:${m}`] = cube.margin[m];
    const json: CubeJson = { snapshotId: cube.snapshotId, cells: cube.cells, values: cube.values };
    return { json, columns };
  },
  decode(raw, stored) {
    const json = raw as CubeJson;
    const names = [...dimensions.map((d) => `code:${d}`), ...cellColumns, ...marginColumns.map((m) => `margin:${m}`)];
    const columns = requireColumns<Record<string, Column>>(stored, names);
    const codes = {} as Record<Dimension, Int32Array>;
    const codeOf = {} as Record<Dimension, Map<string | null, number>>;
    for (const d of dimensions) {
      const values = json.values[d];
      const column = columns[`code:${d}`];
      if (!Array.isArray(values) || !(column instanceof Int32Array) || column.length !== json.cells)
        throw new Error(`drill cube digest: codes of ${d} do not fit`);
      codes[d] = column;
      codeOf[d] = new Map(values.map((v, i) => [v, i]));
    }
    const f64 = (name: string, length: number): Float64Array => {
      const c = columns[name];
      if (!(c instanceof Float64Array) || c.length !== length) throw new Error(`drill cube digest: ${name} does not fit`);
      return c;
    };
    const u8 = (name: string, length: number): Uint8Array => {
      const c = columns[name];
      if (!(c instanceof Uint8Array) || c.length !== length) throw new Error(`drill cube digest: ${name} does not fit`);
      return c;
    };
    const holders = json.values.counterparty.length;
    const margin: HolderMargin = {
      known: u8('margin:known', holders),
      imPosted: f64('margin:imPosted', holders),
      vmPosted: f64('margin:vmPosted', holders),
      excessPosted: f64('margin:excessPosted', holders),
      imCollected: f64('margin:imCollected', holders),
      vmCollected: f64('margin:vmCollected', holders),
      excessCollected: f64('margin:excessCollected', holders),
      unconverted: f64('margin:unconverted', holders),
    };
    const n = json.cells;
    return {
      snapshotId: json.snapshotId,
      cells: n,
      codes,
      values: json.values,
      codeOf,
      flags: u8('flags', n),
      positions: f64('positions', n),
      unconverted: f64('unconverted', n),
      notional: f64('notional', n),
      net: f64('net', n),
      valuation: f64('valuation', n),
      delta: f64('delta', n),
      deltaModelled: f64('deltaModelled', n),
      deltaMissing: f64('deltaMissing', n),
      marginedPositions: f64('marginedPositions', n),
      marginedNotional: f64('marginedNotional', n),
      crossBorderCell: u8('crossBorderCell', n),
      margin,
      // Built on demand by the level code, as after a load from exposure_cell.
      postings: new Map(),
    };
  },
};
