import type { StressDefaultFigures, StressRoundFigures } from '../../../shared/contract/stress';
import { blackScholesPrice, type BlackScholesOptionType } from '../../../shared/domain/blackScholes';

/**
 * The stress test and liquidation cascade of issue 14 §4, as a pure function of its inputs (the snapshot loader
 * builds them), so every number can be worked by hand:
 *
 * - Shock: P1 = P0 × (1 + shock_u); volatility σ1 = σ0 + volShock (absolute, in volatility points).
 * - Revaluation: a linear position ΔV = units × (P − P0); an option ΔV = units × (BS(P, σ1) − BS(P0, σ0)) with
 *   Black–Scholes, time to expiry ACT/365, the snapshot's rate or 0.
 * - Round k: a holder's loss L_h = −Σ ΔV over its positions at the round's prices, plus what the counterparty
 *   channel charged it; collateral C_h = IM posted + excess posted; L_h ≥ C_h (and L_h > 0) defaults.
 * - Price channel: the new defaulters' positions are liquidated; per underlier the net liquidated notional
 *   Q_u = Σ units × P (delta-equivalent for options; longs sold positive) moves the next round's price by
 *   −Q_u / D_u × 1 %, D_u the market depth for a 1 % move. No depth given: no move (reported).
 * - Counterparty channel: a defaulter's uncovered loss U = L_h − C_h goes to its counterparties in proportion to
 *   their positive exposure E_c (Σ ΔV of c's positions with it), at most Σ E_c in all; a CCP's default fund absorbs
 *   its charges first.
 * - Repeat until a round adds no default, or `rounds` rounds.
 */

export interface StressPosition {
  holder: string;
  counterparty: string;
  underlier: string;
  /** Signed units of the underlier (long positive); for an option, units of the underlier it is on. */
  units: number;
  option?: { type: BlackScholesOptionType; strike: number; yearsToExpiry: number; rate: number };
  /** Where it was traded (the snapshot's venue id), the holder's group and the CCP ('NONE' uncleared): the cascade
   * does not use them; the protocol buffer and the totals by venue, group and CCP do. */
  venue?: string;
  group?: string | null;
  ccp?: string;
}

export interface StressMarket {
  prices: Record<string, number>;
  volatilities: Record<string, number>;
  /** USD of net liquidation that moves an underlier's price by 1 %. */
  depthUsd: Record<string, number>;
  /** IM posted + excess posted, USD. */
  collateralUsd: Record<string, number>;
  /** Holders that are CCPs: their charges meet the default fund first. */
  ccps: string[];
}

export interface StressScenario {
  shocks: Record<string, number>;
  volShock?: number;
}

export interface StressParams {
  rounds: number;
  channels: { price: boolean; counterparty: boolean };
  /** Each CCP's default fund, USD. */
  ccpDefaultFundUsd: number;
}

export type StressDefault = StressDefaultFigures;
export type StressRound = StressRoundFigures;

export interface StressOutcome {
  rounds: StressRound[];
  defaulted: string[];
  finalPrices: Record<string, number>;
  /** Positions left out: an underlier without a price, or an option that cannot be valued. */
  unvalued: number;
}

/** The value of one unit of a position: the underlier's price, or the option's Black–Scholes price. */
export const unitValue = (p: StressPosition, price: number, vol: number): number =>
  p.option
    ? blackScholesPrice({
        optionType: p.option.type,
        spot: price,
        strike: p.option.strike,
        yearsToExpiry: p.option.yearsToExpiry,
        volatility: vol,
        rate: p.option.rate,
      })
    : price;

/** Delta-equivalent notional of a position at a price (what liquidating it sells, signed). */
export function liquidationNotional(p: StressPosition, price: number, vol: number): number {
  if (!p.option) return p.units * price;
  const bump = price * 1e-4;
  const delta = (unitValue(p, price + bump, vol) - unitValue(p, price - bump, vol)) / (2 * bump);
  return p.units * delta * price;
}

export function runCascade(
  inputPositions: readonly StressPosition[],
  market: StressMarket,
  scenario: StressScenario,
  params: StressParams,
): StressOutcome {
  const volShock = scenario.volShock ?? 0;
  const positions: Array<StressPosition & { base: number }> = [];
  let unvalued = 0;
  const prices: Record<string, number> = {};
  for (const [u, p0] of Object.entries(market.prices)) prices[u] = p0 * (1 + (scenario.shocks[u] ?? 0));
  const vol0 = (u: string) => market.volatilities[u] ?? NaN;
  const vol1 = (u: string) => vol0(u) + volShock;
  for (const p of inputPositions) {
    const p0 = market.prices[p.underlier];
    const base = p0 === undefined ? NaN : unitValue(p, p0, vol0(p.underlier));
    if (!Number.isFinite(base)) unvalued++;
    else positions.push({ ...p, base });
  }
  const defaulted = new Set<string>();
  const charged = new Map<string, number>();
  const fundLeft = new Map(market.ccps.map((c) => [c, params.ccpDefaultFundUsd]));
  const ccps = new Set(market.ccps);
  const rounds: StressRound[] = [];
  const change = (p: StressPosition & { base: number }) => p.units * (unitValue(p, prices[p.underlier]!, vol1(p.underlier)) - p.base);
  // Positions by their counterparty, so a default looks only at the positions facing the defaulter.
  const facing = new Map<string, number[]>();
  positions.forEach((p, i) => {
    const list = facing.get(p.counterparty);
    if (list) list.push(i);
    else facing.set(p.counterparty, [i]);
  });

  for (let round = 1; round <= params.rounds; round++) {
    // Each position revalued once per round, at the round's prices.
    const dv = positions.map((p) => (defaulted.has(p.holder) ? 0 : change(p)));
    const loss = new Map<string, number>();
    positions.forEach((p, i) => {
      if (!defaulted.has(p.holder)) loss.set(p.holder, (loss.get(p.holder) ?? 0) - dv[i]!);
    });
    for (const [h, c] of charged) if (!defaulted.has(h)) loss.set(h, (loss.get(h) ?? 0) + c);
    const defaults: StressDefault[] = [];
    for (const [holder, l] of loss) {
      const collateralUsd = market.collateralUsd[holder] ?? 0;
      if (l > 0 && l >= collateralUsd) defaults.push({ holder, lossUsd: l, collateralUsd, uncoveredUsd: l - collateralUsd });
    }
    if (defaults.length === 0) break;
    defaults.sort((a, b) => b.uncoveredUsd - a.uncoveredUsd || a.holder.localeCompare(b.holder));
    const newly = new Set(defaults.map((d) => d.holder));
    const record: StressRound = {
      round,
      defaults,
      liquidatedNotionalUsd: 0,
      priceMoves: {},
      noDepth: [],
      uncoveredUsd: defaults.reduce((s, d) => s + d.uncoveredUsd, 0),
      chargedUsd: 0,
      absorbedByDefaultFundsUsd: 0,
      prices: { ...prices },
    };

    if (params.channels.counterparty) {
      for (const d of defaults) {
        if (d.uncoveredUsd <= 0) continue;
        const exposure = new Map<string, number>();
        for (const i of facing.get(d.holder) ?? []) {
          const p = positions[i]!;
          if (!defaulted.has(p.holder) && !newly.has(p.holder)) exposure.set(p.holder, (exposure.get(p.holder) ?? 0) + dv[i]!);
        }
        const positive = [...exposure].filter(([, e]) => e > 0);
        const totalExposure = positive.reduce((s, [, e]) => s + e, 0);
        if (totalExposure <= 0) continue;
        const toCharge = Math.min(d.uncoveredUsd, totalExposure);
        for (const [c, e] of positive) {
          let charge = (toCharge * e) / totalExposure;
          record.chargedUsd += charge;
          if (ccps.has(c)) {
            const absorbed = Math.min(fundLeft.get(c) ?? 0, charge);
            fundLeft.set(c, (fundLeft.get(c) ?? 0) - absorbed);
            record.absorbedByDefaultFundsUsd += absorbed;
            charge -= absorbed;
          }
          charged.set(c, (charged.get(c) ?? 0) + charge);
        }
      }
    }

    if (params.channels.price) {
      const liquidated = new Map<string, number>();
      for (const p of positions)
        if (newly.has(p.holder))
          liquidated.set(p.underlier, (liquidated.get(p.underlier) ?? 0) + liquidationNotional(p, prices[p.underlier]!, vol1(p.underlier)));
      for (const [u, q] of liquidated) {
        record.liquidatedNotionalUsd += Math.abs(q);
        const depth = market.depthUsd[u];
        if (!depth || depth <= 0) {
          if (q !== 0) record.noDepth.push(u);
          continue;
        }
        const move = (-q / depth) * 0.01;
        record.priceMoves[u] = move;
        // A price never reaches zero: a move of −100 % or more leaves a hundredth of a percent.
        prices[u] = prices[u]! * Math.max(1e-4, 1 + move);
      }
    }
    for (const h of newly) defaulted.add(h);
    rounds.push(record);
  }
  return { rounds, defaulted: [...defaulted], finalPrices: { ...prices }, unvalued };
}
