import type { Migration } from './migration';

/**
 * The drill-down fact table: one row per (snapshot, UTI, side) for live trades, with every
 * drill dimension resolved at import (so a drill is a GROUP BY over one table) and the
 * money already in USD. Side 1 holds the canonical report's reporting counterparty, side 2
 * the other counterparty; each trade appears exactly twice.
 */
export const exposurePositions: Migration = {
  version: 5,
  name: 'exposure-positions',
  up: (db) => {
    db.exec(`
      CREATE TABLE exposure_position (
        snapshot_id        INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        trade_row          INTEGER NOT NULL,
        uti                TEXT NOT NULL,
        side               INTEGER NOT NULL CHECK (side IN (1, 2)),
        holder             TEXT NOT NULL,
        jurisdiction       TEXT,
        other_jurisdiction TEXT,
        group_id           TEXT,
        underlier          TEXT,
        contract_kind      TEXT NOT NULL,
        venue              TEXT NOT NULL,
        cleared            TEXT NOT NULL,
        ccp                TEXT NOT NULL,
        collateralisation  TEXT NOT NULL,
        cross_border       TEXT NOT NULL,
        sign               INTEGER NOT NULL,
        notional_usd       REAL,
        valuation_usd      REAL
      );
      CREATE INDEX exposure_position_snapshot ON exposure_position(snapshot_id, jurisdiction);
      -- Superseded: every level, the first included, is now read from exposure_position.
      DROP TABLE rollup_jurisdiction;
      DROP TABLE rollup_total;
    `);
  },
};
