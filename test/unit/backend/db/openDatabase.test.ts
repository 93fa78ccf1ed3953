import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../electron/backend/db/migrate';
import { latestSchemaVersion, migrations } from '../../../../electron/backend/db/migrations';
import type { Migration } from '../../../../electron/backend/db/migrations/migration';
import { initialSchema } from '../../../../electron/backend/db/migrations/0001-initial-schema';
import { databaseFileName, openDatabase } from '../../../../electron/backend/db/openDatabase';
import { ContractError } from '../../../../shared/contract/errors';
import { tempDir } from '../../../helpers/tempDir';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('openDatabase', () => {
  it('creates concordat.db in WAL mode with foreign keys and a busy timeout, at the latest schema', async () => {
    const dir = tempDir();
    const { db, file, migration } = await openDatabase(dir);
    expect(file).toBe(path.join(dir, databaseFileName));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(migration).toEqual({ from: 0, to: latestSchemaVersion });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('is idempotent: reopening does not migrate again or take a backup', async () => {
    const dir = tempDir();
    (await openDatabase(dir)).db.close();
    const again = await openDatabase(dir);
    expect(again.migration).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion });
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
    again.db.close();
  });

  it('refuses a database from a newer schema with a clear message and leaves the file untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    const future = new Database(file);
    future.exec('CREATE TABLE from_the_future (x INTEGER)');
    future.pragma(`user_version = ${latestSchemaVersion + 7}`);
    future.close();
    const before = sha256(file);
    const entriesBefore = fs.readdirSync(dir).sort();

    const error = await openDatabase(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('SCHEMA_TOO_NEW');
    expect((error as ContractError).message).toContain(`was written by a newer version of Concordat (schema ${latestSchemaVersion + 7}`);
    expect((error as ContractError).message).toContain('it has not been changed');
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(entriesBefore);
  });

  it('refuses a file that is not a SQLite database without changing it', async () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    fs.writeFileSync(file, 'this is not a database, it is a note\n'.repeat(200));
    const before = sha256(file);
    const error = await openDatabase(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).message).toMatch(/is not a SQLite database/);
    expect(sha256(file)).toBe(before);
  });
});

describe('shipped migrations', () => {
  it('carry a populated schema-1 database to the latest schema, keeping its rows, with a backup', async () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    await migrate(old, file, [initialSchema]);
    old
      .prepare(
        `INSERT INTO snapshot (source_name, tr_lei, regime, as_of_date, version, source_sha256, imported_at, status)
                 VALUES ('TR', '9845005CCPXXXXXX0005', 'EMIR', '2026-06-30', 1, 'abc', 'now', 'active')`,
      )
      .run();
    old.prepare(`INSERT INTO rejected_row (snapshot_id, file, line, raw_json) VALUES (1, 'trades.csv', 7, '{}')`).run();
    old.close();

    const { db, migration } = await openDatabase(dir);
    expect(migration).toMatchObject({ from: 1, to: latestSchemaVersion });
    expect(fs.existsSync(migration.backupPath!)).toBe(true);
    expect(db.prepare('SELECT source_name, tr_lei FROM snapshot').all()).toEqual([{ source_name: 'TR', tr_lei: '9845005CCPXXXXXX0005' }]);
    // Migrations 6 and 9 change how drill data is computed: opening marks it stale for the background rebuild job,
    // instead of rebuilding every snapshot before the database opens.
    expect(db.prepare('SELECT drill_stale FROM snapshot').pluck().all()).toEqual([1]);
    // A CSV row from before locations were recorded is located by its line (migration 10).
    expect(db.prepare('SELECT file, line, location FROM rejected_row').all()).toEqual([
      { file: 'trades.csv', line: 7, location: 'line 7' },
    ]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // Cascades still work on the rebuilt table.
    db.prepare('DELETE FROM snapshot').run();
    expect(db.prepare('SELECT count(*) AS n FROM rejected_row').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migration 10: rejected rows keyed by their location', () => {
  it('keeps every rejected row and lets one line hold several rejected reports (a minified XML file)', async () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    await migrate(
      old,
      file,
      migrations.filter((m) => m.version <= 9),
    );
    expect(old.pragma('user_version', { simple: true })).toBe(9);
    old
      .prepare(
        `INSERT INTO snapshot (source_name, regime, as_of_date, version, source_sha256, imported_at, status)
                 VALUES ('TR', 'EMIR', '2026-06-30', 1, 'abc', 'now', 'active')`,
      )
      .run();
    const insert = old.prepare(`INSERT INTO rejected_row (snapshot_id, file, line, location, raw_json) VALUES (1, ?, ?, ?, ?)`);
    insert.run('trades.csv', 7, 'line 7', '{"uti":"A"}');
    insert.run('trades.csv', 8, null, '{"uti":"B"}');
    insert.run('t.xml', 12, '/Document/DerivsTradStatRpt/TradData/Stat[1]/CtrPtySpcfcData[1]', '{"uti":"C"}');
    old.close();

    const { db, migration } = await openDatabase(dir);
    expect(migration).toMatchObject({ from: 9, to: latestSchemaVersion });
    expect(db.prepare('SELECT file, line, location, raw_json FROM rejected_row ORDER BY rowid').all()).toEqual([
      { file: 'trades.csv', line: 7, location: 'line 7', raw_json: '{"uti":"A"}' },
      { file: 'trades.csv', line: 8, location: 'line 8', raw_json: '{"uti":"B"}' },
      { file: 't.xml', line: 12, location: '/Document/DerivsTradStatRpt/TradData/Stat[1]/CtrPtySpcfcData[1]', raw_json: '{"uti":"C"}' },
    ]);
    const add = db.prepare(`INSERT INTO rejected_row (snapshot_id, file, line, location, raw_json) VALUES (1, 't.xml', 12, ?, '{}')`);
    add.run('/Document/DerivsTradStatRpt/TradData/Stat[1]/CtrPtySpcfcData[2]');
    add.run('/Document/DerivsTradStatRpt/TradData/Stat[2]/CtrPtySpcfcData[1]');
    expect(() => add.run('/Document/DerivsTradStatRpt/TradData/Stat[2]/CtrPtySpcfcData[1]')).toThrow(/UNIQUE/);
    expect(() => add.run(null)).toThrow(/NOT NULL/);
    expect(db.prepare(`SELECT count(*) AS n FROM rejected_row WHERE file = 't.xml' AND line = 12`).get()).toEqual({ n: 3 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.prepare('DELETE FROM snapshot').run();
    expect(db.prepare('SELECT count(*) AS n FROM rejected_row').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migrate', () => {
  const v1: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') };
  const v2: Migration = { version: 2, name: 'two', up: (db) => db.exec('ALTER TABLE a ADD COLUMN y TEXT') };
  const broken: Migration = { version: 3, name: 'broken', up: (db) => db.exec('CREATE TABLE b (x); THIS IS NOT SQL') };

  it('takes a backup of the old schema before migrating an existing database', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.db');
    const db = new Database(file);
    await migrate(db, file, [v1]);
    db.prepare('INSERT INTO a (x) VALUES (42)').run();
    const outcome = await migrate(db, file, [v1, v2]);
    expect(outcome.from).toBe(1);
    expect(outcome.to).toBe(2);
    expect(outcome.backupPath).toBeDefined();
    const backup = new Database(outcome.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare('SELECT x FROM a').all()).toEqual([{ x: 42 }]);
    backup.close();
    db.close();
  });

  it('rolls back every step of a failed migration, keeping the old schema and version', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.db');
    const db = new Database(file);
    await migrate(db, file, [v1]);
    await expect(migrate(db, file, [v1, v2, broken])).rejects.toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const columns = (db.prepare('PRAGMA table_info(a)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['x']);
    db.close();
  });
});
