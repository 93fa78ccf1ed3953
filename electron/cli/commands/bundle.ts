import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { runJob } from '../runJob';
import { withCancelOnSignal } from '../cancel';
import { verifyBundle } from '../../backend/bundles/verifyBundle';
import { inboxFiles } from '../../backend/bundles/inbox';
import { ContractError } from '../../../shared/contract/errors';
import type {
  BundleExportResult,
  BundleImportResult,
  BundlePreview,
  BundleVerifyReport,
  InboxListing,
} from '../../../shared/contract/bundles';
import { purposes } from '../../../shared/contract/cooperation';
import { keyCardSchema, type PartnerKey } from '../../../shared/contract/keys';

const usage = `concordat bundle <export|verify|import|inbox> …

  concordat bundle export CASE_NUMBER --to AUTH[,AUTH…] --purpose P --out FILE.casebundle [--no-encrypt] [--preview]
      Exports what the MoUs allow each recipient to receive, signed by this workstation and encrypted
      to each recipient's age key. --preview lists what would go and what is withheld, and why,
      without writing anything. Recipients whose outcomes differ get separate bundles.
      P: ${purposes.join(', ')}.
  concordat bundle verify FILE [--trust CARD.json …]
      Every check in order (container, signatures with a pinned key, recipient, ciphertext, bag,
      every file's SHA-512), printed as a checklist. With --trust it runs without a data directory,
      trusting only the cards given (an unencrypted bundle, or to check who signed an encrypted one).
  concordat bundle import FILE
      Verifies, then opens the bundle as a read-only received case. The same bundle twice is a no-op.
  concordat bundle inbox [DIR]
      Verifies every *.casebundle in a folder (a shared drive, a USB stick) and lists them; imports nothing.
      Without DIR: the inbox folder set in the app (Settings → Bundle inbox; the data folder's inbox/ by default).

Every command takes --data-dir D and --json. Exit code 0 when all is well, 1 when a bundle does not
verify, 2 for bad input. Ctrl-C cancels; nothing is left half-written.`;

function one(positionals: string[], what: string): string {
  const [value, ...extra] = positionals;
  if (!value) throw new UsageError(`Name the ${what}.`);
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  return value;
}

export function checklist(r: BundleVerifyReport): string {
  return [
    `${r.file}: ${r.ok ? 'VERIFIED' : 'NOT VERIFIED'}`,
    ...r.steps.map((s) => `  [${s.ok ? 'ok' : 'FAILED'}] ${s.step}: ${s.detail}`),
    ...r.warnings.map((w) => `  warning: ${w}`),
    ...(r.ok && r.sender
      ? [`  from ${r.sender.authority} (${r.sender.name}) · case ${r.caseNumber} · bundle ${r.bundleId} · for ${r.recipients.join(', ')}`]
      : []),
  ].join('\n');
}

function previewText(p: BundlePreview): string {
  const lines = [`${p.caseNumber} for ${p.purpose}, as of ${p.date}:`];
  for (const r of p.recipients) {
    lines.push(
      `  ${r.authority}: ${r.shared.length} item(s) go, ${r.withheld.length} withheld${r.subjectsWithheld ? `, ${r.subjectsWithheld} subject(s) withheld` : ''}`,
    );
    if (r.keyProblem) lines.push(`    cannot encrypt: ${r.keyProblem}`);
    for (const s of r.shared) lines.push(`    sent     #${s.itemId} ${s.title} (${s.category}): ${s.outcome}`);
    for (const w of r.withheld) lines.push(`    WITHHELD #${w.itemId} ${w.title} (${w.category}): ${w.outcome}. ${w.reason}`);
    for (const c of r.conditions) lines.push(`    condition: ${c}`);
  }
  lines.push(`  ${p.bundles.length} bundle(s): ${p.bundles.map((b) => b.join('+')).join('; ')}`);
  return lines.join('\n');
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      to: { type: 'string' },
      purpose: { type: 'string' },
      out: { type: 'string' },
      'no-encrypt': { type: 'boolean', default: false },
      preview: { type: 'boolean', default: false },
    },
    true,
  );
  const caseNumber = one(positionals, 'case (e.g. CASE-2026-0001)');
  if (!values.to) throw new UsageError('--to AUTH[,AUTH…] is required.');
  if (!values.purpose) throw new UsageError(`--purpose is required: one of ${purposes.join(', ')}.`);
  if (!values.preview && !values.out) throw new UsageError('--out FILE.casebundle is required (or --preview).');
  const to = values.to
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      const input = { caseNumber, to, purpose: values.purpose, encrypt: !values['no-encrypt'] };
      if (values.preview) {
        const preview = (await backend.call('bundles.preview', input)) as BundlePreview;
        out.result(preview, () => previewText(preview));
        return 0;
      }
      const result = await runJob<BundleExportResult>(backend, out, 'bundles.export', { ...input, out: path.resolve(values.out!) });
      out.result(result, () =>
        result.bundles
          .map(
            (b) =>
              `${b.file}: for ${b.authorities.join(', ')}, ${b.itemsSent} item(s) sent, ${b.itemsWithheld} withheld, ${b.encrypted ? 'encrypted' : 'NOT encrypted'}\n  bundle ${b.bundleId}, ${b.bytes} bytes, SHA-256 ${b.sha256}`,
          )
          .join('\n'),
      );
      return 0;
    },
    { loadDemoOnFirstStart: false },
  );
}

function trustFromCards(files: string[]): PartnerKey[] {
  return files.map((f) => {
    const file = path.resolve(f);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ContractError('INVALID_INPUT', `${file} is not a key card (${(error as Error).message}).`);
    }
    const parsed = keyCardSchema.safeParse(raw);
    if (!parsed.success)
      throw new ContractError(
        'INVALID_INPUT',
        `${file} is not a key card: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}.`,
      );
    const c = parsed.data;
    return {
      fingerprint: c.fingerprint,
      authority: c.authority,
      name: c.name,
      signingKey: c.signingKey,
      ageRecipient: c.ageRecipient,
      status: 'trusted',
      source: 'card',
      addedAt: '',
      trustedAt: '',
      revokedAt: null,
      revokedReason: null,
    };
  });
}

async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { trust: { type: 'string', multiple: true } }, true);
  const file = path.resolve(one(positionals, 'bundle file'));
  if (!fs.existsSync(file)) throw new ContractError('NOT_FOUND', `${file} does not exist.`);
  const out = createOutput(values.json);
  if (values.trust?.length) {
    const keys = trustFromCards(values.trust);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-verify-'));
    try {
      const report = await withCancelOnSignal((signal) =>
        verifyBundle(file, { keys, workDir: work, signal, onProgress: (p) => out.progress(p.message, p.done, p.total) }),
      );
      out.endProgress();
      out.result(report, () => checklist(report));
      return report.ok ? 0 : 1;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      const report = await runJob<BundleVerifyReport>(backend, out, 'bundles.verify', { file });
      out.result(report, () => checklist(report));
      return report.ok ? 0 : 1;
    },
    { loadDemoOnFirstStart: false },
  );
}

async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  const file = path.resolve(one(positionals, 'bundle file'));
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      try {
        const result = await runJob<BundleImportResult>(backend, out, 'bundles.import', { file });
        out.result(result, () =>
          result.alreadyImported
            ? `Bundle ${result.bundleId} was imported before, as ${result.caseNumber}; nothing changed.`
            : `${checklist(result.report)}\nImported as ${result.caseNumber} (read-only): ${result.items} item(s), ${result.evidenceFiles} evidence file(s).`,
        );
        return 0;
      } catch (error) {
        const report = error instanceof ContractError ? (error.details as { report?: BundleVerifyReport } | undefined)?.report : undefined;
        if (!report) throw error;
        out.result({ imported: false, report }, () => `${checklist(report)}\nNot imported.`);
        return 1;
      }
    },
    { loadDemoOnFirstStart: false },
  );
}

async function inboxCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  // A folder named here, or the inbox folder set in the app (Settings → Bundle inbox).
  const named = positionals.length > 0 ? path.resolve(one(positionals, 'folder')) : null;
  if (named && (!fs.existsSync(named) || !fs.statSync(named).isDirectory()))
    throw new ContractError('NOT_FOUND', `${named} is not a folder.`);
  const out = createOutput(values.json);
  return withBackend(
    values['data-dir'],
    out,
    async (backend) => {
      let dir: string;
      const reports: BundleVerifyReport[] = [];
      if (named) {
        dir = named;
        const files = inboxFiles(dir);
        for (const f of files) reports.push(await runJob<BundleVerifyReport>(backend, out, 'bundles.verify', { file: f.file }));
      } else {
        const listing = await runJob<InboxListing>(backend, out, 'bundles.inbox', {});
        dir = listing.folder;
        reports.push(...listing.entries.map((e) => e.report));
      }
      out.result(reports, () =>
        reports.length === 0
          ? `No .casebundle files in ${dir}.`
          : reports
              .map((r) => {
                const failed = r.steps.find((s) => !s.ok);
                return `${r.ok ? 'verified    ' : 'NOT VERIFIED'} ${path.basename(r.file)}${
                  r.ok
                    ? `: ${r.caseNumber} from ${r.sender?.authority} for ${r.recipients.join(', ')}`
                    : `: ${failed?.step}: ${failed?.detail}`
                }`;
              })
              .join('\n') + '\nNothing was imported: run `concordat bundle import FILE` for the ones to open.',
      );
      return reports.every((r) => r.ok) ? 0 : 1;
    },
    { loadDemoOnFirstStart: false },
  );
}

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'Case bundles: export (MoU-redacted, signed, encrypted), verify, import, inbox',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    try {
      switch (sub) {
        case 'export':
          return await exportCommand(rest);
        case 'verify':
          return await verifyCommand(rest);
        case 'import':
          return await importCommand(rest);
        case 'inbox':
          return await inboxCommand(rest);
        default:
          throw new UsageError(sub ? `Unknown bundle command "${sub}".` : 'Say which bundle command to run.');
      }
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
