import { z } from 'zod';
import { isCalendarDate } from './calendarDate';
import { method } from './method';
import type { JobStarted } from './jobs';

export const regimes = ['EMIR', 'UKEMIR', 'CFTC', 'JFSA', 'ASIC', 'MAS', 'HKMA', 'CSA', 'OTHER'] as const;
export type Regime = (typeof regimes)[number];

/** A TR snapshot: (source TR, regime, as-of date, version). */
export interface SnapshotSummary {
  snapshotId: number;
  sourceName: string;
  trLei: string | null;
  regime: Regime;
  asOfDate: string;
  version: number;
  importedAt: string;
  tradeRows: number;
  rejectedRows: number;
  warningRows: number;
  isDemo: boolean;
}

export const snapshotIdSchema = z.number().int().positive();
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isCalendarDate(s), 'a date that exists (no 30 February)');
const lei = z.string().regex(/^[A-Z0-9]{18}[0-9]{2}$/, 'a 20-character LEI');

/** A file to import: an upload (browser mode) or a path chosen in a file dialog / on the command line. */
export const importFileSchema = z.union([
  z.object({ uploadId: z.string().regex(/^[0-9a-f-]{36}$/, 'an upload id') }).strict(),
  z.object({ path: z.string().min(1).max(4096) }).strict(),
]);

export const importInput = z
  .object({
    files: z.array(importFileSchema).min(1).max(50),
    sourceName: z.string().trim().min(1).max(120),
    trLei: lei.optional(),
    regime: z.enum(regimes),
    asOfDate: isoDate,
    maxErrorRatio: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ImportInput = z.input<typeof importInput>;

export const severities = ['ERROR', 'WARN', 'INFO'] as const;
export type Severity = (typeof severities)[number];

/** Filters over a snapshot's validation findings; every one is applied as a bound SQL parameter. */
export const issueFilterSchema = z
  .object({
    snapshotId: snapshotIdSchema,
    severity: z.enum(severities).optional(),
    ruleId: z.string().max(64).optional(),
    file: z.string().max(255).optional(),
    field: z.string().max(64).optional(),
    /** Free text matched against the message. */
    text: z.string().max(200).optional(),
  })
  .strict();

export const issuesPageInput = issueFilterSchema.extend({
  startRow: z.number().int().min(0).default(0),
  endRow: z.number().int().min(1).default(100),
});

export interface ValidationIssueRow {
  file: string;
  line: number | null;
  location: string | null;
  field: string | null;
  ruleId: string;
  severity: Severity;
  message: string;
  /** True when the row was rejected (kept raw, not in the exposure tables). */
  rejected: boolean;
}

export interface IssuesPage {
  rows: ValidationIssueRow[];
  /** Number of findings matching the filters. */
  total: number;
}

export interface IssueSummaryRow {
  ruleId: string;
  severity: Severity;
  count: number;
  example: string;
}

export interface SnapshotFile {
  kind: string;
  fileName: string;
  format: 'csv' | 'iso20022';
  messageType: string | null;
  bytes: number;
  sha256: string;
  rowsRead: number;
  rowsRejected: number;
}

/** The rate a currency's amounts were converted with: the as-of day's, or the latest earlier one (stale). */
export interface FxRateApplied {
  ccy: string;
  usdPerUnit: number;
  rateDate: string;
  /** Days between the rate's date and the snapshot's as-of date (0: the as-of rate). */
  daysStale: number;
}

/** How many reports and trades are outstanding and why the others carry no exposure (shared/domain/lifecycle.ts). */
export interface TradeStateCount {
  state: 'outstanding' | 'terminated' | 'error' | 'in-position' | 'ported-out' | 'matured';
  reports: number;
  trades: number;
}

/** What a snapshot's figures rest on: the FX rates applied and the trades counted. */
export interface SnapshotBasis {
  asOfDate: string;
  fxRates: FxRateApplied[];
  tradeStates: TradeStateCount[];
}

export interface RejectedRow {
  file: string;
  line: number;
  /** "line N" in CSV, the XPath of the report in ISO 20022 XML (several reports may share a line). */
  location: string;
  values: Record<string, string>;
}

export const snapshotsMethods = {
  'snapshots.list': method<SnapshotSummary[]>()(z.object({}).strict()),
  'snapshots.files': method<SnapshotFile[]>()(z.object({ snapshotId: snapshotIdSchema }).strict()),
  'snapshots.basis': method<SnapshotBasis>()(z.object({ snapshotId: snapshotIdSchema }).strict()),
  /** Starts an import job; its progress arrives as job.progress events. */
  'snapshots.import': method<JobStarted>()(importInput),
  'snapshots.issues': method<IssuesPage>()(issuesPageInput.strict()),
  'snapshots.issueSummary': method<IssueSummaryRow[]>()(z.object({ snapshotId: snapshotIdSchema }).strict()),
  /** The findings matching the filters as CSV text (header block + one row per finding). */
  'snapshots.exportIssues': method<{ fileName: string; csv: string }>()(issueFilterSchema),
  /** A rejected row by its line and, when one line holds several (a minified XML file), its location; else the line's first. */
  'snapshots.rejectedRow': method<RejectedRow>()(
    z
      .object({
        snapshotId: snapshotIdSchema,
        file: z.string().max(255),
        line: z.number().int().min(1),
        location: z.string().min(1).max(4096).optional(),
      })
      .strict(),
  ),
};
