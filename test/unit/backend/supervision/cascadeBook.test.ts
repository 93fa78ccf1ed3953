import { describe, expect, it } from 'vitest';
import { runBookCascade, runCascade, type StressOutcome, type StressParams } from '../../../../electron/backend/supervision/cascade';
import { compileStressBook } from '../../../../electron/backend/supervision/stressBook';
import type { StressMarket, StressPosition } from '../../../../electron/backend/supervision/stressValuation';
import { blackScholesPrice } from '../../../../shared/domain/blackScholes';

/**
 * The cascade runs on a compiled book: positions netted by holder, counterparty and contract, each contract valued once
 * per round (stressBook.ts). Netting is exact because every figure is linear in units; this checks it against the model
 * of issue 14 §4 applied position by position (written here, independently), on a seeded random book with options,
 * CCPs, repeated positions and positions that cannot be valued.
 */

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBook(seed: number): { positions: StressPosition[]; market: StressMarket } {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const parties = Array.from({ length: 40 }, (_, i) => `P${i}`);
  const ccps = ['CCP1', 'CCP2'];
  const underliers = ['BTC', 'ETH', 'SOL', 'NOPRICE'];
  const positions: StressPosition[] = [];
  for (let i = 0; i < 600; i++) {
    const holder = pick(parties);
    let counterparty = next() < 0.2 ? pick(ccps) : pick(parties);
    if (counterparty === holder) counterparty = pick(ccps);
    const underlier = pick(underliers);
    const units = (next() - 0.5) * 2_000;
    const option =
      next() < 0.3
        ? { type: pick(['CALL', 'PUTO'] as const), strike: pick([80, 100, 120]), yearsToExpiry: pick([0.1, 0.5]), rate: 0 }
        : undefined;
    // Both sides, as the loader gives them; some trades twice (a holder's repeated position in the same contract).
    const times = next() < 0.2 ? 2 : 1;
    for (let t = 0; t < times; t++) {
      positions.push({ holder, counterparty, underlier, units, ...(option ? { option } : {}) });
      positions.push({ holder: counterparty, counterparty: holder, underlier, units: -units, ...(option ? { option } : {}) });
    }
  }
  const collateralUsd: Record<string, number> = {};
  for (const p of [...parties, ...ccps]) collateralUsd[p] = next() * 60_000;
  return {
    positions,
    market: {
      prices: { BTC: 100, ETH: 50, SOL: 10 },
      volatilities: { BTC: 0.6, ETH: 0.8 },
      depthUsd: { BTC: 2_000_000, ETH: 500_000 },
      collateralUsd,
      ccps,
    },
  };
}

const value = (p: StressPosition, price: number, vol: number) =>
  p.option
    ? blackScholesPrice({
        optionType: p.option.type,
        spot: price,
        strike: p.option.strike,
        yearsToExpiry: p.option.yearsToExpiry,
        volatility: vol,
      })
    : price;

/** Issue 14 §4 position by position, as the issue states it (no netting, no contracts). */
function referenceCascade(positions: StressPosition[], market: StressMarket, shocks: Record<string, number>, params: StressParams) {
  const volShock = 0.1;
  const prices: Record<string, number> = {};
  for (const [u, p0] of Object.entries(market.prices)) prices[u] = p0 * (1 + (shocks[u] ?? 0));
  const vol0 = (u: string) => market.volatilities[u] ?? NaN;
  const valued = positions.filter(
    (p) => market.prices[p.underlier] !== undefined && Number.isFinite(value(p, market.prices[p.underlier]!, vol0(p.underlier))),
  );
  const defaulted = new Set<string>();
  const charged = new Map<string, number>();
  const fund = new Map(market.ccps.map((c) => [c, params.ccpDefaultFundUsd]));
  const rounds: Array<{ defaults: Map<string, number>; prices: Record<string, number>; charged: number; liquidated: number }> = [];
  for (let round = 1; round <= params.rounds; round++) {
    const dv = valued.map((p) =>
      defaulted.has(p.holder)
        ? 0
        : p.units *
          (value(p, prices[p.underlier]!, vol0(p.underlier) + volShock) - value(p, market.prices[p.underlier]!, vol0(p.underlier))),
    );
    const loss = new Map<string, number>();
    valued.forEach((p, i) => !defaulted.has(p.holder) && loss.set(p.holder, (loss.get(p.holder) ?? 0) - dv[i]!));
    for (const [h, c] of charged) if (!defaulted.has(h)) loss.set(h, (loss.get(h) ?? 0) + c);
    const defaults = new Map([...loss].filter(([h, l]) => l > 0 && l >= (market.collateralUsd[h] ?? 0)));
    if (defaults.size === 0) break;
    const record = { defaults, prices: { ...prices }, charged: 0, liquidated: 0 };
    for (const [d, l] of defaults) {
      const uncovered = l - (market.collateralUsd[d] ?? 0);
      const exposure = new Map<string, number>();
      valued.forEach((p, i) => {
        if (p.counterparty === d && !defaulted.has(p.holder) && !defaults.has(p.holder))
          exposure.set(p.holder, (exposure.get(p.holder) ?? 0) + dv[i]!);
      });
      const total = [...exposure.values()].filter((e) => e > 0).reduce((s, e) => s + e, 0);
      if (!(uncovered > 0) || total <= 0) continue;
      for (const [c, e] of exposure) {
        if (e <= 0) continue;
        let charge = (Math.min(uncovered, total) * e) / total;
        record.charged += charge;
        if (fund.has(c)) {
          const absorbed = Math.min(fund.get(c)!, charge);
          fund.set(c, fund.get(c)! - absorbed);
          charge -= absorbed;
        }
        charged.set(c, (charged.get(c) ?? 0) + charge);
      }
    }
    const q = new Map<string, number>();
    for (const p of valued) {
      if (!defaults.has(p.holder)) continue;
      const s = prices[p.underlier]!;
      const v = vol0(p.underlier) + volShock;
      const perUnit = p.option ? ((value(p, s * 1.0001, v) - value(p, s * 0.9999, v)) / (2 * s * 1e-4)) * s : s;
      q.set(p.underlier, (q.get(p.underlier) ?? 0) + p.units * perUnit);
    }
    for (const [u, qu] of q) {
      record.liquidated += Math.abs(qu);
      const depth = market.depthUsd[u];
      if (depth) prices[u] = prices[u]! * Math.max(1e-4, 1 + (-qu / depth) * 0.01);
    }
    for (const d of defaults.keys()) defaulted.add(d);
    rounds.push(record);
  }
  return { rounds, unvalued: positions.length - valued.length, prices };
}

const params: StressParams = { rounds: 10, channels: { price: true, counterparty: true }, ccpDefaultFundUsd: 5_000 };

function expectSame(got: StressOutcome, want: ReturnType<typeof referenceCascade>) {
  expect(got.unvalued).toBe(want.unvalued);
  expect(got.rounds.map((r) => r.defaults.map((d) => d.holder).sort())).toEqual(want.rounds.map((r) => [...r.defaults.keys()].sort()));
  got.rounds.forEach((r, i) => {
    const w = want.rounds[i]!;
    for (const d of r.defaults) expect(d.lossUsd).toBeCloseTo(w.defaults.get(d.holder)!, 4);
    expect(r.chargedUsd).toBeCloseTo(w.charged, 4);
    expect(r.liquidatedNotionalUsd).toBeCloseTo(w.liquidated, 3);
    for (const [u, p] of Object.entries(w.prices)) expect(r.prices[u]).toBeCloseTo(p, 9);
  });
  for (const [u, p] of Object.entries(want.prices)) expect(got.finalPrices[u]).toBeCloseTo(p, 9);
}

describe('cascade on a compiled book = the model applied position by position', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: same defaults, losses, charges, liquidations and prices every round`, () => {
      const { positions, market } = randomBook(seed);
      const shocks = { BTC: -0.35, ETH: -0.45, SOL: 0.2 };
      const want = referenceCascade(positions, market, shocks, params);
      // The scenario must cascade for the comparison to mean something.
      expect(want.rounds.length).toBeGreaterThan(1);
      expectSame(runCascade(positions, market, { shocks, volShock: 0.1 }, params), want);
    });
  }

  it('nets: the book has fewer lines than positions, and one compiled book serves several scenarios', () => {
    const { positions, market } = randomBook(7);
    const book = compileStressBook(positions, market);
    expect(book.lineHolder.length).toBeLessThan(book.positions);
    // Options without a volatility (SOL) and positions on an unpriced underlier are left out.
    expect(book.unvalued).toBe(referenceCascade(positions, market, {}, params).unvalued);
    expect(book.unvalued).toBeGreaterThan(0);
    for (const shocks of [{ BTC: -0.3 }, { ETH: -0.5, BTC: -0.1 }] as Array<Record<string, number>>)
      expectSame(runBookCascade(book, market, { shocks, volShock: 0.1 }, params), referenceCascade(positions, market, shocks, params));
  });
});
