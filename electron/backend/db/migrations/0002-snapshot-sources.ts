import type { Migration } from './migration';

/**
 * Snapshots from any source: the TR's LEI becomes optional (a CSV delivery may name the TR
 * only), each snapshot lists the files it came from, and findings and rejected rows carry a
 * location (a line for CSV, an XPath for ISO 20022 XML).
 *
 * Rebuilding `snapshot` needs foreign keys off (SQLite's 12-step table change); migrate()
 * turns them off around the transaction and checks them before it commits.
 */
export const snapshotSources: Migration = {
  version: 2,
  name: 'snapshot-sources',
  foreignKeysOff: true,
  up: (db) => {
    db.exec(`
      CREATE TABLE snapshot_new (
        snapshot_id   INTEGER PRIMARY KEY,
        source_name   TEXT NOT NULL,
        tr_lei        TEXT CHECK (tr_lei IS NULL OR length(tr_lei) = 20),
        regime        TEXT NOT NULL CHECK (regime IN ('EMIR','UKEMIR','CFTC','JFSA','ASIC','MAS','HKMA','CSA','OTHER')),
        as_of_date    TEXT NOT NULL CHECK (as_of_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        version       INTEGER NOT NULL CHECK (version >= 1),
        source_sha256 TEXT NOT NULL,
        imported_at   TEXT NOT NULL,
        is_demo       INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        status        TEXT NOT NULL CHECK (status IN ('staging', 'active')),
        trade_rows    INTEGER NOT NULL DEFAULT 0,
        rejected_rows INTEGER NOT NULL DEFAULT 0,
        warning_rows  INTEGER NOT NULL DEFAULT 0,
        UNIQUE (source_name, regime, as_of_date, version)
      );
      INSERT INTO snapshot_new SELECT snapshot_id, source_name, tr_lei, regime, as_of_date, version, source_sha256,
        imported_at, is_demo, status, trade_rows, rejected_rows, warning_rows FROM snapshot;
      DROP TABLE snapshot;
      ALTER TABLE snapshot_new RENAME TO snapshot;
      CREATE INDEX snapshot_sha ON snapshot(source_sha256);

      -- The files a snapshot was imported from, as received.
      CREATE TABLE snapshot_file (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        file_name    TEXT NOT NULL,
        format       TEXT NOT NULL CHECK (format IN ('csv', 'iso20022')),
        message_type TEXT,
        bytes        INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        rows_read    INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (snapshot_id, file_name)
      ) WITHOUT ROWID;

      ALTER TABLE rejected_row ADD COLUMN location TEXT;
      ALTER TABLE validation_issue ADD COLUMN location TEXT;
      CREATE INDEX validation_issue_rule ON validation_issue(snapshot_id, rule_id);
    `);
  },
};
