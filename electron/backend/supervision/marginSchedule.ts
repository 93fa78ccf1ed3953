import shippedSchedule from '../../../resources/supervision/margin-schedule.json';
import { ContractError } from '../../../shared/contract/errors';
import { marginScheduleSchema, type MarginRule, type MarginSchedule, type MarginScheduleVersion } from '../../../shared/contract/margin';
import type { Db } from '../db/connection';

/** The schedule that ships with Concordat: in effect where no loaded version is (scheduleId 0). */
function shipped(): MarginScheduleVersion {
  return { ...marginScheduleSchema.parse(shippedSchedule), scheduleId: 0, loadedBy: 'shipped', loadedAt: '2026-12-06T00:00:00.000Z' };
}

interface ScheduleRow {
  schedule_id: number;
  effective_from: string;
  body_json: string;
  loaded_by: string;
  loaded_at: string;
}

const toVersion = (r: ScheduleRow): MarginScheduleVersion => ({
  ...marginScheduleSchema.parse(JSON.parse(r.body_json)),
  scheduleId: r.schedule_id,
  loadedBy: r.loaded_by,
  loadedAt: r.loaded_at,
});

/** Every version: the shipped one, then those loaded, by effective date. */
export function listSchedules(db: Db): MarginScheduleVersion[] {
  const rows = db.prepare(`SELECT * FROM margin_schedule ORDER BY effective_from`).all() as ScheduleRow[];
  return [shipped(), ...rows.map(toVersion)];
}

/** The version in effect on a date: the latest loaded one effective on or before it, else the shipped one. */
export function scheduleInEffect(db: Db, asOf: string): MarginScheduleVersion {
  const row = db.prepare(`SELECT * FROM margin_schedule WHERE effective_from <= ? ORDER BY effective_from DESC LIMIT 1`).get(asOf) as
    ScheduleRow | undefined;
  return row ? toVersion(row) : shipped();
}

/** Checks a schedule file whole and adds it; a second version for the same effective date is refused. */
export function importSchedule(db: Db, input: unknown, loadedBy: string, now = new Date()): MarginScheduleVersion {
  const parsed = marginScheduleSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length > 0 ? first.path.join('.') : 'the schedule';
    throw new ContractError('INVALID_INPUT', `The margin schedule is not valid at ${where}: ${first.message}. Nothing was loaded.`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  const schedule = parsed.data;
  if (db.prepare(`SELECT 1 FROM margin_schedule WHERE effective_from = ?`).get(schedule.effectiveFrom))
    throw new ContractError(
      'CONFLICT',
      `A margin schedule effective from ${schedule.effectiveFrom} is already loaded; give the new version its own effective date.`,
    );
  const id = db
    .prepare(`INSERT INTO margin_schedule (effective_from, body_json, loaded_by, loaded_at) VALUES (?, ?, ?, ?)`)
    .run(schedule.effectiveFrom, JSON.stringify(schedule), loadedBy, now.toISOString()).lastInsertRowid;
  return { ...schedule, scheduleId: Number(id), loadedBy, loadedAt: now.toISOString() };
}

/** What a position is, for choosing its rate. */
export interface RatedPosition {
  assetClass: string | null;
  contractType: string;
  underlierDti: string | null;
  underlierSymbol: string | null;
}

/**
 * The rate of a position: the rule naming the most of its asset class, contract type and underlier (each named field
 * must match; the underlier by DTI or symbol), the first listed among equals; the default rate where none matches.
 */
export function rateFor(schedule: MarginSchedule, p: RatedPosition): number {
  let best: MarginRule | null = null;
  let bestFields = -1;
  for (const rule of schedule.rules) {
    if (rule.assetClass !== undefined && rule.assetClass !== p.assetClass) continue;
    if (rule.contractType !== undefined && rule.contractType !== p.contractType) continue;
    if (rule.underlier !== undefined && rule.underlier !== p.underlierDti && rule.underlier !== p.underlierSymbol) continue;
    const fields = Number(rule.assetClass !== undefined) + Number(rule.contractType !== undefined) + Number(rule.underlier !== undefined);
    if (fields > bestFields) {
      best = rule;
      bestFields = fields;
    }
  }
  return best?.rate ?? schedule.defaultRate;
}
