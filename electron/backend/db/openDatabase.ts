import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ContractError } from '../../../shared/contract/errors';
import { assertNotNewer, migrate, type MigrationOutcome } from './migrate';
import { latestSchemaVersion, migrations } from './migrations';
import type { Db } from './connection';
import { sqliteOptions } from './nativeBinding';

export type { Db } from './connection';

export const databaseFileName = 'concordat.db';

export interface OpenedDatabase {
  db: Db;
  file: string;
  migration: MigrationOutcome;
}

/** Connection settings every process uses: WAL so readers never wait on an import. */
export function configureConnection(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
}

/**
 * Opens (creating if needed) `concordat.db` in the data directory and migrates it.
 * A database from a newer schema is refused before any write, including the WAL switch.
 */
export async function openDatabase(dataDir: string): Promise<OpenedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, databaseFileName);
  if (fs.existsSync(file)) {
    // Peek read-only first: opening read-write could roll back a hot journal or change modes.
    let probe: Db | undefined;
    try {
      probe = new Database(file, sqliteOptions({ readonly: true, fileMustExist: true }));
      const version = probe.pragma('user_version', { simple: true }) as number;
      assertNotNewer(version, latestSchemaVersion, file);
    } catch (error) {
      if (error instanceof Database.SqliteError && (error.code === 'SQLITE_NOTADB' || error.code === 'SQLITE_CORRUPT')) {
        throw new ContractError('INTEGRITY', `${file} is not a SQLite database (or is damaged); it has not been changed.`, { file });
      }
      throw error;
    } finally {
      probe?.close();
    }
  }
  const db = new Database(file, sqliteOptions());
  try {
    configureConnection(db);
    const migration = await migrate(db, file, migrations);
    return { db, file, migration };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens an extra connection to an already-migrated database (worker threads, readers). */
export function openConnection(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, sqliteOptions({ readonly: options.readonly ?? false, fileMustExist: true }));
  if (!options.readonly) configureConnection(db);
  else db.pragma('busy_timeout = 5000');
  return db;
}
