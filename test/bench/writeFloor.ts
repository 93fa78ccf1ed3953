/**
 * The write floor of an import, run by import.bench.ts in its own process: the trade rows of a trades.csv written
 * into the application's own trade_state table through better-sqlite3, with nothing else an import does (no field
 * checks, no currency conversion, no positions, margins or drill cells) and in the cheapest way measured: rows
 * split naively (the generated file holds no quotes; checked), many rows per INSERT, the table's two indexes dropped
 * before and built after the load. No import can write its rows faster than this, so it bounds the ratio an import
 * can reach against the sqlite3 `.import` baseline.
 * Usage: tsx test/bench/writeFloor.ts <trades.csv> <empty dir>; prints one JSON line.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { openDatabase } from '../../electron/backend/db/openDatabase';
import { tradeStateColumns } from '../../electron/backend/snapshots/tradeRow';

const [csvPath, dir] = process.argv.slice(2);
if (!csvPath || !dir) throw new Error('usage: writeFloor.ts <trades.csv> <empty dir>');

const rowsPerStatement = 20;
const rowsPerTransaction = 50_000;

async function main() {
  const { db } = await openDatabase(dir!);
  // A snapshot row for the foreign key; the floor keeps the constraints an import runs under.
  const snapshotId = Number(
    db
      .prepare(
        `INSERT INTO snapshot (source_name, tr_lei, regime, as_of_date, version, source_sha256, imported_at, status)
         VALUES ('floor', '00000000000000000000', 'EMIR', '2026-06-30', 1, '', '2026-06-30T00:00:00Z', 'staging')`,
      )
      .run().lastInsertRowid,
  );
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trade_state' AND sql IS NOT NULL`)
    .all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);

  const columns = [...tradeStateColumns];
  const oneRow = `(${snapshotId}, ${columns.map(() => '?').join(', ')}, ?)`;
  const insertMany = db.prepare(
    `INSERT INTO trade_state (snapshot_id, ${columns.join(', ')}, source_line) VALUES ${Array(rowsPerStatement).fill(oneRow).join(', ')}`,
  );
  const lines = readline.createInterface({ input: fs.createReadStream(csvPath!), crlfDelay: Infinity });
  const start = performance.now();
  let header: string[] | undefined;
  let positions: number[] = [];
  let params: unknown[] = [];
  let pending = 0;
  let line = 1;
  let rows = 0;
  db.exec('BEGIN');
  for await (const text of lines) {
    if (!header) {
      header = text.split(',');
      positions = columns.map((c) => header!.indexOf(c));
      if (positions.includes(-1)) throw new Error(`${csvPath}: a trade_state column is missing from the header`);
      continue;
    }
    line++;
    if (text === '') continue;
    if (text.includes('"')) throw new Error(`${csvPath} line ${line}: quoted field; the floor splits naively`);
    const fields = text.split(',');
    for (const at of positions) {
      const value = fields[at]!;
      params.push(value === '' ? null : value === 'true' ? 1 : value === 'false' ? 0 : value);
    }
    params.push(line);
    rows++;
    if (++pending === rowsPerStatement) {
      insertMany.run(params);
      params = [];
      pending = 0;
      if (rows % rowsPerTransaction === 0) db.exec('COMMIT; BEGIN');
    }
  }
  // The last rows one at a time (fewer than one statement's worth).
  const insertOne = db.prepare(`INSERT INTO trade_state (snapshot_id, ${columns.join(', ')}, source_line) VALUES ${oneRow}`);
  const width = columns.length + 1;
  for (let at = 0; at < params.length; at += width) insertOne.run(params.slice(at, at + width));
  db.exec('COMMIT');
  const loaded = performance.now();
  for (const index of indexes) db.exec(index.sql);
  const indexed = performance.now();
  db.close();
  console.log(
    JSON.stringify({
      rows,
      loadSeconds: (loaded - start) / 1000,
      indexSeconds: (indexed - loaded) / 1000,
      seconds: (indexed - start) / 1000,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
