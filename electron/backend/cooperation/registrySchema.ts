import { z } from 'zod';
import { capabilities, dataCategories, purposes, recipientClasses, refusalGrounds, subjects } from '../../../shared/contract/cooperation';

/**
 * The MoU registry file (resources/cooperation/registry.json, or one delivered by a feed).
 * Every object is strict: an unknown key is an error, never silently dropped, because a
 * misspelt field in a legal registry would otherwise change an answer without anyone noticing.
 * Cross-references (authorities, provisions, overlapping validity) are checked by the loader.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);
const url = z.string().url().max(500);
/** Statuses of a party row: a verified fact, a status nobody verified (never allows), or a test value. */
const partyStatus = z.enum(['verified', 'unknown', 'synthetic']);

const jurisdictionSchema = z
  .object({
    code: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{2,5})?$/, 'an ISO 3166 code such as US, CA-ON or AE-DIFC'),
    name: text(120),
    kind: z.enum(['country', 'supranational', 'subdivision', 'financial_free_zone', 'territory']),
    parent: z.string().optional(),
    euMember: z.boolean().default(false),
    eeaMember: z.boolean().default(false),
    /**
     * Informational: an EU adequacy decision (GDPR Art 45) exists for some recipients in this jurisdiction. The engine never
     * relies on it, because a decision's scope may leave public authorities out (Implementing Decision (EU) 2019/419 covers
     * only Japan's private business operators): it relies on an adequacy instrument (form statutory_gateway, function
     * personal_data) whose parties are the authorities the decision covers.
     */
    gdprAdequacy: z.boolean().default(false),
  })
  .strict();

const authoritySchema = z
  .object({
    short: text(40),
    name: text(200),
    jurisdiction: z.string(),
    type: z.enum([
      'securities',
      'derivatives',
      'integrated',
      'prudential',
      'central_bank',
      'virtual_asset',
      'esa',
      'fiu',
      'criminal',
      'other',
    ]),
    isRegulator: z.boolean(),
    ioscoMembership: z.enum(['ordinary', 'associate', 'affiliate', 'none', 'unknown']).default('unknown'),
    eeaSupervisor: z.boolean().default(false),
    notes: text(1000).optional(),
    sourceUrl: url.optional(),
    asOf: isoDate.optional(),
    synthetic: z.boolean().default(false),
  })
  .strict();

const partySchema = z
  .object({
    authority: text(40),
    role: z.enum(['signatory', 'committed', 'member', 'chair', 'observer']),
    tier: z.string().max(10).optional(),
    /** Absent: not known. */
    canRequest: z.boolean().optional(),
    canReceive: z.boolean().optional(),
    /** 0001-01-01 for a status of unknown start: an unknown status then covers every date. */
    validFrom: isoDate,
    validTo: isoDate.optional(),
    status: partyStatus,
    sourceUrl: url.optional(),
    asOf: isoDate.optional(),
    notes: text(1000).optional(),
    capabilities: z.partialRecord(z.enum(capabilities), z.enum(['available', 'not_available', 'unknown'])).optional(),
  })
  .strict()
  .refine((p) => p.validTo === undefined || p.validTo > p.validFrom, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .refine((p) => p.status !== 'verified' || p.sourceUrl !== undefined, {
    message: 'a verified status needs its sourceUrl',
    path: ['sourceUrl'],
  });

const provisionSchema = z
  .object({
    key: z.string().regex(/^[A-Z0-9_]+(\.[A-Z0-9_]+)+$/, 'a semantic key such as MMOU.PERMISSIBLE_USE'),
    displayRef: text(40).optional(),
    kind: z.enum([
      'definition',
      'scope',
      'request_content',
      'execution',
      'permitted_use',
      'consent',
      'confidentiality',
      'onward_sharing',
      'refusal',
      'notification',
      'onsite',
      'unsolicited',
      'termination',
      'data_protection',
    ]),
    summary: text(2000),
    verifiedBy: text(120).optional(),
    verifiedAt: isoDate.optional(),
  })
  .strict()
  .refine((p) => p.displayRef === undefined || (p.verifiedBy !== undefined && p.verifiedAt !== undefined), {
    message: 'a paragraph reference is shown only once verified: give verifiedBy and verifiedAt',
    path: ['displayRef'],
  });

const ruleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subject'), item: z.enum(subjects), qualifier: z.literal('').default(''), provision: z.string() }).strict(),
  z
    .object({
      kind: z.literal('category'),
      item: z.enum(dataCategories),
      qualifier: z.enum(['share_from_files', 'obtain_compelled']),
      requiredCapability: z.enum(capabilities).optional(),
      /** In scope only subject to a human's review, and why (e.g. records the instrument has no power for). */
      review: text(1000).optional(),
      provision: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('permitted_use'),
      item: z.enum(purposes),
      qualifier: z.enum(['allowed', 'consent_required', 'prohibited']),
      provision: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('onward_sharing'),
      item: z.enum(recipientClasses),
      qualifier: z.enum(['allowed', 'notify_then_allowed', 'consent_required', 'prohibited']),
      provision: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('refusal_ground'),
      item: z.enum(refusalGrounds),
      qualifier: z.literal('').default(''),
      provision: z.string(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('condition'),
      item: z.string().regex(/^[a-z_]+$/),
      qualifier: z.literal('').default(''),
      text: text(2000),
      provision: z.string(),
    })
    .strict(),
]);

const instrumentSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9_]+$/, 'an upper-case code such as IOSCO_MMOU'),
    title: text(300),
    form: z.enum(['multilateral', 'bilateral', 'college', 'statutory_gateway', 'admin_arrangement']),
    function: z.enum(['enforcement', 'supervisory', 'fintech', 'crisis', 'personal_data', 'aml', 'technical_assistance']),
    administeringBody: text(60).optional(),
    /** null: not verified. */
    legallyBinding: z.boolean().nullable(),
    adoptedDate: isoDate.optional(),
    effectiveDate: isoDate.optional(),
    terminatedDate: isoDate.optional(),
    allowsNonRegulators: z.boolean().default(false),
    notes: text(2000).optional(),
    sourceUrl: url.optional(),
    asOf: isoDate.optional(),
    synthetic: z.boolean().default(false),
    provisions: z.array(provisionSchema).max(200),
    rules: z.array(ruleSchema).max(1000),
    parties: z.array(partySchema).max(500),
  })
  .strict();

const overlaySchema = z
  .object({
    home: text(40),
    code: z.string().regex(/^[a-z0-9_]+$/),
    appliesToCategory: z.enum(dataCategories).optional(),
    appliesIfPersonalData: z.boolean().optional(),
    effect: z.enum(['condition', 'deny', 'review']),
    text: text(2000),
    legalRef: text(200).optional(),
    validFrom: isoDate,
    validTo: isoDate.optional(),
    sourceUrl: url.optional(),
  })
  .strict();

const adviceSchema = z
  .object({
    when: z
      .object({
        category: z.enum(dataCategories).optional(),
        outcome: z.enum(['NO_BASIS', 'NEEDS_REVIEW', 'DENY', 'CONSENT_REQUIRED']).optional(),
        /** The home authority is a party to this instrument (on the date). */
        homeParty: z.string().optional(),
        /** The recipient is a party to this instrument (on the date). */
        recipientParty: z.string().optional(),
        recipientOutsideEea: z.boolean().optional(),
        purposeFunction: z.enum(['enforcement', 'supervisory']).optional(),
        /** Both authorities are of the same country (their jurisdictions share a root). */
        sameCountry: z.boolean().optional(),
      })
      .strict(),
    text: text(2000),
  })
  .strict();

export const registryFileSchema = z
  .object({
    format: z.literal('concordat-mou-registry'),
    formatVersion: z.literal(1),
    asOf: isoDate,
    note: text(2000).optional(),
    jurisdictions: z.array(jurisdictionSchema).min(1).max(400),
    authorities: z.array(authoritySchema).min(1).max(2000),
    instruments: z.array(instrumentSchema).max(500),
    overlays: z.array(overlaySchema).max(500).default([]),
    advice: z.array(adviceSchema).max(200).default([]),
  })
  .strict();
export type RegistryFile = z.output<typeof registryFileSchema>;
