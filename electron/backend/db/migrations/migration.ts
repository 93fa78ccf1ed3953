import type { Database } from 'better-sqlite3';

/** One schema step. `version` is the `PRAGMA user_version` the database has after `up`. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database) => void;
  /** Rebuilds a table others reference: foreign keys are off during the step, checked before commit. */
  foreignKeysOff?: boolean;
  /**
   * The step changes how derived data (drill rollups) is computed: after the last pending step,
   * every active snapshot is marked `drill_stale`, and the "Rebuild drill data" job rebuilds them
   * with the current code in the background (snapshots/drillRebuild.ts). (Rebuilding inside the
   * step itself would run today's builder against an older schema.)
   */
  rebuildsDerivedData?: boolean;
}
