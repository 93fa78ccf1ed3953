import type { Migration } from './migration';

/**
 * Who runs each import (issue 11): a staging snapshot is cleared as abandoned only when the
 * process that owns it is gone, never because another process opened the data directory; and a
 * second import waits for the one running instead of colliding with it.
 */
export const importLeases: Migration = {
  version: 11,
  name: 'import-leases',
  up: (db) => {
    db.exec(`
      CREATE TABLE import_lease (
        snapshot_id        INTEGER PRIMARY KEY REFERENCES snapshot ON DELETE CASCADE,
        host               TEXT NOT NULL,
        pid                INTEGER NOT NULL,
        process_started_ms INTEGER NOT NULL,
        started_at         TEXT NOT NULL
      );
    `);
  },
};
