import type { Migration } from './migration';

/**
 * Harmonised margin schedules (issue 14 §1): each version as the checked JSON it was loaded from, by the date it
 * takes effect. The version in effect for a snapshot is the latest effective on or before its as-of date; with none
 * loaded, the one shipped in resources/supervision applies.
 */
export const marginSchedule: Migration = {
  version: 15,
  name: 'margin-schedule',
  up: (db) => {
    db.exec(`
      CREATE TABLE margin_schedule (
        schedule_id    INTEGER PRIMARY KEY,
        effective_from TEXT NOT NULL UNIQUE,
        body_json      TEXT NOT NULL CHECK (json_valid(body_json)),
        loaded_by      TEXT NOT NULL,
        loaded_at      TEXT NOT NULL
      );
    `);
  },
};
