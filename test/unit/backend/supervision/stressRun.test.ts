import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import type { StressRunResult } from '../../../../shared/contract/stress';
import { A, handSnapshot } from './handSnapshot';

/**
 * `stress.run` on the five-trade snapshot of handSnapshot.ts, worked by hand. No prices are reported, so each
 * underlier has a price index of 1 and a position's units are its signed USD notional.
 *
 * Collateral: A posted 70,000 (PF-AB) + 20,000 (T4) + 70,000 (T5) = 160,000; B and C posted nothing.
 * BTC −30 %: A is long 1,000,000 − 400,000 + 300,000 = 900,000 BTC → loss 270,000 ≥ 160,000 → A defaults in round 1,
 * uncovered 110,000. B (short 600,000 vs A) gains 180,000, C (short 300,000) gains 90,000.
 * Counterparty channel: 110,000 shared 180 : 90 → B 73,333.33, C 36,666.67; both still gain overall → no second round.
 * Price channel: A's book liquidated: BTC 900,000 × 0.7 = 630,000, ETH 200,000, SOL −100,000 → 930,000 in all;
 * with a depth of 1,000,000 USD per 1 % for BTC (a loaded schedule), BTC moves −630,000 / 1,000,000 × 1 % = −0.63 %.
 */

let backend: Backend;
let snapshotId: number;

beforeAll(async () => {
  ({ backend, snapshotId } = await handSnapshot());
});

const run = (input: Record<string, unknown>) => backend.call('stress.run', { snapshotId, ...input }) as Promise<StressRunResult>;

describe('stress.run on a snapshot', () => {
  it('defaults A at the shock and charges its uncovered loss to B and C by their exposure', async () => {
    const result = await run({ shocks: { BTC: -0.3, DOGE: -0.5 } });
    expect(result.rounds).toHaveLength(1);
    const [r1] = result.rounds;
    expect(r1!.defaults).toHaveLength(1);
    expect(r1!.defaults[0]).toMatchObject({ holder: A, name: 'Alpha Dealer Inc.', jurisdiction: 'US' });
    expect(r1!.defaults[0]!.lossUsd).toBeCloseTo(270_000, 4);
    expect(r1!.defaults[0]!.collateralUsd).toBeCloseTo(160_000, 4);
    expect(r1!.defaults[0]!.uncoveredUsd).toBeCloseTo(110_000, 4);
    expect(r1!.chargedUsd).toBeCloseTo(110_000, 4);
    expect(r1!.liquidatedNotionalUsd).toBeCloseTo(930_000, 4);
    // The shipped schedule's illustrative depth: BTC 100,000,000 USD per 1 % → −630,000 / 100,000,000 × 1 % =
    // −0.0063 %; ETH 40,000,000 → −200,000 / 40,000,000 × 1 % = −0.005 %; SOL has none: not moved, and said so.
    expect(r1!.priceMoves.BTC).toBeCloseTo(-0.000063, 12);
    expect(r1!.priceMoves.ETH).toBeCloseTo(-0.00005, 12);
    expect(r1!.noDepth).toEqual(['SOL']);
    expect(result.byJurisdiction).toEqual([{ jurisdiction: 'US', defaults: 1, uncoveredUsd: expect.closeTo(110_000, 4) }]);
    expect(result.unmatchedShocks).toEqual(['DOGE']);
    expect(result.positions).toBe(10);
  });

  it('moves BTC by the depth the margin schedule gives', async () => {
    await backend.call('margin.importSchedule', {
      schedule: {
        v: 1,
        name: 'With depth',
        effectiveFrom: '2026-01-01',
        source: 'test',
        illustrative: true,
        defaultRate: 0.5,
        rules: [],
        marketDepth: [{ underlier: 'BTC', usdFor1Percent: 1_000_000 }],
      },
    });
    const result = await run({ shocks: { BTC: -0.3 }, channels: ['price'] });
    expect(result.rounds[0]!.priceMoves.BTC).toBeCloseTo(-0.0063, 10);
    expect(result.rounds[0]!.noDepth.sort()).toEqual(['ETH', 'SOL']);
  });

  it('a smaller shock defaults no one; bad input names what is expected', async () => {
    // BTC −10 %: A loses 90,000 < 160,000.
    expect((await run({ shocks: { BTC: -0.1 } })).rounds).toEqual([]);
    await expect(run({ shocks: {} })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/at least one shock/),
    });
    await expect(run({ shocks: { BTC: -1.5 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(run({ shocks: { BTC: -0.3 }, channels: ['gravity'] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
