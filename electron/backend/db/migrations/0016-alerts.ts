import type { Migration } from './migration';

/**
 * Alerts (issue 14 §2): each run with the rules and parameters it used (so it can be reproduced), and the alerts,
 * one per snapshot, rule and subject: a later run updates the figures and keeps the status a supervisor gave it.
 */
export const alerts: Migration = {
  version: 16,
  name: 'alerts',
  up: (db) => {
    db.exec(`
      CREATE TABLE alert_run (
        run_id      INTEGER PRIMARY KEY,
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        rules_json  TEXT NOT NULL CHECK (json_valid(rules_json)),
        ran_at      TEXT NOT NULL
      );
      CREATE TABLE alert (
        alert_id      INTEGER PRIMARY KEY,
        run_id        INTEGER NOT NULL REFERENCES alert_run ON DELETE CASCADE,
        snapshot_id   INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        rule_id       TEXT NOT NULL,
        rule_version  INTEGER NOT NULL,
        severity      TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
        title         TEXT NOT NULL,
        subject       TEXT NOT NULL,
        value         REAL NOT NULL,
        threshold     REAL NOT NULL,
        rank          REAL NOT NULL,
        drill_json    TEXT NOT NULL CHECK (json_valid(drill_json)),
        status        TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','acknowledged','escalated','dismissed')),
        status_reason TEXT,
        status_at     TEXT,
        created_at    TEXT NOT NULL,
        UNIQUE (snapshot_id, rule_id, subject)
      );
      CREATE INDEX alert_status ON alert(status, rule_id);
    `);
  },
};
