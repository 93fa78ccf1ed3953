import type { Migration } from './migration';

/**
 * Drill-downs in milliseconds: the position fact table gains each side's delta-adjusted
 * notional, and two rollups are kept per snapshot:
 * - `exposure_cell`: positions summed per holder and combination of the other dimensions,
 *   with three flags telling whether the trade's two sides share a jurisdiction, a group or a
 *   holder (so a level can count a trade once when both its sides fall in one row);
 * - `holder_margin`: each holder's reported margin, in USD.
 * Prices gain an optional annualised volatility, the input of modelled option deltas.
 * Derived data of snapshots imported before this version is rebuilt (see rebuildsDerivedData).
 */
export const exposureCells: Migration = {
  version: 6,
  name: 'exposure-cells',
  rebuildsDerivedData: true,
  up: (db) => {
    db.exec(`
      ALTER TABLE underlier_price ADD COLUMN volatility REAL CHECK (volatility IS NULL OR volatility > 0);
      -- Signed, from the holder's side: reported delta (or a modelled one) × notional in USD.
      ALTER TABLE exposure_position ADD COLUMN delta_usd REAL;
      -- 0: not an option or a reported delta; 1: modelled (Black–Scholes); 2: no delta obtainable.
      ALTER TABLE exposure_position ADD COLUMN delta_source INTEGER NOT NULL DEFAULT 0 CHECK (delta_source IN (0, 1, 2));
      -- bit 0: the trade's two sides are in one jurisdiction; bit 1: in one group; bit 2: one holder.
      ALTER TABLE exposure_position ADD COLUMN same_side_flags INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE exposure_cell (
        snapshot_id        INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
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
        -- As exposure_position.same_side_flags.
        same_side_flags    INTEGER NOT NULL CHECK (same_side_flags BETWEEN 0 AND 7),
        positions          INTEGER NOT NULL,
        unconverted        INTEGER NOT NULL,
        notional_usd       REAL NOT NULL,
        net_usd            REAL NOT NULL,
        valuation_usd      REAL NOT NULL,
        delta_usd          REAL NOT NULL,
        delta_modelled     INTEGER NOT NULL,
        delta_missing      INTEGER NOT NULL
      );
      CREATE INDEX exposure_cell_snapshot ON exposure_cell(snapshot_id, holder);
      CREATE TABLE holder_margin (
        snapshot_id          INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        holder               TEXT NOT NULL,
        im_posted_usd        REAL NOT NULL,
        vm_posted_usd        REAL NOT NULL,
        excess_posted_usd    REAL NOT NULL,
        im_collected_usd     REAL NOT NULL,
        vm_collected_usd     REAL NOT NULL,
        excess_collected_usd REAL NOT NULL,
        -- Margin amounts of this holder that could not be converted to USD.
        unconverted          INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, holder)
      ) WITHOUT ROWID;
    `);
  },
};
