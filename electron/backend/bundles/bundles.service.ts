import fs from 'node:fs';
import path from 'node:path';
import type { ReceivedProvenance } from '../../../shared/contract/bundles';
import { ContractError } from '../../../shared/contract/errors';
import type { PartnerKey } from '../../../shared/contract/keys';
import type { WorkstationIdentity } from '../keys/workstationIdentity';
import type { HandlersOf, ServiceContext } from '../context';
import { caseRow } from '../cases/cases.repo';
import { listPartners } from '../keys/partners.repo';
import { exportBundle, previewExport } from './exportBundle';
import { importBundle } from './importBundle';
import { verifyBundle } from './verifyBundle';

/**
 * Case bundles through the contract. Export, verify and import are jobs (progress, cancel) run
 * in this process: they need the workstation's keys, whose secret the desktop app holds in
 * memory and does not hand to worker threads; the work itself is streamed I/O and hashing.
 */
export function createBundleHandlers(ctx: ServiceContext): HandlersOf<'bundles'> {
  const { db } = ctx;
  const noPaths = () => {
    if (ctx.mode === 'browser')
      throw new ContractError('FORBIDDEN', 'In browser mode bundles are not read or written by path.', { field: 'file' });
  };
  const workDir = () => {
    const dir = path.join(ctx.dataDir, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  return {
    'bundles.preview': (input) => previewExport({ db, identity: ctx.identity() }, input),
    'bundles.export': (input) => {
      noPaths();
      workDir();
      return ctx.jobs.startHere('bundles.export', ({ signal, progress }) =>
        exportBundle(
          { db, dataDir: ctx.dataDir, identity: ctx.identity(), actor: ctx.actor() },
          { caseNumber: input.caseNumber, to: input.to, purpose: input.purpose, out: path.resolve(input.out), encrypt: input.encrypt },
          { signal, onProgress: progress },
        ),
      );
    },
    'bundles.verify': ({ file }) => {
      noPaths();
      const identity = ctx.identity();
      return ctx.jobs.startHere('bundles.verify', ({ signal, progress }) =>
        verifyBundle(path.resolve(file), {
          // Our own key too: a sender can check what it sent (it is not a recipient, so it cannot open an encrypted one).
          keys: [...listPartners(db), ownKey(identity)],
          us: { authority: identity.authority, ageRecipient: identity.ageRecipient, ageIdentity: () => identity.ageIdentity() },
          workDir: workDir(),
          signal,
          onProgress: progress,
        }),
      );
    },
    'bundles.import': ({ file }) => {
      noPaths();
      workDir();
      return ctx.jobs.startHere('bundles.import', ({ signal, progress }) =>
        importBundle({ db, dataDir: ctx.dataDir, identity: ctx.identity(), actor: ctx.actor() }, path.resolve(file), {
          signal,
          onProgress: progress,
        }),
      );
    },
    'bundles.received': ({ caseNumber }) => receivedProvenance(ctx, caseNumber),
  };
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
