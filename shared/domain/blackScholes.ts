/**
 * Black–Scholes delta, used for the delta-adjusted notional of options whose report carries no
 * delta (CDE 2.71 / EMIR 2.25). A modelled delta is only an estimate: callers mark it as such, and
 * every input that would make it meaningless yields NaN ("not computable"), never a silent zero.
 */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standard normal cumulative distribution function N(x).
 *
 * Abramowitz & Stegun, *Handbook of Mathematical Functions* (1964), formula 26.2.17 (after
 * Hastings): a rational polynomial in t = 1 / (1 + p·x) times the normal density, with absolute
 * error below 7.5e-8 for x ≥ 0. Negative arguments use the symmetry N(−x) = 1 − N(x), so the
 * bound holds everywhere and N(x) + N(−x) = 1 exactly. NaN in gives NaN out.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  // The approximation gives 0.5 + 5e-10 at zero; pin the centre so that N(0) + N(−0) = 1.
  if (x === 0) return 0.5;
  if (x < 0) return 1 - normalCdf(-x);
  const t = 1 / (1 + 0.2316419 * x);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const density = INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  return 1 - density * poly;
}

export type BlackScholesOptionType = 'CALL' | 'PUTO';

export interface BlackScholesDeltaInput {
  /** EMIR 2.132 option type: `CALL` or `PUTO` (put). Anything else (e.g. `OTHR`) → NaN. */
  optionType: BlackScholesOptionType;
  /** Price of the underlier, > 0. */
  spot: number;
  /** Strike price, > 0, in the same currency as the spot. */
  strike: number;
  /** Time to expiry in years (see {@link yearsBetween}); ≤ 0 means at or past expiry. */
  yearsToExpiry: number;
  /** Annualised volatility as a fraction (0.8 = 80 %), > 0. Not used at or past expiry. */
  volatility: number;
  /** Continuously compounded risk-free rate as a fraction; default 0. May be negative. */
  rate?: number;
}

function isPositiveFinite(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}

/**
 * Black–Scholes delta of a European option on a non-dividend-paying underlier:
 * N(d1) for a call, N(d1) − 1 for a put, with d1 = (ln(S/K) + (r + σ²/2)·T) / (σ·√T).
 *
 * At or past expiry (T ≤ 0) the delta is the intrinsic step: a call is 1 in the money and 0 out of
 * it, a put −1 and 0; exactly at the money it is ½ and −½ (the limit as T → 0), so that
 * Δcall − Δput = 1 holds everywhere. Non-positive or non-finite spot, strike or (before expiry)
 * volatility, a non-finite time or rate, or an unknown option type give NaN.
 */
export function blackScholesDelta(input: BlackScholesDeltaInput): number {
  const { optionType, spot, strike, yearsToExpiry, volatility, rate = 0 } = input;
  if (optionType !== 'CALL' && optionType !== 'PUTO') return NaN;
  if (!isPositiveFinite(spot) || !isPositiveFinite(strike)) return NaN;
  if (!Number.isFinite(yearsToExpiry) || !Number.isFinite(rate)) return NaN;

  let callDelta: number;
  if (yearsToExpiry <= 0) {
    callDelta = spot > strike ? 1 : spot < strike ? 0 : 0.5;
  } else {
    if (!isPositiveFinite(volatility)) return NaN;
    const volSqrtT = volatility * Math.sqrt(yearsToExpiry);
    const d1 = (Math.log(spot / strike) + (rate + 0.5 * volatility * volatility) * yearsToExpiry) / volSqrtT;
    if (Number.isNaN(d1)) return NaN;
    callDelta = normalCdf(d1);
  }
  return optionType === 'CALL' ? callDelta : callDelta - 1;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since the epoch of a YYYY-MM-DD calendar date, or NaN if it is not a real date. */
function epochDay(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to 1 March: reject dates that do not exist. It also maps years
  // 0–99 to 1900–1999, which the year check catches too.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return NaN;
  return ms / MS_PER_DAY;
}

/**
 * Year fraction between two calendar dates (YYYY-MM-DD, UTC) on the ACT/365 Fixed basis:
 * actual days / 365. Negative when `toDate` is before `fromDate` (an expired option); NaN when
 * either string is not a valid YYYY-MM-DD date.
 */
export function yearsBetween(fromDate: string, toDate: string): number {
  return (epochDay(toDate) - epochDay(fromDate)) / 365;
}

export type BlackScholesPriceInput = BlackScholesDeltaInput;

/**
 * Black–Scholes value of one unit of a European option on a non-dividend-paying underlier:
 * call S·N(d1) − K·e^(−rT)·N(d2), put K·e^(−rT)·N(−d2) − S·N(−d1), d2 = d1 − σ√T. At or past
 * expiry, the intrinsic value. The stress test reprices options with it (issue 14 §4); the same
 * NaN rules as the delta apply.
 */
export function blackScholesPrice(input: BlackScholesPriceInput): number {
  const { optionType, spot, strike, yearsToExpiry, volatility, rate = 0 } = input;
  if (optionType !== 'CALL' && optionType !== 'PUTO') return NaN;
  if (!isPositiveFinite(spot) || !isPositiveFinite(strike)) return NaN;
  if (!Number.isFinite(yearsToExpiry) || !Number.isFinite(rate)) return NaN;
  if (yearsToExpiry <= 0) return optionType === 'CALL' ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
  if (!isPositiveFinite(volatility)) return NaN;
  const volSqrtT = volatility * Math.sqrt(yearsToExpiry);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * volatility * volatility) * yearsToExpiry) / volSqrtT;
  const d2 = d1 - volSqrtT;
  const discountedStrike = strike * Math.exp(-rate * yearsToExpiry);
  return optionType === 'CALL'
    ? spot * normalCdf(d1) - discountedStrike * normalCdf(d2)
    : discountedStrike * normalCdf(-d2) - spot * normalCdf(-d1);
}
