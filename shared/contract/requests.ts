import { z } from 'zod';
import { isCalendarDate } from './calendarDate';
import { refusalGrounds, type RefusalGround } from './cooperation';
import { method } from './method';

/**
 * Requests for assistance (handbook domain-cooperation.md §5 "The request log tracks" and the
 * `assistance_request` / `request_event` tables): outgoing and incoming, with the
 * acknowledgement deadline computed from the governing rule (shared/domain/requestDeadlines.ts).
 *
 * Authorities are named by short name (CFTC, SCB, AMF-FR…) and instruments by code; the backend
 * resolves them against the registry and says which names come close when one is unknown.
 */

export const requestDirections = ['outgoing', 'incoming'] as const;
export type RequestDirection = (typeof requestDirections)[number];

/** What is asked for (the EU forms, MMoU practice): files, compelled documents, testimony, on-site, an EMMoU ACFIT power. */
export const requestTypes = ['files', 'compelled_documents', 'testimony', 'onsite', 'acfit', 'unsolicited'] as const;
export type RequestType = (typeof requestTypes)[number];

/** EMMoU ACFIT powers (handbook §1): Audit work papers, Compel attendance, Freeze assets, ISP and Telephone records. */
export const acfitPowers = ['audit_workpapers', 'compel_attendance', 'freeze_assets', 'isp_records', 'telephone_records'] as const;
export type AcfitPower = (typeof acfitPowers)[number];

export const urgencies = ['normal', 'urgent'] as const;
export type Urgency = (typeof urgencies)[number];

export const requestStatuses = [
  'draft',
  'sent',
  'received',
  'acknowledged',
  'in_progress',
  'partially_answered',
  'answered',
  'refused',
  'withdrawn',
  'closed',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/**
 * The rules an acknowledgement deadline can come from (definitions, sources and working-day
 * arithmetic: shared/domain/requestDeadlines.ts).
 */
export const deadlineRuleKeys = ['MICA_ITS_2024_2545', 'MICA_ITS_2024_2494', 'MAR_ITS_2018_292', 'IOSCO_MMOU', 'NONE'] as const;
export type DeadlineRuleKey = (typeof deadlineRuleKeys)[number];

/**
 * Where a request stands against its acknowledgement deadline:
 * - `not_due`: waiting, more than 2 working days left;
 * - `due_soon`: waiting, due within 2 working days (due today included);
 * - `overdue`: waiting, the due date has passed;
 * - `met`: acknowledged (or first answered) on or before the due date;
 * - `late`: acknowledged after the due date, or the request ended unacknowledged after it;
 * - `not_applicable`: no fixed deadline, the clock has not started, or the request ended before it was due.
 */
export const ackStates = ['not_due', 'due_soon', 'overdue', 'met', 'late', 'not_applicable'] as const;
export type AckState = (typeof ackStates)[number];

/** What can happen to a request, in the order it happens. `created` and `updated` are recorded by the backend itself. */
export const requestEventKinds = [
  'acknowledged',
  'revised_estimate',
  'partial_response',
  'consultation',
  'consent_received',
  'refused',
  'answered',
  'withdrawn',
  'closed',
  'note',
] as const;
export type RequestEventKind = (typeof requestEventKinds)[number] | 'created' | 'updated';

export const entityKinds = ['lei', 'wallet', 'name'] as const;
export type EntityKind = (typeof entityKinds)[number];

// ------------------------------------------------------------------------------------------------
// Field schemas
// ------------------------------------------------------------------------------------------------

/** A calendar date, YYYY-MM-DD, that exists (no 30 February). */
export const requestDate = z
  .string({ error: 'a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isCalendarDate(s), 'not a calendar date');

const authorityName = (what: string) =>
  z
    .string({ error: `${what} is required (a short name such as CFTC or BaFin)` })
    .trim()
    .min(1, `${what} is required (a short name such as CFTC or BaFin)`)
    .max(40, 'an authority short name has at most 40 characters');

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} cannot be empty`)
    .max(max, `${what} has at most ${max} characters`);

const requiredText = (what: string, max: number) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} has at most ${max} characters`);

const reference = text('a reference', 60);
const requestId = z.number({ error: 'a request id' }).int().positive();

/** An entity the request is about: an LEI (ISO 17442, check digits verified by the backend), a wallet address, or a name. */
export const requestEntitySchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('lei'),
        value: z
          .string()
          .trim()
          .regex(/^[A-Z0-9]{18}[0-9]{2}$/, 'an LEI is 20 characters: 18 capital letters or digits, then 2 check digits'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('wallet'),
        value: z
          .string()
          .trim()
          .min(1, 'a wallet address cannot be empty')
          .max(120, 'a wallet address has at most 120 characters')
          .regex(/^\S+$/, 'a wallet address has no spaces'),
      })
      .strict(),
    z.object({ kind: z.literal('name'), value: text('a name', 200) }).strict(),
  ],
  { error: 'an entity is { kind: lei | wallet | name, value }' },
);
export type RequestEntity = z.infer<typeof requestEntitySchema>;

const entities = z.array(requestEntitySchema).max(200, 'at most 200 entities per request');

// The messages name what to choose, not the codes: the form offers the choices in words.
const requestType = z.enum(requestTypes, { error: 'choose the type of request from the list' });
const acfitPower = z.enum(acfitPowers, { error: 'choose the ACFIT power asked for from the list' });
const urgency = z.enum(urgencies, { error: 'urgency is normal or urgent' });
const deadlineRule = z.enum(deadlineRuleKeys, { error: 'choose the rule the acknowledgement deadline comes from' });
const instrumentCode = text('the instrument code', 60);
const provisionKey = text('the provision key', 80);

type Issue = { path: PropertyKey[]; message: string };

/** The cross-field rules every request meets, whether created or edited (`r` has the fields as they will be). */
export function requestFieldIssues(r: {
  direction?: RequestDirection;
  requestType?: RequestType;
  acfitPower?: string | null;
  urgency?: Urgency;
  urgencyReason?: string | null;
  instrument?: string | null;
  provisionKey?: string | null;
  sentAt?: string | null;
  receivedAt?: string | null;
}): Issue[] {
  const issues: Issue[] = [];
  if (r.requestType === 'acfit' && !r.acfitPower)
    issues.push({ path: ['acfitPower'], message: 'an ACFIT request names the power it asks for' });
  if (r.requestType !== undefined && r.requestType !== 'acfit' && r.acfitPower)
    issues.push({ path: ['acfitPower'], message: 'an ACFIT power goes only with an ACFIT request' });
  if (r.urgency === 'urgent' && !r.urgencyReason)
    issues.push({ path: ['urgencyReason'], message: 'an urgent request needs the reason for its urgency' });
  if (r.provisionKey && !r.instrument) issues.push({ path: ['provisionKey'], message: 'a provision key needs its instrument' });
  if (r.direction === 'incoming' && !r.receivedAt)
    issues.push({ path: ['receivedAt'], message: 'an incoming request needs the date it was received' });
  if (r.direction === 'outgoing' && r.receivedAt)
    issues.push({ path: ['receivedAt'], message: 'an outgoing request has a sent date, not a received date' });
  if (typeof r.sentAt === 'string' && typeof r.receivedAt === 'string' && r.sentAt > r.receivedAt)
    issues.push({ path: ['receivedAt'], message: 'a request cannot be received before it was sent' });
  return issues;
}

// ------------------------------------------------------------------------------------------------
// Inputs
// ------------------------------------------------------------------------------------------------

export const requestCreateInput = z
  .object({
    direction: z.enum(requestDirections, { error: 'the direction is outgoing or incoming' }),
    /** Our file reference; generated (RFA-YYYY-NNNN) when absent. */
    ourRef: reference.optional(),
    theirRef: reference.optional(),
    /** The authority we act for (the requesting one when outgoing, the requested one when incoming). */
    ourAuthority: authorityName('our authority'),
    /** The other authority (requested when outgoing, requesting when incoming). */
    counterpartAuthority: authorityName('the counterpart authority'),
    /** The legal basis: an instrument of the registry by code, and optionally one of its provisions by key. */
    instrument: instrumentCode.optional(),
    provisionKey: provisionKey.optional(),
    requestType,
    acfitPower: acfitPower.optional(),
    urgency: urgency.default('normal'),
    urgencyReason: text('the urgency reason', 1000).optional(),
    subject: requiredText('the subject', 300),
    factsSummary: text('the facts', 10_000).optional(),
    purpose: requiredText('the purpose', 2000),
    entities: entities.default([]),
    /** The rule the acknowledgement deadline comes from. */
    deadlineRule,
    /** Outgoing: when we sent it (absent: a draft). Incoming: the date on their letter, if known. */
    sentAt: requestDate.optional(),
    /** Incoming: when it reached us; the acknowledgement clock starts here. */
    receivedAt: requestDate.optional(),
    estimatedResponseAt: requestDate.optional(),
  })
  .strict()
  // Runs even when a field failed, so a form hears about every problem at once.
  .superRefine(
    (r, ctx) => {
      for (const issue of requestFieldIssues(r)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      const ours = typeof r.ourAuthority === 'string' ? r.ourAuthority.trim().toLowerCase() : undefined;
      const theirs = typeof r.counterpartAuthority === 'string' ? r.counterpartAuthority.trim().toLowerCase() : undefined;
      if (ours && ours === theirs)
        ctx.addIssue({ code: 'custom', path: ['counterpartAuthority'], message: 'the counterpart is a different authority from ours' });
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );
export type RequestCreateInput = z.input<typeof requestCreateInput>;

/**
 * Edits a request. Absent fields stay as they are; `null` clears an optional one. Status moves
 * here only from draft to sent and on to in progress: acknowledgement, answers, refusal,
 * withdrawal and closure are events (requests.addEvent), because they carry a date and reasons.
 * A response estimate can be set here only while there is none: a change is a revised estimate, with its reason.
 */
export const requestUpdateInput = z
  .object({
    requestId,
    ourRef: reference.optional(),
    theirRef: reference.nullable().optional(),
    ourAuthority: authorityName('our authority').optional(),
    counterpartAuthority: authorityName('the counterpart authority').optional(),
    instrument: instrumentCode.nullable().optional(),
    provisionKey: provisionKey.nullable().optional(),
    requestType: requestType.optional(),
    acfitPower: acfitPower.nullable().optional(),
    urgency: urgency.optional(),
    urgencyReason: text('the urgency reason', 1000).nullable().optional(),
    subject: requiredText('the subject', 300).optional(),
    factsSummary: text('the facts', 10_000).nullable().optional(),
    purpose: requiredText('the purpose', 2000).optional(),
    entities: entities.optional(),
    deadlineRule: deadlineRule.optional(),
    sentAt: requestDate.nullable().optional(),
    receivedAt: requestDate.nullable().optional(),
    estimatedResponseAt: requestDate.optional(),
    status: z
      .enum(['sent', 'in_progress'], { error: 'only sent and in_progress are set directly; the other statuses follow events' })
      .optional(),
  })
  .strict();
export type RequestUpdateInput = z.input<typeof requestUpdateInput>;

const eventBase = { requestId, at: requestDate };
const reason = (message: string) => z.string({ error: message }).trim().min(1, message).max(2000, 'a reason has at most 2000 characters');
const optionalText = z.string().trim().max(4000, 'the text has at most 4000 characters').optional();

/** One event on a request; the kinds that change the request say so. */
export const requestEventInput = z.discriminatedUnion(
  'kind',
  [
    /** Sets acknowledged_at (and status acknowledged); may carry the first response estimate. */
    z.object({ ...eventBase, kind: z.literal('acknowledged'), estimatedResponseAt: requestDate.optional(), text: optionalText }).strict(),
    /** A new response estimate (MiCA ITS 2024/2545 Art 7(2): with reasons). */
    z
      .object({
        ...eventBase,
        kind: z.literal('revised_estimate'),
        estimatedResponseAt: requestDate,
        reason: reason('a revised estimate needs a reason'),
      })
      .strict(),
    z.object({ ...eventBase, kind: z.literal('partial_response'), text: optionalText }).strict(),
    z.object({ ...eventBase, kind: z.literal('consultation'), text: reason('say what the consultation was about') }).strict(),
    z
      .object({
        ...eventBase,
        kind: z.literal('consent_received'),
        text: reason('say what the consent covers (use, onward sharing, to whom)'),
      })
      .strict(),
    z
      .object({
        ...eventBase,
        kind: z.literal('refused'),
        refusalGround: z.enum(refusalGrounds, { error: 'a refusal needs its ground: choose one from the list' }),
        reason: reason('a refusal needs its reason'),
      })
      .strict(),
    z.object({ ...eventBase, kind: z.literal('answered'), text: optionalText }).strict(),
    z.object({ ...eventBase, kind: z.literal('withdrawn'), reason: reason('a withdrawal needs its reason') }).strict(),
    z.object({ ...eventBase, kind: z.literal('closed'), text: optionalText }).strict(),
    z.object({ ...eventBase, kind: z.literal('note'), text: reason('a note cannot be empty') }).strict(),
  ],
  { error: 'choose what happened from the list of events' },
);
export type RequestEventInput = z.input<typeof requestEventInput>;

export const requestListInput = z
  .object({
    direction: z.enum(requestDirections).optional(),
    status: z.enum(requestStatuses).optional(),
    /** Only requests whose acknowledgement is overdue. */
    overdueOnly: z.boolean().default(false),
    /** The day deadlines are judged on (default: today on this machine). */
    asOf: requestDate.optional(),
  })
  .strict();

// ------------------------------------------------------------------------------------------------
// Outputs
// ------------------------------------------------------------------------------------------------

/**
 * How the working days of a deadline were counted:
 * - `holiday_calendar`: weekends and the holidays of the calendar of the authority that must act;
 * - `partly_weekends_only`: on that calendar, but part of the period lies in years the calendar
 *   does not cover, where only weekends were skipped;
 * - `weekends_only`: no holiday calendar for that authority, only weekends were skipped.
 */
export const deadlineCountBases = ['holiday_calendar', 'partly_weekends_only', 'weekends_only'] as const;
export type DeadlineCountBasis = (typeof deadlineCountBases)[number];

/** The holiday calendar a deadline was counted on (shared/domain/requestDeadlines.ts), or the fact that there was none. */
export interface DeadlineCalendar {
  basis: DeadlineCountBasis;
  /** The authority that must act (the requested one), whose calendar applies; null when not known. */
  authority: string | null;
  calendarId: string | null;
  calendarName: string | null;
  /** The official lists the calendar was taken from, and the day they were read. */
  sourceUrls: string[];
  checkedOn: string | null;
  years: { from: number; to: number } | null;
  /** Set when the calendar stands in for one that is not published (EU bodies: TARGET2 closing days). */
  standsInFor: string | null;
  /** Holidays that fell between the clock start and the due date and were skipped. */
  holidaysSkipped: Array<{ date: string; name: string }>;
  /** Years of the period the calendar does not cover (counted weekends only). */
  yearsWithoutCalendar: number[];
  /** The above in a sentence ("Counted on the … calendar, for BaFin." / "Counted without a holiday calendar for VARA: weekends only."). */
  note: string;
}

/** The acknowledgement deadline of one request, with the rule it comes from. */
export interface AckDeadline {
  rule: DeadlineRuleKey;
  ruleLabel: string;
  /** The rule's text and where it is written (handbook §5). */
  ruleText: string;
  source: string;
  sourceUrl: string | null;
  /** Working days allowed; null when the rule fixes none. */
  workingDays: number | null;
  /** Which date starts the clock, and that date (null: not yet known). */
  clockField: 'receivedAt' | 'sentAt';
  clockStart: string | null;
  ackDueAt: string | null;
  state: AckState;
  /** Working days from `asOf` to the due date (negative when overdue); null when not waiting. */
  workingDaysLeft: number | null;
  /** The state in a sentence ("acknowledged on 2026-01-15, 1 working day before it was due"). */
  note: string;
  asOf: string;
  /** The holiday calendar the working days were counted on, or that there was none. */
  calendar: DeadlineCalendar;
}

export interface RequestSummary {
  requestId: number;
  direction: RequestDirection;
  ourRef: string;
  theirRef: string | null;
  requestingAuthority: string;
  requestedAuthority: string;
  ourAuthority: string;
  counterpartAuthority: string;
  instrument: string | null;
  provisionKey: string | null;
  requestType: RequestType;
  acfitPower: AcfitPower | null;
  urgency: Urgency;
  subject: string;
  status: RequestStatus;
  deadlineRule: DeadlineRuleKey;
  sentAt: string | null;
  receivedAt: string | null;
  ackDueAt: string | null;
  ackState: AckState;
  /** How the due date was counted, for grids: the calendar's name, or weekends only (the full account is in RequestDetail.deadline). */
  ackCalendar: Pick<DeadlineCalendar, 'basis' | 'authority' | 'calendarName' | 'note'>;
  acknowledgedAt: string | null;
  estimatedResponseAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RequestEvent {
  eventId: number;
  kind: RequestEventKind;
  /** The day it happened (as recorded by the user). */
  at: string;
  /** When it was entered (UTC timestamp). */
  recordedAt: string;
  text: string | null;
  reason: string | null;
  estimatedResponseAt: string | null;
  refusalGround: RefusalGround | null;
  /** `updated` events: the fields changed, with their values before and after. */
  changes: Array<{ field: string; from: unknown; to: unknown }> | null;
}

export interface RequestDetail extends RequestSummary {
  ourAuthorityName: string;
  counterpartAuthorityName: string;
  instrumentTitle: string | null;
  urgencyReason: string | null;
  factsSummary: string | null;
  purpose: string;
  entities: RequestEntity[];
  refusalGround: RefusalGround | null;
  refusalReason: string | null;
  deadline: AckDeadline;
  /** Oldest first. */
  events: RequestEvent[];
}

export const requestsMethods = {
  /** The request log, newest first, each with its acknowledgement deadline as of `asOf` (default today). */
  'requests.list': method<RequestSummary[]>()(requestListInput),
  'requests.get': method<RequestDetail>()(z.object({ requestId, asOf: requestDate.optional() }).strict()),
  'requests.create': method<RequestDetail>()(requestCreateInput),
  'requests.update': method<RequestDetail>()(requestUpdateInput),
  /** Appends an event (events are never changed or removed) and applies what it implies to the request. */
  'requests.addEvent': method<RequestDetail>()(requestEventInput),
};
