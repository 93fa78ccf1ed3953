import { z } from 'zod';
import { method } from './method';

/**
 * Cross-border cooperation: the MoU registry, the share-permission engine and requests for
 * assistance (handbook domain-cooperation.md). Vocabularies are the handbook's keys.
 */

export const dataCategories = [
  'transaction_records',
  'beneficial_ownership',
  'account_holder_identity',
  'bank_records',
  'brokerage_records',
  'onchain_wallet_attribution',
  'statement_transcript',
  'audit_workpapers',
  'isp_subscriber_records',
  'telephone_records',
  'asset_freeze_info',
  'supervisory_returns',
  'inspection_findings',
  'fitness_propriety',
  'ccp_risk_data',
  'travel_rule_data',
  'public_info',
] as const;
export type DataCategory = (typeof dataCategories)[number];

export const purposes = [
  'stated_in_request',
  'civil_admin_enforcement',
  'sro_surveillance',
  'criminal_prosecution_assist',
  'supervision',
  'recognition_monitoring',
  'licensing',
  'fintech_referral',
  'tax',
  'policy',
  'private_litigation',
] as const;
export type Purpose = (typeof purposes)[number];

export const subjects = [
  'market_manipulation',
  'insider_dealing',
  'fraud',
  'investor_funds',
  'offer_sale',
  'intermediaries',
  'markets_clearing',
  'ccp_recognition',
  'casp_supervision',
  'fintech_referral',
  'aml',
] as const;
export type Subject = (typeof subjects)[number];

export const recipientClasses = [
  'originating_authority',
  'same_instrument_party',
  'domestic_regulator',
  'domestic_criminal',
  'foreign_regulator',
  'eu_supervisor',
  'court_compelled',
  'sro',
  'private_party',
] as const;
export type RecipientClass = (typeof recipientClasses)[number];

export const refusalGrounds = [
  'violates_domestic_law',
  'same_facts_criminal_proceeding',
  'final_sanction_same_charges',
  'not_per_instrument',
  'public_or_national_interest',
  'adverse_own_investigation',
  'state_security',
  'proceedings_pending_same_persons',
  'final_judgment',
] as const;
export type RefusalGround = (typeof refusalGrounds)[number];

export const capabilities = [
  'files',
  'compel_documents',
  'statement',
  'testimony_compelled_attendance',
  'audit_workpapers',
  'asset_freeze',
  'isp_records',
  'telephone_records',
  'onsite_inspection',
  'bank_records',
  'beneficial_ownership',
] as const;
export type Capability = (typeof capabilities)[number];

/** Best first: the engine returns the best outcome over its candidate bases. */
export const outcomes = ['ALLOW', 'ALLOW_WITH_CONDITIONS', 'CONSENT_REQUIRED', 'NEEDS_REVIEW', 'NO_BASIS', 'DENY'] as const;
export type Outcome = (typeof outcomes)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** An authority by its short name (CFTC, SCB, AMF-FR, …). */
const authorityName = z.string().trim().min(1).max(40);

/** Where the data to be shared came from: data received from a foreign authority stays under its control. */
export const provenanceSchema = z
  .object({
    origin: z.enum(['own_collection', 'received_foreign', 'received_domestic', 'public']),
    /** The authority it came from (received_foreign / received_domestic). */
    originAuthority: authorityName.optional(),
    /** The instrument it came under (its onward-sharing rule binds every later disclosure). */
    originInstrument: z.string().trim().min(1).max(60).optional(),
  })
  .strict()
  .refine((p) => p.origin !== 'received_foreign' || p.originAuthority !== undefined, {
    message: 'data received from a foreign authority needs the authority it came from',
    path: ['originAuthority'],
  });
export type Provenance = z.infer<typeof provenanceSchema>;

export const mayShareInput = z
  .object({
    /** Our authority (the one that would send). */
    home: authorityName,
    recipient: authorityName,
    category: z.enum(dataCategories),
    /** What the data is about (an entity name, LEI or wallet), recorded in the decision. */
    entity: z.string().trim().min(1).max(200).optional(),
    purpose: z.enum(purposes),
    /** The date the sharing would happen: statuses and tiers are taken as they stand that day. */
    date: isoDate,
    /** The matter's subject; when absent the instrument's subject-matter scope is left to the reader, as a condition. */
    subject: z.enum(subjects).optional(),
    /** Share what is in our files, or obtain it with compulsory powers on the recipient's behalf. */
    mode: z.enum(['share_from_files', 'obtain_compelled']).default('share_from_files'),
    provenance: provenanceSchema.default({ origin: 'own_collection' }),
    /** The data identify natural persons (GDPR transfer rules); categories that always do are treated so anyway. */
    personalData: z.boolean().default(false),
    /** Sharing could harm one of our own investigations (a refusal ground under some instruments). */
    ownInvestigationSensitive: z.boolean().default(false),
    /** Store the decision (with inputs and trace) so a case or bundle can cite it. */
    record: z.boolean().default(false),
  })
  .strict();
export type MayShareInput = z.input<typeof mayShareInput>;
export type MayShareQuery = z.output<typeof mayShareInput>;

export type ConditionKind =
  | 'use_limitation'
  | 'confidentiality_legend'
  | 'notice_before_compelled_disclosure'
  | 'no_onward_sharing'
  | 'consent'
  | 'notify_originator'
  | 'overlay'
  | 'scope_check';

export interface ShareCondition {
  kind: ConditionKind;
  /** Plain text a lawyer can read; for the legend, the text to stamp on the export. */
  text: string;
  /** Whose consent or notice (short name), where one is needed. */
  authority?: string;
  provisionKey?: string;
}

/** A party's status on an instrument as the engine relied on it, with where it was read and when it was checked. */
export interface PartySource {
  authority: string;
  instrument: string;
  tier: string | null;
  status: 'verified' | 'unknown' | 'synthetic';
  validFrom: string;
  sourceUrl: string | null;
  asOf: string | null;
}

/** One instrument that can carry the sharing, with what it rests on. */
export interface ShareBasis {
  instrument: string;
  instrumentTitle: string;
  outcome: Outcome;
  provisionKeys: string[];
  conditions: ShareCondition[];
  /** The two parties' statuses this basis rests on, with their sources (absent in decisions stored before engine 1.1.0). */
  partySources?: PartySource[];
}

export interface TraceStep {
  step: 'recipient' | 'provenance' | 'basis' | 'candidate' | 'overlay' | 'result';
  /** What was checked and what was found, in a sentence. */
  text: string;
  /** The effect on the outcome, where it had one. */
  outcome?: Outcome;
  instrument?: string;
  provisionKey?: string;
}

export interface ShareDecision {
  outcome: Outcome;
  /** Every basis found, best first (empty when there is none). */
  bases: ShareBasis[];
  /** The conditions that travel with the export (those of the best basis, plus provenance and overlays). */
  conditions: ShareCondition[];
  /** The confidentiality legend to stamp, when sharing may go ahead. */
  legend?: string;
  /** Whose consent is missing (CONSENT_REQUIRED). */
  consentNeededFrom?: string;
  /** Advice for a human where the engine found no basis (e.g. the arrangement that would be needed). */
  advice: string[];
  trace: TraceStep[];
  engineVersion: string;
  registrySha256: string;
  /** Set when the decision was stored (record: true). */
  decisionId?: number;
}

export interface AuthoritySummary {
  authorityId: number;
  shortName: string;
  fullName: string;
  jurisdiction: string;
  jurisdictionName: string;
  authorityType: string;
  isRegulator: boolean;
  ioscoMembership: string;
  /** Per instrument code, the authority's current status there ("A", "B", "A.1", "signatory", "unknown"…). */
  memberships: Array<{
    instrument: string;
    tier: string | null;
    status: 'verified' | 'unknown' | 'synthetic';
    validFrom: string;
    validTo: string | null;
  }>;
  sourceUrl: string | null;
  asOf: string | null;
  synthetic: boolean;
}

export interface InstrumentSummary {
  instrumentId: number;
  code: string;
  title: string;
  form: string;
  function: string;
  administeringBody: string | null;
  legallyBinding: boolean | null;
  effectiveDate: string | null;
  terminatedDate: string | null;
  parties: number;
  synthetic: boolean;
}

export interface InstrumentParty {
  partyId: number;
  authority: string;
  authorityName: string;
  jurisdiction: string;
  role: string;
  tier: string | null;
  canRequest: boolean | null;
  canReceive: boolean | null;
  validFrom: string;
  validTo: string | null;
  status: 'verified' | 'unknown' | 'synthetic';
  capabilities: Array<{ capability: string; status: 'available' | 'not_available' | 'unknown' }>;
  sourceUrl: string | null;
  asOf: string | null;
  notes: string | null;
}

export interface InstrumentDetail extends InstrumentSummary {
  adoptedDate: string | null;
  notes: string | null;
  sourceUrl: string | null;
  asOf: string | null;
  parties: number;
  partyRows: InstrumentParty[];
  provisions: Array<{
    key: string;
    displayRef: string | null;
    kind: string;
    summary: string;
    verifiedBy: string | null;
    verifiedAt: string | null;
  }>;
  rules: Array<{
    kind: 'subject' | 'category' | 'permitted_use' | 'onward_sharing' | 'refusal_ground' | 'condition';
    item: string;
    qualifier: string;
    requiredCapability: string | null;
    text: string | null;
    provisionKey: string | null;
  }>;
}

export interface RegistryInfo {
  origin: string;
  sha256: string;
  asOf: string;
  loadedAt: string;
  authorities: number;
  instruments: number;
  localEdits: number;
}

export const partyEditInput = z
  .object({
    partyId: z.number().int().positive(),
    tier: z.string().trim().max(10).nullable().optional(),
    canRequest: z.boolean().nullable().optional(),
    canReceive: z.boolean().nullable().optional(),
    validFrom: isoDate.optional(),
    validTo: isoDate.nullable().optional(),
    status: z.enum(['verified', 'unknown']).optional(),
    sourceUrl: z.string().trim().max(500).nullable().optional(),
    /** Why the edit was made (required: every local edit is recorded). */
    reason: z.string().trim().min(3, 'say why the entry changed').max(500),
  })
  .strict();

export const consentInput = z
  .object({
    grantedBy: authorityName,
    grantedTo: authorityName,
    category: z.enum(dataCategories).optional(),
    purpose: z.enum(purposes),
    conditions: z.string().trim().max(2000).optional(),
    grantedAt: isoDate,
    expiresAt: isoDate.optional(),
    evidenceRef: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((c) => c.expiresAt === undefined || c.expiresAt > c.grantedAt, {
    message: 'a consent expires after it is granted',
    path: ['expiresAt'],
  });

export interface ConsentRow {
  consentId: number;
  grantedBy: string;
  grantedTo: string;
  category: string | null;
  purpose: string;
  conditions: string | null;
  grantedAt: string;
  expiresAt: string | null;
  evidenceRef: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface RegistryEdit {
  editId: number;
  editedAt: string;
  editedBy: string;
  entity: string;
  entityKey: string;
  before: unknown;
  after: unknown;
  reason: string;
}

export const cooperationMethods = {
  'cooperation.registryInfo': method<RegistryInfo>()(z.object({}).strict()),
  'cooperation.authorities': method<AuthoritySummary[]>()(z.object({}).strict()),
  'cooperation.instruments': method<InstrumentSummary[]>()(z.object({}).strict()),
  'cooperation.instrument': method<InstrumentDetail>()(z.object({ code: z.string().trim().min(1).max(60) }).strict()),
  /** May this category of data go to that authority for that purpose on that date? Fail-closed, with its reasoning. */
  'cooperation.mayShare': method<ShareDecision>()(mayShareInput),
  /** Corrects a party row locally (a tier change, a verified status); the edit is recorded. */
  'cooperation.editParty': method<InstrumentParty>()(partyEditInput),
  'cooperation.edits': method<RegistryEdit[]>()(z.object({}).strict()),
  'cooperation.consents': method<ConsentRow[]>()(z.object({}).strict()),
  'cooperation.addConsent': method<ConsentRow>()(consentInput),
};
