import type { Regime, SnapshotSummary } from '../../../shared/contract/snapshots';
import type { Db } from '../db/connection';

interface SnapshotRow {
  snapshot_id: number;
  source_name: string;
  tr_lei: string;
  regime: Regime;
  as_of_date: string;
  version: number;
  imported_at: string;
  trade_rows: number;
  rejected_rows: number;
  warning_rows: number;
  is_demo: number;
}

/** Active snapshots, newest as-of date first. */
export function listSnapshots(db: Db): SnapshotSummary[] {
  const rows = db
    .prepare(
      `SELECT snapshot_id, source_name, tr_lei, regime, as_of_date, version, imported_at, trade_rows, rejected_rows, warning_rows, is_demo
         FROM snapshot WHERE status = 'active' ORDER BY as_of_date DESC, source_name, version DESC`,
    )
    .all() as SnapshotRow[];
  return rows.map((r) => ({
    snapshotId: r.snapshot_id,
    sourceName: r.source_name,
    trLei: r.tr_lei,
    regime: r.regime,
    asOfDate: r.as_of_date,
    version: r.version,
    importedAt: r.imported_at,
    tradeRows: r.trade_rows,
    rejectedRows: r.rejected_rows,
    warningRows: r.warning_rows,
    isDemo: r.is_demo === 1,
  }));
}
