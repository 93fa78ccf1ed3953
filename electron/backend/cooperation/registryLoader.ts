import crypto from 'node:crypto';
import type { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import type { Db } from '../db/connection';
import { registryFileSchema, type RegistryFile } from './registrySchema';

/**
 * Checks a registry file completely before any of it is loaded: its shape (zod, strict), then
 * what a schema cannot see: duplicates, references to authorities, jurisdictions and
 * provisions that do not exist, and a party whose validity periods overlap on one instrument
 * (two statuses on one day would make the answer depend on row order). Every problem is
 * reported with where it is, in one error.
 */
export function validateRegistry(raw: unknown, origin: string): RegistryFile {
  const parsed = registryFileSchema.safeParse(raw);
  if (!parsed.success) throw registryError(origin, parsed.error.issues.map(formatIssue));
  const r = parsed.data;
  const problems: string[] = [];
  const duplicates = (label: string, values: string[]) => {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) problems.push(`${label} "${v}" appears more than once`);
      seen.add(v);
    }
  };
  duplicates(
    'jurisdiction',
    r.jurisdictions.map((j) => j.code),
  );
  duplicates(
    'authority',
    r.authorities.map((a) => a.short),
  );
  duplicates(
    'instrument',
    r.instruments.map((i) => i.code),
  );
  const jurisdictions = new Set(r.jurisdictions.map((j) => j.code));
  const authorities = new Set(r.authorities.map((a) => a.short));
  const instruments = new Set(r.instruments.map((i) => i.code));
  r.jurisdictions.forEach((j, n) => {
    if (j.parent !== undefined && !jurisdictions.has(j.parent))
      problems.push(`jurisdictions[${n}] (${j.code}): parent "${j.parent}" is not a jurisdiction of the registry`);
  });
  r.authorities.forEach((a, n) => {
    if (!jurisdictions.has(a.jurisdiction))
      problems.push(`authorities[${n}] (${a.short}): jurisdiction "${a.jurisdiction}" is not a jurisdiction of the registry`);
  });
  r.instruments.forEach((ins, n) => {
    const where = `instruments[${n}] (${ins.code})`;
    duplicates(
      `${where}: provision`,
      ins.provisions.map((p) => p.key),
    );
    duplicates(
      `${where}: rule`,
      ins.rules.map((rule) => `${rule.kind} ${rule.item} ${rule.qualifier}`),
    );
    const keys = new Set(ins.provisions.map((p) => p.key));
    ins.rules.forEach((rule, m) => {
      if (!keys.has(rule.provision))
        problems.push(`${where}.rules[${m}] (${rule.kind} ${rule.item}): provision "${rule.provision}" is not a provision of ${ins.code}`);
    });
    ins.parties.forEach((p, m) => {
      if (!authorities.has(p.authority)) problems.push(`${where}.parties[${m}]: authority "${p.authority}" is not in the registry`);
    });
    const byAuthority = new Map<string, typeof ins.parties>();
    for (const p of ins.parties) byAuthority.set(p.authority, [...(byAuthority.get(p.authority) ?? []), p]);
    for (const [authority, rows] of byAuthority) {
      const sorted = [...rows].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      for (let k = 1; k < sorted.length; k++) {
        const before = sorted[k - 1]!;
        if (before.validTo === undefined || before.validTo > sorted[k]!.validFrom)
          problems.push(
            `${where}: ${authority} has overlapping periods (from ${before.validFrom} to ${before.validTo ?? 'open'}, and from ${sorted[k]!.validFrom}); end the first before the second starts`,
          );
      }
    }
  });
  r.overlays.forEach((o, n) => {
    if (!authorities.has(o.home)) problems.push(`overlays[${n}] (${o.code}): authority "${o.home}" is not in the registry`);
  });
  r.advice.forEach((a, n) => {
    for (const code of [a.when.homeParty, a.when.recipientParty])
      if (code !== undefined && !instruments.has(code)) problems.push(`advice[${n}]: instrument "${code}" is not in the registry`);
  });
  if (problems.length > 0) throw registryError(origin, problems);
  return r;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where =
    issue.path.length > 0
      ? issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '')
      : 'the file';
  if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}

function registryError(origin: string, problems: string[]): ContractError {
  const shown = problems.slice(0, 12);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return new ContractError(
    'INVALID_INPUT',
    `The MoU registry from ${origin} was not loaded: ${shown.join('; ')}${more}. The registry in use is unchanged.`,
    { origin, problems },
  );
}

/** SHA-256 of a registry's canonical JSON: what decisions cite, whatever the file's whitespace. */
export function registrySha256(registry: RegistryFile): string {
  return crypto.createHash('sha256').update(JSON.stringify(registry)).digest('hex');
}

/** The fields of a party row a local edit may change (cooperation.editParty). */
interface PartyState {
  tier: string | null;
  canRequest: boolean | null;
  canReceive: boolean | null;
  validFrom: string;
  validTo: string | null;
  status: string;
  sourceUrl: string | null;
}

/** A party row edited locally since the registry in use was loaded: what the registry said, and what it is now. */
interface LiveEdit {
  partyId: number;
  authority: string;
  upstream: PartyState;
  local: PartyState & { asOf: string | null };
  editIds: number[];
  reasons: string[];
}

const stateKeys: Array<keyof PartyState> = ['tier', 'canRequest', 'canReceive', 'validFrom', 'validTo', 'status', 'sourceUrl'];
const sameState = (a: PartyState, b: PartyState) => stateKeys.every((k) => (a[k] ?? null) === (b[k] ?? null));
const boolOrNull = (v: unknown) => (v === null || v === undefined ? null : v === 1 || v === true);
function stateOf(row: Record<string, unknown>): PartyState {
  return {
    tier: (row.tier as string | null) ?? null,
    canRequest: boolOrNull(row.can_request ?? row.canRequest),
    canReceive: boolOrNull(row.can_receive ?? row.canReceive),
    validFrom: (row.valid_from ?? row.validFrom) as string,
    validTo: ((row.valid_to ?? row.validTo) as string | null) ?? null,
    status: row.status as string,
    sourceUrl: ((row.source_url ?? row.sourceUrl) as string | null) ?? null,
  };
}

/**
 * The local party edits still in effect, by instrument code: those recorded since the registry in use was loaded
 * (earlier ones were on rows an earlier load replaced, whose ids SQLite may have reused). The first edit of a row
 * holds what the registry said; the row as it stands holds the local correction.
 */
function liveLocalEdits(db: Db): Map<string, LiveEdit[]> {
  const last = db.prepare(`SELECT loaded_at FROM registry_load ORDER BY load_id DESC LIMIT 1`).pluck().get() as string | undefined;
  const live = new Map<string, LiveEdit[]>();
  if (last === undefined) return live;
  const edits = db
    .prepare(
      `SELECT edit_id, before_json, after_json, reason FROM registry_edit
        WHERE entity = 'instrument_party' AND edited_at >= ? ORDER BY edit_id`,
    )
    .all(last) as Array<{ edit_id: number; before_json: string | null; after_json: string | null; reason: string }>;
  const byParty = new Map<number, LiveEdit & { instrument: string }>();
  const current = db.prepare(
    `SELECT p.*, i.code, a.short_name FROM instrument_party p JOIN instrument i USING (instrument_id) JOIN authority a USING (authority_id)
      WHERE p.party_id = ?`,
  );
  for (const e of edits) {
    if (e.before_json === null || e.after_json === null) continue;
    const after = JSON.parse(e.after_json) as { partyId?: number };
    if (typeof after.partyId !== 'number') continue;
    const known = byParty.get(after.partyId);
    if (known) {
      known.editIds.push(e.edit_id);
      known.reasons.push(e.reason);
      continue;
    }
    const row = current.get(after.partyId) as Record<string, unknown> | undefined;
    if (!row) continue;
    byParty.set(after.partyId, {
      partyId: after.partyId,
      instrument: row.code as string,
      authority: row.short_name as string,
      upstream: stateOf(JSON.parse(e.before_json) as Record<string, unknown>),
      local: { ...stateOf(row), asOf: (row.as_of as string | null) ?? null },
      editIds: [e.edit_id],
      reasons: [e.reason],
    });
  }
  for (const edit of byParty.values()) live.set(edit.instrument, [...(live.get(edit.instrument) ?? []), edit]);
  return live;
}

/**
 * Loads a validated registry in one transaction: authorities and instruments are updated in
 * place by short name and code (so requests, consents and decisions keep pointing at them),
 * each instrument's provisions, rules and parties and every overlay are replaced.
 *
 * Local corrections of party rows are never dropped silently: where the new registry holds the
 * row as the correction found it, the correction is carried over onto it; where the new registry
 * changed that row, the new row applies and the superseded correction is recorded. Either way a
 * registry_edit row says who, when, before, after and why, next to the original edits, which stay.
 */
export function loadRegistry(db: Db, registry: RegistryFile, origin: string): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    const liveEdits = liveLocalEdits(db);
    const upsertJurisdiction = db.prepare(
      `INSERT INTO coop_jurisdiction (code, name, parent_code, kind, eu_member, eea_member, gdpr_adequacy) VALUES (?, ?, NULL, ?, ?, ?, ?)
       ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind, eu_member = excluded.eu_member,
         eea_member = excluded.eea_member, gdpr_adequacy = excluded.gdpr_adequacy`,
    );
    for (const j of registry.jurisdictions)
      upsertJurisdiction.run(j.code, j.name, j.kind, Number(j.euMember), Number(j.eeaMember), Number(j.gdprAdequacy));
    const setParent = db.prepare(`UPDATE coop_jurisdiction SET parent_code = ? WHERE code = ?`);
    for (const j of registry.jurisdictions) setParent.run(j.parent ?? null, j.code);

    const upsertAuthority = db.prepare(
      `INSERT INTO authority (short_name, full_name, jurisdiction, authority_type, is_regulator, iosco_membership, eea_supervisor, notes, source_url, as_of, synthetic)
       VALUES (@short, @name, @jurisdiction, @type, @isRegulator, @ioscoMembership, @eeaSupervisor, @notes, @sourceUrl, @asOf, @synthetic)
       ON CONFLICT(short_name) DO UPDATE SET full_name = excluded.full_name, jurisdiction = excluded.jurisdiction,
         authority_type = excluded.authority_type, is_regulator = excluded.is_regulator, iosco_membership = excluded.iosco_membership,
         eea_supervisor = excluded.eea_supervisor, notes = excluded.notes, source_url = excluded.source_url, as_of = excluded.as_of,
         synthetic = excluded.synthetic`,
    );
    for (const a of registry.authorities)
      upsertAuthority.run({
        ...a,
        isRegulator: Number(a.isRegulator),
        eeaSupervisor: Number(a.eeaSupervisor),
        synthetic: Number(a.synthetic),
        notes: a.notes ?? null,
        sourceUrl: a.sourceUrl ?? null,
        asOf: a.asOf ?? null,
      });
    const authorityId = new Map(
      (db.prepare(`SELECT short_name, authority_id FROM authority`).raw().all() as Array<[string, number]>).map(([s, id]) => [s, id]),
    );

    const upsertInstrument = db.prepare(
      `INSERT INTO instrument (code, title, form, function, administering_body, legally_binding, adopted_date, effective_date, terminated_date,
                               allows_non_regulators, notes, source_url, as_of, synthetic)
       VALUES (@code, @title, @form, @function, @administeringBody, @legallyBinding, @adoptedDate, @effectiveDate, @terminatedDate,
               @allowsNonRegulators, @notes, @sourceUrl, @asOf, @synthetic)
       ON CONFLICT(code) DO UPDATE SET title = excluded.title, form = excluded.form, function = excluded.function,
         administering_body = excluded.administering_body, legally_binding = excluded.legally_binding, adopted_date = excluded.adopted_date,
         effective_date = excluded.effective_date, terminated_date = excluded.terminated_date,
         allows_non_regulators = excluded.allows_non_regulators, notes = excluded.notes, source_url = excluded.source_url,
         as_of = excluded.as_of, synthetic = excluded.synthetic
       RETURNING instrument_id`,
    );
    const insertProvision = db.prepare(
      `INSERT INTO provision (instrument_id, key, display_ref, kind, summary, verified_by, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertRule = db.prepare(
      `INSERT INTO instrument_rule (instrument_id, rule_kind, item, qualifier, required_capability, text, provision_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertParty = db.prepare(
      `INSERT INTO instrument_party (instrument_id, authority_id, role, tier, can_request, can_receive, valid_from, valid_to, status, source_url, as_of, notes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING party_id`,
    );
    const insertCapability = db.prepare(`INSERT INTO party_capability (party_id, capability, status) VALUES (?, ?, ?)`);
    const orNull = (b: boolean | undefined | null) => (b === undefined || b === null ? null : Number(b));
    for (const ins of registry.instruments) {
      const { instrument_id: id } = upsertInstrument.get({
        ...ins,
        administeringBody: ins.administeringBody ?? null,
        legallyBinding: orNull(ins.legallyBinding),
        adoptedDate: ins.adoptedDate ?? null,
        effectiveDate: ins.effectiveDate ?? null,
        terminatedDate: ins.terminatedDate ?? null,
        allowsNonRegulators: Number(ins.allowsNonRegulators),
        notes: ins.notes ?? null,
        sourceUrl: ins.sourceUrl ?? null,
        asOf: ins.asOf ?? null,
        synthetic: Number(ins.synthetic),
      }) as { instrument_id: number };
      for (const table of ['instrument_rule', 'provision', 'instrument_party'])
        db.prepare(`DELETE FROM ${table} WHERE instrument_id = ?`).run(id);
      for (const p of ins.provisions)
        insertProvision.run(id, p.key, p.displayRef ?? null, p.kind, p.summary, p.verifiedBy ?? null, p.verifiedAt ?? null);
      for (const rule of ins.rules)
        insertRule.run(
          id,
          rule.kind,
          rule.item,
          rule.qualifier,
          rule.kind === 'category' ? (rule.requiredCapability ?? null) : null,
          rule.kind === 'condition' ? rule.text : rule.kind === 'category' ? (rule.review ?? null) : null,
          rule.provision,
        );
      for (const p of ins.parties) {
        const { party_id: partyId } = insertParty.get(
          id,
          authorityId.get(p.authority)!,
          p.role,
          p.tier ?? null,
          orNull(p.canRequest),
          orNull(p.canReceive),
          p.validFrom,
          p.validTo ?? null,
          p.status,
          p.sourceUrl ?? null,
          p.asOf ?? null,
          p.notes ?? null,
        ) as { party_id: number };
        for (const [capability, status] of Object.entries(p.capabilities ?? {})) insertCapability.run(partyId, capability, status);
      }
      for (const edit of liveEdits.get(ins.code) ?? [])
        carryOver(db, id, ins.code, edit, authorityId.get(edit.authority), origin, registry.asOf, now);
    }
    db.prepare(`DELETE FROM domestic_overlay`).run();
    const insertOverlay = db.prepare(
      `INSERT INTO domestic_overlay (home_authority_id, code, applies_to_category, applies_if_personal_data, effect, text, legal_ref, valid_from, valid_to, source_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const o of registry.overlays)
      insertOverlay.run(
        authorityId.get(o.home)!,
        o.code,
        o.appliesToCategory ?? null,
        orNull(o.appliesIfPersonalData),
        o.effect,
        o.text,
        o.legalRef ?? null,
        o.validFrom,
        o.validTo ?? null,
        o.sourceUrl ?? null,
      );
    db.prepare(`INSERT INTO registry_load (loaded_at, origin, sha256, as_of, advice_json) VALUES (?, ?, ?, ?, ?)`).run(
      now,
      origin,
      registrySha256(registry),
      registry.asOf,
      JSON.stringify(registry.advice),
    );
  }).immediate();
}

/** One live local edit against the instrument's new parties: carried over, or recorded as superseded. */
function carryOver(
  db: Db,
  instrumentId: number,
  code: string,
  edit: LiveEdit,
  authorityId: number | undefined,
  origin: string,
  asOf: string,
  now: string,
): void {
  const rows =
    authorityId === undefined
      ? []
      : (db
          .prepare(`SELECT * FROM instrument_party WHERE instrument_id = ? AND authority_id = ? ORDER BY valid_from`)
          .all(instrumentId, authorityId) as Array<Record<string, unknown>>);
  const match = rows.find((r) => sameState(stateOf(r), edit.upstream));
  const overlaps =
    match !== undefined &&
    rows.some(
      (r) =>
        r.party_id !== match.party_id &&
        (r.valid_to === null || (r.valid_to as string) > edit.local.validFrom) &&
        (edit.local.validTo === null || (r.valid_from as string) < edit.local.validTo),
    );
  const record = db.prepare(
    `INSERT INTO registry_edit (edited_at, edited_by, entity, entity_key, before_json, after_json, reason) VALUES (?, 'registry update', 'instrument_party', ?, ?, ?, ?)`,
  );
  const edits = edit.editIds.map((n) => `#${n}`).join(', ');
  const from = `the registry from ${origin} (as of ${asOf})`;
  if (match && !overlaps) {
    const orNull = (b: boolean | null) => (b === null ? null : Number(b));
    const l = edit.local;
    db.prepare(
      `UPDATE instrument_party SET tier = ?, can_request = ?, can_receive = ?, valid_from = ?, valid_to = ?, status = ?, source_url = ?, as_of = ?
        WHERE party_id = ?`,
    ).run(l.tier, orNull(l.canRequest), orNull(l.canReceive), l.validFrom, l.validTo, l.status, l.sourceUrl, l.asOf, match.party_id);
    record.run(
      now,
      `${code} ${edit.authority} (party #${match.party_id as number})`,
      JSON.stringify({ partyId: match.party_id, authority: edit.authority, ...stateOf(match) }),
      JSON.stringify({ partyId: match.party_id, authority: edit.authority, ...edit.local }),
      `Local edit ${edits} carried over onto ${from}, which left this row as the edit found it. Reason given: ${edit.reasons.at(-1)}`,
    );
    return;
  }
  record.run(
    now,
    `${code} ${edit.authority} (party #${edit.partyId}, replaced)`,
    JSON.stringify({ partyId: edit.partyId, authority: edit.authority, ...edit.local }),
    JSON.stringify(rows.map((r) => ({ partyId: r.party_id, authority: edit.authority, ...stateOf(r) }))),
    `Local edit ${edits} superseded: ${from} ${match ? 'holds another period of this authority that the edited one would overlap' : 'changed this row'}, and its status now applies. Check it and edit again if the correction still holds. Reason given: ${edit.reasons.at(-1)}`,
  );
}

/**
 * Loads the registry shipped with this version when the database has none, or an older one (by
 * as-of date). Local corrections survive the upgrade: loadRegistry carries them over, or records
 * each one the new registry superseded, next to the edit log, which stays whole.
 */
export function ensureShippedRegistry(db: Db, shipped: unknown): void {
  const last = db.prepare(`SELECT as_of AS asOf FROM registry_load ORDER BY load_id DESC LIMIT 1`).get() as { asOf: string } | undefined;
  const registry = validateRegistry(shipped, 'the registry shipped with Concordat');
  if (last && last.asOf >= registry.asOf) return;
  loadRegistry(db, registry, 'shipped');
}
