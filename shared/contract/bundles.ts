import { z } from 'zod';
import { purposes, type Outcome } from './cooperation';
import type { JobStarted } from './jobs';
import { method } from './method';

/** What one recipient would receive of a case, and what is withheld from it and why (the export preview). */
export interface RecipientPreview {
  authority: string;
  /** The trusted key the bundle would be encrypted to (null when not encrypting or when there is none). */
  fingerprint: string | null;
  /** Why no bundle can be encrypted to this authority yet (no key, not trusted, revoked), when so. */
  keyProblem: string | null;
  shared: Array<{ itemId: number; title: string; category: string; outcome: Outcome }>;
  withheld: Array<{ itemId: number; title: string; category: string; outcome: Outcome; reason: string }>;
  subjectsWithheld: number;
  conditions: string[];
  legend: string;
}

export interface BundlePreview {
  caseNumber: string;
  purpose: string;
  date: string;
  recipients: RecipientPreview[];
  /** The bundles that would be written: recipients with the same outcome share one. */
  bundles: string[][];
}

export interface ExportedBundle {
  file: string;
  /**
   * Set when the bundle was written to this workstation's outbox (no path given, as in browser mode): the id
   * `GET /api/outbox/<id>` serves it by, as a download.
   */
  outboxId: string | null;
  authorities: string[];
  bundleId: string;
  sha256: string;
  bytes: number;
  encrypted: boolean;
  itemsSent: number;
  itemsWithheld: number;
}

export interface BundleExportResult {
  bundles: ExportedBundle[];
}

/** One step of a bundle's verification, in the order the handbook (§1.4, §2.1) sets. */
export interface VerifyStep {
  step: string;
  ok: boolean;
  detail: string;
}

export interface BundleVerifyReport {
  ok: boolean;
  file: string;
  steps: VerifyStep[];
  warnings: string[];
  encrypted: boolean | null;
  bundleId: string | null;
  caseNumber: string | null;
  sender: { authority: string; name: string; fingerprint: string } | null;
  recipients: string[];
}

export interface BundleImportResult {
  caseNumber: string;
  bundleId: string;
  alreadyImported: boolean;
  items: number;
  evidenceFiles: number;
  report: BundleVerifyReport;
}

const caseNumber = z.string().regex(/^CASE-\d{4}-\d{4,}$/, 'a case number such as CASE-2026-0001');
const authorities = z.array(z.string().trim().min(1).max(40)).min(1, 'name at least one recipient authority').max(20);
const localPath = z.string().min(1).max(4096);
const uploadId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'an upload id');
/** A bundle file's name in the inbox folder: a name, never a path. */
const inboxFile = z
  .string()
  .regex(/^[^/\\\0]{1,200}\.casebundle$/, 'the name of a .casebundle file in the inbox folder')
  .refine((name) => !name.startsWith('.'), 'the name of a .casebundle file in the inbox folder');

/**
 * Where a bundle to verify or import is read from: a path (desktop and CLI), an upload (browser mode's "Open a
 * bundle…"), or a file of the inbox folder by name.
 */
export const bundleSourceSchema = z.union([
  z.object({ file: localPath }).strict(),
  z.object({ uploadId }).strict(),
  z.object({ inboxFile }).strict(),
]);
export type BundleSource = z.infer<typeof bundleSourceSchema>;

/** A bundle waiting in the inbox folder, with its verification (nothing is imported until asked). */
export interface InboxEntry {
  name: string;
  bytes: number;
  modifiedAt: string;
  report: BundleVerifyReport;
  /** The received case it was imported as, when it was. */
  importedAs: string | null;
}

export interface InboxListing {
  folder: string;
  entries: InboxEntry[];
}

export const bundlesMethods = {
  'bundles.preview': method<BundlePreview>()(
    z.object({ caseNumber, to: authorities, purpose: z.enum(purposes), encrypt: z.boolean().default(true) }).strict(),
  ),
  /**
   * Writes the bundle(s): to `out` (desktop and CLI), or without it to this workstation's outbox, from where
   * browser mode downloads them. A job: its result is a BundleExportResult.
   */
  'bundles.export': method<JobStarted>()(
    z
      .object({ caseNumber, to: authorities, purpose: z.enum(purposes), encrypt: z.boolean().default(true), out: localPath.optional() })
      .strict(),
  ),
  /** Verifies a bundle; a job whose result is a BundleVerifyReport. */
  'bundles.verify': method<JobStarted>()(bundleSourceSchema),
  /** Verifies, then imports as a read-only received case; a job whose result is a BundleImportResult. */
  'bundles.import': method<JobStarted>()(bundleSourceSchema),
  /** Verifies every .casebundle of the inbox folder; a job whose result is an InboxListing. Nothing is imported. */
  'bundles.inbox': method<JobStarted>()(z.object({}).strict()),
  /** The inbox folder: the one set, or the data directory's `inbox` by default. */
  'bundles.inboxFolder': method<{ folder: string; isDefault: boolean }>()(z.object({}).strict()),
  /** Sets the inbox folder (an absolute path of an existing folder), or back to the default with null. */
  'bundles.setInboxFolder': method<{ folder: string; isDefault: boolean }>()(
    z.object({ folder: z.string().trim().min(1).max(4096).nullable() }).strict(),
  ),
  'bundles.received': method<ReceivedProvenance>()(z.object({ caseNumber }).strict()),
};

/** Where a received case came from, shown on every view of it. */
export interface ReceivedProvenance {
  bundleId: string;
  senderAuthority: string;
  senderFingerprint: string;
  senderCaseNumber: string;
  bundleSha256: string;
  receivedAt: string;
  purpose: string;
  legend: string;
  conditions: Array<{ text: string }>;
  withheldCount: number;
  report: BundleVerifyReport;
  chain: ReceivedChainCheck;
}

/** What a recipient established about the sender's audit chain from a bundle. */
export interface ReceivedChainCheck {
  ok: boolean;
  entries: number;
  /** Entries shown in full, whose hash was recomputed. */
  recomputed: number;
  /** Entries about what was not sent: only their links are checked. */
  redacted: number;
  headSeq: number | null;
  headHash: string | null;
  signedBySender: boolean;
  problem: string | null;
}
