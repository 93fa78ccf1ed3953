import { z } from 'zod';
import { isCalendarDate } from './calendarDate';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/**
 * The harmonised margin schedule (issue 14 §1): a required-margin rate by asset class, contract type and underlier,
 * a default for anything no rule names, each version with the date it takes effect and its source. Policy is data:
 * a schedule file, checked whole with this schema, never a constant in code.
 */
const rate = z.number().min(0, 'a rate from 0 to 1 (0.15 is 15 %)').max(1, 'a rate from 0 to 1 (0.15 is 15 %)');
const code = (what: string, max = 40) =>
  z
    .string()
    .trim()
    .min(1, `${what} cannot be empty`)
    .max(max)
    .regex(/^[A-Za-z0-9._-]+$/, `${what}: letters, digits, . _ - only`);

export const marginRuleSchema = z
  .object({
    assetClass: code('assetClass', 8).optional(),
    contractType: z.enum(['CFDS', 'FRAS', 'FUTR', 'FORW', 'OPTN', 'SPDB', 'SWAP', 'SWPT', 'OTHR', 'PERP']).optional(),
    /** The underlier's ISO 24165 DTI or its symbol, as the TR reports them (BTC, 4H95J0R2X). */
    underlier: code('underlier').optional(),
    rate,
    note: z.string().max(300).optional(),
  })
  .strict();

export const marginScheduleSchema = z
  .object({
    v: z.literal(1),
    name: z.string().trim().min(1).max(120),
    effectiveFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
      .refine((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || isCalendarDate(d), 'a date that exists'),
    source: z.string().trim().min(1, 'cite where the rates come from').max(500),
    /** True when the rates are not an adopted policy (for demonstration and testing). */
    illustrative: z.boolean(),
    /** The rate of a position no rule names (the least liquid bucket). */
    defaultRate: rate,
    rules: z.array(marginRuleSchema).max(2000),
    /** Market depth for the stress test: the net liquidation, in USD, that moves an underlier's price by 1 %. */
    marketDepth: z
      .array(z.object({ underlier: code('underlier'), usdFor1Percent: z.number().positive('a depth above 0 USD') }).strict())
      .max(2000)
      .default([]),
  })
  .strict();
export type MarginSchedule = z.infer<typeof marginScheduleSchema>;
export type MarginRule = z.infer<typeof marginRuleSchema>;

export interface MarginScheduleVersion extends MarginSchedule {
  scheduleId: number;
  /** 'shipped' for the one that comes with Concordat, else who imported it. */
  loadedBy: string;
  loadedAt: string;
}

/** `venue` splits each netting set over its positions' venues (an allocation: see requiredMargin.ts venueParts). */
export const marginDimensions = ['nettingSet', 'holder', 'counterparty', 'group', 'jurisdiction', 'venue'] as const;
export type MarginDimension = (typeof marginDimensions)[number];

/** Required margin and what was posted against it, for one netting set or a roll-up of several. */
export interface MarginRow {
  /** The values of the grouping dimensions, in the order asked. */
  key: Array<string | null>;
  nettingSets: number;
  positions: number;
  /** R = Σ over underliers of r × |net signed delta-adjusted notional|, USD. */
  requiredUsd: number;
  /** Initial margin posted (reports in effect at the as-of date), USD. */
  postedUsd: number;
  /** posted / required; null when nothing is required. */
  coverage: number | null;
  /** Σ over netting sets of max(0, R − posted): a surplus in one set never covers another's gap. */
  shortfallUsd: number;
  /** Netting sets of which no initial margin report is in effect (counted as 0 posted). */
  unreported: number;
}

export interface MarginResult {
  snapshotId: number;
  asOf: string;
  schedule: { scheduleId: number; name: string; effectiveFrom: string; source: string; illustrative: boolean };
  by: MarginDimension[];
  rows: MarginRow[];
  total: MarginRow;
  /** Positions left out: no delta-adjusted notional in USD (no price or FX, no delta obtainable). */
  unpriced: number;
  formula: string;
}

export const marginMethods = {
  'margin.compute': method<MarginResult>()(
    z
      .object({
        snapshotId: snapshotIdSchema,
        by: z.array(z.enum(marginDimensions)).max(3).default(['holder']),
      })
      .strict(),
  ),
  'margin.schedules': method<MarginScheduleVersion[]>()(z.object({}).strict()),
  /** Adds a schedule version (checked whole); one per effective date. */
  'margin.importSchedule': method<MarginScheduleVersion>()(z.object({ schedule: z.unknown() }).strict()),
};
