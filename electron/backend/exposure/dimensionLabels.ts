import type { Dimension } from '../../../shared/contract/exposure';
import { codeLabel } from '../../../shared/domain/codeLabels';
import { jurisdictionLabel } from '../../../shared/domain/jurisdictions';
import type { Db } from '../db/connection';
import { LruMap, perDatabase } from '../db/perDatabase';

/** Human labels for the keys of one drill level, from the snapshot's own reference data. */
export function labelKeys(db: Db, snapshotId: number, dimension: Dimension, keys: (string | null)[]): Map<string | null, string> {
  const labels = new Map<string | null, string>();
  const names = entityNames(db, snapshotId);
  const venueName = db.prepare(`SELECT name FROM venue WHERE snapshot_id = ? AND venue_id = ?`).pluck();
  const symbol = db
    .prepare(
      `SELECT underlier_symbol FROM trade_state WHERE snapshot_id = ? AND underlier_dti = ? AND underlier_symbol IS NOT NULL LIMIT 1`,
    )
    .pluck();
  for (const key of keys) {
    let label: string;
    if (key === null) label = dimension.endsWith('urisdiction') ? jurisdictionLabel(null) : 'Not reported';
    else if (dimension === 'jurisdiction' || dimension === 'otherJurisdiction') label = jurisdictionLabel(key);
    else if (dimension === 'group' || dimension === 'counterparty' || dimension === 'ccp') {
      if (key === 'NONE') label = 'No CCP';
      else {
        const name = names.get(key);
        label = name ? `${name} (${key})` : /^[A-Z0-9]{18}[0-9]{2}$/.test(key) ? key : `Natural person ${key}`;
      }
    } else if (dimension === 'contractType') label = codeLabel('contractType', key);
    else if (dimension === 'venue') {
      const name = key === 'OFF-VENUE' ? undefined : (venueName.get(snapshotId, key) as string | undefined);
      label = key === 'OFF-VENUE' ? 'Off-venue' : name ? `${name} (${key})` : key;
    } else if (dimension === 'underlier') {
      const sym = symbol.get(snapshotId, key) as string | undefined;
      label = sym ? `${sym} (${key})` : key;
    } else if (dimension === 'collateralisation')
      label = key === 'NONE' ? 'No margin report' : `${codeLabel('collateralisation', key)} (${key})`;
    else if (dimension === 'cleared') label = key === 'cleared' ? 'Cleared' : 'Uncleared';
    else label = key === 'cross-border' ? 'Cross-border' : key === 'domestic' ? 'Domestic' : 'Unknown';
    labels.set(key, label);
  }
  return labels;
}

/** A snapshot's entity names by LEI (a level may list tens of thousands of counterparties). */
const entityNameCache = perDatabase(() => new LruMap<number, Map<string, string>>(4));
function entityNames(db: Db, snapshotId: number): Map<string, string> {
  let names = entityNameCache(db).get(snapshotId);
  if (!names) {
    const rows = db.prepare(`SELECT lei, legal_name FROM entity WHERE snapshot_id = ? AND legal_name IS NOT NULL`).raw().all(snapshotId);
    names = new Map(rows as Array<[string, string]>);
    entityNameCache(db).set(snapshotId, names);
  }
  return names;
}
