import { z } from 'zod';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/** Issue 14 §4: a price-shock scenario run as a liquidation cascade over a snapshot. */
export const stressChannels = ['price', 'counterparty'] as const;

export const stressRunInput = z
  .object({
    snapshotId: snapshotIdSchema,
    /** Relative price shocks by underlier symbol or DTI: { BTC: -0.3 } is BTC −30 %. */
    shocks: z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'an underlier symbol or DTI'), z.number().min(-0.99).max(10))
      .refine((r) => Object.keys(r).length > 0, 'at least one shock, such as BTC=-0.30'),
    /** Added to every volatility (0.2 = +20 volatility points). */
    volShock: z.number().min(-0.9).max(5).optional(),
    rounds: z.number().int().min(1).max(50).default(10),
    channels: z.array(z.enum(stressChannels)).default(['price', 'counterparty']),
    ccpDefaultFundUsd: z.number().min(0).default(0),
  })
  .strict();

/** One holder's default in a round. */
export interface StressDefaultFigures {
  holder: string;
  lossUsd: number;
  collateralUsd: number;
  uncoveredUsd: number;
}

export interface StressTotalRow {
  key: string;
  defaults: number;
  uncoveredUsd: number;
}

/** One round of the cascade. */
export interface StressRoundFigures {
  round: number;
  defaults: StressDefaultFigures[];
  /** Σ over underliers of |Q_u|. */
  liquidatedNotionalUsd: number;
  /** The relative price move each underlier takes into the next round (−0.007 is −0.7 %). */
  priceMoves: Record<string, number>;
  /** Underliers liquidated that have no market depth: their price did not move. */
  noDepth: string[];
  uncoveredUsd: number;
  /** Charged to counterparties this round, and the part CCP default funds absorbed. */
  chargedUsd: number;
  absorbedByDefaultFundsUsd: number;
  /** Prices at which this round's losses were measured. */
  prices: Record<string, number>;
}

export interface StressRunResult {
  snapshotId: number;
  asOf: string;
  scenario: { shocks: Record<string, number>; volShock: number };
  channels: Array<(typeof stressChannels)[number]>;
  rounds: Array<
    Omit<StressRoundFigures, 'defaults' | 'prices'> & {
      defaults: Array<StressDefaultFigures & { name: string | null; jurisdiction: string | null }>;
    }
  >;
  /** Defaults and uncovered loss by the defaulted holders' jurisdiction. */
  byJurisdiction: Array<{ jurisdiction: string | null; defaults: number; uncoveredUsd: number }>;
  /**
   * By the defaulted holders' group (ultimate parent; the holder itself without one), and by venue and CCP
   * ("uncleared" for bilateral): a holder's uncovered loss split by its share of gross notional on each.
   */
  totals: { group: StressTotalRow[]; venue: StressTotalRow[]; ccp: StressTotalRow[] };
  /** Underliers shocked that no position has (a typo, or nothing exposed). */
  unmatchedShocks: string[];
  /** Options that cannot be valued (no price or volatility for their underlier). */
  unvalued: number;
  positions: number;
}

/** A named scenario, saved to run again on any snapshot (issue 14 §4 "saved and named"). */
export const stressScenarioSchema = stressRunInput
  .omit({ snapshotId: true })
  .extend({ name: z.string().trim().min(1, 'a name for the scenario').max(80, 'a name of at most 80 characters') })
  .strict();
export type StressScenarioInput = z.input<typeof stressScenarioSchema>;
export type StressScenario = z.output<typeof stressScenarioSchema> & { savedBy: string; savedAt: string };

export const stressMethods = {
  'stress.run': method<StressRunResult>()(stressRunInput),
  'stress.scenarios': method<StressScenario[]>()(z.object({}).strict()),
  /** Saves a scenario under its name; one saved under the same name is replaced (`replaced` says so). */
  'stress.saveScenario': method<StressScenario & { replaced: boolean }>()(z.object({ scenario: stressScenarioSchema }).strict()),
  'stress.deleteScenario': method<{ deleted: boolean }>()(z.object({ name: z.string().trim().min(1).max(80) }).strict()),
};
