import type { Migration } from './migration';

/**
 * First schema: snapshots, reference data, trade and margin state, validation findings
 * and the jurisdiction rollup. Decimals are kept as the exact text the TR sent, with
 * REAL shadow columns in USD for aggregation (handbook, "SQLite model").
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  up: (db) => {
    db.exec(`
      CREATE TABLE snapshot (
        snapshot_id   INTEGER PRIMARY KEY,
        source_name   TEXT NOT NULL,
        tr_lei        TEXT NOT NULL CHECK (length(tr_lei) = 20),
        regime        TEXT NOT NULL CHECK (regime IN ('EMIR','UKEMIR','CFTC','JFSA','ASIC','MAS','HKMA','CSA','OTHER')),
        as_of_date    TEXT NOT NULL CHECK (as_of_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        version       INTEGER NOT NULL CHECK (version >= 1),
        source_sha256 TEXT NOT NULL,
        imported_at   TEXT NOT NULL,
        is_demo       INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        -- 'staging' while an import writes; readers only ever see 'active' snapshots.
        status        TEXT NOT NULL CHECK (status IN ('staging', 'active')),
        trade_rows    INTEGER NOT NULL DEFAULT 0,
        rejected_rows INTEGER NOT NULL DEFAULT 0,
        warning_rows  INTEGER NOT NULL DEFAULT 0,
        UNIQUE (source_name, regime, as_of_date, version)
      );
      CREATE INDEX snapshot_sha ON snapshot(source_sha256);

      -- Reference data travels with each snapshot, so a snapshot's figures never change after import.
      CREATE TABLE entity (
        snapshot_id         INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        lei                 TEXT NOT NULL CHECK (lei GLOB '[A-Z0-9]*' AND length(lei) = 20),
        legal_name          TEXT,
        legal_country       TEXT CHECK (legal_country IS NULL OR length(legal_country) = 2),
        legal_jurisdiction  TEXT,
        entity_category     TEXT,
        nature              TEXT CHECK (nature IN ('F','N','C','O') OR nature IS NULL),
        parent_lei          TEXT,
        ultimate_parent_lei TEXT,
        registration_status TEXT,
        PRIMARY KEY (snapshot_id, lei)
      ) WITHOUT ROWID;

      CREATE TABLE venue (
        snapshot_id       INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        venue_id          TEXT NOT NULL,
        mic               TEXT CHECK (mic IS NULL OR length(mic) = 4),
        name              TEXT,
        country           TEXT,
        operator_lei      TEXT,
        regulatory_status TEXT,
        PRIMARY KEY (snapshot_id, venue_id)
      ) WITHOUT ROWID;

      CREATE TABLE fx_rate (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        as_of_date   TEXT NOT NULL,
        ccy          TEXT NOT NULL CHECK (length(ccy) = 3),
        usd_per_unit REAL NOT NULL CHECK (usd_per_unit > 0),
        PRIMARY KEY (snapshot_id, ccy)
      );

      CREATE TABLE underlier_price (
        snapshot_id  INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        as_of_date   TEXT NOT NULL,
        underlier_dti TEXT NOT NULL,
        price_usd    REAL NOT NULL,
        PRIMARY KEY (snapshot_id, underlier_dti)
      );

      -- One row per (snapshot, UTI, reporting side): two-sided regimes report a UTI twice.
      CREATE TABLE trade_state (
        snapshot_id        INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        uti                TEXT NOT NULL,
        reporting_lei      TEXT NOT NULL,
        other_cpty_id      TEXT NOT NULL,
        other_cpty_is_lei  INTEGER NOT NULL CHECK (other_cpty_is_lei IN (0, 1)),
        other_cpty_country TEXT,
        direction          TEXT CHECK (direction IN ('BYER','SLLR') OR direction IS NULL),
        upi                TEXT,
        contract_type      TEXT CHECK (contract_type IN ('CFDS','FRAS','FUTR','FORW','OPTN','SPDB','SWAP','SWPT','OTHR') OR contract_type IS NULL),
        asset_class        TEXT,
        underlier_dti      TEXT,
        underlier_symbol   TEXT,
        perpetual          INTEGER CHECK (perpetual IN (0, 1) OR perpetual IS NULL),
        option_type        TEXT,
        option_style       TEXT,
        strike             TEXT,
        strike_ccy         TEXT,
        cleared            TEXT CHECK (cleared IN ('Y','N','I') OR cleared IS NULL),
        ccp_lei            TEXT,
        platform_mic       TEXT,
        venue_id           TEXT,
        execution_ts       TEXT NOT NULL,
        effective_date     TEXT,
        expiration_date    TEXT,
        notional           TEXT,
        notional_ccy       TEXT,
        quantity           TEXT,
        price              TEXT,
        price_ccy          TEXT,
        valuation_amount   TEXT,
        valuation_ccy      TEXT,
        valuation_ts       TEXT,
        valuation_method   TEXT CHECK (valuation_method IN ('MTMA','MTMO','CCPV') OR valuation_method IS NULL),
        delta              TEXT,
        collateral_portfolio_code TEXT,
        action_type        TEXT,
        level              TEXT CHECK (level IN ('TCTN','PSTN') OR level IS NULL),
        reporting_ts       TEXT NOT NULL,
        source_line        INTEGER NOT NULL,
        notional_usd       REAL,
        valuation_usd      REAL,
        PRIMARY KEY (snapshot_id, uti, reporting_lei)
      ) WITHOUT ROWID;
      CREATE INDEX trade_state_cpty ON trade_state(snapshot_id, other_cpty_id);

      CREATE TABLE margin_state (
        snapshot_id      INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        reporting_lei    TEXT NOT NULL,
        other_cpty_id    TEXT NOT NULL,
        collateral_portfolio_code TEXT,
        uti              TEXT,
        collateralisation_cat TEXT NOT NULL CHECK (collateralisation_cat IN
          ('UNCL','PRC1','PRC2','PRCL','OWP1','OWP2','OWC1','OWC2','OWCL','FLCL')),
        im_posted TEXT, im_posted_ccy TEXT, vm_posted TEXT, vm_posted_ccy TEXT,
        excess_posted TEXT, excess_posted_ccy TEXT,
        im_collected TEXT, im_collected_ccy TEXT, vm_collected TEXT, vm_collected_ccy TEXT,
        excess_collected TEXT, excess_collected_ccy TEXT,
        collateral_ts    TEXT,
        source_line      INTEGER NOT NULL,
        im_posted_usd    REAL,
        CHECK ((collateral_portfolio_code IS NULL) <> (uti IS NULL))
      );
      CREATE INDEX margin_state_reporter ON margin_state(snapshot_id, reporting_lei);

      -- Nothing a TR sent is dropped: rows that fail validation are kept raw with their findings.
      CREATE TABLE rejected_row (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        file        TEXT NOT NULL,
        line        INTEGER NOT NULL,
        raw_json    TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, file, line)
      );

      CREATE TABLE validation_issue (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        file        TEXT NOT NULL,
        line        INTEGER,
        field       TEXT,
        rule_id     TEXT NOT NULL,
        severity    TEXT NOT NULL CHECK (severity IN ('ERROR','WARN','INFO')),
        message     TEXT NOT NULL
      );
      CREATE INDEX validation_issue_snapshot ON validation_issue(snapshot_id, severity);

      -- Precomputed at import so the drill-down reads a handful of rows.
      CREATE TABLE rollup_jurisdiction (
        snapshot_id         INTEGER NOT NULL REFERENCES snapshot ON DELETE CASCADE,
        jurisdiction        TEXT,
        trade_count         INTEGER NOT NULL,
        counterparty_count  INTEGER NOT NULL,
        gross_notional_usd  REAL NOT NULL,
        net_notional_usd    REAL NOT NULL,
        im_posted_usd       REAL NOT NULL,
        unconverted_count   INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX rollup_jurisdiction_key ON rollup_jurisdiction(snapshot_id, ifnull(jurisdiction, ''));

      CREATE TABLE rollup_total (
        snapshot_id         INTEGER PRIMARY KEY REFERENCES snapshot ON DELETE CASCADE,
        trade_count         INTEGER NOT NULL,
        counterparty_count  INTEGER NOT NULL,
        gross_notional_usd  REAL NOT NULL,
        net_notional_usd    REAL NOT NULL,
        im_posted_usd       REAL NOT NULL,
        unconverted_count   INTEGER NOT NULL
      );
    `);
  },
};
