import type { Migration } from './migration';

/**
 * Saved exposure views and remembered grid layouts. A saved view is the whole view state
 * (snapshot, path, keys chosen, filters, sort, comparison, columns) as JSON, parsed again with
 * the contract's schema whenever it is read back; names are unique regardless of case.
 */
export const savedViews: Migration = {
  version: 7,
  name: 'saved-views',
  up: (db) => {
    db.exec(`
      CREATE TABLE saved_view (
        view_id    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 120),
        state_json TEXT NOT NULL CHECK (json_valid(state_json)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- The column layout last used in each grid (order, widths, visibility, pinning).
      CREATE TABLE grid_columns (
        grid         TEXT PRIMARY KEY,
        columns_json TEXT NOT NULL CHECK (json_valid(columns_json)),
        updated_at   TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
