import type { Migration } from './migration';

/** Named stress scenarios (issue 14 §4): shocks, volatility shock, rounds, channels and default fund, as checked JSON. */
export const stressScenarios: Migration = {
  version: 19,
  name: 'stress-scenarios',
  up: (db) => {
    db.exec(`
      CREATE TABLE stress_scenario (
        name      TEXT PRIMARY KEY,
        body_json TEXT NOT NULL CHECK (json_valid(body_json)),
        saved_by  TEXT NOT NULL,
        saved_at  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
