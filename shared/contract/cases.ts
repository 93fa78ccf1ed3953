import { z } from 'zod';
import { isCalendarDate } from './calendarDate';
import { hasUnsafeCharacters } from './textSafety';
import { dataCategories, mayShareInput, type ShareDecision } from './cooperation';
import { dimensionFilterSchema, dimensions, drillSortSchema, type ExposureMetrics } from './exposure';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';
import { columnStateSchema } from './views';

/**
 * Case files: the investigation workspace (issue 12). A case has a header, subjects, items
 * (pinned drill views, pinned trades, MoU decisions, requests, findings, evidence files, notes),
 * tasks, and a per-case audit chain that every change appends to.
 */

export const caseStatuses = ['open', 'suspended', 'closed', 'archived'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

/** FIRST Traffic Light Protocol 2.0. A machine tag beside the MoU legend, never instead of it. */
export const tlpLevels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof tlpLevels)[number];

export const subjectKinds = ['legal_entity', 'natural_person', 'wallet', 'venue', 'protocol'] as const;
export type SubjectKind = (typeof subjectKinds)[number];
export const subjectRoles = ['subject', 'counterparty', 'venue', 'other'] as const;
export type SubjectRole = (typeof subjectRoles)[number];

export const itemKinds = ['view', 'trades', 'decision', 'request', 'finding', 'evidence', 'note'] as const;
export type ItemKind = (typeof itemKinds)[number];

/** Admiralty code: source reliability A (completely reliable) … F (cannot be judged). */
export const sourceReliabilities = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Admiralty code: information credibility 1 (confirmed) … 6 (cannot be judged). */
export const informationCredibilities = ['1', '2', '3', '4', '5', '6'] as const;
export const gradeSchema = z.string().regex(/^[A-F][1-6]$/, 'a grade such as B2: source reliability A–F, then information credibility 1–6');

export const itemOrigins = ['own_collection', 'received_foreign', 'received_domestic', 'public'] as const;
export type ItemOrigin = (typeof itemOrigins)[number];

export const taskStatuses = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const caseNumberSchema = z.string().regex(/^CASE-\d{4}-\d{4,}$/, 'a case number such as CASE-2026-0001');

/** Free text from a user: no control characters but tab/newline, no bidirectional overrides (they disguise text). */
const text = (max: number, what: string) =>
  z
    .string()
    .max(max, `${what} has at most ${max.toLocaleString('en-US')} characters`)
    .refine((s) => !hasUnsafeCharacters(s, { multiline: true }), `${what} contains control or bidirectional-override characters`);
const line = (max: number, what: string) =>
  text(max, what)
    .refine((s) => !/[\r\n]/.test(s), `${what} is one line`)
    .transform((s) => s.trim());
const requiredLine = (max: number, what: string) => line(max, what).refine((s) => s.length > 0, `${what} is required`);

/** A date or a moment: YYYY-MM-DD, or YYYY-MM-DDThh:mm[:ss]Z / ±hh:mm (the time zone is always kept). */
export const eventDateSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?$/,
    'a date YYYY-MM-DD, or a date and time with its zone (2026-06-30T14:05Z)',
  )
  .refine((s) => isCalendarDate(s.slice(0, 10)), 'a date that exists');
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(isCalendarDate, 'a date that exists');
const tags = z.array(requiredLine(40, 'A tag')).max(30, 'at most 30 tags');
const authorityShort = z.string().trim().min(1).max(40);
const version = z.number().int().min(1);
const itemId = z.number().int().positive();

// ------------------------------------------------------------------------------------------------
// Outputs
// ------------------------------------------------------------------------------------------------

export interface CaseHeader {
  caseNumber: string;
  title: string;
  summary: string;
  status: CaseStatus;
  closingNote: string | null;
  leadInvestigator: string | null;
  owningAuthority: string | null;
  openedAt: string;
  closedAt: string | null;
  classification: Tlp;
  handlingCaveat: string | null;
  tags: string[];
  /** Optimistic-lock version: an update names the version it edits. */
  version: number;
  updatedAt: string;
  /** Made from a bundle another authority sent: read-only, its provenance shown with it. */
  received: boolean;
}

export interface CaseSummary extends CaseHeader {
  itemCount: number;
  subjectCount: number;
  openTasks: number;
  overdueTasks: number;
}

export interface ResolvedEntity {
  snapshotId: number;
  legalName: string | null;
  jurisdiction: string | null;
  parentLei: string | null;
  parentName: string | null;
  ultimateParentLei: string | null;
  ultimateParentName: string | null;
  registrationStatus: string | null;
}

export interface CaseSubject {
  subjectId: number;
  kind: SubjectKind;
  role: SubjectRole;
  name: string;
  lei: string | null;
  /** The LEI as the snapshot's entity data knew it when added (null: not found there). */
  resolved: ResolvedEntity | null;
  country: string | null;
  identifier: string | null;
  chain: string | null;
  address: string | null;
  notes: string | null;
  withdrawn: { at: string; reason: string } | null;
  version: number;
}

export interface PinnedViewPayload {
  view: {
    snapshotId: number;
    path: string[];
    at: Array<string | null>;
    filters: Array<{ dimension: string; value: string | null }>;
    sort: { by: string; direction: 'asc' | 'desc' };
    columns: string[];
    limit: number;
  };
  snapshot: { snapshotId: number; sourceName: string; regime: string; asOfDate: string; version: number; contentSha256: string };
  labels: string[];
  rows: Array<{ key: string | null; label: string; metrics: Partial<ExposureMetrics> }>;
  totals: Partial<ExposureMetrics>;
  rowCount: number;
  /** SHA-256 of the RFC 8785 canonical JSON of {rows, totals}. */
  rowsSha256: string;
}

export interface PinnedTradesPayload {
  snapshotId: number;
  snapshotSha256: string;
  trades: Array<Record<string, string | number | null>>;
  /** UTIs asked for that the snapshot does not have. */
  missing: string[];
}

export interface EvidencePayload {
  sha256: string;
  originalName: string;
  size: number;
  mediaType: string;
  receivedFrom: string | null;
  receivedOn: string | null;
  /** Set once the file was purged (its bytes gone, its hash kept). */
  purged: { at: string; reason: string } | null;
}

export interface CaseItem {
  itemId: number;
  caseNumber: string;
  kind: ItemKind;
  title: string;
  eventDate: string | null;
  tags: string[];
  grade: string | null;
  /** The information category (MoU vocabulary) and where the information came from: what a bundle's redaction decides on. */
  category: (typeof dataCategories)[number];
  origin: ItemOrigin;
  originAuthority: string | null;
  originInstrument: string | null;
  status: 'active' | 'withdrawn';
  withdrawn: { at: string; reason: string } | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  version: number;
  /** Per kind: view, trades, decision ({decision}), request ({requestId, …}), finding, evidence, note ({markdown}). */
  payload:
    | { kind: 'view'; view: PinnedViewPayload }
    | { kind: 'trades'; trades: PinnedTradesPayload }
    | { kind: 'decision'; decision: ShareDecision }
    | { kind: 'request'; requestId: number; ourRef: string | null; direction: string; summary: string }
    | {
        kind: 'finding';
        snapshotId: number;
        file: string;
        line: number | null;
        location: string | null;
        ruleId: string;
        severity: string;
        message: string;
      }
    | { kind: 'evidence'; evidence: EvidencePayload }
    | { kind: 'note'; markdown: string };
}

export interface ItemsPage {
  rows: CaseItem[];
  total: number;
}

export interface CaseTask {
  taskId: number;
  text: string;
  assignee: string | null;
  dueDate: string | null;
  status: TaskStatus;
  overdue: boolean;
  linkedItems: number[];
  version: number;
  updatedAt: string;
}

export interface CaseDetail {
  header: CaseHeader;
  subjects: CaseSubject[];
  tasks: CaseTask[];
  itemCounts: Record<ItemKind, number>;
  withdrawnItems: number;
  audit: { entries: number; headHash: string | null; lastSignature: ChainSignature | null };
}

export interface TimelineEntry {
  at: string;
  /** 'item' (its event date), 'audit' (a change recorded), 'task' (a due date), 'request' (a request event). */
  source: 'item' | 'audit' | 'task' | 'request';
  kind: string;
  title: string;
  itemId: number | null;
}

export interface SearchHit {
  caseNumber: string;
  caseTitle: string;
  objectType: 'case' | 'item' | 'subject' | 'task';
  objectId: number | null;
  title: string;
  /** The matching text with the match between «…» marks. */
  snippet: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  workstationKeyId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  change: unknown;
  prevHash: string;
  hash: string;
}

export interface ChainSignature {
  seq: number;
  headHash: string;
  keyId: string;
  fingerprint: string;
  signature: string;
  signedAt: string;
  reason: string;
  /** Checked against the workstation's public key when read. */
  valid: boolean;
}

export interface ChainCheck {
  caseNumber: string;
  entries: number;
  ok: boolean;
  /** The first entry that does not hold, and what differs. */
  firstBroken: { seq: number; problem: string } | null;
  signatures: { checked: number; invalid: number };
}

export interface VerifyResult {
  ok: boolean;
  cases: ChainCheck[];
}

export interface RecheckResult {
  itemId: number;
  outcome: 'reproduced' | 'changed';
  pinnedSha256: string;
  currentSha256: string;
  differences: string[];
}

export interface EvidencePreview {
  kind: 'text' | 'image' | 'pdf' | 'none';
  mediaType: string;
  /** Text (and CSV): the first part of the file as text, shown as text only. */
  text?: string;
  truncated?: boolean;
  /** Images: a data: URL. */
  dataUrl?: string;
  /** Why there is no preview. */
  reason?: string;
}

// ------------------------------------------------------------------------------------------------
// Inputs
// ------------------------------------------------------------------------------------------------

const itemCommon = {
  title: requiredLine(300, 'The title').optional(),
  eventDate: eventDateSchema.optional(),
  tags: tags.optional(),
  grade: gradeSchema.optional(),
  category: z.enum(dataCategories).optional(),
  origin: z.enum(itemOrigins).optional(),
  originAuthority: authorityShort.optional(),
  originInstrument: z.string().trim().min(1).max(60).optional(),
};

export const caseCreateInput = z
  .object({
    title: requiredLine(300, 'The title'),
    summary: text(20_000, 'The summary').default(''),
    classification: z.enum(tlpLevels).default('AMBER'),
    handlingCaveat: line(500, 'The handling caveat').optional(),
    leadInvestigator: line(120, 'The lead investigator').optional(),
    owningAuthority: authorityShort.optional(),
    tags: tags.default([]),
    /** The day the case opens (default today): the number is per year of it. */
    openedOn: isoDay.optional(),
  })
  .strict();

export const caseUpdateInput = z
  .object({
    caseNumber: caseNumberSchema,
    version,
    title: requiredLine(300, 'The title').optional(),
    summary: text(20_000, 'The summary').optional(),
    status: z.enum(caseStatuses).optional(),
    closingNote: text(20_000, 'The closing note').optional(),
    classification: z.enum(tlpLevels).optional(),
    handlingCaveat: line(500, 'The handling caveat').nullable().optional(),
    leadInvestigator: line(120, 'The lead investigator').nullable().optional(),
    owningAuthority: authorityShort.nullable().optional(),
    tags: tags.optional(),
  })
  .strict();

export const subjectInput = z
  .object({
    kind: z.enum(subjectKinds),
    role: z.enum(subjectRoles).default('subject'),
    name: line(300, 'The name').optional(),
    lei: z.string().trim().toUpperCase().optional(),
    /** The snapshot whose entity data resolve the LEI (default: the latest). */
    snapshotId: snapshotIdSchema.optional(),
    country: z.string().trim().toUpperCase().optional(),
    identifier: line(120, 'The identifier').optional(),
    chain: z.string().trim().toLowerCase().max(40).optional(),
    address: z.string().trim().max(200).optional(),
    notes: text(5_000, 'The notes').optional(),
  })
  .strict();
export type SubjectInput = z.input<typeof subjectInput>;

const viewDefinition = z
  .object({
    snapshotId: snapshotIdSchema,
    path: z.array(z.enum(dimensions)).min(1).max(dimensions.length),
    at: z
      .array(z.string().max(120).nullable())
      .max(dimensions.length - 1)
      .default([]),
    filters: z.array(dimensionFilterSchema).max(dimensions.length).default([]),
    sort: drillSortSchema.default({ by: 'grossNotionalUsd', direction: 'desc' }),
    columns: z
      .array(z.union([z.string().max(80), columnStateSchema.transform((c) => c.colId)]))
      .max(80)
      .default([]),
    limit: z.number().int().min(1).max(10_000).default(2000),
  })
  .strict()
  .refine((v) => v.at.length < v.path.length, { message: 'at must choose fewer keys than the path has levels', path: ['at'] });

const utiList = z.array(z.string().trim().min(1).max(52)).min(1).max(10_000);

export const evidenceSource = z.union([
  z.object({ uploadId: z.string().regex(/^[0-9a-f-]{36}$/, 'an upload id') }).strict(),
  z.object({ path: z.string().min(1).max(4096) }).strict(),
]);

export const casesMethods = {
  'cases.list': method<CaseSummary[]>()(
    z.object({ status: z.enum(caseStatuses).optional(), includeArchived: z.boolean().default(false) }).strict(),
  ),
  'cases.get': method<CaseDetail>()(z.object({ caseNumber: caseNumberSchema }).strict()),
  'cases.create': method<CaseHeader>()(caseCreateInput),
  'cases.update': method<CaseHeader>()(caseUpdateInput),
  'cases.items': method<ItemsPage>()(
    z
      .object({
        caseNumber: caseNumberSchema,
        kind: z.enum(itemKinds).optional(),
        includeWithdrawn: z.boolean().default(false),
        startRow: z.number().int().min(0).default(0),
        endRow: z.number().int().min(1).default(100),
      })
      .strict()
      .refine((q) => q.endRow > q.startRow && q.endRow - q.startRow <= 1000, 'a block of 1 to 1,000 items'),
  ),
  'cases.item': method<CaseItem>()(z.object({ itemId }).strict()),
  'cases.addSubject': method<CaseSubject>()(z.object({ caseNumber: caseNumberSchema, subject: subjectInput }).strict()),
  'cases.withdrawSubject': method<CaseSubject>()(
    z.object({ subjectId: z.number().int().positive(), version, reason: requiredLine(500, 'The reason') }).strict(),
  ),
  'cases.pinView': method<CaseItem>()(z.object({ caseNumber: caseNumberSchema, view: viewDefinition, ...itemCommon }).strict()),
  'cases.pinTrades': method<CaseItem>()(
    z.object({ caseNumber: caseNumberSchema, snapshotId: snapshotIdSchema, utis: utiList, ...itemCommon }).strict(),
  ),
  'cases.pinDecision': method<CaseItem>()(z.object({ caseNumber: caseNumberSchema, query: mayShareInput, ...itemCommon }).strict()),
  'cases.linkRequest': method<CaseItem>()(
    z.object({ caseNumber: caseNumberSchema, requestId: z.number().int().positive(), ...itemCommon }).strict(),
  ),
  'cases.pinFinding': method<CaseItem>()(
    z
      .object({
        caseNumber: caseNumberSchema,
        snapshotId: snapshotIdSchema,
        file: z.string().max(255),
        line: z.number().int().min(1).nullable(),
        location: z.string().max(2000).nullable().optional(),
        ruleId: z.string().max(64),
        ...itemCommon,
      })
      .strict(),
  ),
  'cases.attach': method<CaseItem>()(
    z
      .object({
        caseNumber: caseNumberSchema,
        source: evidenceSource,
        /** The file's name as received (a bare name: no folders). */
        originalName: z.string().max(255).optional(),
        receivedFrom: line(200, 'Received from').optional(),
        receivedOn: isoDay.optional(),
        ...itemCommon,
      })
      .strict(),
  ),
  'cases.addNote': method<CaseItem>()(
    z.object({ caseNumber: caseNumberSchema, markdown: text(1_000_000, 'A note'), ...itemCommon }).strict(),
  ),
  'cases.updateItem': method<CaseItem>()(
    z
      .object({
        itemId,
        version,
        title: requiredLine(300, 'The title').optional(),
        eventDate: eventDateSchema.nullable().optional(),
        tags: tags.optional(),
        grade: gradeSchema.nullable().optional(),
        markdown: text(1_000_000, 'A note').optional(),
        category: z.enum(dataCategories).optional(),
        origin: z.enum(itemOrigins).optional(),
        originAuthority: authorityShort.nullable().optional(),
        originInstrument: z.string().trim().min(1).max(60).nullable().optional(),
      })
      .strict(),
  ),
  'cases.withdrawItem': method<CaseItem>()(z.object({ itemId, version, reason: requiredLine(500, 'The reason') }).strict()),
  'cases.purgeEvidence': method<CaseItem>()(z.object({ itemId, version, reason: requiredLine(500, 'The reason') }).strict()),
  'cases.recheck': method<RecheckResult>()(z.object({ itemId }).strict()),
  'cases.evidencePreview': method<EvidencePreview>()(z.object({ itemId }).strict()),
  'cases.addTask': method<CaseTask>()(
    z
      .object({
        caseNumber: caseNumberSchema,
        text: requiredLine(1000, 'The task'),
        assignee: line(120, 'The assignee').optional(),
        dueDate: isoDay.optional(),
        linkedItems: z.array(itemId).max(100).default([]),
      })
      .strict(),
  ),
  'cases.updateTask': method<CaseTask>()(
    z
      .object({
        taskId: z.number().int().positive(),
        version,
        text: requiredLine(1000, 'The task').optional(),
        assignee: line(120, 'The assignee').nullable().optional(),
        dueDate: isoDay.nullable().optional(),
        status: z.enum(taskStatuses).optional(),
        linkedItems: z.array(itemId).max(100).optional(),
      })
      .strict(),
  ),
  'cases.timeline': method<TimelineEntry[]>()(z.object({ caseNumber: caseNumberSchema }).strict()),
  'cases.search': method<SearchHit[]>()(
    z
      .object({
        text: z.string().trim().min(1).max(200),
        caseNumber: caseNumberSchema.optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
  ),
  'cases.audit': method<{ rows: AuditEntry[]; total: number }>()(
    z
      .object({ caseNumber: caseNumberSchema, startRow: z.number().int().min(0).default(0), endRow: z.number().int().min(1).default(100) })
      .strict(),
  ),
  'cases.verify': method<VerifyResult>()(z.object({ caseNumber: caseNumberSchema.optional() }).strict()),
  'cases.signHead': method<ChainSignature>()(
    z.object({ caseNumber: caseNumberSchema, reason: line(200, 'The reason').default('on demand') }).strict(),
  ),
  'cases.report': method<{ fileName: string; html: string }>()(z.object({ caseNumber: caseNumberSchema }).strict()),
};
