import type { Migration } from './migration';

/**
 * Signed feeds (handbook "bundles-and-feeds" §4): the feeds a user added with their pinned
 * root, the newest trusted TUF metadata per role (a version never goes down), every sync
 * attempt, and the verified files ("targets") each feed delivered, kept as blobs by SHA-256.
 */
export const feeds: Migration = {
  version: 3,
  name: 'feeds',
  up: (db) => {
    db.exec(`
      CREATE TABLE feed (
        feed_id     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        url         TEXT NOT NULL,
        -- The root.json trusted at add time (shipped with the app, given by the user, or first use), as received.
        root_json   TEXT NOT NULL,
        root_sha256 TEXT NOT NULL CHECK (length(root_sha256) = 64),
        trust       TEXT NOT NULL CHECK (trust IN ('pinned', 'first-use')),
        added_at    TEXT NOT NULL,
        is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
      );

      -- Newest trusted metadata per role, exactly as verified. Rollback protection: never lower.
      CREATE TABLE feed_metadata (
        feed_id    INTEGER NOT NULL REFERENCES feed ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('root', 'timestamp', 'snapshot', 'targets')),
        version    INTEGER NOT NULL CHECK (version >= 1),
        expires    TEXT NOT NULL,
        json       TEXT NOT NULL,
        sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, role)
      ) WITHOUT ROWID;
      CREATE TRIGGER feed_metadata_never_lower BEFORE UPDATE ON feed_metadata
        WHEN NEW.version < OLD.version
        BEGIN SELECT RAISE(ABORT, 'feed metadata versions never go down'); END;

      CREATE TABLE feed_sync (
        sync_id      INTEGER PRIMARY KEY,
        feed_id      INTEGER NOT NULL REFERENCES feed ON DELETE CASCADE,
        started_at   TEXT NOT NULL,
        ended_at     TEXT,
        outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'updated', 'unchanged', 'failed', 'cancelled')),
        message      TEXT,
        bytes        INTEGER NOT NULL DEFAULT 0,
        error_code   TEXT,
        timestamp_version INTEGER,
        snapshot_version  INTEGER,
        targets_version   INTEGER
      );
      CREATE INDEX feed_sync_feed ON feed_sync(feed_id, sync_id);

      -- One row per (feed, path, content): a path republished with new bytes gets a new row.
      CREATE TABLE feed_target (
        feed_id     INTEGER NOT NULL REFERENCES feed ON DELETE CASCADE,
        path        TEXT NOT NULL,
        sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
        length      INTEGER NOT NULL CHECK (length >= 0),
        kind        TEXT NOT NULL CHECK (kind IN ('snapshot-file', 'reference', 'mou', 'other')),
        custom_json TEXT,
        snapshot_id INTEGER REFERENCES snapshot ON DELETE SET NULL,
        first_targets_version INTEGER NOT NULL,
        last_targets_version  INTEGER NOT NULL,
        verified_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, path, sha256)
      ) WITHOUT ROWID;
      CREATE INDEX feed_target_sha ON feed_target(sha256);
      CREATE INDEX feed_target_snapshot ON feed_target(snapshot_id);
    `);
  },
};
