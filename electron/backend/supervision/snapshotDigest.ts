import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';

/**
 * Figures derived from every position of a snapshot, computed once and kept in snapshot_digest (migration 0020) so
 * that a later process reads them in milliseconds instead of scanning the snapshot again (tens of seconds at
 * 1,000,000 trades). A snapshot's reports never change once it is active, so a digest stays true for it; the row
 * records the snapshot's identity and the code's format, and one that matches neither is rebuilt, not read.
 *
 * Payloads are columns of numbers (typed arrays, stored side by side in one file with their layout in the row) and
 * a little JSON: an object per row would take seconds to decode at that size.
 */

export type Column = Float64Array | Int32Array | Uint8Array;
export type ColumnType = 'f64' | 'i32' | 'u8';

/**
 * How a digest is written and read back; `format` changes whenever what `encode` writes does. `decode` throws on
 * anything it cannot read whole (the digest is then built again).
 */
export interface DigestCodec<T> {
  kind: string;
  format: number;
  encode(value: T): { json: unknown; columns: Record<string, Column> };
  decode(json: unknown, columns: Record<string, Column>): T;
  /**
   * Optional: decodes from columns read on first use rather than all up front. Each megabyte read costs a few
   * milliseconds here (fresh memory is slow to touch), so a digest whose reader needs only part of it at first (the
   * drill cube: the dimensions a level groups or filters by) reads the rest when asked.
   */
  decodeFrom?(json: unknown, source: ColumnSource): T;
}

/** A stored digest's columns, each read (once) when first asked for. */
export interface ColumnSource {
  /** The column's type and length as stored, without reading it; undefined when there is no such column. */
  describe(name: string): { type: ColumnType; length: number } | undefined;
  /** The column, read now if not read before; throws when the stored bytes cannot be read whole. */
  get(name: string): Column;
  /** Says the stored digest cannot be read (found out after decoding): the next process or call builds it again. */
  invalidate(): void;
}

/**
 * The strings of a digest, each kept once: columns hold their index (-1 for none). `names` is what the digest stores
 * beside its columns.
 */
export function stringTable(): { names: string[]; indexOf(value: string | null): number } {
  const names: string[] = [];
  const index = new Map<string, number>();
  return {
    names,
    indexOf(value) {
      if (value === null) return -1;
      let i = index.get(value);
      if (i === undefined) index.set(value, (i = names.push(value) - 1));
      return i;
    },
  };
}

/** A string column's value at `i`: the name it indexes, or null for -1. */
export const nameAt = (names: readonly string[], i: number): string | null => (i >= 0 ? names[i]! : null);

/** The columns a decoder needs, each present: a stored digest missing one is damaged. */
export function requireColumns<C extends Record<string, Column>>(
  columns: Record<string, Column>,
  names: ReadonlyArray<keyof C & string>,
): C {
  for (const name of names) if (!columns[name]) throw new Error(`snapshot digest column ${name} is missing`);
  return columns as C;
}

interface Layout {
  json: unknown;
  columns: Array<{ name: string; type: ColumnType; offset: number; length: number }>;
}

const typeOf = (c: Column): ColumnType => (c instanceof Float64Array ? 'f64' : c instanceof Int32Array ? 'i32' : 'u8');

/** Columns one after another, each at an offset that is a multiple of 8 so it can be viewed in place once read. */
export function packColumns(columns: Record<string, Column>): { layout: Layout['columns']; payload: Buffer } {
  const layout: Layout['columns'] = [];
  let size = 0;
  for (const [name, column] of Object.entries(columns)) {
    layout.push({ name, type: typeOf(column), offset: size, length: column.length });
    size += Math.ceil(column.byteLength / 8) * 8;
  }
  const payload = Buffer.alloc(size);
  for (const { name, offset } of layout) {
    const column = columns[name]!;
    payload.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), offset);
  }
  return { layout, payload };
}

export function unpackColumns(layout: Layout['columns'], payload: Uint8Array): Record<string, Column> {
  // Columns are viewed in place when the payload starts on an 8-byte boundary, else copied once into one that does.
  const bytes = payload.byteOffset % 8 === 0 ? payload : new Uint8Array(payload);
  const columns: Record<string, Column> = {};
  for (const { name, type, offset, length } of layout) {
    if (offset + length * widthOf(type) > bytes.byteLength) throw new Error(`snapshot digest column ${name} runs past its payload`);
    columns[name] = viewOf(type, bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length);
  }
  return columns;
}

const widthOf = (type: ColumnType): number => (type === 'f64' ? 8 : type === 'i32' ? 4 : 1);

function viewOf(type: ColumnType, buffer: ArrayBuffer, byteOffset: number, length: number): Column {
  return type === 'f64'
    ? new Float64Array(buffer, byteOffset, length)
    : type === 'i32'
      ? new Int32Array(buffer, byteOffset, length)
      : new Uint8Array(buffer, byteOffset, length);
}

/** Columns already in memory (a digest kept in its row, or unpacked whole) seen as a source. */
export function columnsAsSource(columns: Record<string, Column>): ColumnSource {
  return {
    describe: (name) => (columns[name] ? { type: typeOf(columns[name]), length: columns[name].length } : undefined),
    get(name) {
      const column = columns[name];
      if (!column) throw new Error(`snapshot digest column ${name} is missing`);
      return column;
    },
    invalidate: () => undefined,
  };
}

/**
 * The columns of a payload file, each read at its offset on first use. The file stays open until every column has
 * been read or the decoded value is collected: a file replaced or swept meanwhile (by another process) is still
 * read as it was when opened.
 */
class FileColumnSource implements ColumnSource {
  private readonly byName: Map<string, Layout['columns'][number]>;
  private readonly loaded = new Map<string, Column>();
  constructor(
    private readonly handle: { fd: number | null },
    layout: Layout['columns'],
    readonly invalidate: () => void,
  ) {
    this.byName = new Map(layout.map((c) => [c.name, c]));
  }
  describe(name: string) {
    const c = this.byName.get(name);
    return c ? { type: c.type, length: c.length } : undefined;
  }
  get(name: string): Column {
    const hit = this.loaded.get(name);
    if (hit) return hit;
    const c = this.byName.get(name);
    if (!c) throw new Error(`snapshot digest column ${name} is missing`);
    if (this.handle.fd === null) throw new Error(`snapshot digest column ${name} can no longer be read`);
    const byteLength = c.length * widthOf(c.type);
    const buffer = new ArrayBuffer(byteLength);
    const bytes = new Uint8Array(buffer);
    for (let read = 0; read < byteLength;) {
      const n = fs.readSync(this.handle.fd, bytes, read, byteLength - read, c.offset + read);
      if (n === 0) throw new Error(`snapshot digest column ${name} runs past its file`);
      read += n;
    }
    const column = viewOf(c.type, buffer, 0, c.length);
    this.loaded.set(name, column);
    if (this.loaded.size === this.byName.size) closeHandle(this.handle);
    return column;
  }
}

function closeHandle(handle: { fd: number | null }): void {
  if (handle.fd === null) return;
  try {
    fs.closeSync(handle.fd);
  } catch {
    // Already closed: nothing to do.
  }
  handle.fd = null;
}

/** Closes the payload file of a decoded value that is no longer used before all its columns were read. */
const closeWhenCollected = new FinalizationRegistry<{ fd: number | null }>(closeHandle);

/**
 * Opens a payload file for reading on demand, or undefined when it is missing or not the size the row says (then the
 * digest is built again).
 */
function openPayload(
  db: Db,
  row: StoredRow,
  layout: Layout['columns'],
  invalidate: () => void,
): { handle: { fd: number | null }; source: ColumnSource } | undefined {
  const file = payloadFile(db, row);
  if (file === null) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  const handle = { fd: fd as number | null };
  try {
    const size = fs.fstatSync(fd).size;
    const fits = size === row.bytes && layout.every((c) => c.offset + c.length * widthOf(c.type) <= size);
    if (fits) return { handle, source: new FileColumnSource(handle, layout, invalidate) };
  } catch {
    // A layout that is not one (a damaged row): built again, like a file that does not fit.
  }
  closeHandle(handle);
  return undefined;
}

/** Removes a stored digest found unreadable after it was decoded, so that it is built again; busy: left to the next. */
function forgetDigest(db: Db, snapshotId: number, kind: string): void {
  try {
    db.prepare(`DELETE FROM snapshot_digest WHERE snapshot_id = ? AND kind = ?`).run(snapshotId, kind);
  } catch {
    // Busy or read-only: the damage is found again, and the digest rebuilt, by the next reader.
  }
}

/** What makes a snapshot the same one: an id is reused only after a removal, and then the import time differs. */
export function sourceOf(db: Db, snapshotId: number): string | null {
  const row = db
    .prepare(`SELECT source_sha256 AS sha, imported_at AS at FROM snapshot WHERE snapshot_id = ? AND status = 'active'`)
    .get(snapshotId) as { sha: string; at: string } | undefined;
  return row ? `${row.sha}\u0000${row.at}` : null;
}

/**
 * Where payloads are kept: a folder beside the database. SQLite reads a large BLOB one overflow page at a time
 * (about 110 MB/s here: 0.3 s for the 36 MB margin basis at 1,000,000 trades, a third of the 1 s the margin call
 * may take), the file system at memory speed. A database in memory keeps them in its `payload` column.
 */
function digestFolder(db: Db): string | null {
  return db.memory ? null : path.join(path.dirname(db.name), 'digests');
}

/** A file name no other snapshot, kind, format or import of this id can have. */
function fileNameOf(snapshotId: number, kind: string, format: number, source: string): string {
  const of = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${snapshotId}-${kind}-v${format}-${of}.bin`;
}

interface StoredRow {
  layout: string;
  file: string | null;
  bytes: number;
  payload: Buffer | null;
}

/** Where a row's payload file is (its name only: a row never leads outside the folder); null when it has none. */
function payloadFile(db: Db, row: StoredRow): string | null {
  const folder = digestFolder(db);
  return folder === null || row.file === null ? null : path.join(folder, path.basename(row.file));
}

function readStored(db: Db, row: StoredRow): Uint8Array | null {
  // No file: the bytes are in the row (none for a digest all JSON; SQLite may hand back an empty BLOB as null).
  if (row.file === null) return row.payload ?? new Uint8Array(0);
  const file = payloadFile(db, row);
  if (file === null) return null;
  try {
    const bytes = fs.readFileSync(file);
    // A file cut short or replaced: built again rather than read in part.
    return bytes.byteLength === row.bytes ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * Writes a payload file whole or not at all: into a temporary name, flushed, then renamed over the final one (two
 * processes building the same digest write the same bytes; the last rename wins).
 */
function writeFileWhole(folder: string, name: string, payload: Buffer): void {
  fs.mkdirSync(folder, { recursive: true });
  const temporary = path.join(folder, `${name}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temporary, 'wx', 0o600);
    try {
      fs.writeSync(fd, payload);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path.join(folder, name));
  } catch (e) {
    fs.rmSync(temporary, { force: true });
    throw e;
  }
}

/** An hour: a temporary file older than this was left by a process that stopped while writing it. */
const ABANDONED_MS = 3_600_000;

/**
 * Removes payload files no row refers to any more: those of removed snapshots (their rows went with them), of
 * earlier formats or imports, and temporary files long abandoned. Run after each write; the folder holds a few files.
 */
export function sweepDigestFiles(db: Db): void {
  const folder = digestFolder(db);
  if (folder === null || !fs.existsSync(folder)) return;
  const kept = new Set(
    (db.prepare(`SELECT file FROM snapshot_digest WHERE file IS NOT NULL`).pluck().all() as string[]).map((f) => path.basename(f)),
  );
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    try {
      if (name.endsWith('.tmp') ? Date.now() - fs.statSync(file).mtimeMs > ABANDONED_MS : name.endsWith('.bin') && !kept.has(name))
        fs.rmSync(file, { force: true });
    } catch {
      // Gone meanwhile (another process swept it): nothing to do.
    }
  }
}

/**
 * The digest of an active snapshot: read from the store when one of this format was written for this very
 * snapshot, otherwise built and written. Writing is a convenience for the next process: when the database is busy
 * with another writer, or it or the folder is read-only, the figures are returned all the same and written by a
 * later call.
 */
export function persistedDigest<T>(db: Db, snapshotId: number, codec: DigestCodec<T>, build: () => T): T {
  const source = sourceOf(db, snapshotId);
  if (source === null) return build(); // the builder says in words that the snapshot does not exist
  const stored = db
    .prepare(`SELECT layout, file, bytes, payload FROM snapshot_digest WHERE snapshot_id = ? AND kind = ? AND format = ? AND source = ?`)
    .get(snapshotId, codec.kind, codec.format, source) as StoredRow | undefined;
  if (stored) {
    const opened: { handle?: { fd: number | null } } = {};
    try {
      const layout = JSON.parse(stored.layout) as Layout;
      if (codec.decodeFrom && stored.file !== null) {
        const payload = openPayload(db, stored, layout.columns, () => forgetDigest(db, snapshotId, codec.kind));
        if (payload) {
          opened.handle = payload.handle;
          const value = codec.decodeFrom(layout.json, payload.source);
          if (payload.handle.fd !== null) closeWhenCollected.register(value as object, payload.handle);
          return value;
        }
      } else {
        const bytes = readStored(db, stored);
        if (bytes) return codec.decode(layout.json, unpackColumns(layout.columns, bytes));
      }
    } catch {
      // A damaged row or file: built again below and written over, never read in part.
      if (opened.handle) closeHandle(opened.handle);
    }
  }
  const value = build();
  const { json, columns } = codec.encode(value);
  const { layout, payload } = packColumns(columns);
  const folder = digestFolder(db);
  // Beside the database when there are bytes to keep (a digest all JSON has none: it lives in the row).
  const file = folder === null || payload.byteLength === 0 ? null : fileNameOf(snapshotId, codec.kind, codec.format, source);
  try {
    if (file !== null) writeFileWhole(folder!, file, payload);
    db.prepare(
      `INSERT INTO snapshot_digest (snapshot_id, kind, format, source, layout, file, bytes, payload, built_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (snapshot_id, kind) DO UPDATE SET format = excluded.format, source = excluded.source, layout = excluded.layout,
         file = excluded.file, bytes = excluded.bytes, payload = excluded.payload, built_at = excluded.built_at`,
    ).run(
      snapshotId,
      codec.kind,
      codec.format,
      source,
      JSON.stringify({ json, columns: layout } satisfies Layout),
      file,
      payload.byteLength,
      file === null ? payload : null,
      new Date().toISOString(),
    );
    sweepDigestFiles(db);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    // Busy (another process writes), read-only, out of space, or the snapshot removed meanwhile: the next call writes it.
    if (!/^(SQLITE_(BUSY|LOCKED|READONLY|CONSTRAINT)|EACCES|EPERM|EROFS|ENOSPC)/.test(code)) throw e;
  }
  return value;
}
