import { stressScenarioSchema, type StressScenario } from '../../../shared/contract/stress';
import type { Db } from '../db/connection';

interface Row {
  name: string;
  body_json: string;
  saved_by: string;
  saved_at: string;
}

const toScenario = (r: Row): StressScenario => ({
  ...stressScenarioSchema.parse(JSON.parse(r.body_json)),
  savedBy: r.saved_by,
  savedAt: r.saved_at,
});

export function listScenarios(db: Db): StressScenario[] {
  return (db.prepare(`SELECT * FROM stress_scenario ORDER BY name COLLATE NOCASE`).all() as Row[]).map(toScenario);
}

/** Saves a checked scenario under its name, replacing one of the same name. */
export function saveScenario(db: Db, scenario: ReturnType<typeof stressScenarioSchema.parse>, savedBy: string, now = new Date()) {
  const at = now.toISOString();
  return db.transaction(() => {
    const replaced = db.prepare(`DELETE FROM stress_scenario WHERE name = ?`).run(scenario.name).changes > 0;
    db.prepare(`INSERT INTO stress_scenario (name, body_json, saved_by, saved_at) VALUES (?, ?, ?, ?)`).run(
      scenario.name,
      JSON.stringify(scenario),
      savedBy,
      at,
    );
    return { ...scenario, savedBy, savedAt: at, replaced };
  })();
}

export function deleteScenario(db: Db, name: string): { deleted: boolean } {
  return { deleted: db.prepare(`DELETE FROM stress_scenario WHERE name = ?`).run(name).changes > 0 };
}
