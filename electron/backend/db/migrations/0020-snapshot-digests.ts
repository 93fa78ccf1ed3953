import type { Migration } from './migration';

/**
 * Figures derived once from a snapshot's positions and kept (issue 14 performance): the margin basis and the alert
 * rules' per-holder inputs, written by the first computation after an import (the after-import alert run) so a
 * restart reads them instead of every position again. `source` is the snapshot's identity (content hash and import
 * time) and `format` the code's layout version: a row that matches neither is rebuilt, never read. The columns'
 * bytes (tens of MB at 1,000,000 trades) are in `file`, beside the database (supervision/snapshotDigest.ts says
 * why), of `bytes` length; `payload` holds them only for a database without a folder (in memory).
 */
export const snapshotDigests: Migration = {
  version: 20,
  name: 'snapshot-digests',
  up: (db) => {
    db.exec(`
      CREATE TABLE snapshot_digest (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        format      INTEGER NOT NULL,
        source      TEXT NOT NULL,
        layout      TEXT NOT NULL CHECK (json_valid(layout)),
        file        TEXT,
        bytes       INTEGER NOT NULL,
        payload     BLOB,
        built_at    TEXT NOT NULL,
        UNIQUE (snapshot_id, kind)
      );
    `);
  },
};
