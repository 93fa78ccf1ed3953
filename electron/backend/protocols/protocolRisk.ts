import type { ProtocolRisk, ProtocolRiskResult, ProtocolVersion } from '../../../shared/contract/protocols';
import type { Db } from '../db/connection';
import { liquidationNotional, unitValue, type StressPosition } from '../supervision/stressValuation';
import { loadStressInput } from '../supervision/stressInput';
import { listProtocols } from './protocolRegister';

export const protocolRiskFormula = [
  "Positions as in the stress test (units of the underlier; options on their underlier). On the protocol's venues:",
  "OI = Σ over holders and underliers of max(0, net delta-equivalent notional); a holder's collateral C_h",
  '(IM + excess posted) is attributed by its share of gross notional on those venues: C_h,p = C_h × gross_h,p / gross_h.',
  'Buffer ratio = (insurance fund + Σ C_h,p) / OI.',
  "Under a shock: L_h,p = −Σ ΔV of h's positions there; uncovered = Σ max(0, L_h,p − C_h,p) falls on the fund;",
  'ratio after = (max(0, fund − uncovered) + Σ max(0, C_h,p − max(0, L_h,p))) / OI at the shocked prices.',
].join(' ');

interface Scenario {
  shocks: Record<string, number>;
  volShock: number;
}

/**
 * The protocol insolvency buffer of issue 14 §3 for every protocol in the register, on a snapshot; with a scenario,
 * also after the price shock (one revaluation, no cascade: the cascade's own rounds are the stress test's job).
 */
export function protocolRisk(
  db: Db,
  snapshotId: number,
  scenario?: { shocks: Record<string, number>; volShock?: number },
): ProtocolRiskResult {
  const input = loadStressInput(db, snapshotId);
  const { prices, volatilities, collateralUsd } = input.market;
  // Shocks may name an underlier by symbol or DTI; positions key it by DTI, else symbol.
  const shocked: Scenario | null = scenario
    ? {
        shocks: Object.fromEntries(
          [...input.names].flatMap(([u, n]) => {
            const given = [u, n.dti, n.symbol].find((k) => k !== null && scenario.shocks[k] !== undefined);
            return given ? [[u, scenario.shocks[given]!]] : [];
          }),
        ),
        volShock: scenario.volShock ?? 0,
      }
    : null;
  const valued = input.positions.filter((p) => Number.isFinite(unitValue(p, prices[p.underlier]!, volatilities[p.underlier] ?? NaN)));
  const notional = (p: StressPosition) => Math.abs(p.units) * prices[p.underlier]!;
  const grossByHolder = new Map<string, number>();
  for (const p of valued) grossByHolder.set(p.holder, (grossByHolder.get(p.holder) ?? 0) + notional(p));

  const figures = (protocol: ProtocolVersion): ProtocolRisk => {
    const venues = new Set(protocol.venues);
    const here = valued.filter((p) => p.venue !== undefined && venues.has(p.venue));
    const grossHere = new Map<string, number>();
    for (const p of here) grossHere.set(p.holder, (grossHere.get(p.holder) ?? 0) + notional(p));
    const attributed = new Map([...grossHere].map(([h, g]) => [h, (collateralUsd[h] ?? 0) * (g / grossByHolder.get(h)!)]));
    const collateral = [...attributed.values()].reduce((s, c) => s + c, 0);
    const openInterest = (price: (u: string) => number, vol: (u: string) => number) => {
      const net = new Map<string, number>();
      for (const p of here) {
        const key = `${p.holder}\u0000${p.underlier}`;
        net.set(key, (net.get(key) ?? 0) + liquidationNotional(p, price(p.underlier), vol(p.underlier)));
      }
      return [...net.values()].reduce((s, n) => s + Math.max(0, n), 0);
    };
    const p0 = (u: string) => prices[u]!;
    const v0 = (u: string) => volatilities[u] ?? NaN;
    const oi = openInterest(p0, v0);
    const ratio = (buffer: number, over: number) => (over > 0 ? buffer / over : null);
    let stressed: ProtocolRisk['stressed'] = null;
    if (shocked) {
      const p1 = (u: string) => prices[u]! * (1 + (shocked.shocks[u] ?? 0));
      const v1 = (u: string) => v0(u) + shocked.volShock;
      const loss = new Map<string, number>();
      for (const p of here)
        loss.set(
          p.holder,
          (loss.get(p.holder) ?? 0) -
            p.units * (unitValue(p, p1(p.underlier), v1(p.underlier)) - unitValue(p, p0(p.underlier), v0(p.underlier))),
        );
      let uncovered = 0;
      let collateralLeft = 0;
      for (const [h, c] of attributed) {
        const l = Math.max(0, loss.get(h) ?? 0);
        uncovered += Math.max(0, l - c);
        collateralLeft += Math.max(0, c - l);
      }
      const fundLeft = protocol.insuranceFundUsd - uncovered;
      stressed = {
        uncoveredUsd: uncovered,
        insuranceFundLeftUsd: fundLeft,
        bufferRatio: ratio(Math.max(0, fundLeft) + collateralLeft, openInterest(p1, v1)),
        insolvent: fundLeft < 0,
      };
    }
    return {
      protocolId: protocol.id,
      name: protocol.name,
      venues: protocol.venues,
      openInterestUsd: oi,
      grossNotionalUsd: [...grossHere.values()].reduce((s, g) => s + g, 0),
      holders: grossHere.size,
      insuranceFundUsd: protocol.insuranceFundUsd,
      collateralUsd: collateral,
      bufferRatio: ratio(protocol.insuranceFundUsd + collateral, oi),
      stressed,
    };
  };
  return {
    snapshotId,
    asOf: input.asOf,
    shocks: scenario ? scenario.shocks : null,
    protocols: listProtocols(db).map(figures),
    formula: protocolRiskFormula,
  };
}
