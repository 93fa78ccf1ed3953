import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { BundleImportResult } from '../../../shared/contract/bundles';
import { dataCategories } from '../../../shared/contract/cooperation';
import { ContractError } from '../../../shared/contract/errors';
import type { Actor } from '../context';
import type { Db } from '../db/connection';
import { createCase } from '../cases/cases.repo';
import { writeWhenFree } from '../db/writeWhenFree';
import { blobInUse, blobPath, storeBlob, type StoredBlob } from '../cases/evidence';
import { insertItem } from '../cases/items.repo';
import { listPartners } from '../keys/partners.repo';
import type { WorkstationIdentity } from '../keys/workstationIdentity';
import { checkReceivedChain } from './receivedChain';
import { openVerifiedBundle, type OpenedBundle } from './verifyBundle';

/**
 * Imports a verified bundle as a read-only received case: its items keep their content and
 * grading, become "received from" the sender (so sharing them onward goes through the engine
 * with the sender's instrument and consent), and the case records its provenance, legend,
 * conditions and the verification report. The same bundle twice is a no-op; evidence files are
 * stored by hash, so a file already held is not stored again.
 */

const itemSchema = z
  .object({
    itemId: z.number().int(),
    kind: z.enum(['view', 'trades', 'decision', 'request', 'finding', 'evidence', 'note']),
    title: z.string().min(1).max(300),
    eventDate: z.string().nullable(),
    tags: z.array(z.string().max(60)).max(50),
    grade: z
      .string()
      .regex(/^[A-F][1-6]$/)
      .nullable(),
    category: z.enum(dataCategories),
    payload: z.object({ kind: z.string() }).passthrough(),
    sharing: z.object({ outcome: z.string(), bases: z.array(z.string()) }).passthrough(),
    file: z
      .string()
      .regex(/^evidence\/[0-9a-f]{64}$/)
      .optional(),
  })
  .passthrough();

const caseJsonSchema = z
  .object({
    v: z.literal(1),
    caseNumber: z.string(),
    header: z
      .object({
        title: z.string().min(1).max(300),
        summary: z.string().max(20_000),
        classification: z.enum(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']),
        handlingCaveat: z.string().max(500).nullable(),
        tags: z.array(z.string()),
      })
      .passthrough(),
    purpose: z.string(),
    legend: z.string().max(20_000),
    conditions: z.array(z.object({ text: z.string() }).passthrough()),
    withheldItems: z.number().int().nonnegative(),
    items: z.array(itemSchema).max(100_000),
  })
  .passthrough();

const auditJsonSchema = z.object({
  v: z.literal(1),
  entries: z.array(z.object({ seq: z.number().int(), at: z.string(), prevHash: z.string(), hash: z.string(), entry: z.any().optional() })),
  signature: z.object({ seq: z.number().int(), headHash: z.string(), signature: z.string() }).passthrough().nullable(),
});

async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

export interface ImportDeps {
  db: Db;
  dataDir: string;
  identity: WorkstationIdentity;
  actor: Actor;
}

function parseJson<T>(text: string, schema: z.ZodType<T>, file: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    throw new ContractError(
      'INVALID_INPUT',
      `The bundle's ${file} is signed but not what Concordat writes${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`,
      { file },
    );
  }
}

async function storeEvidence(
  bundle: OpenedBundle,
  deps: ImportDeps,
  names: string[],
  signal?: AbortSignal,
): Promise<Map<string, StoredBlob>> {
  const stored = new Map<string, StoredBlob>();
  const temp = fs.mkdtempSync(path.join(deps.dataDir, 'tmp', 'received-'));
  try {
    for (const name of names) {
      const file = path.join(temp, 'file');
      await pipeline(await bundle.open(`data/${name}`), fs.createWriteStream(file), ...(signal ? [{ signal }] : []));
      const blob = await storeBlob(deps.dataDir, file, signal);
      fs.rmSync(file, { force: true });
      if (`evidence/${blob.sha256}` !== name) {
        blob.settled();
        throw new ContractError('INTEGRITY', `The bundle's ${name} does not have the SHA-256 its name gives.`);
      }
      stored.set(name, blob);
    }
    return stored;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

export async function importBundle(
  deps: ImportDeps,
  file: string,
  options: { signal?: AbortSignal; onProgress?: (p: { phase: string; message: string; done: number; total?: number }) => void } = {},
): Promise<BundleImportResult> {
  const { db, identity } = deps;
  fs.mkdirSync(path.join(deps.dataDir, 'tmp'), { recursive: true });
  const { report, bundle } = await openVerifiedBundle(file, {
    keys: listPartners(db),
    us: { authority: identity.authority, ageRecipient: identity.ageRecipient, ageIdentity: () => identity.ageIdentity() },
    workDir: path.join(deps.dataDir, 'tmp'),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (!bundle) {
    const failed = report.steps.find((s) => !s.ok);
    throw new ContractError(
      'INTEGRITY',
      `The bundle was not imported: ${failed ? `${failed.step}: ${failed.detail}` : 'it did not verify'}.`,
      { report },
    );
  }
  try {
    const { statement, sender } = bundle;
    const existing = db
      .prepare(`SELECT c.case_number FROM received_bundle r JOIN case_file c USING (case_id) WHERE r.bundle_id = ?`)
      .get(statement.bundleId) as { case_number: string } | undefined;
    if (existing)
      return { caseNumber: existing.case_number, bundleId: statement.bundleId, alreadyImported: true, items: 0, evidenceFiles: 0, report };
    const caseJson = parseJson(await bundle.readText('data/case.json'), caseJsonSchema, 'data/case.json');
    const audit = parseJson(await bundle.readText('data/audit.json'), auditJsonSchema, 'data/audit.json');
    const chain = checkReceivedChain(statement.caseNumber, audit.entries, audit.signature, sender.signingKey!);
    const files = [...new Set(caseJson.items.map((i) => i.file).filter((f): f is string => !!f))];
    options.onProgress?.({ phase: 'store', message: 'Storing evidence files', done: 0, total: files.length });
    const blobs = await storeEvidence(bundle, deps, files, options.signal);
    try {
      const knownAuthority = db.prepare(`SELECT 1 FROM authority WHERE short_name = ?`).get(sender.authority) !== undefined;
      const bundleSha256 = await fileSha256(file);
      const caseNumber = await writeWhenFree(
        db,
        () => {
          const header = createCase(db, deps.actor, {
            title: caseJson.header.title,
            summary: caseJson.header.summary,
            classification: caseJson.header.classification,
            ...(caseJson.header.handlingCaveat ? { handlingCaveat: caseJson.header.handlingCaveat } : {}),
            ...(knownAuthority ? { owningAuthority: sender.authority } : {}),
            tags: [...new Set([...caseJson.header.tags, 'received'])].slice(0, 50),
          });
          const caseId = (db.prepare(`SELECT case_id FROM case_file WHERE case_number = ?`).get(header.caseNumber) as { case_id: number })
            .case_id;
          for (const item of caseJson.items) {
            const blob = item.file ? blobs.get(item.file) : undefined;
            if (blob)
              db.prepare(`INSERT OR IGNORE INTO evidence_blob (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?)`).run(
                blob.sha256,
                blob.size,
                blob.mediaType,
                new Date().toISOString(),
              );
            const { kind: _kind, ...payload } = item.payload;
            insertItem(
              db,
              deps.actor,
              caseId,
              item.kind,
              {
                title: item.title,
                ...(item.eventDate ? { eventDate: item.eventDate } : {}),
                tags: item.tags,
                ...(item.grade ? { grade: item.grade } : {}),
                category: item.category,
                origin: 'received_foreign',
                originAuthority: sender.authority,
                ...(item.sharing.bases[0] ? { originInstrument: item.sharing.bases[0] } : {}),
              },
              {
                title: item.title,
                payload,
                contentSha256: blob?.sha256 ?? null,
                searchText: `${item.title} ${JSON.stringify(payload).slice(0, 20_000)}`,
              },
            );
          }
          db.prepare(
            `INSERT INTO received_bundle (bundle_id, case_id, sender_authority, sender_fingerprint, sender_case_number, bundle_sha256, received_at,
                                        purpose, legend, conditions_json, withheld_count, report_json, chain_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            statement.bundleId,
            caseId,
            sender.authority,
            sender.fingerprint,
            statement.caseNumber,
            bundleSha256,
            new Date().toISOString(),
            caseJson.purpose,
            caseJson.legend,
            JSON.stringify(caseJson.conditions),
            caseJson.withheldItems,
            JSON.stringify(report),
            JSON.stringify(chain),
          );
          // Last, so everything above was written while the case could still take it.
          db.prepare(`UPDATE case_file SET received = 1 WHERE case_id = ?`).run(caseId);
          return header.caseNumber;
        },
        {
          ...(options.signal ? { signal: options.signal } : {}),
          onWaiting: () =>
            options.onProgress?.({ phase: 'wait', message: 'Waiting for the database (another import is finishing)', done: 0 }),
        },
      );
      return {
        caseNumber,
        bundleId: statement.bundleId,
        alreadyImported: false,
        items: caseJson.items.length,
        evidenceFiles: blobs.size,
        report,
      };
    } catch (error) {
      for (const blob of blobs.values())
        if (blob.created && !blobInUse(db, blob.sha256)) fs.rmSync(blobPath(deps.dataDir, blob.sha256), { force: true });
      throw error;
    } finally {
      for (const blob of blobs.values()) blob.settled();
    }
  } finally {
    bundle.close();
  }
}
