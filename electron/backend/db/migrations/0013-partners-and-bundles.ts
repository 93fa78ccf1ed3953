import type { Migration } from './migration';

/**
 * Case bundles (issue 13): the partner authorities' public keys (the trust list a bundle's
 * signature is checked against: never the key id a bundle names), the bundles received, and the
 * mark that makes a received case read-only.
 */
export const partnersAndBundles: Migration = {
  version: 13,
  name: 'partners-and-bundles',
  up: (db) => {
    db.exec(`
      CREATE TABLE partner_key (
        -- sha256:<hex of the raw 32-byte key>: the signing key's, or the age recipient's when there is none.
        fingerprint    TEXT PRIMARY KEY,
        authority      TEXT NOT NULL,
        name           TEXT NOT NULL,
        signing_key    TEXT,
        age_recipient  TEXT,
        status         TEXT NOT NULL CHECK (status IN ('unverified','trusted','revoked')),
        source         TEXT NOT NULL CHECK (source IN ('card','manual')),
        added_at       TEXT NOT NULL,
        trusted_at     TEXT,
        revoked_at     TEXT,
        revoked_reason TEXT,
        CHECK (signing_key IS NOT NULL OR age_recipient IS NOT NULL)
      ) WITHOUT ROWID;
      CREATE INDEX partner_key_authority ON partner_key(authority, status);

      CREATE TABLE received_bundle (
        bundle_id          TEXT PRIMARY KEY,
        case_id            INTEGER NOT NULL UNIQUE REFERENCES case_file ON DELETE RESTRICT,
        sender_authority   TEXT NOT NULL,
        sender_fingerprint TEXT NOT NULL,
        sender_case_number TEXT NOT NULL,
        bundle_sha256      TEXT NOT NULL,
        received_at        TEXT NOT NULL,
        purpose            TEXT NOT NULL,
        legend             TEXT NOT NULL,
        conditions_json    TEXT NOT NULL CHECK (json_valid(conditions_json)),
        withheld_count     INTEGER NOT NULL,
        report_json        TEXT NOT NULL CHECK (json_valid(report_json)),
        chain_json         TEXT NOT NULL CHECK (json_valid(chain_json))
      ) WITHOUT ROWID;
      -- A case made from a received bundle: nothing in it may be changed here.
      ALTER TABLE case_file ADD COLUMN received INTEGER NOT NULL DEFAULT 0 CHECK (received IN (0, 1));
    `);
  },
};
