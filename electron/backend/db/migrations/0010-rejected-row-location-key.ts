import type { Migration } from './migration';

/**
 * Rejected rows keyed by where they are, not by their line alone: a minified ISO 20022 file
 * holds every report on one line, and the two sides of a two-sided report (one `Stat`, two
 * `CtrPtySpcfcData`) start on the same line, so (snapshot, file, line) could not tell them
 * apart and the import failed on the key. The key becomes (snapshot, file, line, location),
 * location being "line N" for CSV and the XPath of the report for XML. It is NOT NULL: rows
 * kept before locations were recorded (schema 1, CSV only) get "line N", which is what the
 * loader writes for a CSV row. Every row is kept, in the same order (rowid).
 */
export const rejectedRowLocationKey: Migration = {
  version: 10,
  name: 'rejected-row-location-key',
  up: (db) => {
    db.exec(`
      CREATE TABLE rejected_row_new (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        file        TEXT NOT NULL,
        line        INTEGER NOT NULL,
        raw_json    TEXT NOT NULL,
        location    TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, file, line, location)
      );
      INSERT INTO rejected_row_new (rowid, snapshot_id, file, line, raw_json, location)
        SELECT rowid, snapshot_id, file, line, raw_json, coalesce(location, 'line ' || line) FROM rejected_row ORDER BY rowid;
      DROP TABLE rejected_row;
      ALTER TABLE rejected_row_new RENAME TO rejected_row;
    `);
  },
};
