import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { ContractError } from '../../../shared/contract/errors';
import type { Migration } from './migrations/migration';

export interface MigrationOutcome {
  from: number;
  to: number;
  /** Path of the copy taken before migrating; absent for a new, empty database. */
  backupPath?: string;
}

/** Every active snapshot's drill data is to be rebuilt (the rebuild job takes them one by one). */
function markDrillDataStale(db: Database): void {
  // Only a partial list of migrations (a test stopping at an older schema) lacks the column of migration 21.
  const columns = db.pragma('table_info(snapshot)') as Array<{ name: string }>;
  if (columns.some((c) => c.name === 'drill_stale')) db.prepare(`UPDATE snapshot SET drill_stale = 1 WHERE status = 'active'`).run();
}

/** Refuses a database written by a newer Concordat before anything touches it. */
export function assertNotNewer(currentVersion: number, latestVersion: number, file: string): void {
  if (currentVersion > latestVersion) {
    throw new ContractError(
      'SCHEMA_TOO_NEW',
      `The database ${file} was written by a newer version of Concordat (schema ${currentVersion}; this version knows up to ${latestVersion}). ` +
        'Open it with that version or newer; it has not been changed.',
      { file, schemaVersion: currentVersion, supportedVersion: latestVersion },
    );
  }
}

/**
 * Brings the database to the latest schema: a backup first (unless the database is new),
 * then every pending migration in one transaction, so a failure leaves the old schema intact.
 * When a step changes how derived data is computed, the snapshots are marked stale in that
 * transaction and rebuilt later by a background job: opening never waits for a rebuild.
 */
export async function migrate(db: Database, file: string, all: readonly Migration[]): Promise<MigrationOutcome> {
  const from = db.pragma('user_version', { simple: true }) as number;
  const pending = all.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return { from, to: from };

  let backupPath: string | undefined;
  if (from > 0 && file !== ':memory:') {
    const backupDir = path.join(path.dirname(file), 'backups');
    fs.mkdirSync(backupDir, { recursive: true });
    backupPath = path.join(backupDir, `${path.basename(file)}.v${from}.${Date.now()}.bak`);
    await db.backup(backupPath);
  }

  // PRAGMA foreign_keys cannot change inside a transaction: switch it around the whole run.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  const needsFkOff = pending.some((m) => m.foreignKeysOff);
  if (needsFkOff) db.pragma('foreign_keys = OFF');
  try {
    const apply = db.transaction(() => {
      // Another process may have migrated since user_version was read (two started on a new
      // data directory at once): the write lock is held now, so look again.
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now !== from) return;
      for (const m of pending) {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }
      if (pending.some((m) => m.rebuildsDerivedData)) markDrillDataStale(db);
      if (needsFkOff) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`Migration left ${broken.length} broken foreign key reference(s); nothing was changed.`);
      }
    });
    apply.immediate();
  } finally {
    if (needsFkOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  const to = pending[pending.length - 1]!.version;
  return backupPath ? { from, to, backupPath } : { from, to };
}
