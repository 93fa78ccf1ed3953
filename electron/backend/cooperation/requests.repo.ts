import { ContractError } from '../../../shared/contract/errors';
import type { RefusalGround } from '../../../shared/contract/cooperation';
import {
  requestFieldIssues,
  type AcfitPower,
  type DeadlineRuleKey,
  type RequestDetail,
  type RequestDirection,
  type RequestEntity,
  type RequestEvent,
  type RequestEventKind,
  type RequestStatus,
  type RequestSummary,
  type RequestType,
  type Urgency,
} from '../../../shared/contract/requests';
import type { ParsedInputOf } from '../../../shared/contract';
import { closeMatches } from '../../../shared/domain/closeMatches';
import { isValidLei, leiIssues } from '../../../shared/domain/identifiers';
import { ackCalendarSummary, ackDeadline, localToday, type HolidayCalendar } from '../../../shared/domain/requestDeadlines';
import { invalidFieldMessage } from '../../../shared/domain/fieldLabels';
import type { Db } from '../db/connection';
import { calendarForJurisdiction } from './calendars';

/**
 * The log of requests for assistance (tables assistance_request and request_event, migration
 * 0008). Authorities and instruments are named by short name / code and resolved against the
 * registry. Every change bumps updated_at and appends an event; events are never changed or
 * removed. The acknowledgement deadline is stored (ack_due_at) and its state computed on read,
 * as of the day asked (shared/domain/requestDeadlines.ts). Working days are counted on the
 * holiday calendar of the requested authority, the one that must acknowledge (calendars.ts):
 * the due date returned is always computed afresh on read, so a calendar shipped after a request
 * was stored applies to it at once; ack_due_at is refreshed on the request's next edit.
 */

type CreateInput = ParsedInputOf<'requests.create'>;
type UpdateInput = ParsedInputOf<'requests.update'>;
type EventInput = ParsedInputOf<'requests.addEvent'>;
type ListInput = ParsedInputOf<'requests.list'>;

interface RequestRow {
  request_id: number;
  direction: RequestDirection;
  our_ref: string;
  their_ref: string | null;
  requesting_authority_id: number;
  requested_authority_id: number;
  instrument_id: number | null;
  provision_key: string | null;
  request_type: RequestType;
  acfit_power: AcfitPower | null;
  urgency: Urgency;
  urgency_reason: string | null;
  subject: string;
  facts_summary: string | null;
  purpose: string;
  entities_json: string;
  deadline_rule: DeadlineRuleKey;
  status: RequestStatus;
  sent_at: string | null;
  received_at: string | null;
  ack_due_at: string | null;
  acknowledged_at: string | null;
  estimated_response_at: string | null;
  refusal_ground: RefusalGround | null;
  refusal_reason: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  requesting_short: string;
  requesting_full: string;
  requested_short: string;
  requested_full: string;
  requested_jurisdiction: string;
  instrument_code: string | null;
  instrument_title: string | null;
  first_reply_at: string | null;
  ended_at: string | null;
}

interface EventRow {
  event_id: number;
  at: string;
  kind: string;
  detail: string | null;
  recorded_at: string;
}

interface Authority {
  id: number;
  shortName: string;
  fullName: string;
  jurisdiction: string;
}

const SELECT_REQUEST = `
  SELECT r.*,
         qa.short_name AS requesting_short, qa.full_name AS requesting_full,
         da.short_name AS requested_short,  da.full_name AS requested_full, da.jurisdiction AS requested_jurisdiction,
         i.code AS instrument_code, i.title AS instrument_title,
         (SELECT MIN(e.at) FROM request_event e
           WHERE e.request_id = r.request_id AND e.kind IN ('partial_response', 'answered', 'refused')) AS first_reply_at,
         (SELECT MIN(e.at) FROM request_event e
           WHERE e.request_id = r.request_id AND e.kind IN ('withdrawn', 'closed')) AS ended_at
    FROM assistance_request r
    JOIN authority qa ON qa.authority_id = r.requesting_authority_id
    JOIN authority da ON da.authority_id = r.requested_authority_id
    LEFT JOIN instrument i ON i.instrument_id = r.instrument_id`;

/** Statuses after which the request is no longer worked on (only closure, notes, consultations and consents follow). */
const finished: ReadonlySet<RequestStatus> = new Set(['answered', 'refused', 'withdrawn', 'closed']);

const invalid = (field: string | (string | number)[], message: string, extra: Record<string, unknown> = {}) => {
  const path = (Array.isArray(field) ? field : [field]).map(String);
  return new ContractError('INVALID_INPUT', invalidFieldMessage(path, message), { ...extra, issues: [{ path, message }] });
};

// ------------------------------------------------------------------------------------------------
// Reading
// ------------------------------------------------------------------------------------------------

function summaryOf(row: RequestRow, asOf: string): { summary: RequestSummary; deadline: ReturnType<typeof ackDeadline> } {
  const deadline = ackDeadline({
    rule: row.deadline_rule,
    direction: row.direction,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    acknowledgedAt: row.acknowledged_at,
    firstReplyAt: row.first_reply_at,
    endedAt: row.ended_at ?? row.closed_at,
    asOf,
    // The requested authority must acknowledge: its calendar counts.
    calendar: calendarForJurisdiction(row.requested_jurisdiction),
    actingAuthority: row.requested_short,
  });
  const incoming = row.direction === 'incoming';
  const summary: RequestSummary = {
    requestId: row.request_id,
    direction: row.direction,
    ourRef: row.our_ref,
    theirRef: row.their_ref,
    requestingAuthority: row.requesting_short,
    requestedAuthority: row.requested_short,
    ourAuthority: incoming ? row.requested_short : row.requesting_short,
    counterpartAuthority: incoming ? row.requesting_short : row.requested_short,
    instrument: row.instrument_code,
    provisionKey: row.provision_key,
    requestType: row.request_type,
    acfitPower: row.acfit_power,
    urgency: row.urgency,
    subject: row.subject,
    status: row.status,
    deadlineRule: row.deadline_rule,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    ackDueAt: deadline.ackDueAt,
    ackState: deadline.state,
    ackCalendar: ackCalendarSummary(deadline.calendar),
    acknowledgedAt: row.acknowledged_at,
    estimatedResponseAt: row.estimated_response_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return { summary, deadline };
}

/** The request log, newest first, each with its acknowledgement state on `asOf`. */
export function listRequests(db: Db, filter: ListInput, now: Date = new Date()): RequestSummary[] {
  const asOf = filter.asOf ?? localToday(now);
  const where: string[] = [];
  const params: string[] = [];
  if (filter.direction) {
    where.push('r.direction = ?');
    params.push(filter.direction);
  }
  if (filter.status) {
    where.push('r.status = ?');
    params.push(filter.status);
  }
  const rows = db
    .prepare(`${SELECT_REQUEST} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.request_id DESC`)
    .all(...params) as RequestRow[];
  const summaries = rows.map((row) => summaryOf(row, asOf).summary);
  return filter.overdueOnly ? summaries.filter((s) => s.ackState === 'overdue') : summaries;
}

function readRow(db: Db, requestId: number): RequestRow {
  const row = db.prepare(`${SELECT_REQUEST} WHERE r.request_id = ?`).get(requestId) as RequestRow | undefined;
  if (!row) throw new ContractError('NOT_FOUND', `There is no request ${requestId}.`, { requestId });
  return row;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function eventOf(row: EventRow): RequestEvent {
  const detail = parseJson(row.detail);
  const d = detail !== null && typeof detail === 'object' ? (detail as Record<string, unknown>) : {};
  return {
    eventId: row.event_id,
    kind: row.kind as RequestEventKind,
    at: row.at,
    recordedAt: row.recorded_at,
    text: typeof detail === 'string' ? detail : str(d.text),
    reason: str(d.reason),
    estimatedResponseAt: str(d.estimatedResponseAt),
    refusalGround: str(d.refusalGround) as RefusalGround | null,
    changes: Array.isArray(d.changes) ? (d.changes as RequestEvent['changes']) : null,
  };
}

function parseEntities(row: RequestRow): RequestEntity[] {
  const value = parseJson(row.entities_json);
  if (!Array.isArray(value)) {
    throw new ContractError('INTEGRITY', `The entities of request ${row.our_ref} cannot be read from the database.`, {
      requestId: row.request_id,
    });
  }
  return value as RequestEntity[];
}

/** One request with everything recorded about it, its deadline as of `asOf` and its events, oldest first. */
export function getRequest(db: Db, requestId: number, asOf?: string, now: Date = new Date()): RequestDetail {
  const row = readRow(db, requestId);
  const { summary, deadline } = summaryOf(row, asOf ?? localToday(now));
  const events = (
    db
      .prepare(`SELECT event_id, at, kind, detail, recorded_at FROM request_event WHERE request_id = ? ORDER BY at, event_id`)
      .all(requestId) as EventRow[]
  ).map(eventOf);
  const incoming = row.direction === 'incoming';
  return {
    ...summary,
    ourAuthorityName: incoming ? row.requested_full : row.requesting_full,
    counterpartAuthorityName: incoming ? row.requesting_full : row.requested_full,
    instrumentTitle: row.instrument_title,
    urgencyReason: row.urgency_reason,
    factsSummary: row.facts_summary,
    purpose: row.purpose,
    entities: parseEntities(row),
    refusalGround: row.refusal_ground,
    refusalReason: row.refusal_reason,
    deadline,
    events,
  };
}

// ------------------------------------------------------------------------------------------------
// Resolving names
// ------------------------------------------------------------------------------------------------

/** Up to five known names close to `wanted`, by their own spelling or by their long name (a title, an authority's full name). */
function suggest(wanted: string, rows: Array<{ name: string; longName?: string | null }>): string[] {
  const byName = closeMatches(
    wanted.trim(),
    rows.map((r) => r.name),
  );
  const withLong = rows.filter((r): r is { name: string; longName: string } => !!r.longName);
  const byLongName =
    wanted.trim().length >= 3
      ? closeMatches(
          wanted.trim(),
          withLong.map((r) => r.longName),
        ).map((long) => withLong.find((r) => r.longName === long)!.name)
      : [];
  return [...new Set([...byName, ...byLongName])].slice(0, 5);
}

const didYouMean = (matches: string[]) =>
  matches.length === 0 ? '' : matches.length === 1 ? ` Did you mean ${matches[0]}?` : ` Close matches: ${matches.join(', ')}.`;

function resolveAuthority(db: Db, name: string, field: string): Authority {
  const row = db
    .prepare(
      `SELECT authority_id AS id, short_name AS shortName, full_name AS fullName, jurisdiction FROM authority WHERE short_name = ? COLLATE NOCASE`,
    )
    .get(name) as Authority | undefined;
  if (row) return row;
  const all = db.prepare(`SELECT short_name AS name, full_name AS longName FROM authority`).all() as Array<{
    name: string;
    longName: string;
  }>;
  const suggestions = suggest(name, all);
  const message =
    all.length === 0
      ? `There is no authority "${name}": no authorities are registered yet (they come with the MoU registry).`
      : `There is no authority "${name}" in the registry.${didYouMean(suggestions)}`;
  throw new ContractError('NOT_FOUND', message, { field, name, suggestions, issues: [{ path: [field], message }] });
}

function resolveInstrument(db: Db, code: string): { id: number; code: string } {
  const row = db.prepare(`SELECT instrument_id AS id, code FROM instrument WHERE code = ? COLLATE NOCASE`).get(code) as
    { id: number; code: string } | undefined;
  if (row) return row;
  const all = db.prepare(`SELECT code AS name, title AS longName FROM instrument`).all() as Array<{ name: string; longName: string }>;
  const suggestions = suggest(code, all);
  const message =
    all.length === 0
      ? `There is no instrument "${code}": no instruments are registered yet (they come with the MoU registry).`
      : `There is no instrument "${code}" in the registry.${didYouMean(suggestions)}`;
  throw new ContractError('NOT_FOUND', message, { field: 'instrument', code, suggestions, issues: [{ path: ['instrument'], message }] });
}

function resolveProvision(db: Db, instrument: { id: number; code: string }, key: string): string {
  const keys = (
    db.prepare(`SELECT key FROM provision WHERE instrument_id = ? ORDER BY key`).all(instrument.id) as Array<{ key: string }>
  ).map((r) => r.key);
  const found = keys.find((k) => k.toLowerCase() === key.toLowerCase());
  if (found) return found;
  const suggestions = suggest(
    key,
    keys.map((k) => ({ name: k })),
  );
  const message =
    keys.length === 0
      ? `The instrument ${instrument.code} has no provisions registered, so "${key}" cannot be cited.`
      : `The instrument ${instrument.code} has no provision "${key}".${didYouMean(suggestions)}`;
  throw new ContractError('NOT_FOUND', message, { field: 'provisionKey', key, suggestions, issues: [{ path: ['provisionKey'], message }] });
}

/** LEIs must pass ISO 17442's check digits (the contract checked their shape). */
function checkEntities(entities: RequestEntity[]): void {
  entities.forEach((e, i) => {
    if (e.kind === 'lei' && !isValidLei(e.value)) {
      const message = leiIssues(e.value)[0]?.message ?? `LEI ${e.value} is not valid`;
      throw invalid(['entities', i, 'value'], message);
    }
  });
}

function checkNotFuture(field: string, date: string | null | undefined, today: string, what: string): void {
  if (date && date > today) throw invalid(field, `${what} cannot be later than today (${today})`);
}

function raiseIssues(issues: Array<{ path: PropertyKey[]; message: string }>): void {
  const first = issues[0];
  if (!first) return;
  throw new ContractError('INVALID_INPUT', invalidFieldMessage(first.path, first.message), {
    issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

function nextOurRef(db: Db, year: string): string {
  const refs = db.prepare(`SELECT our_ref FROM assistance_request WHERE our_ref LIKE ?`).all(`RFA-${year}-%`) as Array<{ our_ref: string }>;
  const max = refs.reduce((m, r) => {
    const n = /^RFA-\d{4}-(\d+)$/.exec(r.our_ref)?.[1];
    return n ? Math.max(m, Number(n)) : m;
  }, 0);
  return `RFA-${year}-${String(max + 1).padStart(4, '0')}`;
}

function assertRefFree(db: Db, ourRef: string, except?: number): void {
  const other = db.prepare(`SELECT request_id FROM assistance_request WHERE our_ref = ? COLLATE NOCASE`).get(ourRef) as
    { request_id: number } | undefined;
  if (other && other.request_id !== except) {
    const message = `our reference ${ourRef} is already used by request ${other.request_id}`;
    throw new ContractError('CONFLICT', `The reference ${ourRef} is already used by request ${other.request_id}.`, {
      requestId: other.request_id,
      issues: [{ path: ['ourRef'], message }],
    });
  }
}

/** The due date to store, counted on the requested authority's calendar (`calendar`, null when it has none). */
function dueDate(
  rule: DeadlineRuleKey,
  direction: RequestDirection,
  sentAt: string | null,
  receivedAt: string | null,
  calendar: HolidayCalendar | null,
): string | null {
  return ackDeadline({ rule, direction, sentAt, receivedAt, acknowledgedAt: null, asOf: '2000-01-01', calendar }).ackDueAt;
}

function jurisdictionOf(db: Db, authorityId: number): string | null {
  const row = db.prepare(`SELECT jurisdiction FROM authority WHERE authority_id = ?`).get(authorityId) as
    { jurisdiction: string } | undefined;
  return row?.jurisdiction ?? null;
}

function appendEvent(
  db: Db,
  requestId: number,
  at: string,
  kind: RequestEventKind,
  detail: Record<string, unknown> | null,
  now: Date,
): void {
  db.prepare(`INSERT INTO request_event (request_id, at, kind, detail, recorded_at) VALUES (?, ?, ?, ?, ?)`).run(
    requestId,
    at,
    kind,
    detail === null ? null : JSON.stringify(detail),
    now.toISOString(),
  );
}

/** Records a request. Incoming ones start as received; outgoing ones as sent when a sent date is given, else as drafts. */
export function createRequest(db: Db, input: CreateInput, now: Date = new Date()): RequestDetail {
  const today = localToday(now);
  const ours = resolveAuthority(db, input.ourAuthority, 'ourAuthority');
  const counterpart = resolveAuthority(db, input.counterpartAuthority, 'counterpartAuthority');
  if (ours.id === counterpart.id) throw invalid('counterpartAuthority', 'the counterpart is a different authority from ours');
  const instrument = input.instrument === undefined ? undefined : resolveInstrument(db, input.instrument);
  const provisionKey = instrument && input.provisionKey !== undefined ? resolveProvision(db, instrument, input.provisionKey) : null;
  checkEntities(input.entities);
  checkNotFuture('sentAt', input.sentAt, today, 'the sent date');
  checkNotFuture('receivedAt', input.receivedAt, today, 'the received date');
  const clockStart = input.direction === 'incoming' ? input.receivedAt : input.sentAt;
  if (input.estimatedResponseAt && clockStart && input.estimatedResponseAt < clockStart)
    throw invalid(
      'estimatedResponseAt',
      `the estimated response date is before the request was ${input.direction === 'incoming' ? 'received' : 'sent'}`,
    );

  const outgoing = input.direction === 'outgoing';
  const status: RequestStatus = outgoing ? (input.sentAt ? 'sent' : 'draft') : 'received';
  const at = now.toISOString();
  const create = db.transaction(() => {
    const ourRef = input.ourRef ?? nextOurRef(db, today.slice(0, 4));
    assertRefFree(db, ourRef);
    const { request_id: requestId } = db
      .prepare(
        `INSERT INTO assistance_request (direction, our_ref, their_ref, requesting_authority_id, requested_authority_id,
           instrument_id, provision_key, request_type, acfit_power, urgency, urgency_reason, subject, facts_summary, purpose,
           entities_json, deadline_rule, status, sent_at, received_at, ack_due_at, estimated_response_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING request_id`,
      )
      .get(
        input.direction,
        ourRef,
        input.theirRef ?? null,
        outgoing ? ours.id : counterpart.id,
        outgoing ? counterpart.id : ours.id,
        instrument?.id ?? null,
        provisionKey,
        input.requestType,
        input.acfitPower ?? null,
        input.urgency,
        input.urgencyReason ?? null,
        input.subject,
        input.factsSummary ?? null,
        input.purpose,
        JSON.stringify(input.entities),
        input.deadlineRule,
        status,
        input.sentAt ?? null,
        input.receivedAt ?? null,
        dueDate(
          input.deadlineRule,
          input.direction,
          input.sentAt ?? null,
          input.receivedAt ?? null,
          calendarForJurisdiction((outgoing ? counterpart : ours).jurisdiction),
        ),
        input.estimatedResponseAt ?? null,
        at,
        at,
      ) as { request_id: number };
    appendEvent(db, requestId, clockStart ?? today, 'created', { text: `Recorded as ${status}.` }, now);
    return requestId;
  });
  return getRequest(db, create.immediate(), undefined, now);
}

/** Column, and how a field of the update input is stored. */
const plainFields = {
  ourRef: 'our_ref',
  theirRef: 'their_ref',
  requestType: 'request_type',
  acfitPower: 'acfit_power',
  urgency: 'urgency',
  urgencyReason: 'urgency_reason',
  subject: 'subject',
  factsSummary: 'facts_summary',
  purpose: 'purpose',
  deadlineRule: 'deadline_rule',
  sentAt: 'sent_at',
  receivedAt: 'received_at',
  estimatedResponseAt: 'estimated_response_at',
} as const satisfies Partial<Record<keyof UpdateInput, keyof RequestRow>>;

/** Edits a request's fields; status moves only from draft to sent, and on to in progress (the rest follows events). */
export function updateRequest(db: Db, input: UpdateInput, now: Date = new Date()): RequestDetail {
  const today = localToday(now);
  const apply = db.transaction(() => {
    const row = readRow(db, input.requestId);
    if (row.status === 'closed') {
      throw new ContractError('CONFLICT', `Request ${row.our_ref} is closed: it is no longer edited (add a note instead).`, {
        requestId: row.request_id,
      });
    }
    const incoming = row.direction === 'incoming';
    const set: Record<string, unknown> = {};
    const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
    const change = (field: string, column: string, from: unknown, to: unknown) => {
      if (from === to) return;
      set[column] = to;
      changes.push({ field, from, to });
    };

    // Plain fields, as they will be after the edit.
    const next = {
      direction: row.direction,
      requestType: input.requestType ?? row.request_type,
      acfitPower: input.acfitPower === undefined ? row.acfit_power : input.acfitPower,
      urgency: input.urgency ?? row.urgency,
      urgencyReason: input.urgencyReason === undefined ? row.urgency_reason : input.urgencyReason,
      instrument: input.instrument === undefined ? row.instrument_code : input.instrument,
      provisionKey: input.provisionKey === undefined ? row.provision_key : input.provisionKey,
      sentAt: input.sentAt === undefined ? row.sent_at : input.sentAt,
      receivedAt: input.receivedAt === undefined ? row.received_at : input.receivedAt,
    };
    raiseIssues(requestFieldIssues(next));
    checkNotFuture('sentAt', next.sentAt, today, 'the sent date');
    checkNotFuture('receivedAt', next.receivedAt, today, 'the received date');

    for (const [field, column] of Object.entries(plainFields) as Array<[keyof typeof plainFields, keyof RequestRow]>) {
      const value = input[field];
      if (value !== undefined) change(field, column, row[column], value);
    }
    if (input.ourRef !== undefined) assertRefFree(db, input.ourRef, row.request_id);
    if (
      input.estimatedResponseAt !== undefined &&
      row.estimated_response_at !== null &&
      input.estimatedResponseAt !== row.estimated_response_at
    ) {
      throw invalid(
        'estimatedResponseAt',
        `this request already has an estimated response date (${row.estimated_response_at}): add a revised estimate event with its reason`,
      );
    }
    if (input.entities !== undefined) {
      checkEntities(input.entities);
      change('entities', 'entities_json', row.entities_json, JSON.stringify(input.entities));
    }

    // Authorities.
    const ourAuthority = input.ourAuthority === undefined ? undefined : resolveAuthority(db, input.ourAuthority, 'ourAuthority');
    const counterpart =
      input.counterpartAuthority === undefined ? undefined : resolveAuthority(db, input.counterpartAuthority, 'counterpartAuthority');
    const ourId = ourAuthority?.id ?? (incoming ? row.requested_authority_id : row.requesting_authority_id);
    const theirId = counterpart?.id ?? (incoming ? row.requesting_authority_id : row.requested_authority_id);
    if (ourId === theirId) throw invalid('counterpartAuthority', 'the counterpart is a different authority from ours');
    const [requestingId, requestedId] = incoming ? [theirId, ourId] : [ourId, theirId];
    if (requestingId !== row.requesting_authority_id || requestedId !== row.requested_authority_id) {
      set.requesting_authority_id = requestingId;
      set.requested_authority_id = requestedId;
      if (ourAuthority && ourAuthority.shortName !== (incoming ? row.requested_short : row.requesting_short))
        changes.push({ field: 'ourAuthority', from: incoming ? row.requested_short : row.requesting_short, to: ourAuthority.shortName });
      if (counterpart && counterpart.shortName !== (incoming ? row.requesting_short : row.requested_short))
        changes.push({
          field: 'counterpartAuthority',
          from: incoming ? row.requesting_short : row.requested_short,
          to: counterpart.shortName,
        });
    }

    // Legal basis: the provision must belong to the instrument as it will be.
    if (input.instrument !== undefined || input.provisionKey !== undefined) {
      const instrument = next.instrument === null ? undefined : resolveInstrument(db, next.instrument);
      const key = instrument && next.provisionKey ? resolveProvision(db, instrument, next.provisionKey) : null;
      if ((instrument?.id ?? null) !== row.instrument_id) {
        set.instrument_id = instrument?.id ?? null;
        changes.push({ field: 'instrument', from: row.instrument_code, to: instrument?.code ?? null });
      }
      if (key !== row.provision_key) change('provisionKey', 'provision_key', row.provision_key, key);
    }

    // Status.
    let status = row.status;
    if ((input.status === 'sent' && row.status !== 'sent') || (row.status === 'draft' && input.sentAt)) {
      if (incoming) throw invalid('status', 'an incoming request is received, not sent');
      if (row.status !== 'draft')
        throw new ContractError('CONFLICT', `Request ${row.our_ref} is ${row.status}, not a draft: it was sent already.`);
      if (!next.sentAt) throw invalid('sentAt', 'a sent request needs the date it was sent');
      status = 'sent';
    }
    if (!incoming && input.sentAt === null) {
      if (row.status !== 'draft' && row.status !== 'sent')
        throw invalid('sentAt', `the request is ${row.status.replace('_', ' ')}: its sent date cannot be removed`);
      status = 'draft';
    }
    if (input.status === 'in_progress' && row.status !== 'in_progress') {
      if (!['sent', 'received', 'acknowledged', 'partially_answered'].includes(row.status))
        throw new ContractError('CONFLICT', `Request ${row.our_ref} is ${row.status.replace('_', ' ')}: it cannot be set in progress.`);
      status = 'in_progress';
    }
    if (status !== row.status) change('status', 'status', row.status, status);

    // The clock may have moved: the acknowledgement cannot predate it.
    const clockStart = incoming ? next.receivedAt : next.sentAt;
    if (row.acknowledged_at && clockStart && row.acknowledged_at < clockStart)
      throw invalid(incoming ? 'receivedAt' : 'sentAt', `the request was acknowledged on ${row.acknowledged_at}, before that date`);
    const due = dueDate(
      input.deadlineRule ?? row.deadline_rule,
      row.direction,
      next.sentAt,
      next.receivedAt,
      calendarForJurisdiction(requestedId === row.requested_authority_id ? row.requested_jurisdiction : jurisdictionOf(db, requestedId)),
    );
    if (due !== row.ack_due_at) set.ack_due_at = due;

    if (changes.length === 0) return;
    const at = now.toISOString();
    set.updated_at = at;
    const columns = Object.keys(set);
    db.prepare(`UPDATE assistance_request SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE request_id = ?`).run(
      ...columns.map((c) => set[c] as string | number | null),
      row.request_id,
    );
    appendEvent(db, row.request_id, today, 'updated', { changes }, now);
  });
  apply.immediate();
  return getRequest(db, input.requestId, undefined, now);
}

const statusWords = (s: RequestStatus) => s.replace('_', ' ');

/** Appends an event and applies what it implies (acknowledgement, estimate, refusal, answer, closure). */
export function addRequestEvent(db: Db, input: EventInput, now: Date = new Date()): RequestDetail {
  const today = localToday(now);
  const apply = db.transaction(() => {
    const row = readRow(db, input.requestId);
    const conflict = (message: string) => new ContractError('CONFLICT', message, { requestId: row.request_id, status: row.status });
    const kind = input.kind;
    if (input.at > today) throw invalid('at', `an event cannot be dated later than today (${today})`);
    const clockStart = row.direction === 'incoming' ? row.received_at : row.sent_at;
    if (kind !== 'note') {
      if (row.status === 'closed') throw conflict(`Request ${row.our_ref} is closed: only notes can be added.`);
      if (!clockStart && kind !== 'withdrawn' && kind !== 'closed')
        throw conflict(`Request ${row.our_ref} has not been sent yet: record its sent date first.`);
      if (clockStart && input.at < clockStart)
        throw invalid(
          'at',
          `the request was ${row.direction === 'incoming' ? 'received' : 'sent'} on ${clockStart}; an event cannot predate that`,
        );
      if (finished.has(row.status) && !['consultation', 'consent_received', 'closed'].includes(kind))
        throw conflict(
          `Request ${row.our_ref} is ${statusWords(row.status)}: it can only be closed, or take notes, consultations and consents.`,
        );
    }

    const set: Record<string, string | null> = {};
    let detail: Record<string, unknown> | null = null;
    switch (input.kind) {
      case 'acknowledged': {
        if (row.acknowledged_at) throw conflict(`Request ${row.our_ref} was already acknowledged on ${row.acknowledged_at}.`);
        set.acknowledged_at = input.at;
        if (row.status === 'sent' || row.status === 'received') set.status = 'acknowledged';
        if (input.estimatedResponseAt !== undefined) {
          if (row.estimated_response_at !== null)
            throw invalid(
              'estimatedResponseAt',
              `there is already an estimate (${row.estimated_response_at}): add a revised estimate with its reason`,
            );
          if (input.estimatedResponseAt < input.at)
            throw invalid('estimatedResponseAt', 'an estimated response date cannot be before the acknowledgement');
          set.estimated_response_at = input.estimatedResponseAt;
        }
        detail = { text: input.text ?? null, estimatedResponseAt: input.estimatedResponseAt ?? null };
        break;
      }
      case 'revised_estimate': {
        if (input.estimatedResponseAt < input.at)
          throw invalid('estimatedResponseAt', 'a revised estimate cannot be earlier than the day it is given');
        set.estimated_response_at = input.estimatedResponseAt;
        detail = { reason: input.reason, estimatedResponseAt: input.estimatedResponseAt, previous: row.estimated_response_at };
        break;
      }
      case 'partial_response':
        set.status = 'partially_answered';
        detail = { text: input.text ?? null };
        break;
      case 'consultation':
      case 'consent_received':
      case 'note':
        detail = { text: input.text };
        break;
      case 'refused':
        set.status = 'refused';
        set.refusal_ground = input.refusalGround;
        set.refusal_reason = input.reason;
        detail = { refusalGround: input.refusalGround, reason: input.reason };
        break;
      case 'answered':
        set.status = 'answered';
        detail = { text: input.text ?? null };
        break;
      case 'withdrawn':
        set.status = 'withdrawn';
        detail = { reason: input.reason };
        break;
      case 'closed':
        set.status = 'closed';
        set.closed_at = input.at;
        detail = { text: input.text ?? null };
        break;
    }
    set.updated_at = now.toISOString();
    const columns = Object.keys(set);
    db.prepare(`UPDATE assistance_request SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE request_id = ?`).run(
      ...columns.map((c) => set[c] ?? null),
      row.request_id,
    );
    appendEvent(db, row.request_id, input.at, input.kind, detail, now);
  });
  apply.immediate();
  return getRequest(db, input.requestId, undefined, now);
}
