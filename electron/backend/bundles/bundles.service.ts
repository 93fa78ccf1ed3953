import fs from 'node:fs';
import path from 'node:path';
import type { BundleSource, InboxEntry, InboxListing, ReceivedProvenance } from '../../../shared/contract/bundles';
import { ContractError } from '../../../shared/contract/errors';
import type { PartnerKey } from '../../../shared/contract/keys';
import type { WorkstationIdentity } from '../keys/workstationIdentity';
import type { HandlersOf, ServiceContext } from '../context';
import { caseRow } from '../cases/cases.repo';
import { listPartners } from '../keys/partners.repo';
import { exportBundle, previewExport } from './exportBundle';
import { importBundle } from './importBundle';
import { verifyBundle, type VerifyContext } from './verifyBundle';
import { inboxFile, inboxFiles, inboxFolder, setInboxFolder } from './inbox';
import { newOutboxTarget, outboxIdOf } from './outbox';
import { claimUploads, removeUpload, resolveUpload } from '../uploads/uploadStore';

/**
 * Case bundles through the contract. Export, verify and import are jobs (progress, cancel) run
 * in this process: they need the workstation's keys, whose secret the desktop app holds in
 * memory and does not hand to worker threads; the work itself is streamed I/O and hashing.
 */
export function createBundleHandlers(ctx: ServiceContext): HandlersOf<'bundles'> {
  const { db } = ctx;
  const noPaths = (field: string) => {
    if (ctx.mode === 'browser')
      throw new ContractError(
        'FORBIDDEN',
        'In browser mode bundles are not read or written by path: open a bundle file with "Open a bundle…", or from the inbox folder; exports go to the outbox and download.',
        { field },
      );
  };
  const workDir = () => {
    const dir = path.join(ctx.dataDir, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  /** The file a source names, and what to do once the job has read it. */
  const open = (source: BundleSource): { file: string; release: () => void; consumed: () => void } => {
    if ('file' in source) {
      noPaths('file');
      return { file: path.resolve(source.file), release: () => {}, consumed: () => {} };
    }
    if ('inboxFile' in source)
      return { file: inboxFile(inboxFolder(db, ctx.dataDir).folder, source.inboxFile), release: () => {}, consumed: () => {} };
    const file = resolveUpload(ctx.dataDir, source.uploadId);
    // No sweep may remove the upload while the job reads it; an import that took it removes it.
    const release = claimUploads(ctx.dataDir, [source.uploadId]);
    return { file, release, consumed: () => removeUpload(ctx.dataDir, source.uploadId) };
  };
  const verifyOptions = (signal: AbortSignal, onProgress: VerifyContext['onProgress']): VerifyContext => {
    const identity = ctx.identity();
    return {
      // Our own key too: a sender can check what it sent (it is not a recipient, so it cannot open an encrypted one).
      keys: [...listPartners(db), ownKey(identity)],
      us: { authority: identity.authority, ageRecipient: identity.ageRecipient, ageIdentity: () => identity.ageIdentity() },
      workDir: workDir(),
      signal,
      onProgress,
    };
  };
  return {
    'bundles.preview': (input) => previewExport({ db, identity: ctx.identity() }, input),
    'bundles.export': (input) => {
      if (input.out !== undefined) noPaths('out');
      workDir();
      const out = input.out !== undefined ? path.resolve(input.out) : newOutboxTarget(ctx.dataDir, input.caseNumber);
      return ctx.jobs.startHere('bundles.export', async ({ signal, progress }) => {
        const result = await exportBundle(
          { db, dataDir: ctx.dataDir, identity: ctx.identity(), actor: ctx.actor() },
          { caseNumber: input.caseNumber, to: input.to, purpose: input.purpose, out, encrypt: input.encrypt },
          { signal, onProgress: progress },
        );
        return { bundles: result.bundles.map((b) => ({ ...b, outboxId: outboxIdOf(ctx.dataDir, b.file) })) };
      });
    },
    'bundles.verify': (source) => {
      const { file, release } = open(source);
      return ctx.jobs.startHere('bundles.verify', async ({ signal, progress }) => {
        try {
          return await verifyBundle(file, verifyOptions(signal, progress));
        } finally {
          release();
        }
      });
    },
    'bundles.import': (source) => {
      const { file, release, consumed } = open(source);
      workDir();
      return ctx.jobs.startHere('bundles.import', async ({ signal, progress }) => {
        try {
          const result = await importBundle({ db, dataDir: ctx.dataDir, identity: ctx.identity(), actor: ctx.actor() }, file, {
            signal,
            onProgress: progress,
          });
          consumed();
          return result;
        } finally {
          release();
        }
      });
    },
    'bundles.inbox': () => {
      const { folder } = inboxFolder(db, ctx.dataDir);
      return ctx.jobs.startHere('bundles.inbox', async ({ signal, progress }): Promise<InboxListing> => {
        const files = inboxFiles(folder);
        const entries: InboxEntry[] = [];
        for (const [i, f] of files.entries()) {
          progress({ phase: 'verify', message: `Verifying ${f.name} (${i + 1} of ${files.length})`, done: i, total: files.length });
          const report = await verifyBundle(
            f.file,
            verifyOptions(signal, () => {}),
          );
          entries.push({ name: f.name, bytes: f.bytes, modifiedAt: f.modifiedAt, report, importedAs: importedAs(ctx, report.bundleId) });
        }
        return { folder, entries };
      });
    },
    'bundles.inboxFolder': () => inboxFolder(db, ctx.dataDir),
    // Allowed in browser mode too: the folder is only ever listed for regular .casebundle files, which are verified
    // (hostile input is what the verifier is built for) and never served back; a failure has one answer whatever
    // the cause.
    'bundles.setInboxFolder': ({ folder }) => setInboxFolder(db, ctx.dataDir, folder),
    'bundles.received': ({ caseNumber }) => receivedProvenance(ctx, caseNumber),
  };
}

function importedAs(ctx: ServiceContext, bundleId: string | null): string | null {
  if (!bundleId) return null;
  const row = ctx.db
    .prepare(`SELECT c.case_number AS caseNumber FROM received_bundle r JOIN case_file c USING (case_id) WHERE r.bundle_id = ?`)
    .get(bundleId) as { caseNumber: string } | undefined;
  return row?.caseNumber ?? null;
}

function ownKey(identity: WorkstationIdentity): PartnerKey {
  return {
    fingerprint: identity.fingerprint,
    authority: identity.authority ?? '(this workstation)',
    name: `${identity.name} (this workstation)`,
    signingKey: identity.signingKeyPem,
    ageRecipient: identity.ageRecipient,
    status: 'trusted',
    source: 'manual',
    addedAt: identity.createdAt,
    trustedAt: identity.createdAt,
    revokedAt: null,
    revokedReason: null,
  };
}

function receivedProvenance(ctx: ServiceContext, caseNumber: string): ReceivedProvenance {
  const { case_id: caseId } = caseRow(ctx.db, caseNumber);
  const r = ctx.db.prepare(`SELECT * FROM received_bundle WHERE case_id = ?`).get(caseId) as Record<string, string | number> | undefined;
  if (!r) throw new ContractError('NOT_FOUND', `${caseNumber} was not received from another authority.`, { caseNumber });
  return {
    bundleId: String(r.bundle_id),
    senderAuthority: String(r.sender_authority),
    senderFingerprint: String(r.sender_fingerprint),
    senderCaseNumber: String(r.sender_case_number),
    bundleSha256: String(r.bundle_sha256),
    receivedAt: String(r.received_at),
    purpose: String(r.purpose),
    legend: String(r.legend),
    conditions: JSON.parse(String(r.conditions_json)) as ReceivedProvenance['conditions'],
    withheldCount: Number(r.withheld_count),
    report: JSON.parse(String(r.report_json)) as ReceivedProvenance['report'],
    chain: JSON.parse(String(r.chain_json)) as ReceivedProvenance['chain'],
  };
}
