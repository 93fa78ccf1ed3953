import type { z } from 'zod';
import type {
  CaseDetail,
  CaseHeader,
  CaseStatus,
  CaseSubject,
  CaseSummary,
  CaseTask,
  ItemKind,
  ResolvedEntity,
  SubjectInput,
  caseCreateInput,
  caseUpdateInput,
} from '../../../shared/contract/cases';
import { itemKinds } from '../../../shared/contract/cases';
import { ContractError } from '../../../shared/contract/errors';
import { isIsoCountry, isValidLei } from '../../../shared/domain/identifiers';
import { validateWalletAddress } from '../../../shared/domain/wallets';
import type { Actor } from '../context';
import type { Db } from '../db/connection';
import { appendAudit, chainHead, lastSignature } from './audit';
import { indexObject } from './search';

/**
 * Cases, their subjects and tasks. Every change runs in one write transaction with its audit
 * entry, so a change and its record of it commit together or not at all. Editable rows carry a
 * version: an edit names the version it started from, and a stale one is refused (two windows
 * editing one case never overwrite each other silently).
 */

interface CaseRow {
  case_id: number;
  case_number: string;
  title: string;
  summary: string;
  status: CaseStatus;
  closing_note: string | null;
  lead_investigator: string | null;
  owning_authority: string | null;
  opened_at: string;
  closed_at: string | null;
  classification: CaseHeader['classification'];
  handling_caveat: string | null;
  tags_json: string;
  version: number;
  updated_at: string;
  received: 0 | 1;
}

export function toHeader(r: CaseRow): CaseHeader {
  return {
    caseNumber: r.case_number,
    title: r.title,
    summary: r.summary,
    status: r.status,
    closingNote: r.closing_note,
    leadInvestigator: r.lead_investigator,
    owningAuthority: r.owning_authority,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    classification: r.classification,
    handlingCaveat: r.handling_caveat,
    tags: JSON.parse(r.tags_json) as string[],
    version: r.version,
    updatedAt: r.updated_at,
    received: r.received === 1,
  };
}

export function caseRow(db: Db, caseNumber: string): CaseRow {
  const row = db.prepare(`SELECT * FROM case_file WHERE case_number = ?`).get(caseNumber) as CaseRow | undefined;
  if (!row) throw new ContractError('NOT_FOUND', `There is no case ${caseNumber}.`, { caseNumber });
  return row;
}

/** Cases that can take new items and edits: not closed or archived. */
export function assertWritable(row: CaseRow): void {
  if (row.received === 1)
    throw new ContractError(
      'FORBIDDEN',
      `${row.case_number} was received from another authority and is read-only: nothing in it can be changed here.`,
      { caseNumber: row.case_number },
    );
  if (row.status === 'closed' || row.status === 'archived')
    throw new ContractError('CONFLICT', `${row.case_number} is ${row.status}: reopen it before changing it.`, {
      caseNumber: row.case_number,
      status: row.status,
    });
}

export function staleVersion(what: string, current: number, given: number): ContractError {
  return new ContractError(
    'CONFLICT',
    `${what} was changed elsewhere since you opened it (it is at version ${current}, your edit started from ${given}). Reload it and apply your change again; nothing was saved.`,
    { current, given },
  );
}

/** Runs a change in one immediate write transaction (the audit entry commits with it). */
export function write<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

const today = () => new Date().toISOString().slice(0, 10);

export function createCase(db: Db, actor: Actor, input: z.output<typeof caseCreateInput>): CaseHeader {
  if (input.owningAuthority) assertAuthority(db, input.owningAuthority);
  const openedOn = input.openedOn ?? today();
  const year = Number(openedOn.slice(0, 4));
  return write(db, () => {
    const seq = ((db.prepare(`SELECT max(seq) AS s FROM case_file WHERE year = ?`).get(year) as { s: number | null }).s ?? 0) + 1;
    const caseNumber = `CASE-${year}-${String(seq).padStart(4, '0')}`;
    const now = new Date().toISOString();
    const id = Number(
      db
        .prepare(
          `INSERT INTO case_file (case_number, year, seq, title, summary, status, lead_investigator, owning_authority, opened_at,
                                  classification, handling_caveat, tags_json, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          caseNumber,
          year,
          seq,
          input.title,
          input.summary,
          input.leadInvestigator ?? null,
          input.owningAuthority ?? null,
          openedOn,
          input.classification,
          input.handlingCaveat ?? null,
          JSON.stringify(input.tags),
          now,
          now,
        ).lastInsertRowid,
    );
    const header = toHeader(db.prepare(`SELECT * FROM case_file WHERE case_id = ?`).get(id) as CaseRow);
    appendAudit(db, id, actor, {
      action: 'create',
      objectType: 'case',
      objectId: caseNumber,
      change: { ...header, version: undefined, updatedAt: undefined },
    });
    indexObject(db, id, 'case', null, header.title, `${header.summary} ${header.tags.join(' ')}`);
    return header;
  });
}

function assertAuthority(db: Db, short: string): void {
  const known = db.prepare(`SELECT 1 FROM authority WHERE short_name = ?`).get(short);
  if (!known)
    throw new ContractError(
      'INVALID_INPUT',
      `The owning authority "${short}" is not in the MoU registry; use its short name (e.g. CFTC, BaFin).`,
      {
        field: 'owningAuthority',
      },
    );
}

const editable = [
  'title',
  'summary',
  'status',
  'closingNote',
  'classification',
  'handlingCaveat',
  'leadInvestigator',
  'owningAuthority',
  'tags',
] as const;
const column: Record<(typeof editable)[number], string> = {
  title: 'title',
  summary: 'summary',
  status: 'status',
  closingNote: 'closing_note',
  classification: 'classification',
  handlingCaveat: 'handling_caveat',
  leadInvestigator: 'lead_investigator',
  owningAuthority: 'owning_authority',
  tags: 'tags_json',
};

export function updateCase(db: Db, actor: Actor, input: z.output<typeof caseUpdateInput>): CaseHeader {
  if (input.owningAuthority) assertAuthority(db, input.owningAuthority);
  return write(db, () => {
    const row = caseRow(db, input.caseNumber);
    if (row.version !== input.version) throw staleVersion(input.caseNumber, row.version, input.version);
    const before = toHeader(row);
    const onlyStatus = Object.keys(input).every((k) => ['caseNumber', 'version', 'status', 'closingNote'].includes(k));
    // A closed or archived case changes only its status (reopening), nothing else.
    if (((row.status === 'closed' || row.status === 'archived') && !onlyStatus) || row.received === 1) assertWritable(row);
    const status = input.status ?? row.status;
    const closingNote = input.closingNote !== undefined ? input.closingNote.trim() || null : row.closing_note;
    if ((status === 'closed' || status === 'archived') && !closingNote)
      throw new ContractError(
        'INVALID_INPUT',
        `Closing ${input.caseNumber} needs a closing note: what was concluded and why the case ends.`,
        {
          field: 'closingNote',
        },
      );
    const sets: string[] = [];
    const values: unknown[] = [];
    const changed: Record<string, { before: unknown; after: unknown }> = {};
    for (const key of editable) {
      const value = key === 'closingNote' ? closingNote : input[key];
      if (value === undefined) continue;
      const old = before[key];
      if (JSON.stringify(old) === JSON.stringify(value)) continue;
      sets.push(`${column[key]} = ?`);
      values.push(key === 'tags' ? JSON.stringify(value) : value);
      changed[key] = { before: old, after: value };
    }
    if (input.status && input.status !== row.status) {
      const closing = input.status === 'closed' || input.status === 'archived';
      sets.push('closed_at = ?');
      values.push(closing ? (row.closed_at ?? today()) : null);
    }
    if (sets.length === 0) return before;
    const now = new Date().toISOString();
    db.prepare(`UPDATE case_file SET ${sets.join(', ')}, version = version + 1, updated_at = ? WHERE case_id = ?`).run(
      ...values,
      now,
      row.case_id,
    );
    const after = toHeader(db.prepare(`SELECT * FROM case_file WHERE case_id = ?`).get(row.case_id) as CaseRow);
    appendAudit(db, row.case_id, actor, {
      action: changed.status ? 'status' : 'edit',
      objectType: 'case',
      objectId: row.case_number,
      change: changed,
    });
    indexObject(db, row.case_id, 'case', null, after.title, `${after.summary} ${after.closingNote ?? ''} ${after.tags.join(' ')}`);
    return after;
  });
}

export function listCases(db: Db, filter: { status?: CaseStatus | undefined; includeArchived: boolean }): CaseSummary[] {
  const where = filter.status ? `WHERE c.status = ?` : filter.includeArchived ? '' : `WHERE c.status <> 'archived'`;
  const rows = db
    .prepare(
      `SELECT c.*,
              (SELECT count(*) FROM case_item i WHERE i.case_id = c.case_id AND i.status = 'active') AS item_count,
              (SELECT count(*) FROM case_subject s WHERE s.case_id = c.case_id AND s.withdrawn_at IS NULL) AS subject_count,
              (SELECT count(*) FROM case_task t WHERE t.case_id = c.case_id AND t.status = 'open') AS open_tasks,
              (SELECT count(*) FROM case_task t WHERE t.case_id = c.case_id AND t.status = 'open' AND t.due_date < ?) AS overdue_tasks
         FROM case_file c ${where}
        ORDER BY c.year DESC, c.seq DESC`,
    )
    .all(today(), ...(filter.status ? [filter.status] : [])) as Array<
    CaseRow & { item_count: number; subject_count: number; open_tasks: number; overdue_tasks: number }
  >;
  return rows.map((r) => ({
    ...toHeader(r),
    itemCount: r.item_count,
    subjectCount: r.subject_count,
    openTasks: r.open_tasks,
    overdueTasks: r.overdue_tasks,
  }));
}

export function getCase(db: Db, caseNumber: string): CaseDetail {
  const row = caseRow(db, caseNumber);
  const counts = Object.fromEntries(itemKinds.map((k) => [k, 0])) as Record<ItemKind, number>;
  for (const c of db
    .prepare(`SELECT kind, count(*) AS n FROM case_item WHERE case_id = ? AND status = 'active' GROUP BY kind`)
    .all(row.case_id) as Array<{ kind: ItemKind; n: number }>)
    counts[c.kind] = c.n;
  const withdrawn = (
    db.prepare(`SELECT count(*) AS n FROM case_item WHERE case_id = ? AND status = 'withdrawn'`).get(row.case_id) as { n: number }
  ).n;
  const head = chainHead(db, row.case_id);
  return {
    header: toHeader(row),
    subjects: listSubjects(db, row.case_id),
    tasks: listTasks(db, row.case_id),
    itemCounts: counts,
    withdrawnItems: withdrawn,
    audit: { entries: head?.seq ?? 0, headHash: head?.hash ?? null, lastSignature: lastSignature(db, row.case_id) },
  };
}

// ------------------------------------------------------------------------------------------------
// Subjects
// ------------------------------------------------------------------------------------------------

interface SubjectRow {
  subject_id: number;
  case_id: number;
  kind: CaseSubject['kind'];
  role: CaseSubject['role'];
  name: string;
  lei: string | null;
  resolved_json: string | null;
  country: string | null;
  identifier: string | null;
  chain: string | null;
  address: string | null;
  notes: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  version: number;
}

function toSubject(r: SubjectRow): CaseSubject {
  return {
    subjectId: r.subject_id,
    kind: r.kind,
    role: r.role,
    name: r.name,
    lei: r.lei,
    resolved: r.resolved_json ? (JSON.parse(r.resolved_json) as ResolvedEntity) : null,
    country: r.country,
    identifier: r.identifier,
    chain: r.chain,
    address: r.address,
    notes: r.notes,
    withdrawn: r.withdrawn_at ? { at: r.withdrawn_at, reason: r.withdrawn_reason ?? '' } : null,
    version: r.version,
  };
}

export function listSubjects(db: Db, caseId: number): CaseSubject[] {
  return (db.prepare(`SELECT * FROM case_subject WHERE case_id = ? ORDER BY subject_id`).all(caseId) as SubjectRow[]).map(toSubject);
}

const invalid = (field: string, message: string) => new ContractError('INVALID_INPUT', message, { field });

/** An LEI as the snapshot's entity data know it: name, jurisdiction, parent and ultimate parent. */
export function resolveLei(db: Db, lei: string, snapshotId?: number): ResolvedEntity | null {
  const snapshot =
    snapshotId ??
    (
      db
        .prepare(`SELECT snapshot_id AS id FROM snapshot WHERE status = 'active' ORDER BY as_of_date DESC, snapshot_id DESC LIMIT 1`)
        .get() as { id: number } | undefined
    )?.id;
  if (snapshot === undefined) return null;
  const entity = (l: string | null) =>
    l
      ? (db
          .prepare(
            `SELECT legal_name, legal_country, parent_lei, ultimate_parent_lei, registration_status FROM entity WHERE snapshot_id = ? AND lei = ?`,
          )
          .get(snapshot, l) as
          | {
              legal_name: string | null;
              legal_country: string | null;
              parent_lei: string | null;
              ultimate_parent_lei: string | null;
              registration_status: string | null;
            }
          | undefined)
      : undefined;
  const e = entity(lei);
  if (!e) return null;
  return {
    snapshotId: snapshot,
    legalName: e.legal_name,
    jurisdiction: e.legal_country,
    parentLei: e.parent_lei,
    parentName: entity(e.parent_lei)?.legal_name ?? null,
    ultimateParentLei: e.ultimate_parent_lei,
    ultimateParentName: entity(e.ultimate_parent_lei)?.legal_name ?? null,
    registrationStatus: e.registration_status,
  };
}

/** Checks a subject per kind and fills what can be resolved; a refusal names the field and what was expected. */
function checkSubject(db: Db, s: z.output<z.ZodType<SubjectInput>> & SubjectInput) {
  const out = {
    kind: s.kind,
    role: s.role ?? 'subject',
    name: s.name?.trim() ?? '',
    lei: null as string | null,
    resolved: null as ResolvedEntity | null,
    country: null as string | null,
    identifier: s.identifier ?? null,
    chain: null as string | null,
    address: null as string | null,
    notes: s.notes ?? null,
  };
  switch (s.kind) {
    case 'legal_entity': {
      if (!s.lei) throw invalid('lei', 'A legal entity needs its LEI (20 characters, ISO 17442).');
      if (!isValidLei(s.lei))
        throw invalid('lei', `"${s.lei}" is not a valid LEI: 20 characters, letters and digits, ending in two ISO 17442 check digits.`);
      out.lei = s.lei;
      out.resolved = resolveLei(db, s.lei, s.snapshotId);
      out.name = out.name || out.resolved?.legalName || s.lei;
      break;
    }
    case 'natural_person': {
      if (!out.name) throw invalid('name', 'A natural person needs a name.');
      if (s.country) {
        if (!isIsoCountry(s.country)) throw invalid('country', `"${s.country}" is not an ISO 3166-1 alpha-2 country code.`);
        out.country = s.country;
      }
      break;
    }
    case 'wallet': {
      if (!s.chain || !s.address) throw invalid('address', 'A wallet needs its chain and address.');
      const checked = validateWalletAddress(s.chain, s.address);
      if (!checked.ok) throw invalid('address', checked.message);
      out.chain = s.chain;
      out.address = checked.normalized;
      out.name = out.name || `${s.chain} ${checked.normalized}`;
      break;
    }
    case 'venue':
    case 'protocol': {
      if (!out.name) throw invalid('name', `A ${s.kind} needs a name.`);
      break;
    }
  }
  return out;
}

export function addSubject(db: Db, actor: Actor, caseNumber: string, input: SubjectInput): CaseSubject {
  const checked = checkSubject(db, input as never);
  return write(db, () => {
    const row = caseRow(db, caseNumber);
    assertWritable(row);
    const id = Number(
      db
        .prepare(
          `INSERT INTO case_subject (case_id, kind, role, name, lei, resolved_json, country, identifier, chain, address, notes, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.case_id,
          checked.kind,
          checked.role,
          checked.name,
          checked.lei,
          checked.resolved ? JSON.stringify(checked.resolved) : null,
          checked.country,
          checked.identifier,
          checked.chain,
          checked.address,
          checked.notes,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    const subject = toSubject(db.prepare(`SELECT * FROM case_subject WHERE subject_id = ?`).get(id) as SubjectRow);
    appendAudit(db, row.case_id, actor, { action: 'add', objectType: 'subject', objectId: id, change: { ...subject, version: undefined } });
    indexObject(
      db,
      row.case_id,
      'subject',
      id,
      subject.name,
      [subject.lei, subject.address, subject.identifier, subject.notes, subject.resolved?.legalName].filter(Boolean).join(' '),
    );
    return subject;
  });
}

export function withdrawSubject(db: Db, actor: Actor, subjectId: number, version: number, reason: string): CaseSubject {
  return write(db, () => {
    const s = db.prepare(`SELECT * FROM case_subject WHERE subject_id = ?`).get(subjectId) as SubjectRow | undefined;
    if (!s) throw new ContractError('NOT_FOUND', `There is no subject ${subjectId}.`, { subjectId });
    if (s.version !== version) throw staleVersion(`Subject ${subjectId}`, s.version, version);
    if (s.withdrawn_at) return toSubject(s);
    const at = new Date().toISOString();
    db.prepare(`UPDATE case_subject SET withdrawn_at = ?, withdrawn_reason = ?, version = version + 1 WHERE subject_id = ?`).run(
      at,
      reason,
      subjectId,
    );
    appendAudit(db, s.case_id, actor, { action: 'withdraw', objectType: 'subject', objectId: subjectId, change: { reason } });
    return toSubject(db.prepare(`SELECT * FROM case_subject WHERE subject_id = ?`).get(subjectId) as SubjectRow);
  });
}

// ------------------------------------------------------------------------------------------------
// Tasks
// ------------------------------------------------------------------------------------------------

interface TaskRow {
  task_id: number;
  case_id: number;
  text: string;
  assignee: string | null;
  due_date: string | null;
  status: CaseTask['status'];
  linked_json: string;
  version: number;
  updated_at: string;
}

function toTask(r: TaskRow): CaseTask {
  return {
    taskId: r.task_id,
    text: r.text,
    assignee: r.assignee,
    dueDate: r.due_date,
    status: r.status,
    overdue: r.status === 'open' && r.due_date !== null && r.due_date < today(),
    linkedItems: JSON.parse(r.linked_json) as number[],
    version: r.version,
    updatedAt: r.updated_at,
  };
}

export function listTasks(db: Db, caseId: number): CaseTask[] {
  return (
    db
      .prepare(`SELECT * FROM case_task WHERE case_id = ? ORDER BY status = 'open' DESC, due_date IS NULL, due_date, task_id`)
      .all(caseId) as TaskRow[]
  ).map(toTask);
}

function assertItemsOfCase(db: Db, caseId: number, items: number[]): void {
  for (const id of items) {
    const owner = db.prepare(`SELECT case_id FROM case_item WHERE item_id = ?`).get(id) as { case_id: number } | undefined;
    if (owner?.case_id !== caseId) throw invalid('linkedItems', `Item ${id} is not an item of this case.`);
  }
}

export function addTask(
  db: Db,
  actor: Actor,
  input: { caseNumber: string; text: string; assignee?: string | undefined; dueDate?: string | undefined; linkedItems: number[] },
): CaseTask {
  return write(db, () => {
    const row = caseRow(db, input.caseNumber);
    assertWritable(row);
    assertItemsOfCase(db, row.case_id, input.linkedItems);
    const now = new Date().toISOString();
    const id = Number(
      db
        .prepare(
          `INSERT INTO case_task (case_id, text, assignee, due_date, status, linked_json, created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
        )
        .run(row.case_id, input.text, input.assignee ?? null, input.dueDate ?? null, JSON.stringify(input.linkedItems), now, now)
        .lastInsertRowid,
    );
    const task = toTask(db.prepare(`SELECT * FROM case_task WHERE task_id = ?`).get(id) as TaskRow);
    appendAudit(db, row.case_id, actor, {
      action: 'add',
      objectType: 'task',
      objectId: id,
      change: { text: task.text, assignee: task.assignee, dueDate: task.dueDate, linkedItems: task.linkedItems },
    });
    indexObject(db, row.case_id, 'task', id, task.text, task.assignee ?? '');
    return task;
  });
}

export function updateTask(
  db: Db,
  actor: Actor,
  input: {
    taskId: number;
    version: number;
    text?: string | undefined;
    assignee?: string | null | undefined;
    dueDate?: string | null | undefined;
    status?: CaseTask['status'] | undefined;
    linkedItems?: number[] | undefined;
  },
): CaseTask {
  return write(db, () => {
    const t = db.prepare(`SELECT * FROM case_task WHERE task_id = ?`).get(input.taskId) as TaskRow | undefined;
    if (!t) throw new ContractError('NOT_FOUND', `There is no task ${input.taskId}.`, { taskId: input.taskId });
    if (t.version !== input.version) throw staleVersion(`Task ${input.taskId}`, t.version, input.version);
    const c = db.prepare(`SELECT * FROM case_file WHERE case_id = ?`).get(t.case_id) as CaseRow;
    assertWritable(c);
    if (input.linkedItems) assertItemsOfCase(db, t.case_id, input.linkedItems);
    const before = toTask(t);
    const after = {
      text: input.text ?? t.text,
      assignee: input.assignee !== undefined ? input.assignee : t.assignee,
      dueDate: input.dueDate !== undefined ? input.dueDate : t.due_date,
      status: input.status ?? t.status,
      linkedItems: input.linkedItems ?? before.linkedItems,
    };
    db.prepare(
      `UPDATE case_task SET text = ?, assignee = ?, due_date = ?, status = ?, linked_json = ?, version = version + 1, updated_at = ? WHERE task_id = ?`,
    ).run(
      after.text,
      after.assignee,
      after.dueDate,
      after.status,
      JSON.stringify(after.linkedItems),
      new Date().toISOString(),
      input.taskId,
    );
    const changed = Object.fromEntries(
      (Object.keys(after) as Array<keyof typeof after>)
        .filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]))
        .map((k) => [k, { before: before[k], after: after[k] }]),
    );
    appendAudit(db, t.case_id, actor, { action: 'edit', objectType: 'task', objectId: input.taskId, change: changed });
    indexObject(db, t.case_id, 'task', input.taskId, after.text, after.assignee ?? '');
    return toTask(db.prepare(`SELECT * FROM case_task WHERE task_id = ?`).get(input.taskId) as TaskRow);
  });
}
