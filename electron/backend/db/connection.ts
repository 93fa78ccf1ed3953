import type Database from 'better-sqlite3';

/**
 * An open connection to the store. In a module of its own so the code that only passes a connection
 * around (repositories, rollups) does not import the code that opens and migrates it.
 */
export type Db = Database.Database;
