import { describe, expect, it } from 'vitest';
import { runCascade, type StressMarket, type StressParams, type StressPosition } from '../../../../electron/backend/supervision/cascade';
import { blackScholesPrice } from '../../../../shared/domain/blackScholes';

/** Issue 14 §4, worked by hand: the numbers in the comments are the expected values, computed on paper. */

const both: StressParams = { rounds: 10, channels: { price: true, counterparty: true }, ccpDefaultFundUsd: 0 };
const priceOnly: StressParams = { ...both, channels: { price: true, counterparty: false } };
const counterpartyOnly: StressParams = { ...both, channels: { price: false, counterparty: true } };

const market = (collateralUsd: Record<string, number>, over: Partial<StressMarket> = {}): StressMarket => ({
  prices: { BTC: 100 },
  volatilities: { BTC: 0.5 },
  depthUsd: { BTC: 1_000_000 },
  collateralUsd,
  ccps: [],
  ...over,
});

describe('liquidation cascade, price channel (three holders)', () => {
  // BTC at 100, shocked −30 % → 70. Depth: 1,000,000 USD moves BTC by 1 %.
  // H1 long 10,000 BTC vs H3, collateral 250,000; H2 long 5,000 vs H3, collateral 152,000; H3 short 15,000.
  const positions: StressPosition[] = [
    { holder: 'H1', counterparty: 'H3', underlier: 'BTC', units: 10_000 },
    { holder: 'H3', counterparty: 'H1', underlier: 'BTC', units: -10_000 },
    { holder: 'H2', counterparty: 'H3', underlier: 'BTC', units: 5_000 },
    { holder: 'H3', counterparty: 'H2', underlier: 'BTC', units: -5_000 },
  ];
  const collateral = { H1: 250_000, H2: 152_000, H3: 1_000_000 };

  it('defaults H1 at the shock, whose fire sale then defaults H2', () => {
    const out = runCascade(positions, market(collateral), { shocks: { BTC: -0.3 } }, priceOnly);
    expect(out.rounds).toHaveLength(2);
    const [r1, r2] = out.rounds;
    // Round 1 at 70: H1 loses 10,000 × 30 = 300,000 ≥ 250,000 → default, uncovered 50,000.
    // H2 loses 5,000 × 30 = 150,000 < 152,000: survives.
    expect(r1!.defaults).toEqual([{ holder: 'H1', lossUsd: 300_000, collateralUsd: 250_000, uncoveredUsd: 50_000 }]);
    // H1's 10,000 BTC sold at 70: Q = 700,000 → move −700,000 / 1,000,000 × 1 % = −0.7 % → 70 × 0.993 = 69.51.
    expect(r1!.liquidatedNotionalUsd).toBeCloseTo(700_000, 6);
    expect(r1!.priceMoves.BTC).toBeCloseTo(-0.007, 12);
    // Round 2 at 69.51: H2 loses 5,000 × 30.49 = 152,450 ≥ 152,000 → default, uncovered 450.
    expect(r2!.prices.BTC).toBeCloseTo(69.51, 10);
    expect(r2!.defaults).toHaveLength(1);
    expect(r2!.defaults[0]!.holder).toBe('H2');
    expect(r2!.defaults[0]!.lossUsd).toBeCloseTo(152_450, 6);
    expect(r2!.defaults[0]!.uncoveredUsd).toBeCloseTo(450, 6);
    // H2's 5,000 sold at 69.51: Q = 347,550 → −0.34755 % → 69.51 × 0.9965245 = 69.26841...; H3 (short) only gains.
    expect(r2!.priceMoves.BTC).toBeCloseTo(-0.0034755, 12);
    expect(out.finalPrices.BTC).toBeCloseTo(69.51 * (1 - 0.0034755), 10);
    expect(out.defaulted.sort()).toEqual(['H1', 'H2']);
  });

  it('no default when the shock is within every holder’s collateral', () => {
    // −5 %: H1 loses 50,000 < 250,000, H2 25,000 < 152,000.
    const out = runCascade(positions, market(collateral), { shocks: { BTC: -0.05 } }, both);
    expect(out.rounds).toEqual([]);
    expect(out.defaulted).toEqual([]);
    expect(out.finalPrices.BTC).toBeCloseTo(95, 10);
  });

  it('without market depth, liquidation moves no price, and says so', () => {
    const out = runCascade(positions, market(collateral, { depthUsd: {} }), { shocks: { BTC: -0.3 } }, priceOnly);
    expect(out.rounds).toHaveLength(1);
    expect(out.rounds[0]!.noDepth).toEqual(['BTC']);
    expect(out.finalPrices.BTC).toBeCloseTo(70, 10);
  });
});

describe('liquidation cascade, counterparty channel', () => {
  // BTC 100 → 70. H1 long 10,000 vs H2 (collateral 250,000). H2 is hedged: short 10,000 vs H1, long 10,000 vs H3,
  // collateral 40,000. H3 short 10,000 vs H2, collateral 1,000,000.
  const positions: StressPosition[] = [
    { holder: 'H1', counterparty: 'H2', underlier: 'BTC', units: 10_000 },
    { holder: 'H2', counterparty: 'H1', underlier: 'BTC', units: -10_000 },
    { holder: 'H2', counterparty: 'H3', underlier: 'BTC', units: 10_000 },
    { holder: 'H3', counterparty: 'H2', underlier: 'BTC', units: -10_000 },
  ];
  const collateral = { H1: 250_000, H2: 40_000, H3: 1_000_000 };

  it('H1’s uncovered loss, charged to H2, is what defaults H2', () => {
    const out = runCascade(positions, market(collateral), { shocks: { BTC: -0.3 } }, counterpartyOnly);
    const [r1, r2] = out.rounds;
    // Round 1: H1 loses 300,000 → default, uncovered 50,000. H2's book nets to 0: no loss.
    expect(r1!.defaults.map((d) => d.holder)).toEqual(['H1']);
    // H2's exposure to H1: its short gained 300,000; the charge is min(50,000, 300,000) = 50,000, all to H2.
    expect(r1!.chargedUsd).toBeCloseTo(50_000, 6);
    // Round 2: H2's loss = 0 + 50,000 ≥ 40,000 → default, uncovered 10,000, charged to H3 (exposure 300,000).
    expect(r2!.defaults).toEqual([{ holder: 'H2', lossUsd: 50_000, collateralUsd: 40_000, uncoveredUsd: 10_000 }]);
    expect(r2!.chargedUsd).toBeCloseTo(10_000, 6);
    // Round 3: H3's loss = −300,000 + 10,000 < 0: no default, the cascade ends.
    expect(out.rounds).toHaveLength(2);
    expect(out.finalPrices.BTC).toBeCloseTo(70, 10);
  });

  it('with that channel off, H2 never defaults', () => {
    const out = runCascade(positions, market(collateral, { depthUsd: {} }), { shocks: { BTC: -0.3 } }, priceOnly);
    expect(out.defaulted).toEqual(['H1']);
  });

  it('a CCP’s default fund absorbs its charge first', () => {
    // Same book with H2 a CCP whose default fund is 45,000: of the 50,000 charged, 45,000 is absorbed, 5,000 remains
    // (< 40,000 collateral): no second default.
    const out = runCascade(
      positions,
      market(collateral, { ccps: ['H2'] }),
      { shocks: { BTC: -0.3 } },
      {
        ...counterpartyOnly,
        ccpDefaultFundUsd: 45_000,
      },
    );
    expect(out.rounds).toHaveLength(1);
    expect(out.rounds[0]!.absorbedByDefaultFundsUsd).toBeCloseTo(45_000, 6);
    expect(out.defaulted).toEqual(['H1']);
  });
});

describe('option repricing', () => {
  it('Black–Scholes at the textbook point: S = K = 100, σ = 20 %, T = 1, r = 0 → call 7.9656, put by parity', () => {
    const call = blackScholesPrice({ optionType: 'CALL', spot: 100, strike: 100, yearsToExpiry: 1, volatility: 0.2 });
    const put = blackScholesPrice({ optionType: 'PUTO', spot: 100, strike: 100, yearsToExpiry: 1, volatility: 0.2 });
    expect(call).toBeCloseTo(7.9656, 4);
    // Put–call parity with r = 0: C − P = S − K = 0.
    expect(call - put).toBeCloseTo(0, 6);
  });

  it('a long put gains in the shock and a volatility shock adds to it; expired options are worth their intrinsic value', () => {
    const put: StressPosition = {
      holder: 'H1',
      counterparty: 'H2',
      underlier: 'BTC',
      units: 1_000,
      option: { type: 'PUTO', strike: 100, yearsToExpiry: 0.5, rate: 0 },
    };
    const writer: StressPosition = { ...put, holder: 'H2', counterparty: 'H1', units: -1_000 };
    const base = blackScholesPrice({ optionType: 'PUTO', spot: 100, strike: 100, yearsToExpiry: 0.5, volatility: 0.5 });
    const shocked = blackScholesPrice({ optionType: 'PUTO', spot: 70, strike: 100, yearsToExpiry: 0.5, volatility: 0.7 });
    // The writer's loss is 1,000 × (shocked − base); with collateral just under it, it defaults at round 1.
    const loss = 1_000 * (shocked - base);
    const out = runCascade(
      [put, writer],
      market({ H1: 0, H2: loss - 1 }, { depthUsd: {} }),
      { shocks: { BTC: -0.3 }, volShock: 0.2 },
      both,
    );
    expect(out.rounds[0]!.defaults[0]!.holder).toBe('H2');
    expect(out.rounds[0]!.defaults[0]!.lossUsd).toBeCloseTo(loss, 6);
    expect(blackScholesPrice({ optionType: 'PUTO', spot: 70, strike: 100, yearsToExpiry: 0, volatility: 0.5 })).toBe(30);
  });
});
