import { blackScholesPrice, type BlackScholesOptionType } from '../../../shared/domain/blackScholes';

/** What the stress test values (issue 14 §4): positions and the market they are valued in. */

export interface StressPosition {
  holder: string;
  counterparty: string;
  underlier: string;
  /** Signed units of the underlier (long positive); for an option, units of the underlier it is on. */
  units: number;
  option?: StressOption;
  /** Where it was traded (the snapshot's venue id), the holder's group and the CCP ('NONE' uncleared): the cascade
   * does not use them; the protocol buffer and the totals by venue, group and CCP do. */
  venue?: string;
  group?: string | null;
  ccp?: string;
}

export interface StressOption {
  type: BlackScholesOptionType;
  strike: number;
  yearsToExpiry: number;
  rate: number;
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

/** The value of one unit of a position: the underlier's price, or the option's Black–Scholes price. */
export const unitValue = (p: { option?: StressOption | undefined }, price: number, vol: number): number =>
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

/**
 * Delta-equivalent notional of one unit at a price (what liquidating it sells, signed): the price for a linear
 * position, delta × price for an option (delta by a central difference of the Black–Scholes price).
 */
export function unitLiquidationNotional(p: { option?: StressOption | undefined }, price: number, vol: number): number {
  if (!p.option) return price;
  const bump = price * 1e-4;
  const delta = (unitValue(p, price + bump, vol) - unitValue(p, price - bump, vol)) / (2 * bump);
  return delta * price;
}

/** Delta-equivalent notional of a position at a price (what liquidating it sells, signed). */
export const liquidationNotional = (p: StressPosition, price: number, vol: number): number =>
  p.units * unitLiquidationNotional(p, price, vol);
