import os from 'node:os';
import type {
  AuthoritySummary,
  ConsentRow,
  InstrumentDetail,
  InstrumentParty,
  InstrumentSummary,
  RegistryEdit,
  RegistryInfo,
  ShareDecision,
} from '../../../shared/contract/cooperation';
import { ContractError } from '../../../shared/contract/errors';
import type { ParsedInputOf } from '../../../shared/contract';
import { closeMatches } from '../../../shared/domain/closeMatches';
import type { Db } from '../db/connection';
import type { Handlers } from '../context';
import { consentById, listConsents } from './consents.repo';
import { decide, ENGINE_VERSION } from './mayShare';
import { readRegistry } from './registryView';

type CooperationHandlers = Pick<Handlers, Extract<keyof Handlers, `cooperation.${string}`>>;

/** Who is at the keyboard: recorded with every edit, consent and stored decision. */
function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

const bool = (v: number | null) => (v === null ? null : v === 1);

export function createCooperationHandlers(ctx: { db: Db }): CooperationHandlers {
  const { db } = ctx;
  return {
    'cooperation.registryInfo': () => registryInfo(db),
    'cooperation.authorities': () => listAuthorities(db),
    'cooperation.instruments': () => listInstruments(db),
    'cooperation.instrument': ({ code }) => instrumentDetail(db, code),
    'cooperation.mayShare': (input) => mayShare(db, input),
    'cooperation.editParty': (input) => editParty(db, input),
    'cooperation.edits': () => listEdits(db),
    'cooperation.consents': () => listConsents(db),
    'cooperation.addConsent': (input) => addConsent(db, input),
  };
}

export function mayShare(db: Db, input: ParsedInputOf<'cooperation.mayShare'>): ShareDecision {
  const decision = decide(readRegistry(db), input);
  if (!input.record) return decision;
  const { decision_id: decisionId } = db
    .prepare(
      `INSERT INTO disclosure_decision (decided_at, decided_by, input_json, outcome, decision_json, registry_sha256, engine_version)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING decision_id`,
    )
    .get(
      new Date().toISOString(),
      currentUser(),
      JSON.stringify(input),
      decision.outcome,
      JSON.stringify(decision),
      decision.registrySha256,
      ENGINE_VERSION,
    ) as { decision_id: number };
  return { ...decision, decisionId };
}

function registryInfo(db: Db): RegistryInfo {
  const load = db.prepare(`SELECT origin, sha256, as_of, loaded_at FROM registry_load ORDER BY load_id DESC LIMIT 1`).get() as
    Record<string, string> | undefined;
  if (!load) throw new ContractError('NOT_FOUND', 'No MoU registry has been loaded.');
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    origin: load.origin!,
    sha256: load.sha256!,
    asOf: load.as_of!,
    loadedAt: load.loaded_at!,
    authorities: count(`SELECT count(*) AS n FROM authority`),
    instruments: count(`SELECT count(*) AS n FROM instrument`),
    localEdits: count(`SELECT count(*) AS n FROM registry_edit`),
  };
}

function listAuthorities(db: Db): AuthoritySummary[] {
  const memberships = db
    .prepare(
      `SELECT p.authority_id, i.code, p.tier, p.status, p.valid_from, p.valid_to
         FROM instrument_party p JOIN instrument i USING (instrument_id) ORDER BY i.code, p.valid_from`,
    )
    .all() as Array<{
    authority_id: number;
    code: string;
    tier: string | null;
    status: string;
    valid_from: string;
    valid_to: string | null;
  }>;
  const rows = db
    .prepare(
      `SELECT a.*, j.name AS jurisdiction_name FROM authority a JOIN coop_jurisdiction j ON j.code = a.jurisdiction ORDER BY a.short_name`,
    )
    .all() as Array<Record<string, string | number | null>>;
  return rows.map((a) => ({
    authorityId: a.authority_id as number,
    shortName: a.short_name as string,
    fullName: a.full_name as string,
    jurisdiction: a.jurisdiction as string,
    jurisdictionName: a.jurisdiction_name as string,
    authorityType: a.authority_type as string,
    isRegulator: a.is_regulator === 1,
    ioscoMembership: a.iosco_membership as string,
    memberships: memberships
      .filter((m) => m.authority_id === a.authority_id)
      .map((m) => ({
        instrument: m.code,
        tier: m.tier,
        status: m.status as 'verified' | 'unknown' | 'synthetic',
        validFrom: m.valid_from,
        validTo: m.valid_to,
      })),
    sourceUrl: a.source_url as string | null,
    asOf: a.as_of as string | null,
    synthetic: a.synthetic === 1,
  }));
}

function instrumentSummary(i: Record<string, string | number | null>): InstrumentSummary {
  return {
    instrumentId: i.instrument_id as number,
    code: i.code as string,
    title: i.title as string,
    form: i.form as string,
    function: i.function as string,
    administeringBody: i.administering_body as string | null,
    legallyBinding: bool(i.legally_binding as number | null),
    effectiveDate: i.effective_date as string | null,
    terminatedDate: i.terminated_date as string | null,
    parties: i.parties as number,
    synthetic: i.synthetic === 1,
  };
}

function listInstruments(db: Db): InstrumentSummary[] {
  return (
    db
      .prepare(
        `SELECT i.*, (SELECT count(DISTINCT authority_id) FROM instrument_party p WHERE p.instrument_id = i.instrument_id) AS parties FROM instrument i ORDER BY code`,
      )
      .all() as Array<Record<string, string | number | null>>
  ).map(instrumentSummary);
}

function instrumentDetail(db: Db, code: string): InstrumentDetail {
  const i = db
    .prepare(
      `SELECT i.*, (SELECT count(DISTINCT authority_id) FROM instrument_party p WHERE p.instrument_id = i.instrument_id) AS parties FROM instrument i WHERE code = ?`,
    )
    .get(code) as Record<string, string | number | null> | undefined;
  if (!i) {
    const near = closeMatches(code, (db.prepare(`SELECT code FROM instrument`).pluck().all() as string[]) ?? []);
    throw new ContractError(
      'NOT_FOUND',
      `No instrument "${code}" in the registry.${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''}`,
      { code },
    );
  }
  const id = i.instrument_id as number;
  return {
    ...instrumentSummary(i),
    adoptedDate: i.adopted_date as string | null,
    notes: i.notes as string | null,
    sourceUrl: i.source_url as string | null,
    asOf: i.as_of as string | null,
    partyRows: partiesOf(db, 'p.instrument_id = ?', id),
    provisions: (
      db.prepare(`SELECT * FROM provision WHERE instrument_id = ? ORDER BY key`).all(id) as Array<Record<string, string | null>>
    ).map((p) => ({
      key: p.key!,
      displayRef: p.display_ref ?? null,
      kind: p.kind!,
      summary: p.summary!,
      verifiedBy: p.verified_by ?? null,
      verifiedAt: p.verified_at ?? null,
    })),
    rules: (
      db.prepare(`SELECT * FROM instrument_rule WHERE instrument_id = ? ORDER BY rule_kind, item, qualifier`).all(id) as Array<
        Record<string, string | null>
      >
    ).map((r) => ({
      kind: r.rule_kind as InstrumentDetail['rules'][number]['kind'],
      item: r.item!,
      qualifier: r.qualifier!,
      requiredCapability: r.required_capability ?? null,
      text: r.text ?? null,
      provisionKey: r.provision_key ?? null,
    })),
  };
}

function partiesOf(db: Db, where: string, param: number): InstrumentParty[] {
  const rows = db
    .prepare(
      `SELECT p.*, a.short_name, a.full_name, a.jurisdiction FROM instrument_party p JOIN authority a USING (authority_id)
        WHERE ${where} ORDER BY a.short_name, p.valid_from`,
    )
    .all(param) as Array<Record<string, string | number | null>>;
  const caps = db.prepare(`SELECT capability, status FROM party_capability WHERE party_id = ? ORDER BY capability`);
  return rows.map((p) => ({
    partyId: p.party_id as number,
    authority: p.short_name as string,
    authorityName: p.full_name as string,
    jurisdiction: p.jurisdiction as string,
    role: p.role as string,
    tier: p.tier as string | null,
    canRequest: bool(p.can_request as number | null),
    canReceive: bool(p.can_receive as number | null),
    validFrom: p.valid_from as string,
    validTo: p.valid_to as string | null,
    status: p.status as InstrumentParty['status'],
    capabilities: caps.all(p.party_id) as InstrumentParty['capabilities'],
    sourceUrl: p.source_url as string | null,
    asOf: p.as_of as string | null,
    notes: p.notes as string | null,
  }));
}

/**
 * A local correction of a party row, recorded with who, when, before, after and why. The new
 * validity may not overlap another period of the same authority on the same instrument.
 */
function editParty(db: Db, input: ParsedInputOf<'cooperation.editParty'>): InstrumentParty {
  return db
    .transaction(() => {
      const [before] = partiesOf(db, 'p.party_id = ?', input.partyId);
      if (!before) throw new ContractError('NOT_FOUND', `No party row ${input.partyId} in the registry.`, { partyId: input.partyId });
      const instrumentCode = db
        .prepare(`SELECT i.code FROM instrument i JOIN instrument_party p USING (instrument_id) WHERE p.party_id = ?`)
        .pluck()
        .get(input.partyId) as string;
      const after = {
        tier: input.tier === undefined ? before.tier : input.tier,
        canRequest: input.canRequest === undefined ? before.canRequest : input.canRequest,
        canReceive: input.canReceive === undefined ? before.canReceive : input.canReceive,
        validFrom: input.validFrom ?? before.validFrom,
        validTo: input.validTo === undefined ? before.validTo : input.validTo,
        status: input.status ?? before.status,
        sourceUrl: input.sourceUrl === undefined ? before.sourceUrl : input.sourceUrl,
      };
      if (after.validTo !== null && after.validTo <= after.validFrom)
        throw new ContractError('INVALID_INPUT', `Valid to (${after.validTo}) must be after valid from (${after.validFrom}).`, {
          field: 'validTo',
        });
      if (after.status === 'verified' && !after.sourceUrl)
        throw new ContractError('INVALID_INPUT', 'A verified status needs the address of the source it was verified against.', {
          field: 'sourceUrl',
        });
      const overlapping = db
        .prepare(
          `SELECT valid_from, valid_to FROM instrument_party
          WHERE instrument_id = (SELECT instrument_id FROM instrument_party WHERE party_id = @id)
            AND authority_id = (SELECT authority_id FROM instrument_party WHERE party_id = @id)
            AND party_id <> @id AND (valid_to IS NULL OR valid_to > @from) AND (@to IS NULL OR valid_from < @to)`,
        )
        .get({ id: input.partyId, from: after.validFrom, to: after.validTo }) as
        { valid_from: string; valid_to: string | null } | undefined;
      if (overlapping)
        throw new ContractError(
          'INVALID_INPUT',
          `${before.authority} already has a period from ${overlapping.valid_from} to ${overlapping.valid_to ?? 'open'} on this instrument: the periods may not overlap.`,
          { field: 'validFrom' },
        );
      const orNull = (b: boolean | null) => (b === null ? null : Number(b));
      db.prepare(
        `UPDATE instrument_party SET tier = ?, can_request = ?, can_receive = ?, valid_from = ?, valid_to = ?, status = ?, source_url = ?, as_of = ?
        WHERE party_id = ?`,
      ).run(
        after.tier,
        orNull(after.canRequest),
        orNull(after.canReceive),
        after.validFrom,
        after.validTo,
        after.status,
        after.sourceUrl,
        new Date().toISOString().slice(0, 10),
        input.partyId,
      );
      const [updated] = partiesOf(db, 'p.party_id = ?', input.partyId);
      db.prepare(
        `INSERT INTO registry_edit (edited_at, edited_by, entity, entity_key, before_json, after_json, reason) VALUES (?, ?, 'instrument_party', ?, ?, ?, ?)`,
      ).run(
        new Date().toISOString(),
        currentUser(),
        // Names the row for a reader: instrument, authority and the row's id.
        `${instrumentCode} ${before.authority} (party #${input.partyId})`,
        JSON.stringify(before),
        JSON.stringify(updated),
        input.reason,
      );
      return updated!;
    })
    .immediate();
}

function listEdits(db: Db): RegistryEdit[] {
  return (db.prepare(`SELECT * FROM registry_edit ORDER BY edit_id DESC`).all() as Array<Record<string, string | number | null>>).map(
    (e) => ({
      editId: e.edit_id as number,
      editedAt: e.edited_at as string,
      editedBy: e.edited_by as string,
      entity: e.entity as string,
      entityKey: e.entity_key as string,
      before: e.before_json === null ? null : (JSON.parse(e.before_json as string) as unknown),
      after: e.after_json === null ? null : (JSON.parse(e.after_json as string) as unknown),
      reason: e.reason as string,
    }),
  );
}

function authorityId(db: Db, name: string, field: string): number {
  const row = db.prepare(`SELECT authority_id FROM authority WHERE short_name = ? COLLATE NOCASE`).get(name) as
    { authority_id: number } | undefined;
  if (row) return row.authority_id;
  const near = closeMatches(name, db.prepare(`SELECT short_name FROM authority`).pluck().all() as string[]);
  throw new ContractError('INVALID_INPUT', `Unknown authority "${name}".${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''}`, {
    field,
  });
}

function addConsent(db: Db, input: ParsedInputOf<'cooperation.addConsent'>): ConsentRow {
  const by = authorityId(db, input.grantedBy, 'grantedBy');
  const to = authorityId(db, input.grantedTo, 'grantedTo');
  if (by === to) throw new ContractError('INVALID_INPUT', 'A consent is given by one authority to another.', { field: 'grantedTo' });
  const { consent_id: id } = db
    .prepare(
      `INSERT INTO consent (granted_by, granted_to, category, purpose, conditions, granted_at, expires_at, evidence_ref, recorded_at, recorded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING consent_id`,
    )
    .get(
      by,
      to,
      input.category ?? null,
      input.purpose,
      input.conditions ?? null,
      input.grantedAt,
      input.expiresAt ?? null,
      input.evidenceRef ?? null,
      new Date().toISOString(),
      currentUser(),
    ) as { consent_id: number };
  return consentById(db, id);
}
