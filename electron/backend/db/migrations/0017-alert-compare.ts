import type { Migration } from './migration';

/**
 * Alert runs that compare two snapshots (issue 14 §2, rules 2 and 5b) and ask the MoU registry (rule 5): each run
 * records the snapshot it compared with, the authority whose cooperation bases it asked about and the registry it
 * read (its SHA-256), so the run can be reproduced. All NULL for runs that had none. Each alert keeps the unit its
 * value and threshold are in (a ratio, points, a multiple, a count, USD), as its rule gave it.
 */
export const alertCompare: Migration = {
  version: 17,
  name: 'alert-compare',
  up: (db) => {
    db.exec(`
      ALTER TABLE alert_run ADD COLUMN compare_snapshot_id INTEGER REFERENCES snapshot ON DELETE SET NULL;
      ALTER TABLE alert_run ADD COLUMN home_authority TEXT;
      ALTER TABLE alert_run ADD COLUMN registry_sha256 TEXT;
      ALTER TABLE alert ADD COLUMN unit TEXT;
    `);
  },
};
