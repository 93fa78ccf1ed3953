import type { Migration } from './migration';

/**
 * Case files (issue 12): cases, subjects, items, evidence blobs, tasks, full-text search, and a
 * per-case audit chain that SQLite itself keeps append-only (triggers refuse UPDATE and DELETE).
 * Nothing is deleted by the application: an item is withdrawn with a reason, an evidence file's
 * bytes are purged with a reason while its hash stays.
 */
export const cases: Migration = {
  version: 12,
  name: 'cases',
  up: (db) => {
    db.exec(`
      CREATE TABLE case_file (
        case_id           INTEGER PRIMARY KEY,
        case_number       TEXT NOT NULL UNIQUE,
        year              INTEGER NOT NULL,
        seq               INTEGER NOT NULL,
        title             TEXT NOT NULL,
        summary           TEXT NOT NULL DEFAULT '',
        status            TEXT NOT NULL CHECK (status IN ('open','suspended','closed','archived')),
        closing_note      TEXT,
        lead_investigator TEXT,
        owning_authority  TEXT,
        opened_at         TEXT NOT NULL,
        closed_at         TEXT,
        classification    TEXT NOT NULL CHECK (classification IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
        handling_caveat   TEXT,
        tags_json         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags_json)),
        version           INTEGER NOT NULL DEFAULT 1,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        UNIQUE (year, seq),
        CHECK (status NOT IN ('closed','archived') OR closing_note IS NOT NULL)
      );

      CREATE TABLE case_subject (
        subject_id    INTEGER PRIMARY KEY,
        case_id       INTEGER NOT NULL REFERENCES case_file ON DELETE RESTRICT,
        kind          TEXT NOT NULL CHECK (kind IN ('legal_entity','natural_person','wallet','venue','protocol')),
        role          TEXT NOT NULL CHECK (role IN ('subject','counterparty','venue','other')),
        name          TEXT NOT NULL,
        lei           TEXT,
        resolved_json TEXT CHECK (resolved_json IS NULL OR json_valid(resolved_json)),
        country       TEXT,
        identifier    TEXT,
        chain         TEXT,
        address       TEXT,
        notes         TEXT,
        withdrawn_at  TEXT,
        withdrawn_reason TEXT,
        version       INTEGER NOT NULL DEFAULT 1,
        created_at    TEXT NOT NULL
      );
      CREATE INDEX case_subject_case ON case_subject(case_id);

      CREATE TABLE evidence_blob (
        sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size        INTEGER NOT NULL CHECK (size >= 0),
        media_type  TEXT NOT NULL,
        stored_at   TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE case_item (
        item_id           INTEGER PRIMARY KEY,
        case_id           INTEGER NOT NULL REFERENCES case_file ON DELETE RESTRICT,
        kind              TEXT NOT NULL CHECK (kind IN ('view','trades','decision','request','finding','evidence','note')),
        title             TEXT NOT NULL,
        event_date        TEXT,
        tags_json         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags_json)),
        grade             TEXT CHECK (grade IS NULL OR grade GLOB '[A-F][1-6]'),
        category          TEXT NOT NULL,
        origin            TEXT NOT NULL CHECK (origin IN ('own_collection','received_foreign','received_domestic','public')),
        origin_authority  TEXT,
        origin_instrument TEXT,
        payload_json      TEXT NOT NULL CHECK (json_valid(payload_json)),
        -- The hash an item stands on: a pinned view's rows, an evidence file's bytes.
        content_sha256    TEXT,
        snapshot_id       INTEGER,
        status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','withdrawn')),
        withdrawn_at      TEXT,
        withdrawn_reason  TEXT,
        created_at        TEXT NOT NULL,
        created_by        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        version           INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX case_item_case ON case_item(case_id, status, item_id);
      CREATE INDEX case_item_sha ON case_item(content_sha256);

      CREATE TABLE case_task (
        task_id      INTEGER PRIMARY KEY,
        case_id      INTEGER NOT NULL REFERENCES case_file ON DELETE RESTRICT,
        text         TEXT NOT NULL,
        assignee     TEXT,
        due_date     TEXT,
        status       TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
        linked_json  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(linked_json)),
        version      INTEGER NOT NULL DEFAULT 1,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      CREATE INDEX case_task_case ON case_task(case_id);

      -- The audit chain: one per case, hash = SHA-256(RFC 8785 JSON of the entry without its hash).
      CREATE TABLE case_audit (
        case_id            INTEGER NOT NULL REFERENCES case_file ON DELETE RESTRICT,
        seq                INTEGER NOT NULL,
        at                 TEXT NOT NULL,
        actor              TEXT NOT NULL,
        workstation_key_id TEXT,
        action             TEXT NOT NULL,
        object_type        TEXT NOT NULL,
        object_id          TEXT,
        change_json        TEXT NOT NULL CHECK (json_valid(change_json)),
        prev_hash          TEXT NOT NULL,
        hash               TEXT NOT NULL,
        PRIMARY KEY (case_id, seq)
      ) WITHOUT ROWID;
      CREATE TRIGGER case_audit_no_update BEFORE UPDATE ON case_audit
        BEGIN SELECT RAISE(ABORT, 'the case audit trail is append-only: entries cannot be changed'); END;
      CREATE TRIGGER case_audit_no_delete BEFORE DELETE ON case_audit
        BEGIN SELECT RAISE(ABORT, 'the case audit trail is append-only: entries cannot be removed'); END;

      -- Signatures of a chain's head by the workstation key (at export and on demand).
      CREATE TABLE case_chain_signature (
        case_id     INTEGER NOT NULL REFERENCES case_file ON DELETE RESTRICT,
        seq         INTEGER NOT NULL,
        head_hash   TEXT NOT NULL,
        key_id      TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        public_key  TEXT NOT NULL,
        signature   TEXT NOT NULL,
        signed_at   TEXT NOT NULL,
        reason      TEXT NOT NULL,
        PRIMARY KEY (case_id, seq, key_id)
      ) WITHOUT ROWID;

      -- Full-text search over cases, items, subjects and tasks (kept by the repositories).
      CREATE VIRTUAL TABLE case_fts USING fts5(
        case_id UNINDEXED, object_type UNINDEXED, object_id UNINDEXED, title, body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
  },
};
