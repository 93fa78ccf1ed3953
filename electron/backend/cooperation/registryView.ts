import type { ConsentRow } from '../../../shared/contract/cooperation';
import type { Db } from '../db/connection';
import { listConsents } from './consents.repo';

/**
 * The registry as the engine reads it: a few hundred rows, read whole for each decision so an
 * answer always reflects the registry as it stands (local edits included).
 */

export interface AuthorityRow {
  id: number;
  short: string;
  name: string;
  jurisdiction: string;
  type: string;
  isRegulator: boolean;
  eeaSupervisor: boolean;
  synthetic: boolean;
}

export interface JurisdictionRow {
  code: string;
  name: string;
  parent: string | null;
  eeaMember: boolean;
  gdprAdequacy: boolean;
}

export interface PartyRow {
  partyId: number;
  authority: string;
  role: string;
  tier: string | null;
  canRequest: boolean | null;
  canReceive: boolean | null;
  validFrom: string;
  validTo: string | null;
  status: 'verified' | 'unknown' | 'synthetic';
  /** Where the status was read, and when it was checked: cited in the trace. */
  sourceUrl: string | null;
  asOf: string | null;
  notes: string | null;
  capabilities: Map<string, 'available' | 'not_available' | 'unknown'>;
}

export interface RuleRow {
  kind: 'subject' | 'category' | 'permitted_use' | 'onward_sharing' | 'refusal_ground' | 'condition';
  item: string;
  qualifier: string;
  requiredCapability: string | null;
  text: string | null;
  provisionKey: string | null;
}

export interface InstrumentRow {
  id: number;
  code: string;
  title: string;
  form: string;
  function: string;
  effectiveDate: string | null;
  terminatedDate: string | null;
  allowsNonRegulators: boolean;
  parties: PartyRow[];
  rules: RuleRow[];
}

export interface OverlayRow {
  home: string;
  code: string;
  category: string | null;
  personalData: boolean | null;
  effect: 'condition' | 'deny' | 'review';
  text: string;
  legalRef: string | null;
  validFrom: string;
  validTo: string | null;
}

export interface AdviceRule {
  when: {
    category?: string;
    outcome?: string;
    homeParty?: string;
    recipientParty?: string;
    recipientOutsideEea?: boolean;
    purposeFunction?: string;
    sameCountry?: boolean;
  };
  text: string;
}

export interface RegistryView {
  sha256: string;
  authorities: Map<string, AuthorityRow>;
  jurisdictions: Map<string, JurisdictionRow>;
  instruments: InstrumentRow[];
  overlays: OverlayRow[];
  /** Oldest first: the engine takes the first consent that covers the sharing. */
  consents: ConsentRow[];
  advice: AdviceRule[];
}

const bool = (v: number | null) => (v === null ? null : v === 1);

export function readRegistry(db: Db): RegistryView {
  const load = db.prepare(`SELECT sha256, advice_json FROM registry_load ORDER BY load_id DESC LIMIT 1`).get() as
    { sha256: string; advice_json: string } | undefined;
  const authorities = new Map<string, AuthorityRow>();
  const byId = new Map<number, string>();
  for (const a of db
    .prepare(
      `SELECT authority_id, short_name, full_name, jurisdiction, authority_type, is_regulator, eea_supervisor, synthetic FROM authority`,
    )
    .all() as Array<Record<string, string | number>>) {
    authorities.set(a.short_name as string, {
      id: a.authority_id as number,
      short: a.short_name as string,
      name: a.full_name as string,
      jurisdiction: a.jurisdiction as string,
      type: a.authority_type as string,
      isRegulator: a.is_regulator === 1,
      eeaSupervisor: a.eea_supervisor === 1,
      synthetic: a.synthetic === 1,
    });
    byId.set(a.authority_id as number, a.short_name as string);
  }
  const jurisdictions = new Map<string, JurisdictionRow>();
  for (const j of db.prepare(`SELECT code, name, parent_code, eea_member, gdpr_adequacy FROM coop_jurisdiction`).all() as Array<
    Record<string, string | number | null>
  >)
    jurisdictions.set(j.code as string, {
      code: j.code as string,
      name: j.name as string,
      parent: j.parent_code as string | null,
      eeaMember: j.eea_member === 1,
      gdprAdequacy: j.gdpr_adequacy === 1,
    });

  const capabilities = new Map<number, Map<string, 'available' | 'not_available' | 'unknown'>>();
  for (const c of db.prepare(`SELECT party_id, capability, status FROM party_capability`).all() as Array<{
    party_id: number;
    capability: string;
    status: 'available' | 'not_available' | 'unknown';
  }>) {
    if (!capabilities.has(c.party_id)) capabilities.set(c.party_id, new Map());
    capabilities.get(c.party_id)!.set(c.capability, c.status);
  }
  const parties = new Map<number, PartyRow[]>();
  for (const p of db.prepare(`SELECT * FROM instrument_party ORDER BY valid_from`).all() as Array<Record<string, string | number | null>>) {
    const list = parties.get(p.instrument_id as number) ?? [];
    list.push({
      partyId: p.party_id as number,
      authority: byId.get(p.authority_id as number)!,
      role: p.role as string,
      tier: p.tier as string | null,
      canRequest: bool(p.can_request as number | null),
      canReceive: bool(p.can_receive as number | null),
      validFrom: p.valid_from as string,
      validTo: p.valid_to as string | null,
      status: p.status as PartyRow['status'],
      sourceUrl: p.source_url as string | null,
      asOf: p.as_of as string | null,
      notes: p.notes as string | null,
      capabilities: capabilities.get(p.party_id as number) ?? new Map(),
    });
    parties.set(p.instrument_id as number, list);
  }
  const rules = new Map<number, RuleRow[]>();
  for (const r of db.prepare(`SELECT * FROM instrument_rule`).all() as Array<Record<string, string | number | null>>) {
    const list = rules.get(r.instrument_id as number) ?? [];
    list.push({
      kind: r.rule_kind as RuleRow['kind'],
      item: r.item as string,
      qualifier: r.qualifier as string,
      requiredCapability: r.required_capability as string | null,
      text: r.text as string | null,
      provisionKey: r.provision_key as string | null,
    });
    rules.set(r.instrument_id as number, list);
  }
  const instruments = (db.prepare(`SELECT * FROM instrument ORDER BY code`).all() as Array<Record<string, string | number | null>>).map(
    (i): InstrumentRow => ({
      id: i.instrument_id as number,
      code: i.code as string,
      title: i.title as string,
      form: i.form as string,
      function: i.function as string,
      effectiveDate: i.effective_date as string | null,
      terminatedDate: i.terminated_date as string | null,
      allowsNonRegulators: i.allows_non_regulators === 1,
      parties: parties.get(i.instrument_id as number) ?? [],
      rules: rules.get(i.instrument_id as number) ?? [],
    }),
  );
  const overlays = (db.prepare(`SELECT * FROM domestic_overlay`).all() as Array<Record<string, string | number | null>>).map(
    (o): OverlayRow => ({
      home: byId.get(o.home_authority_id as number)!,
      code: o.code as string,
      category: o.applies_to_category as string | null,
      personalData: bool(o.applies_if_personal_data as number | null),
      effect: o.effect as OverlayRow['effect'],
      text: o.text as string,
      legalRef: o.legal_ref as string | null,
      validFrom: o.valid_from as string,
      validTo: o.valid_to as string | null,
    }),
  );
  const consents = listConsents(db).reverse();
  return {
    sha256: load?.sha256 ?? 'none',
    authorities,
    jurisdictions,
    instruments,
    overlays,
    consents,
    advice: load ? (JSON.parse(load.advice_json) as AdviceRule[]) : [],
  };
}
