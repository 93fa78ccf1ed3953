import type { Migration } from './migration';

/**
 * Settings of this workstation that belong with its data (issue 13: the inbox folder partners drop bundles into).
 * One row per setting; a missing row means the default.
 */
export const workstationSettings: Migration = {
  version: 14,
  name: 'workstation-settings',
  up: (db) => {
    db.exec(`
      CREATE TABLE workstation_setting (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        changed_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
