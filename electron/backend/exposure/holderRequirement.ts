import type { Db } from '../db/connection';
import { requirementsByHolder } from '../supervision/requirementByHolder';
import type { Cube } from './cube';

/**
 * The harmonised required margin, posted margin against it and shortfall, as figures per holder code of a cube (NaN
 * for a holder without a priced netting set), for sumLevel's holderFigures. Mapped once per cube and schedule.
 */
export const requirementFigures = ['requiredUsd', 'postedUsd', 'shortfallUsd'] as const;

const mapped = new WeakMap<Cube, { identity: string; columns: Float64Array[] }>();

export function holderRequirementColumns(db: Db, cube: Cube): Float64Array[] {
  const { identity, byHolder } = requirementsByHolder(db, cube.snapshotId);
  const hit = mapped.get(cube);
  if (hit && hit.identity === identity) return hit.columns;
  const holders = cube.values.counterparty;
  const columns = requirementFigures.map(() => new Float64Array(holders.length).fill(NaN));
  holders.forEach((holder, code) => {
    const r = holder === null ? undefined : byHolder.get(holder);
    if (!r) return;
    requirementFigures.forEach((f, x) => (columns[x]![code] = r[f]));
  });
  mapped.set(cube, { identity, columns });
  return columns;
}
