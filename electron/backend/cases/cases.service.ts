import { ContractError } from '../../../shared/contract/errors';
import type { HandlersOf, ServiceContext } from '../context';
import { claimUploads, removeUpload, resolveUpload } from '../uploads/uploadStore';
import { appendAudit, auditPage, lastSignature, signHead, verifyChain } from './audit';
import { addSubject, addTask, caseRow, createCase, getCase, listCases, updateCase, updateTask, withdrawSubject, write } from './cases.repo';
import { renderDossier } from './dossier';
import {
  addNote,
  attachEvidence,
  evidencePreview,
  getItem,
  linkRequest,
  listItems,
  pinDecision,
  pinFinding,
  pinTrades,
  pinView,
  purgeEvidence,
  recheck,
  updateItem,
  withdrawItem,
} from './items.repo';
import { searchCases } from './search';
import { caseTimeline } from './timeline';
import type { VerifyResult } from '../../../shared/contract/cases';
import type { Db } from '../db/connection';

/** The cases.* methods: each change audited in its own transaction (see cases.repo.ts, items.repo.ts). */
export function createCaseHandlers(ctx: ServiceContext): HandlersOf<'cases'> {
  const { db } = ctx;
  return {
    'cases.list': (input) => listCases(db, input),
    'cases.get': (input) => getCase(db, input.caseNumber),
    'cases.create': (input) => createCase(db, ctx.actor(), input),
    'cases.update': (input) => updateCase(db, ctx.actor(), input),
    'cases.items': (input) => listItems(db, input),
    'cases.item': (input) => getItem(db, input.itemId),
    'cases.addSubject': (input) => addSubject(db, ctx.actor(), input.caseNumber, input.subject),
    'cases.withdrawSubject': (input) => withdrawSubject(db, ctx.actor(), input.subjectId, input.version, input.reason),
    'cases.pinView': (input) => pinView(db, ctx.actor(), input),
    'cases.pinTrades': (input) => pinTrades(db, ctx.actor(), input),
    'cases.pinDecision': (input) => pinDecision(db, ctx.actor(), input),
    'cases.linkRequest': (input) => linkRequest(db, ctx.actor(), input),
    'cases.pinFinding': (input) => pinFinding(db, ctx.actor(), input),
    'cases.attach': async (input) => {
      if ('path' in input.source) {
        // A path on this machine: the CLI's and the desktop dialog's; browser mode sends uploads.
        if (ctx.mode === 'browser')
          throw new ContractError('FORBIDDEN', 'In browser mode files are attached as uploads only.', { field: 'source' });
        return attachEvidence(db, ctx.dataDir, ctx.actor(), { ...input, resolvedPath: input.source.path });
      }
      const uploadId = input.source.uploadId;
      const release = claimUploads(ctx.dataDir, [uploadId]);
      try {
        return await attachEvidence(db, ctx.dataDir, ctx.actor(), { ...input, resolvedPath: resolveUpload(ctx.dataDir, uploadId) });
      } finally {
        release();
        removeUpload(ctx.dataDir, uploadId);
      }
    },
    'cases.addNote': (input) => addNote(db, ctx.actor(), input),
    'cases.updateItem': (input) => updateItem(db, ctx.actor(), input),
    'cases.withdrawItem': (input) => withdrawItem(db, ctx.actor(), input.itemId, input.version, input.reason),
    'cases.purgeEvidence': (input) => purgeEvidence(db, ctx.dataDir, ctx.actor(), input.itemId, input.version, input.reason),
    'cases.recheck': (input) => recheck(db, input.itemId),
    'cases.evidencePreview': (input) => evidencePreview(db, ctx.dataDir, input.itemId),
    'cases.addTask': (input) => addTask(db, ctx.actor(), input),
    'cases.updateTask': (input) => updateTask(db, ctx.actor(), input),
    'cases.timeline': (input) => caseTimeline(db, input.caseNumber),
    'cases.search': (input) => searchCases(db, input.text, input.caseNumber, input.limit),
    'cases.audit': (input) => auditPage(db, caseRow(db, input.caseNumber).case_id, input.startRow, input.endRow),
    'cases.verify': (input) => verifyCases(db, input.caseNumber),
    'cases.signHead': (input) => {
      const c = caseRow(db, input.caseNumber);
      const signed = write(db, () => signHead(db, c.case_id, ctx.identity(), input.reason));
      if (!signed)
        throw new ContractError('NOT_FOUND', `${input.caseNumber} has no audit entries to sign.`, { caseNumber: input.caseNumber });
      return signed;
    },
    'cases.report': (input) => {
      const c = caseRow(db, input.caseNumber);
      // Printing a dossier is an export: recorded, and the head it reflects signed.
      write(db, () => {
        appendAudit(db, c.case_id, ctx.actor(), {
          action: 'export',
          objectType: 'case',
          objectId: input.caseNumber,
          change: { format: 'dossier-html' },
        });
        signHead(db, c.case_id, ctx.identity(), 'dossier');
      });
      const html = renderDossier(db, input.caseNumber, lastSignature(db, c.case_id), ctx.identity());
      return { fileName: `${input.caseNumber}-dossier.html`, html };
    },
  };
}

/** Recomputes the audit chain of one case or of all. */
export function verifyCases(db: Db, caseNumber?: string): VerifyResult {
  const rows = (
    caseNumber
      ? [caseRow(db, caseNumber)]
      : (db.prepare(`SELECT case_id, case_number FROM case_file ORDER BY case_id`).all() as Array<{ case_id: number; case_number: string }>)
  ) as Array<{ case_id: number; case_number: string }>;
  const cases = rows.map((r) => verifyChain(db, r.case_id, r.case_number));
  return { ok: cases.every((c) => c.ok), cases };
}
