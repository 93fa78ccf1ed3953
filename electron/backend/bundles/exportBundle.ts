import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson as canonicalize } from '../cases/canonicalJson';
import type { CaseItem, CaseSubject } from '../../../shared/contract/cases';
import type { Purpose } from '../../../shared/contract/cooperation';
import { ContractError } from '../../../shared/contract/errors';
import type { BundleExportResult, BundlePreview, ExportedBundle, RecipientPreview } from '../../../shared/contract/bundles';
import type { Actor } from '../context';
import type { Db } from '../db/connection';
import { appendAudit, auditPage, chainHead, signHead } from '../cases/audit';
import { writeWhenFree } from '../db/writeWhenFree';
import { caseRow, getCase } from '../cases/cases.repo';
import { allItems, renderDossier } from '../cases/dossier';
import { blobPath } from '../cases/evidence';
import type { TaskProgress } from '../jobs/jobTask';
import { keyCard } from '../keys/keys.service';
import { recipientKey } from '../keys/partners.repo';
import type { WorkstationIdentity } from '../keys/workstationIdentity';
import { encryptFile } from './ageFiles';
import { buildBag, type PayloadFile, type ZipEntry } from './bagBuilder';
import { signEnvelope } from './dsse';
import { groupRecipients, planRecipient, type RecipientPlan } from './redaction';
import { redactedChain } from './sharedChain';
import {
  BAG_PREFIX,
  INNER_SIG,
  INNER_TYPE,
  OUTER_SIG,
  OUTER_TYPE,
  PAYLOAD_AGE,
  type InnerStatement,
  type OuterStatement,
} from './statements';
import { writeDeterministicZip } from './zip/deterministicZip';

/**
 * Exports a case to partner authorities as signed (and, by default, age-encrypted) BagIt
 * bundles, redacted item by item by the cooperation engine. Recipients whose outcomes differ get
 * separate bundles, never a union. The export is an entry of the case's audit trail.
 */

export interface ExportRequest {
  caseNumber: string;
  to: string[];
  purpose: Purpose;
  /** The file to write; with several bundles, each gets its recipients' names before the extension. */
  out: string;
  encrypt: boolean;
  /** Fixed for reproducible output (tests); the time of the export otherwise. */
  createdAt?: Date;
}

export interface ExportDeps {
  db: Db;
  dataDir: string;
  identity: WorkstationIdentity;
  actor: Actor;
}

interface Options {
  signal?: AbortSignal;
  onProgress?: (p: TaskProgress) => void;
}

const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** A UUID derived from what the bundle holds, so the same case state, recipients and time give the same bundle. */
function derivedUuid(seed: string): string {
  const h = sha256Hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function homeOf(identity: WorkstationIdentity): string {
  return keyCard(identity).authority;
}

function plansFor(db: Db, identity: WorkstationIdentity, caseNumber: string, to: string[], purpose: Purpose, date: string) {
  const detail = getCase(db, caseNumber);
  const items = allItems(db, caseNumber, false);
  const subjects = detail.subjects.filter((s) => !s.withdrawn);
  const home = homeOf(identity);
  const plans = to.map((recipient) => planRecipient(db, { home, recipient, purpose, date, items, subjects }));
  return { detail, items, subjects, home, plans };
}

function toPreview(plan: RecipientPlan, db: Db, encrypt: boolean): RecipientPreview {
  let keyProblem: string | null = null;
  let fingerprint: string | null = null;
  if (encrypt)
    try {
      fingerprint = recipientKey(db, plan.authority).fingerprint;
    } catch (error) {
      keyProblem = error instanceof Error ? error.message : String(error);
    }
  return {
    authority: plan.authority,
    fingerprint,
    keyProblem,
    shared: plan.shared.map((v) => ({ itemId: v.itemId, title: v.title, category: v.category, outcome: v.outcome })),
    withheld: plan.withheld.map((v) => ({ itemId: v.itemId, title: v.title, category: v.category, outcome: v.outcome, reason: v.reason })),
    subjectsWithheld: plan.subjectsWithheld,
    conditions: plan.conditions.map((c) => c.text),
    legend: plan.legend,
  };
}

export function previewExport(
  deps: Pick<ExportDeps, 'db' | 'identity'>,
  input: { caseNumber: string; to: string[]; purpose: Purpose; encrypt: boolean; date?: string },
): BundlePreview {
  const date = input.date ?? new Date().toISOString().slice(0, 10);
  const { plans } = plansFor(deps.db, deps.identity, input.caseNumber, input.to, input.purpose, date);
  return {
    caseNumber: input.caseNumber,
    purpose: input.purpose,
    date,
    recipients: plans.map((p) => toPreview(p, deps.db, input.encrypt)),
    bundles: groupRecipients(plans).map((g) => g.map((p) => p.authority)),
  };
}

/** The file of a group: the --out name as given for one bundle, with the recipients' names for several. */
function fileFor(out: string, authorities: string[], several: boolean): string {
  if (!several) return out;
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}-${authorities.join('+').replace(/[^A-Za-z0-9._+-]/g, '_')}${ext}`;
}

function payloadOf(
  deps: ExportDeps,
  detail: ReturnType<typeof getCase>,
  items: CaseItem[],
  subjects: CaseSubject[],
  group: RecipientPlan[],
  meta: { bundleId: string; createdAt: string; purpose: Purpose; home: string },
  signature: ReturnType<typeof signHead>,
): PayloadFile[] {
  const plan = group[0]!;
  const shared = new Set(plan.shared.map((v) => v.itemId));
  const sharedSubjects = new Set(plan.subjectsShared);
  const sentItems = items.filter((i) => shared.has(i.itemId));
  const evidence = new Map<string, PayloadFile>();
  for (const i of sentItems)
    if (i.payload.kind === 'evidence' && !i.payload.evidence.purged) {
      const e = i.payload.evidence;
      const file = blobPath(deps.dataDir, e.sha256);
      if (!fs.existsSync(file))
        throw new ContractError('INTEGRITY', `The file of item #${i.itemId} (${e.originalName}) is missing from the evidence store.`);
      evidence.set(e.sha256, { path: `data/evidence/${e.sha256}`, file, size: e.size });
    }
  const caseRowId = caseRow(deps.db, detail.header.caseNumber).case_id;
  const chain = redactedChain(auditPage(deps.db, caseRowId, 0, Number.MAX_SAFE_INTEGER).rows, shared, sharedSubjects);
  const caseJson = {
    v: 1,
    caseNumber: detail.header.caseNumber,
    header: detail.header,
    sender: { authority: meta.home, name: deps.identity.name, fingerprint: deps.identity.fingerprint },
    recipients: group.map((p) => p.authority),
    purpose: meta.purpose,
    createdAt: meta.createdAt,
    legend: plan.legend,
    conditions: plan.conditions,
    withheldItems: plan.withheld.length,
    withheldSubjects: plan.subjectsWithheld,
    subjects: subjects.filter((s) => sharedSubjects.has(s.subjectId)),
    items: sentItems.map((i) => {
      const verdict = plan.shared.find((v) => v.itemId === i.itemId)!;
      return {
        ...i,
        sharing: {
          outcome: verdict.outcome,
          conditions: verdict.decision.conditions,
          bases: verdict.decision.bases.map((b) => b.instrument),
        },
        ...(i.payload.kind === 'evidence' && !i.payload.evidence.purged ? { file: `evidence/${i.payload.evidence.sha256}` } : {}),
      };
    }),
  };
  const auditJson = {
    v: 1,
    caseNumber: detail.header.caseNumber,
    entries: chain,
    signature: signature && { ...signature, valid: undefined },
  };
  const dossier = renderDossier(deps.db, detail.header.caseNumber, signature, deps.identity, {
    itemIds: shared,
    subjectIds: sharedSubjects,
    recipients: group.map((p) => p.authority),
    legend: plan.legend,
    conditions: plan.conditions.map((c) => c.text),
    withheldCount: plan.withheld.length,
    printedAt: meta.createdAt,
  });
  const legendText = [
    `TLP:${detail.header.classification}${detail.header.handlingCaveat ? ` (${detail.header.handlingCaveat})` : ''}`,
    '',
    plan.legend,
    '',
    ...(plan.conditions.length ? ['Conditions:', ...plan.conditions.map((c) => `- ${c.text}`), ''] : []),
    `${plan.withheld.length} item(s) of ${detail.header.caseNumber} were withheld under the memoranda of understanding.`,
    '',
  ].join('\n');
  return [
    { path: 'data/LEGEND.txt', data: Buffer.from(legendText, 'utf8') },
    { path: 'data/case.json', data: Buffer.from(`${JSON.stringify(caseJson, null, 2)}\n`, 'utf8') },
    { path: 'data/audit.json', data: Buffer.from(`${JSON.stringify(auditJson, null, 2)}\n`, 'utf8') },
    { path: 'data/dossier.html', data: Buffer.from(dossier, 'utf8') },
    ...evidence.values(),
  ];
}

async function writeBundle(
  deps: ExportDeps,
  request: ExportRequest,
  ctx: { detail: ReturnType<typeof getCase>; items: CaseItem[]; subjects: CaseSubject[]; home: string },
  group: RecipientPlan[],
  file: string,
  createdAt: string,
  options: Options,
): Promise<ExportedBundle> {
  const { db, identity } = deps;
  const caseId = caseRow(db, request.caseNumber).case_id;
  const head = chainHead(db, caseId);
  const authorities = group.map((p) => p.authority);
  const recipients = authorities.map((a) => ({ agencyId: a, ageRecipient: request.encrypt ? recipientKey(db, a).ageRecipient! : null }));
  const bundleId = derivedUuid(
    canonicalize([request.caseNumber, head?.hash ?? '', authorities, request.purpose, createdAt, request.encrypt]),
  );
  // The head is signed for this bundle first (a write: it waits while an import holds the database).
  const caseRowId = caseRow(db, request.caseNumber).case_id;
  const signature = await writeWhenFree(
    db,
    () => signHead(db, caseRowId, deps.identity, `bundle ${bundleId} to ${authorities.join(', ')}`, new Date(createdAt)),
    options.signal ? { signal: options.signal } : {},
  );
  const payload = payloadOf(
    deps,
    ctx.detail,
    ctx.items,
    ctx.subjects,
    group,
    { bundleId, createdAt, purpose: request.purpose, home: ctx.home },
    signature,
  );
  const plan = group[0]!;
  const h = ctx.detail.header;
  const labels: Array<[string, string]> = [
    ['Source-Organization', ctx.home],
    ['External-Identifier', bundleId],
    ['Bagging-Date', createdAt.slice(0, 10)],
    ['X-Bundle-Version', '1'],
    ['X-Recipient-Agency', authorities.join(', ')],
    ['X-Case-Number', h.caseNumber],
    ['X-Purpose', request.purpose],
    ['X-Classification', `TLP:${h.classification}`],
    ...(h.handlingCaveat ? ([['X-Handling-Caveat', h.handlingCaveat]] as Array<[string, string]>) : []),
    ['X-Legend', plan.legend],
    ...plan.conditions.map((c): [string, string] => ['X-Condition', c.text]),
    ['X-Withheld-Items', String(plan.withheld.length)],
  ];
  const totalBytes = payload.reduce((n, p) => n + ('data' in p ? p.data.length : p.size), 0);
  const bag = await buildBag(BAG_PREFIX, payload, labels, {
    ...(options.signal ? { signal: options.signal } : {}),
    onHashed: (done) => options.onProgress?.({ phase: 'hash', message: 'Hashing the bundle’s files', done, total: totalBytes }),
  });
  const statement: InnerStatement = {
    v: 1,
    bundleId,
    createdAt,
    caseNumber: h.caseNumber,
    purpose: request.purpose,
    senderAgencyId: ctx.home,
    senderName: identity.name,
    senderKeyId: identity.fingerprint,
    recipients,
    encrypted: request.encrypt,
    tagmanifest: { path: 'tagmanifest-sha512.txt', sha512: bag.tagmanifestSha512 },
    bagInfoSha512: bag.bagInfoSha512,
    payloadOxum: bag.payloadOxum,
  };
  const sign = (data: Buffer) => identity.sign(data);
  const innerSig = signEnvelope(INNER_TYPE, Buffer.from(canonicalize(statement), 'utf8'), identity.fingerprint, sign);
  const entries: ZipEntry[] = [{ name: INNER_SIG, data: Buffer.from(`${JSON.stringify(innerSig, null, 2)}\n`) }, ...bag.entries];
  const zipProgress = (done: number) => options.onProgress?.({ phase: 'zip', message: 'Writing the bundle', done, total: totalBytes });
  const signal = options.signal ? { signal: options.signal } : {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!request.encrypt) {
    const written = await writeDeterministicZip(entries, file, { ...signal, onProgress: zipProgress });
    return {
      file,
      outboxId: null,
      authorities,
      bundleId,
      sha256: written.sha256,
      bytes: written.bytes,
      encrypted: false,
      itemsSent: plan.shared.length,
      itemsWithheld: plan.withheld.length,
    };
  }
  const work = fs.mkdtempSync(path.join(deps.dataDir, 'tmp', 'bundle-'));
  try {
    const inner = path.join(work, 'inner.zip');
    await writeDeterministicZip(entries, inner, { ...signal, onProgress: zipProgress });
    const age = path.join(work, PAYLOAD_AGE);
    const innerSize = fs.statSync(inner).size;
    const cipher = await encryptFile(
      inner,
      age,
      recipients.map((r) => r.ageRecipient!),
      {
        ...signal,
        onBytes: (done) => options.onProgress?.({ phase: 'encrypt', message: 'Encrypting to the recipients', done, total: innerSize }),
      },
    );
    const outer: OuterStatement = {
      v: 1,
      bundleId,
      createdAt,
      senderKeyId: identity.fingerprint,
      recipients,
      ciphertextSha256: cipher.sha256,
      ciphertextLength: cipher.bytes,
    };
    const outerSig = signEnvelope(OUTER_TYPE, Buffer.from(canonicalize(outer), 'utf8'), identity.fingerprint, sign);
    const written = await writeDeterministicZip(
      [
        { name: OUTER_SIG, data: Buffer.from(`${JSON.stringify(outerSig, null, 2)}\n`) },
        { name: PAYLOAD_AGE, file: age },
      ],
      file,
      signal,
    );
    return {
      file,
      outboxId: null,
      authorities,
      bundleId,
      sha256: written.sha256,
      bytes: written.bytes,
      encrypted: true,
      itemsSent: plan.shared.length,
      itemsWithheld: plan.withheld.length,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function exportBundle(deps: ExportDeps, request: ExportRequest, options: Options = {}): Promise<BundleExportResult> {
  const createdAt = (request.createdAt ?? new Date()).toISOString();
  const date = createdAt.slice(0, 10);
  options.onProgress?.({ phase: 'redact', message: 'Deciding what each recipient may receive', done: 0 });
  const { detail, items, subjects, home, plans } = plansFor(deps.db, deps.identity, request.caseNumber, request.to, request.purpose, date);
  // A received case may go on too: its items are "received from" the sender, so the engine asks for the sender's consent.
  if (request.encrypt) for (const p of plans) recipientKey(deps.db, p.authority);
  const nothing = plans.filter((p) => p.shared.length === 0);
  if (nothing.length > 0)
    throw new ContractError(
      'FORBIDDEN',
      `Nothing of ${request.caseNumber} may go to ${nothing.map((p) => p.authority).join(', ')} for this purpose: every item was withheld (run with --preview to see why).`,
    );
  const groups = groupRecipients(plans);
  const bundles: ExportedBundle[] = [];
  for (const group of groups) {
    const file = fileFor(
      request.out,
      group.map((p) => p.authority),
      groups.length > 1,
    );
    if (fs.existsSync(file))
      throw new ContractError('CONFLICT', `${file} already exists; choose another name or remove it first.`, { file });
    bundles.push(await writeBundle(deps, request, { detail, items, subjects, home }, group, file, createdAt, options));
  }
  const caseId = caseRow(deps.db, request.caseNumber).case_id;
  // A bundle exists only with its audit entry: if the entry cannot be written, the files go too.
  try {
    await writeWhenFree(
      deps.db,
      () => {
        for (const b of bundles) {
          const plan = plans.find((p) => p.authority === b.authorities[0])!;
          appendAudit(deps.db, caseId, deps.actor, {
            action: 'export',
            objectType: 'case',
            objectId: request.caseNumber,
            change: {
              bundleId: b.bundleId,
              recipients: b.authorities,
              purpose: request.purpose,
              encrypted: b.encrypted,
              itemsSent: plan.shared.map((v) => v.itemId),
              itemsWithheld: plan.withheld.map((v) => ({ itemId: v.itemId, outcome: v.outcome })),
              bundleSha256: b.sha256,
            },
          });
        }
      },
      {
        ...(options.signal ? { signal: options.signal } : {}),
        onWaiting: () => options.onProgress?.({ phase: 'wait', message: 'Waiting for the database to record the export', done: 0 }),
      },
    );
  } catch (error) {
    for (const b of bundles) fs.rmSync(b.file, { force: true });
    throw error;
  }
  return { bundles };
}
