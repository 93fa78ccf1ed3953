import { ContractError } from '../../../shared/contract/errors';
import {
  viewsMethods,
  viewStateSchema,
  type ColumnState,
  type GridId,
  type SavedView,
  type ViewState,
} from '../../../shared/contract/views';
import type { Db } from '../db/connection';

interface SavedViewRow {
  view_id: number;
  name: string;
  state_json: string;
  created_at: string;
  updated_at: string;
}

const columnsSchema = viewsMethods['views.setColumns'].input.shape.columns;

/** Parses stored JSON with the contract's schema: a row changed behind our back fails clearly, naming what it is. */
function parseStored<T>(what: string, json: string, parse: (value: unknown) => T, details: Record<string, unknown>): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ContractError('INTEGRITY', `${what} is not valid JSON in the database; delete it and save it again.`, details);
  }
  try {
    return parse(value);
  } catch (error) {
    const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues ?? [];
    const first = issues[0];
    const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
    throw new ContractError(
      'INTEGRITY',
      `${what} cannot be read (${where}${first?.message ?? 'not a view state'}); delete it and save it again.`,
      { ...details, issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    );
  }
}

function toSavedView(row: SavedViewRow): SavedView {
  const state = parseStored(`The saved view "${row.name}" (id ${row.view_id})`, row.state_json, (v) => viewStateSchema.parse(v), {
    viewId: row.view_id,
    name: row.name,
  });
  return { viewId: row.view_id, name: row.name, state, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Saved views, by name (case-insensitive order). */
export function listViews(db: Db): SavedView[] {
  const rows = db
    .prepare(`SELECT view_id, name, state_json, created_at, updated_at FROM saved_view ORDER BY name COLLATE NOCASE, view_id`)
    .all() as SavedViewRow[];
  return rows.map(toSavedView);
}

function assertSnapshotExists(db: Db, snapshotId: number, role: string): void {
  const found = db.prepare(`SELECT 1 FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId);
  if (!found) throw new ContractError('NOT_FOUND', `There is no active snapshot ${snapshotId} (${role}).`, { snapshotId });
}

/**
 * Saves a view under a name. A name already used (in any case) is replaced: the view keeps its
 * id and creation time, takes the new spelling of the name and the new state.
 */
export function saveView(db: Db, name: string, state: ViewState, now: Date = new Date()): SavedView {
  assertSnapshotExists(db, state.snapshotId, 'the view’s snapshot');
  if (state.compareTo !== undefined) assertSnapshotExists(db, state.compareTo, 'the snapshot it compares with');
  const at = now.toISOString();
  const row = db
    .prepare(
      `INSERT INTO saved_view (name, state_json, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET name = excluded.name, state_json = excluded.state_json, updated_at = excluded.updated_at
       RETURNING view_id, name, state_json, created_at, updated_at`,
    )
    .get(name, JSON.stringify(state), at, at) as SavedViewRow;
  return toSavedView(row);
}

export function removeView(db: Db, viewId: number): { removed: boolean } {
  return { removed: db.prepare(`DELETE FROM saved_view WHERE view_id = ?`).run(viewId).changes > 0 };
}

/** The column layout last saved for a grid; empty when none was. */
export function getColumns(db: Db, grid: GridId): { columns: ColumnState[] } {
  const row = db.prepare(`SELECT columns_json FROM grid_columns WHERE grid = ?`).get(grid) as { columns_json: string } | undefined;
  if (!row) return { columns: [] };
  const columns = parseStored(`The column layout of the ${grid} grid`, row.columns_json, (v) => columnsSchema.parse(v), { grid });
  return { columns };
}

export function setColumns(db: Db, grid: GridId, columns: ColumnState[], now: Date = new Date()): { saved: true } {
  db.prepare(
    `INSERT INTO grid_columns (grid, columns_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (grid) DO UPDATE SET columns_json = excluded.columns_json, updated_at = excluded.updated_at`,
  ).run(grid, JSON.stringify(columns), now.toISOString());
  return { saved: true };
}
