import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type {
  CaseItem,
  EvidencePayload,
  EvidencePreview,
  ItemKind,
  ItemOrigin,
  ItemsPage,
  PinnedTradesPayload,
  PinnedViewPayload,
  RecheckResult,
  casesMethods,
} from '../../../shared/contract/cases';
import type { DataCategory, ExposureMetrics, ParsedInputOf } from '../../../shared/contract';
import { ContractError } from '../../../shared/contract/errors';
import { defaultExposureColumns } from '../../../shared/domain/exposureColumns';
import { dimensionNames } from '../../../shared/domain/dimensionNames';
import { isMetricId } from '../../../shared/domain/metrics';
import type { Actor } from '../context';
import type { Db } from '../db/connection';
import { mayShare } from '../cooperation/cooperation.service';
import { getRequest } from '../cooperation/requests.repo';
import { labelKeys } from '../exposure/dimensionLabels';
import { drill } from '../exposure/drill';
import { appendAudit } from './audit';
import { canonicalSha256 } from './canonicalJson';
import { assertWritable, caseRow, staleVersion, write } from './cases.repo';
import { blobInUse, blobPath, checkEvidenceName, previewBlob, storeBlob } from './evidence';
import { indexObject } from './search';

/**
 * Items of a case: what an investigator pins (a drill level as shown, trades, a "may I share?"
 * decision, a request, a finding), attaches (evidence files) or writes (notes). An item is never
 * deleted: it is withdrawn with a reason; an evidence file's bytes may be purged with a reason,
 * its hash staying in the item and the audit trail.
 */

type Common = {
  title?: string | undefined;
  eventDate?: string | undefined;
  tags?: string[] | undefined;
  grade?: string | undefined;
  category?: DataCategory | undefined;
  origin?: ItemOrigin | undefined;
  originAuthority?: string | undefined;
  originInstrument?: string | undefined;
};

interface ItemRow {
  item_id: number;
  case_id: number;
  case_number: string;
  kind: ItemKind;
  title: string;
  event_date: string | null;
  tags_json: string;
  grade: string | null;
  category: DataCategory;
  origin: ItemOrigin;
  origin_authority: string | null;
  origin_instrument: string | null;
  payload_json: string;
  content_sha256: string | null;
  snapshot_id: number | null;
  status: 'active' | 'withdrawn';
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  version: number;
}

const SELECT_ITEM = `SELECT i.*, c.case_number FROM case_item i JOIN case_file c ON c.case_id = i.case_id`;

function toItem(r: ItemRow): CaseItem {
  return {
    itemId: r.item_id,
    caseNumber: r.case_number,
    kind: r.kind,
    title: r.title,
    eventDate: r.event_date,
    tags: JSON.parse(r.tags_json) as string[],
    grade: r.grade,
    category: r.category,
    origin: r.origin,
    originAuthority: r.origin_authority,
    originInstrument: r.origin_instrument,
    status: r.status,
    withdrawn: r.withdrawn_at ? { at: r.withdrawn_at, reason: r.withdrawn_reason ?? '' } : null,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    version: r.version,
    payload: { kind: r.kind, ...(JSON.parse(r.payload_json) as object) } as CaseItem['payload'],
  };
}

export function itemRow(db: Db, itemId: number): ItemRow {
  const row = db.prepare(`${SELECT_ITEM} WHERE i.item_id = ?`).get(itemId) as ItemRow | undefined;
  if (!row) throw new ContractError('NOT_FOUND', `There is no case item ${itemId}.`, { itemId });
  return row;
}

export const getItem = (db: Db, itemId: number): CaseItem => toItem(itemRow(db, itemId));

export function listItems(
  db: Db,
  q: { caseNumber: string; kind?: ItemKind | undefined; includeWithdrawn: boolean; startRow: number; endRow: number },
): ItemsPage {
  const c = caseRow(db, q.caseNumber);
  const where = [`i.case_id = ?`, ...(q.kind ? [`i.kind = ?`] : []), ...(q.includeWithdrawn ? [] : [`i.status = 'active'`])].join(' AND ');
  const params = [c.case_id, ...(q.kind ? [q.kind] : [])];
  const total = (db.prepare(`SELECT count(*) AS n FROM case_item i WHERE ${where}`).get(...params) as { n: number }).n;
  const rows = db
    .prepare(`${SELECT_ITEM} WHERE ${where} ORDER BY i.item_id LIMIT ? OFFSET ?`)
    .all(...params, q.endRow - q.startRow, q.startRow) as ItemRow[];
  return { rows: rows.map(toItem), total };
}

/** The category an item of each kind holds unless the investigator says otherwise (MoU vocabulary). */
const defaultCategory: Record<ItemKind, DataCategory> = {
  view: 'transaction_records',
  trades: 'transaction_records',
  decision: 'public_info',
  request: 'supervisory_returns',
  finding: 'transaction_records',
  evidence: 'transaction_records',
  note: 'inspection_findings',
};

/** Inserts an item with its audit entry and search text, in the caller's transaction. */
export function insertItem(
  db: Db,
  actor: Actor,
  caseId: number,
  kind: ItemKind,
  common: Common,
  fields: { title: string; payload: object; contentSha256?: string | null; snapshotId?: number | null; searchText: string },
): CaseItem {
  if (common.origin === 'received_foreign' && !common.originAuthority)
    throw new ContractError('INVALID_INPUT', 'Information received from a foreign authority needs that authority (originAuthority).', {
      field: 'originAuthority',
    });
  const now = new Date().toISOString();
  const id = Number(
    db
      .prepare(
        `INSERT INTO case_item (case_id, kind, title, event_date, tags_json, grade, category, origin, origin_authority, origin_instrument,
                                payload_json, content_sha256, snapshot_id, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        caseId,
        kind,
        common.title ?? fields.title,
        common.eventDate ?? null,
        JSON.stringify(common.tags ?? []),
        common.grade ?? null,
        common.category ?? defaultCategory[kind],
        common.origin ?? 'own_collection',
        common.originAuthority ?? null,
        common.originInstrument ?? null,
        JSON.stringify(fields.payload),
        fields.contentSha256 ?? null,
        fields.snapshotId ?? null,
        now,
        actor.name,
        now,
      ).lastInsertRowid,
  );
  const item = getItem(db, id);
  // The audit records what was added; a large payload (a pinned view's rows) by its hash.
  const { payload, ...summary } = item;
  appendAudit(db, caseId, actor, {
    action: 'add',
    objectType: `item:${kind}`,
    objectId: id,
    change: {
      ...summary,
      version: undefined,
      updatedAt: undefined,
      payloadSha256: canonicalSha256(payload),
      contentSha256: fields.contentSha256 ?? null,
    },
  });
  indexObject(db, caseId, 'item', id, item.title, fields.searchText);
  return item;
}

function openCase(db: Db, caseNumber: string) {
  const row = caseRow(db, caseNumber);
  assertWritable(row);
  return row;
}

// ------------------------------------------------------------------------------------------------
// Pinned drill views
// ------------------------------------------------------------------------------------------------

type ViewDefinition = ParsedInputOf<'cases.pinView'>['view'];

function snapshotOf(db: Db, snapshotId: number) {
  const s = db
    .prepare(
      `SELECT snapshot_id AS snapshotId, source_name AS sourceName, regime, as_of_date AS asOfDate, version, source_sha256 AS contentSha256
         FROM snapshot WHERE snapshot_id = ? AND status = 'active'`,
    )
    .get(snapshotId) as PinnedViewPayload['snapshot'] | undefined;
  if (!s) throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} does not exist.`, { snapshotId });
  return s;
}

/** A drill level as shown: its rows and totals with the chosen columns, and the hash of their canonical JSON. */
function renderView(db: Db, view: ViewDefinition): Omit<PinnedViewPayload, 'view' | 'snapshot' | 'labels'> {
  const result = drill(db, {
    snapshotId: view.snapshotId,
    path: view.path,
    at: view.at,
    filters: view.filters,
    sort: view.sort,
    limit: view.limit,
  });
  const columns = view.columns.filter(isMetricId);
  const shown = columns.length > 0 ? columns : defaultExposureColumns.map((c) => c.field);
  const pick = (m: ExposureMetrics): Partial<ExposureMetrics> => Object.fromEntries(shown.map((c) => [c, m[c]]));
  const rows = result.rows.map((r) => ({ key: r.key, label: r.label, metrics: pick(r) }));
  const totals = pick(result.totals);
  return { rows, totals, rowCount: result.rowCount, rowsSha256: canonicalSha256({ rows, totals }) };
}

export function pinView(db: Db, actor: Actor, input: ParsedInputOf<'cases.pinView'>): CaseItem {
  const { caseNumber, view, ...common } = input;
  const snapshot = snapshotOf(db, view.snapshotId);
  const rendered = renderView(db, view);
  const labels = view.at.map((key, i) => labelKeys(db, view.snapshotId, view.path[i]!, [key]).get(key) ?? String(key));
  const columns = view.columns.filter(isMetricId);
  const payload: PinnedViewPayload = { view: { ...view, columns }, snapshot, labels, ...rendered };
  const where = ['All', ...labels].join(' › ');
  const title = `${where}: by ${dimensionNames[view.path[view.at.length]!]} (snapshot ${snapshot.snapshotId}, ${snapshot.sourceName} as of ${snapshot.asOfDate})`;
  return write(db, () => {
    const c = openCase(db, caseNumber);
    return insertItem(db, actor, c.case_id, 'view', common, {
      title,
      payload: { view: payload },
      contentSha256: rendered.rowsSha256,
      snapshotId: view.snapshotId,
      searchText: [title, ...rendered.rows.slice(0, 200).map((r) => `${r.label} ${r.key ?? ''}`)].join(' '),
    });
  });
}

/** Recomputes a pinned view from the store: "reproduced", or what changed. */
export function recheck(db: Db, itemId: number): RecheckResult {
  const item = getItem(db, itemId);
  if (item.payload.kind !== 'view')
    throw new ContractError('INVALID_INPUT', `Item ${itemId} is a ${item.kind}, not a pinned view: only a pinned view can be re-checked.`, {
      itemId,
    });
  const pinned = item.payload.view;
  let now: ReturnType<typeof renderView>;
  try {
    now = renderView(db, pinned.view as ViewDefinition);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      itemId,
      outcome: 'changed',
      pinnedSha256: pinned.rowsSha256,
      currentSha256: '',
      differences: [`The view cannot be recomputed: ${message}`],
    };
  }
  const differences: string[] = [];
  const current = db.prepare(`SELECT source_sha256 AS sha FROM snapshot WHERE snapshot_id = ?`).get(pinned.snapshot.snapshotId) as
    { sha: string } | undefined;
  if (current && current.sha !== pinned.snapshot.contentSha256) differences.push('The snapshot’s content hash is not the one pinned.');
  // The pinned rows must still be what was hashed when pinned (an edit behind the app's back shows here).
  const pinnedHashNow = canonicalSha256({ rows: pinned.rows, totals: pinned.totals });
  if (pinnedHashNow !== pinned.rowsSha256) differences.push('The pinned rows no longer match the hash recorded when they were pinned.');
  if (now.rowsSha256 !== pinned.rowsSha256 || pinnedHashNow !== pinned.rowsSha256) {
    const before = new Map(pinned.rows.map((r) => [r.key, r]));
    const after = new Map(now.rows.map((r) => [r.key, r]));
    for (const [key, r] of before) if (!after.has(key)) differences.push(`Row ${r.label} is gone.`);
    for (const [key, r] of after) if (!before.has(key)) differences.push(`Row ${r.label} is new.`);
    for (const [key, r] of after) {
      const old = before.get(key);
      if (!old) continue;
      for (const [metric, value] of Object.entries(r.metrics))
        if (JSON.stringify(value) !== JSON.stringify((old.metrics as Record<string, unknown>)[metric]))
          differences.push(
            `${r.label}: ${metric} was ${JSON.stringify((old.metrics as Record<string, unknown>)[metric])}, now ${JSON.stringify(value)}.`,
          );
    }
    for (const [metric, value] of Object.entries(now.totals))
      if (JSON.stringify(value) !== JSON.stringify((pinned.totals as Record<string, unknown>)[metric]))
        differences.push(
          `Total: ${metric} was ${JSON.stringify((pinned.totals as Record<string, unknown>)[metric])}, now ${JSON.stringify(value)}.`,
        );
    if (differences.length === 0 && now.rowsSha256 !== pinned.rowsSha256) differences.push('The rows are in another order.');
  }
  return {
    itemId,
    outcome: differences.length === 0 ? 'reproduced' : 'changed',
    pinnedSha256: pinned.rowsSha256,
    currentSha256: now.rowsSha256,
    differences: differences.slice(0, 100),
  };
}

// ------------------------------------------------------------------------------------------------
// Trades, decisions, requests, findings
// ------------------------------------------------------------------------------------------------

export function pinTrades(db: Db, actor: Actor, input: ParsedInputOf<'cases.pinTrades'>): CaseItem {
  const { caseNumber, snapshotId, utis, ...common } = input;
  const snapshot = snapshotOf(db, snapshotId);
  const wanted = [...new Set(utis)];
  const trades = db
    .prepare(`SELECT * FROM trade_state WHERE snapshot_id = ? AND uti IN (SELECT value FROM json_each(?)) ORDER BY uti, reporting_lei`)
    .all(snapshotId, JSON.stringify(wanted)) as Array<Record<string, string | number | null>>;
  const found = new Set(trades.map((t) => t.uti));
  const missing = wanted.filter((u) => !found.has(u));
  if (trades.length === 0)
    throw new ContractError(
      'NOT_FOUND',
      `Snapshot ${snapshotId} has none of these UTIs: ${wanted.slice(0, 5).join(', ')}${wanted.length > 5 ? ', …' : ''}.`,
      {
        snapshotId,
      },
    );
  const payload: PinnedTradesPayload = { snapshotId, snapshotSha256: snapshot.contentSha256, trades, missing };
  const title = `${found.size} trade${found.size === 1 ? '' : 's'} of snapshot ${snapshotId} (${snapshot.sourceName} as of ${snapshot.asOfDate})`;
  return write(db, () => {
    const c = openCase(db, caseNumber);
    return insertItem(db, actor, c.case_id, 'trades', common, {
      title,
      payload: { trades: payload },
      contentSha256: canonicalSha256(trades),
      snapshotId,
      searchText: [...found].join(' '),
    });
  });
}

export function pinDecision(db: Db, actor: Actor, input: ParsedInputOf<'cases.pinDecision'>): CaseItem {
  const { caseNumber, query, ...common } = input;
  return write(db, () => {
    const c = openCase(db, caseNumber);
    const decision = mayShare(db, { ...query, record: true });
    const title = `May ${query.home} share ${query.category.replace(/_/g, ' ')} with ${query.recipient} for ${query.purpose.replace(/_/g, ' ')}? ${decision.outcome}`;
    return insertItem(
      db,
      actor,
      c.case_id,
      'decision',
      { category: query.category, ...common },
      {
        title,
        payload: { decision },
        contentSha256: canonicalSha256(decision),
        searchText: `${title} ${decision.bases.map((b) => b.instrument).join(' ')} ${decision.advice.join(' ')}`,
      },
    );
  });
}

export function linkRequest(db: Db, actor: Actor, input: ParsedInputOf<'cases.linkRequest'>): CaseItem {
  const { caseNumber, requestId, ...common } = input;
  const r = getRequest(db, requestId);
  const summary = `${r.direction} request ${r.ourRef ?? `#${r.requestId}`}: ${r.requestingAuthority} → ${r.requestedAuthority}, ${r.subject}`;
  return write(db, () => {
    const c = openCase(db, caseNumber);
    return insertItem(db, actor, c.case_id, 'request', common, {
      title: `Request ${r.ourRef ?? `#${r.requestId}`} (${r.direction}, ${r.status})`,
      payload: { requestId, ourRef: r.ourRef, direction: r.direction, summary },
      searchText: `${summary} ${r.factsSummary ?? ''}`,
    });
  });
}

export function pinFinding(db: Db, actor: Actor, input: ParsedInputOf<'cases.pinFinding'>): CaseItem {
  const { caseNumber, snapshotId, file, line, location, ruleId, ...common } = input;
  const finding = db
    .prepare(
      `SELECT file, line, location, rule_id AS ruleId, severity, message FROM validation_issue
        WHERE snapshot_id = ? AND file = ? AND line IS ? AND rule_id = ? ${location ? 'AND location = ?' : ''} LIMIT 1`,
    )
    .get(snapshotId, file, line, ruleId, ...(location ? [location] : [])) as
    { file: string; line: number | null; location: string | null; ruleId: string; severity: string; message: string } | undefined;
  if (!finding)
    throw new ContractError('NOT_FOUND', `Snapshot ${snapshotId} has no finding ${ruleId} at ${file}${line ? ` line ${line}` : ''}.`, {
      snapshotId,
    });
  return write(db, () => {
    const c = openCase(db, caseNumber);
    return insertItem(db, actor, c.case_id, 'finding', common, {
      title: `${finding.severity} ${finding.ruleId} in ${finding.file}${finding.line ? ` line ${finding.line}` : ''} (snapshot ${snapshotId})`,
      payload: { snapshotId, ...finding },
      snapshotId,
      searchText: `${finding.ruleId} ${finding.message}`,
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Notes and evidence
// ------------------------------------------------------------------------------------------------

export function addNote(db: Db, actor: Actor, input: ParsedInputOf<'cases.addNote'>): CaseItem {
  const { caseNumber, markdown, ...common } = input;
  const firstLine =
    markdown
      .split('\n')
      .find((l) => l.trim().length > 0)
      ?.replace(/^#+\s*/, '')
      .trim() ?? 'Note';
  return write(db, () => {
    const c = openCase(db, caseNumber);
    return insertItem(db, actor, c.case_id, 'note', common, {
      title: firstLine.slice(0, 120) || 'Note',
      payload: { markdown },
      contentSha256: canonicalSha256(markdown),
      searchText: markdown,
    });
  });
}

export async function attachEvidence(
  db: Db,
  dataDir: string,
  actor: Actor,
  input: ParsedInputOf<'cases.attach'> & { resolvedPath: string },
  signal?: AbortSignal,
): Promise<CaseItem> {
  const { caseNumber, resolvedPath, originalName, receivedFrom, receivedOn, source: _source, ...common } = input;
  const name = checkEvidenceName(originalName ?? path.basename(resolvedPath));
  openCase(db, caseNumber);
  if (!fs.existsSync(resolvedPath) || !fs.statSync(resolvedPath).isFile())
    throw new ContractError('NOT_FOUND', `${name} is not a file that can be read.`, { file: name });
  // The bytes go to the blob store first (outside any transaction: a large file takes time);
  // an unreferenced blob left by a failure is harmless and reused by the next attach of the same file.
  const blob = await storeBlob(dataDir, resolvedPath, signal);
  const evidence: EvidencePayload = {
    sha256: blob.sha256,
    originalName: name,
    size: blob.size,
    mediaType: blob.mediaType,
    receivedFrom: receivedFrom ?? null,
    receivedOn: receivedOn ?? null,
    purged: null,
  };
  try {
    return write(db, () => {
      const c = openCase(db, caseNumber);
      db.prepare(`INSERT OR IGNORE INTO evidence_blob (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?)`).run(
        blob.sha256,
        blob.size,
        blob.mediaType,
        new Date().toISOString(),
      );
      return insertItem(db, actor, c.case_id, 'evidence', common, {
        title: name,
        payload: { evidence },
        contentSha256: blob.sha256,
        searchText: `${name} ${receivedFrom ?? ''} ${blob.mediaType}`,
      });
    });
  } catch (error) {
    // Refused after the bytes were stored (the case closed meanwhile): nothing refers to them.
    if (blob.created && !blobInUse(db, blob.sha256)) fs.rmSync(blobPath(dataDir, blob.sha256), { force: true });
    throw error;
  } finally {
    blob.settled();
  }
}

export function evidencePreview(db: Db, dataDir: string, itemId: number): EvidencePreview {
  const item = getItem(db, itemId);
  if (item.payload.kind !== 'evidence') return { kind: 'none', mediaType: '', reason: `Item ${itemId} is not an evidence file.` };
  const e = item.payload.evidence;
  if (e.purged)
    return { kind: 'none', mediaType: e.mediaType, reason: `The file was purged on ${e.purged.at.slice(0, 10)}: ${e.purged.reason}` };
  return previewBlob(dataDir, e.sha256, e.mediaType, e.size);
}

/** The stored bytes of an evidence item, for a download (browser mode serves them with safe headers). */
export function evidenceFile(db: Db, dataDir: string, itemId: number): { file: string; name: string; mediaType: string; size: number } {
  const item = getItem(db, itemId);
  if (item.payload.kind !== 'evidence') throw new ContractError('NOT_FOUND', `Item ${itemId} is not an evidence file.`, { itemId });
  const e = item.payload.evidence;
  const file = blobPath(dataDir, e.sha256);
  if (e.purged || !fs.existsSync(file)) throw new ContractError('NOT_FOUND', `The file of item ${itemId} is no longer stored.`, { itemId });
  return { file, name: e.originalName, mediaType: e.mediaType, size: e.size };
}

// ------------------------------------------------------------------------------------------------
// Edits, withdrawal, purge
// ------------------------------------------------------------------------------------------------

type UpdateInput = z.output<(typeof casesMethods)['cases.updateItem']['input']>;

export function updateItem(db: Db, actor: Actor, input: UpdateInput): CaseItem {
  return write(db, () => {
    const r = itemRow(db, input.itemId);
    if (r.version !== input.version) throw staleVersion(`Item ${input.itemId}`, r.version, input.version);
    assertWritable(caseRow(db, r.case_number));
    if (r.status === 'withdrawn')
      throw new ContractError('CONFLICT', `Item ${input.itemId} was withdrawn; it can no longer be edited.`, { itemId: input.itemId });
    if (input.markdown !== undefined && r.kind !== 'note')
      throw new ContractError('INVALID_INPUT', `Only a note's text can be edited; item ${input.itemId} is a ${r.kind}.`, {
        field: 'markdown',
      });
    const before = toItem(r);
    const sets: string[] = [];
    const values: unknown[] = [];
    const changed: Record<string, { before: unknown; after: unknown }> = {};
    const set = (key: string, columnName: string, value: unknown, old: unknown, stored: unknown = value) => {
      if (value === undefined || JSON.stringify(value) === JSON.stringify(old)) return;
      sets.push(`${columnName} = ?`);
      values.push(stored);
      changed[key] = { before: old, after: value };
    };
    set('title', 'title', input.title, before.title);
    set('eventDate', 'event_date', input.eventDate, before.eventDate);
    set('tags', 'tags_json', input.tags, before.tags, JSON.stringify(input.tags));
    set('grade', 'grade', input.grade, before.grade);
    set('category', 'category', input.category, before.category);
    set('origin', 'origin', input.origin, before.origin);
    set('originAuthority', 'origin_authority', input.originAuthority, before.originAuthority);
    set('originInstrument', 'origin_instrument', input.originInstrument, before.originInstrument);
    if (input.markdown !== undefined && before.payload.kind === 'note' && input.markdown !== before.payload.markdown) {
      sets.push('payload_json = ?', 'content_sha256 = ?');
      values.push(JSON.stringify({ markdown: input.markdown }), canonicalSha256(input.markdown));
      changed.markdown = { before: canonicalSha256(before.payload.markdown), after: canonicalSha256(input.markdown) };
    }
    const origin = input.origin ?? before.origin;
    const originAuthority = input.originAuthority !== undefined ? input.originAuthority : before.originAuthority;
    if (origin === 'received_foreign' && !originAuthority)
      throw new ContractError('INVALID_INPUT', 'Information received from a foreign authority needs that authority (originAuthority).', {
        field: 'originAuthority',
      });
    if (sets.length === 0) return before;
    db.prepare(`UPDATE case_item SET ${sets.join(', ')}, version = version + 1, updated_at = ? WHERE item_id = ?`).run(
      ...values,
      new Date().toISOString(),
      input.itemId,
    );
    appendAudit(db, r.case_id, actor, {
      action: changed.grade && Object.keys(changed).length === 1 ? 'grade' : 'edit',
      objectType: `item:${r.kind}`,
      objectId: input.itemId,
      change: changed,
    });
    const after = getItem(db, input.itemId);
    indexObject(db, r.case_id, 'item', input.itemId, after.title, after.payload.kind === 'note' ? after.payload.markdown : after.title);
    return after;
  });
}

export function withdrawItem(db: Db, actor: Actor, itemId: number, version: number, reason: string): CaseItem {
  return write(db, () => {
    const r = itemRow(db, itemId);
    if (r.version !== version) throw staleVersion(`Item ${itemId}`, r.version, version);
    assertWritable(caseRow(db, r.case_number));
    if (r.status === 'withdrawn') return toItem(r);
    db.prepare(
      `UPDATE case_item SET status = 'withdrawn', withdrawn_at = ?, withdrawn_reason = ?, version = version + 1, updated_at = ? WHERE item_id = ?`,
    ).run(new Date().toISOString(), reason, new Date().toISOString(), itemId);
    appendAudit(db, r.case_id, actor, { action: 'withdraw', objectType: `item:${r.kind}`, objectId: itemId, change: { reason } });
    return getItem(db, itemId);
  });
}

/**
 * Purges an evidence file's bytes (a court order, personal data no longer needed): the item
 * stays with its hash, name and size, and the purge is in the audit trail with its reason. The
 * blob goes only when nothing else needs the same content.
 */
export function purgeEvidence(db: Db, dataDir: string, actor: Actor, itemId: number, version: number, reason: string): CaseItem {
  const item = write(db, () => {
    const r = itemRow(db, itemId);
    if (r.version !== version) throw staleVersion(`Item ${itemId}`, r.version, version);
    if (r.kind !== 'evidence')
      throw new ContractError('INVALID_INPUT', `Item ${itemId} is a ${r.kind}; only evidence files can be purged.`, { itemId });
    const payload = JSON.parse(r.payload_json) as { evidence: EvidencePayload };
    if (payload.evidence.purged) return toItem(r);
    payload.evidence.purged = { at: new Date().toISOString(), reason };
    db.prepare(`UPDATE case_item SET payload_json = ?, version = version + 1, updated_at = ? WHERE item_id = ?`).run(
      JSON.stringify(payload),
      new Date().toISOString(),
      itemId,
    );
    appendAudit(db, r.case_id, actor, {
      action: 'purge',
      objectType: 'item:evidence',
      objectId: itemId,
      change: { sha256: payload.evidence.sha256, size: payload.evidence.size, originalName: payload.evidence.originalName, reason },
    });
    return getItem(db, itemId);
  });
  if (item.payload.kind === 'evidence' && !blobInUse(db, item.payload.evidence.sha256)) {
    fs.rmSync(blobPath(dataDir, item.payload.evidence.sha256), { force: true });
    db.prepare(`DELETE FROM evidence_blob WHERE sha256 = ?`).run(item.payload.evidence.sha256);
  }
  return item;
}
