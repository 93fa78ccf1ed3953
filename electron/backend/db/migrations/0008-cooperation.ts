import type { Migration } from './migration';

/**
 * Cross-border cooperation (handbook domain-cooperation.md §6): the MoU registry, consents,
 * stored disclosure decisions, the log of local registry edits, and requests for assistance.
 *
 * The registry is reference data: loaded from resources/cooperation/registry.json (or a feed),
 * then editable locally, every edit recorded in registry_edit. Provisions are referred to by
 * their stable semantic key (MMOU.PERMISSIBLE_USE); paragraph numbers are display data only.
 * Statuses nobody has verified are stored as 'unknown', never guessed, and fixture values as
 * 'synthetic'.
 */
export const cooperation: Migration = {
  version: 8,
  name: 'cooperation',
  up: (db) => {
    db.exec(`
      CREATE TABLE coop_jurisdiction (
        code        TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        parent_code TEXT REFERENCES coop_jurisdiction(code),
        kind        TEXT NOT NULL CHECK (kind IN ('country','supranational','subdivision','financial_free_zone','territory')),
        eu_member   INTEGER NOT NULL DEFAULT 0 CHECK (eu_member IN (0, 1)),
        eea_member  INTEGER NOT NULL DEFAULT 0 CHECK (eea_member IN (0, 1)),
        -- An EU adequacy decision for personal data transfers (GDPR Art 45).
        gdpr_adequacy INTEGER NOT NULL DEFAULT 0 CHECK (gdpr_adequacy IN (0, 1))
      ) WITHOUT ROWID;

      CREATE TABLE authority (
        authority_id     INTEGER PRIMARY KEY,
        short_name       TEXT NOT NULL UNIQUE,
        full_name        TEXT NOT NULL,
        jurisdiction     TEXT NOT NULL REFERENCES coop_jurisdiction(code),
        authority_type   TEXT NOT NULL CHECK (authority_type IN ('securities','derivatives','integrated','prudential',
                           'central_bank','virtual_asset','esa','fiu','criminal','other')),
        is_regulator     INTEGER NOT NULL CHECK (is_regulator IN (0, 1)),
        iosco_membership TEXT NOT NULL CHECK (iosco_membership IN ('ordinary','associate','affiliate','none','unknown')),
        eea_supervisor   INTEGER NOT NULL DEFAULT 0 CHECK (eea_supervisor IN (0, 1)),
        notes            TEXT,
        source_url       TEXT,
        as_of            TEXT,
        synthetic        INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
      );

      CREATE TABLE instrument (
        instrument_id     INTEGER PRIMARY KEY,
        code              TEXT NOT NULL UNIQUE,
        title             TEXT NOT NULL,
        form              TEXT NOT NULL CHECK (form IN ('multilateral','bilateral','college','statutory_gateway','admin_arrangement')),
        function          TEXT NOT NULL CHECK (function IN ('enforcement','supervisory','fintech','crisis','personal_data','aml',
                            'technical_assistance')),
        administering_body TEXT,
        legally_binding   INTEGER CHECK (legally_binding IN (0, 1)),   -- NULL: not verified
        adopted_date      TEXT,
        effective_date    TEXT,
        terminated_date   TEXT,
        -- Who may receive under it besides regulators (a statutory gateway to courts, say).
        allows_non_regulators INTEGER NOT NULL DEFAULT 0 CHECK (allows_non_regulators IN (0, 1)),
        notes             TEXT,
        source_url        TEXT,
        as_of             TEXT,
        synthetic         INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
      );

      CREATE TABLE instrument_party (
        party_id      INTEGER PRIMARY KEY,
        instrument_id INTEGER NOT NULL REFERENCES instrument ON DELETE CASCADE,
        authority_id  INTEGER NOT NULL REFERENCES authority ON DELETE CASCADE,
        role          TEXT NOT NULL CHECK (role IN ('signatory','committed','member','chair','observer')),
        tier          TEXT,
        -- NULL: not known (an unverified status): the engine never allows on it.
        can_request   INTEGER CHECK (can_request IN (0, 1)),
        can_receive   INTEGER CHECK (can_receive IN (0, 1)),
        valid_from    TEXT NOT NULL,
        valid_to      TEXT,
        status        TEXT NOT NULL CHECK (status IN ('verified','unknown','synthetic')),
        source_url    TEXT,
        as_of         TEXT,
        notes         TEXT,
        CHECK (valid_to IS NULL OR valid_to > valid_from)
      );
      CREATE INDEX instrument_party_authority ON instrument_party(authority_id, instrument_id, valid_from);

      CREATE TABLE party_capability (
        party_id   INTEGER NOT NULL REFERENCES instrument_party ON DELETE CASCADE,
        capability TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('available','not_available','unknown')),
        PRIMARY KEY (party_id, capability)
      ) WITHOUT ROWID;

      CREATE TABLE provision (
        instrument_id INTEGER NOT NULL REFERENCES instrument ON DELETE CASCADE,
        key           TEXT NOT NULL,
        display_ref   TEXT,
        kind          TEXT NOT NULL,
        summary       TEXT NOT NULL,
        verified_by   TEXT,
        verified_at   TEXT,
        PRIMARY KEY (instrument_id, key)
      ) WITHOUT ROWID;

      -- What an instrument covers and allows; each row cites the provision it rests on.
      CREATE TABLE instrument_rule (
        instrument_id INTEGER NOT NULL REFERENCES instrument ON DELETE CASCADE,
        rule_kind     TEXT NOT NULL CHECK (rule_kind IN ('subject','category','permitted_use','onward_sharing','refusal_ground','condition')),
        -- subject, category, purpose, recipient class, ground or condition code
        item          TEXT NOT NULL,
        -- category: share_from_files / obtain_compelled; use and onward sharing: the rule
        qualifier     TEXT NOT NULL DEFAULT '',
        required_capability TEXT,
        text          TEXT,
        provision_key TEXT,
        PRIMARY KEY (instrument_id, rule_kind, item, qualifier),
        FOREIGN KEY (instrument_id, provision_key) REFERENCES provision(instrument_id, key)
      ) WITHOUT ROWID;

      CREATE TABLE domestic_overlay (
        overlay_id        INTEGER PRIMARY KEY,
        home_authority_id INTEGER NOT NULL REFERENCES authority ON DELETE CASCADE,
        code              TEXT NOT NULL,
        applies_to_category TEXT,
        applies_if_personal_data INTEGER CHECK (applies_if_personal_data IN (0, 1)),
        effect            TEXT NOT NULL CHECK (effect IN ('condition','deny','review')),
        text              TEXT NOT NULL,
        legal_ref         TEXT,
        valid_from        TEXT NOT NULL,
        valid_to          TEXT,
        source_url        TEXT
      );

      -- An originator's consent to onward sharing or other use (recorded locally).
      CREATE TABLE consent (
        consent_id        INTEGER PRIMARY KEY,
        granted_by        INTEGER NOT NULL REFERENCES authority,
        granted_to        INTEGER NOT NULL REFERENCES authority,
        category          TEXT,
        purpose           TEXT NOT NULL,
        conditions        TEXT,
        granted_at        TEXT NOT NULL,
        expires_at        TEXT,
        evidence_ref      TEXT,
        recorded_at       TEXT NOT NULL,
        recorded_by       TEXT NOT NULL
      );

      -- Every answer of the engine that an export relies on, with its inputs and trace.
      CREATE TABLE disclosure_decision (
        decision_id    INTEGER PRIMARY KEY,
        decided_at     TEXT NOT NULL,
        decided_by     TEXT NOT NULL,
        input_json     TEXT NOT NULL CHECK (json_valid(input_json)),
        outcome        TEXT NOT NULL CHECK (outcome IN ('ALLOW','ALLOW_WITH_CONDITIONS','CONSENT_REQUIRED','NEEDS_REVIEW','NO_BASIS','DENY')),
        decision_json  TEXT NOT NULL CHECK (json_valid(decision_json)),
        registry_sha256 TEXT NOT NULL,
        engine_version TEXT NOT NULL
      );

      -- The registry's provenance: which file (shipped or from a feed) it was loaded from.
      CREATE TABLE registry_load (
        load_id    INTEGER PRIMARY KEY,
        loaded_at  TEXT NOT NULL,
        origin     TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        as_of      TEXT NOT NULL,
        -- Guidance shown where the engine finds no basis (e.g. the arrangement that would be needed).
        advice_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(advice_json))
      );

      -- Local edits to the registry: who, when, what it was and what it became.
      CREATE TABLE registry_edit (
        edit_id     INTEGER PRIMARY KEY,
        edited_at   TEXT NOT NULL,
        edited_by   TEXT NOT NULL,
        entity      TEXT NOT NULL,
        entity_key  TEXT NOT NULL,
        before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
        after_json  TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
        reason      TEXT NOT NULL
      );

      CREATE TABLE assistance_request (
        request_id        INTEGER PRIMARY KEY,
        direction         TEXT NOT NULL CHECK (direction IN ('outgoing','incoming')),
        our_ref           TEXT NOT NULL UNIQUE,
        their_ref         TEXT,
        requesting_authority_id INTEGER NOT NULL REFERENCES authority,
        requested_authority_id  INTEGER NOT NULL REFERENCES authority,
        instrument_id     INTEGER REFERENCES instrument,
        provision_key     TEXT,
        request_type      TEXT NOT NULL CHECK (request_type IN ('files','compelled_documents','testimony','onsite','acfit','unsolicited')),
        acfit_power       TEXT,
        urgency           TEXT NOT NULL CHECK (urgency IN ('normal','urgent')),
        urgency_reason    TEXT,
        subject           TEXT NOT NULL,
        facts_summary     TEXT,
        purpose           TEXT NOT NULL,
        entities_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(entities_json)),
        deadline_rule     TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('draft','sent','received','acknowledged','in_progress','partially_answered',
                            'answered','refused','withdrawn','closed')),
        sent_at           TEXT,
        received_at       TEXT,
        ack_due_at        TEXT,
        acknowledged_at   TEXT,
        estimated_response_at TEXT,
        refusal_ground    TEXT,
        refusal_reason    TEXT,
        closed_at         TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        CHECK (requesting_authority_id <> requested_authority_id)
      );

      -- What happened to a request, in order: acknowledgement, revised estimates with reasons,
      -- partial answers, consultations, consents, refusal, closure.
      CREATE TABLE request_event (
        event_id    INTEGER PRIMARY KEY,
        request_id  INTEGER NOT NULL REFERENCES assistance_request ON DELETE CASCADE,
        at          TEXT NOT NULL,
        kind        TEXT NOT NULL,
        detail      TEXT,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX request_event_request ON request_event(request_id, at);
    `);
  },
};
