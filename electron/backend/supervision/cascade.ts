import type { StressDefaultFigures, StressRoundFigures } from '../../../shared/contract/stress';
import { compileStressBook, type StressBook } from './stressBook';
import { unitLiquidationNotional, unitValue, type StressMarket, type StressPosition } from './stressValuation';

export type { StressMarket, StressPosition } from './stressValuation';

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

/** The cascade from positions: compiled (stressBook.ts), then run. */
export function runCascade(
  positions: readonly StressPosition[],
  market: StressMarket,
  scenario: StressScenario,
  params: StressParams,
): StressOutcome {
  return runBookCascade(compileStressBook(positions, market), market, scenario, params);
}

/**
 * The cascade on a compiled book (the market must be the one it was compiled with). Per round: each contract valued
 * once at the round's prices, each line's change in value, each holder's loss, the defaults; then the two channels.
 */
export function runBookCascade(book: StressBook, market: StressMarket, scenario: StressScenario, params: StressParams): StressOutcome {
  const volShock = scenario.volShock ?? 0;
  const { parties, underliers, contractUnderlier, contractOption, contractBase, lineHolder, lineContract, lineUnits } = book;
  const nParties = parties.length;
  const nLines = lineHolder.length;
  const nContracts = contractUnderlier.length;
  const prices: Record<string, number> = {};
  for (const [u, p0] of Object.entries(market.prices)) prices[u] = p0 * (1 + (scenario.shocks[u] ?? 0));
  const price = Float64Array.from(underliers, (u) => prices[u]!);
  const vol1 = Float64Array.from(underliers, (u) => (market.volatilities[u] ?? NaN) + volShock);
  const collateral = Float64Array.from(parties, (h) => market.collateralUsd[h] ?? 0);
  const isCcp = new Uint8Array(nParties);
  const fundLeft = new Float64Array(nParties);
  for (const c of market.ccps) {
    const k = parties.indexOf(c);
    if (k >= 0) {
      isCcp[k] = 1;
      fundLeft[k] = params.ccpDefaultFundUsd;
    }
  }

  const defaulted = new Uint8Array(nParties);
  const newly = new Uint8Array(nParties);
  const charged = new Float64Array(nParties);
  const hasCharge = new Uint8Array(nParties);
  const value = new Float64Array(nContracts);
  const dv = new Float64Array(nLines);
  const loss = new Float64Array(nParties);
  const exposure = new Float64Array(nParties);
  const inTouched = new Uint8Array(nParties);
  const liquidated = new Float64Array(underliers.length);
  const rounds: StressRound[] = [];
  const defaultedInOrder: string[] = [];

  for (let round = 1; round <= params.rounds; round++) {
    // Each contract valued once at the round's prices; each line's change from the snapshot's value.
    for (let c = 0; c < nContracts; c++) {
      const u = contractUnderlier[c]!;
      const option = contractOption[c];
      value[c] = option ? unitValue({ option }, price[u]!, vol1[u]!) : price[u]!;
    }
    loss.fill(0);
    for (let line = 0; line < nLines; line++) {
      const h = lineHolder[line]!;
      if (defaulted[h]) {
        dv[line] = 0;
        continue;
      }
      const c = lineContract[line]!;
      const change = lineUnits[line]! * (value[c]! - contractBase[c]!);
      dv[line] = change;
      loss[h]! -= change;
    }
    const defaults: StressDefault[] = [];
    for (let h = 0; h < nParties; h++) {
      if (defaulted[h] || !(book.holdsPositions[h] || hasCharge[h])) continue;
      const l = loss[h]! + charged[h]!;
      const collateralUsd = collateral[h]!;
      if (l > 0 && l >= collateralUsd) defaults.push({ holder: parties[h]!, lossUsd: l, collateralUsd, uncoveredUsd: l - collateralUsd });
    }
    if (defaults.length === 0) break;
    defaults.sort((a, b) => b.uncoveredUsd - a.uncoveredUsd || a.holder.localeCompare(b.holder));
    const newlyParties = defaults.map((d) => partyOf(book, d.holder));
    for (const h of newlyParties) newly[h] = 1;
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
      const { start, lines } = book.byCounterparty;
      defaults.forEach((d, i) => {
        if (d.uncoveredUsd <= 0) return;
        const facing = newlyParties[i]!;
        // The surviving holders' exposure to the defaulter: Σ ΔV of their lines with it.
        const touched: number[] = [];
        for (let k = start[facing]!; k < start[facing + 1]!; k++) {
          const line = lines[k]!;
          const h = lineHolder[line]!;
          if (defaulted[h] || newly[h]) continue;
          if (!inTouched[h]) {
            inTouched[h] = 1;
            touched.push(h);
          }
          exposure[h]! += dv[line]!;
        }
        let totalExposure = 0;
        for (const h of touched) if (exposure[h]! > 0) totalExposure += exposure[h]!;
        if (totalExposure > 0) {
          const toCharge = Math.min(d.uncoveredUsd, totalExposure);
          for (const h of touched) {
            const e = exposure[h]!;
            if (!(e > 0)) continue;
            let charge = (toCharge * e) / totalExposure;
            record.chargedUsd += charge;
            if (isCcp[h]) {
              const absorbed = Math.min(fundLeft[h]!, charge);
              fundLeft[h]! -= absorbed;
              record.absorbedByDefaultFundsUsd += absorbed;
              charge -= absorbed;
            }
            charged[h]! += charge;
            hasCharge[h] = 1;
          }
        }
        for (const h of touched) {
          exposure[h] = 0;
          inTouched[h] = 0;
        }
      });
    }

    if (params.channels.price) {
      // Net liquidated notional per underlier: Σ units × (delta-equivalent notional of one unit), the defaulters' lines.
      liquidated.fill(0);
      const hit = new Uint8Array(underliers.length);
      const perUnit = new Float64Array(nContracts).fill(NaN);
      const { start, lines } = book.byHolder;
      for (const h of newlyParties)
        for (let k = start[h]!; k < start[h + 1]!; k++) {
          const line = lines[k]!;
          const c = lineContract[line]!;
          const u = contractUnderlier[c]!;
          if (Number.isNaN(perUnit[c]!)) perUnit[c] = unitLiquidationNotional({ option: contractOption[c] }, price[u]!, vol1[u]!);
          liquidated[u]! += lineUnits[line]! * perUnit[c]!;
          hit[u] = 1;
        }
      for (let u = 0; u < underliers.length; u++) {
        if (!hit[u]) continue;
        const name = underliers[u]!;
        const q = liquidated[u]!;
        record.liquidatedNotionalUsd += Math.abs(q);
        const depth = market.depthUsd[name];
        if (!depth || depth <= 0) {
          if (q !== 0) record.noDepth.push(name);
          continue;
        }
        const move = (-q / depth) * 0.01;
        record.priceMoves[name] = move;
        // A price never reaches zero: a move of −100 % or more leaves a hundredth of a percent.
        price[u] = price[u]! * Math.max(1e-4, 1 + move);
        prices[name] = price[u]!;
      }
    }
    for (const h of newlyParties) {
      defaulted[h] = 1;
      newly[h] = 0;
      defaultedInOrder.push(parties[h]!);
    }
    rounds.push(record);
  }
  return { rounds, defaulted: defaultedInOrder, finalPrices: { ...prices }, unvalued: book.unvalued };
}

/** A party's number (only for the few defaulters of a round). */
const partyNumbers = new WeakMap<StressBook, Map<string, number>>();
function partyOf(book: StressBook, id: string): number {
  let numbers = partyNumbers.get(book);
  if (!numbers) partyNumbers.set(book, (numbers = new Map(book.parties.map((p, k) => [p, k]))));
  return numbers.get(id)!;
}
