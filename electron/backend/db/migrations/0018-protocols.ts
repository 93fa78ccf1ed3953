import type { Migration } from './migration';

/**
 * The protocol audit register (issue 14 §3), kept like the MoU registry: each save of a protocol is a new version
 * (the checked JSON, who saved it and when); the current entry is the highest version. `protocol_venue` holds the
 * current version's venue ids so the alerts and the risk metric join them to the snapshots' positions.
 */
export const protocols: Migration = {
  version: 18,
  name: 'protocols',
  up: (db) => {
    db.exec(`
      CREATE TABLE protocol_version (
        protocol_id TEXT NOT NULL,
        version     INTEGER NOT NULL,
        body_json   TEXT NOT NULL CHECK (json_valid(body_json)),
        saved_by    TEXT NOT NULL,
        saved_at    TEXT NOT NULL,
        PRIMARY KEY (protocol_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE protocol_venue (
        protocol_id TEXT NOT NULL,
        venue_id    TEXT NOT NULL,
        PRIMARY KEY (protocol_id, venue_id)
      ) WITHOUT ROWID;
      CREATE INDEX protocol_venue_by_venue ON protocol_venue(venue_id);
    `);
  },
};
