import type { Database } from 'better-sqlite3';

/** One schema step. `version` is the `PRAGMA user_version` the database has after `up`. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database) => void;
  /** Rebuilds a table others reference: foreign keys are off during the step, checked before commit. */
  foreignKeysOff?: boolean;
}
