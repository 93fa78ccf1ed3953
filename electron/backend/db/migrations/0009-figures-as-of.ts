import type { Migration } from './migration';

/**
 * Figures as of the snapshot date (issue "Every figure right"):
 * - FX rates are kept per day (a rate file may hold several days); `snapshot_fx` records, per
 *   currency, the one rate each amount was converted with: the as-of day's, or the latest before
 *   it, with that rate's date so a stale rate is visible.
 * - `trade_state.prior_uti` (CDE 2.96) for the cross-snapshot lifecycle rules.
 * - Each position knows whether its holder reported margin for it (its netting set or the trade),
 *   and cells sum the notional of those positions: margin coverage is computed only over what
 *   was reported, and positions without margin are counted instead of read as zero.
 * - `holder_margin` amounts become nullable: NULL is "not reported", never zero.
 * - `trade_state_count`: per snapshot, how many reports and trades are outstanding and why the
 *   others are not (terminated, error, in a position, ported out, matured).
 * Derived data is rebuilt, because what counts as outstanding and as margin changed.
 */
export const figuresAsOf: Migration = {
  version: 9,
  name: 'figures-as-of',
  rebuildsDerivedData: true,
  up: (db) => {
    db.exec(`
      CREATE TABLE fx_rate_new (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        as_of_date   TEXT NOT NULL,
        ccy          TEXT NOT NULL CHECK (length(ccy) = 3),
        usd_per_unit REAL NOT NULL CHECK (usd_per_unit > 0),
        PRIMARY KEY (snapshot_id, ccy, as_of_date)
      ) WITHOUT ROWID;
      INSERT INTO fx_rate_new SELECT snapshot_id, as_of_date, ccy, usd_per_unit FROM fx_rate;
      DROP TABLE fx_rate;
      ALTER TABLE fx_rate_new RENAME TO fx_rate;

      -- The rate applied to each currency of a snapshot: rate_date = the snapshot's as-of date, or
      -- the latest earlier day with a rate (then the amounts were converted at a stale rate).
      CREATE TABLE snapshot_fx (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        ccy          TEXT NOT NULL,
        usd_per_unit REAL NOT NULL CHECK (usd_per_unit > 0),
        rate_date    TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, ccy)
      ) WITHOUT ROWID;
      -- Snapshots imported before kept one rate per currency: the one they were converted with.
      INSERT INTO snapshot_fx SELECT snapshot_id, ccy, usd_per_unit, as_of_date FROM fx_rate;

      ALTER TABLE trade_state ADD COLUMN prior_uti TEXT;

      ALTER TABLE exposure_position ADD COLUMN margin_reported INTEGER NOT NULL DEFAULT 0 CHECK (margin_reported IN (0, 1));
      ALTER TABLE exposure_cell ADD COLUMN margined_positions INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE exposure_cell ADD COLUMN margined_notional_usd REAL NOT NULL DEFAULT 0;

      DROP TABLE holder_margin;
      CREATE TABLE holder_margin (
        snapshot_id          INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        holder               TEXT NOT NULL,
        -- NULL: no report in effect gives this amount (in a convertible currency).
        im_posted_usd        REAL,
        vm_posted_usd        REAL,
        excess_posted_usd    REAL,
        im_collected_usd     REAL,
        vm_collected_usd     REAL,
        excess_collected_usd REAL,
        unconverted          INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, holder)
      ) WITHOUT ROWID;

      CREATE TABLE trade_state_count (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        state       TEXT NOT NULL CHECK (state IN ('outstanding','terminated','error','in-position','ported-out','matured')),
        reports     INTEGER NOT NULL,
        trades      INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, state)
      ) WITHOUT ROWID;
    `);
  },
};
