import type { Migration } from './migration';

/**
 * Drill data rebuilt in the background (issue 16): a migration that changes how derived data is computed no
 * longer rebuilds every snapshot inside the opening transaction (64–151 s with no progress at 1M–5M trades). It
 * marks the snapshots `drill_stale`; a "Rebuild drill data" job rebuilds them one at a time, each in its own
 * transaction, with progress and a cancel, while the app stays usable. A stale snapshot keeps its earlier drill
 * data until its own rebuild commits; the drill refuses it meanwhile rather than show figures of the old rules.
 */
export const drillRebuildQueue: Migration = {
  version: 21,
  name: 'drill-rebuild-queue',
  up: (db) => {
    db.exec(`ALTER TABLE snapshot ADD COLUMN drill_stale INTEGER NOT NULL DEFAULT 0 CHECK (drill_stale IN (0, 1))`);
  },
};
