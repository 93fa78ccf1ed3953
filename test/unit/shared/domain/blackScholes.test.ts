import { describe, expect, it } from 'vitest';
import { blackScholesDelta, normalCdf, yearsBetween } from '../../../../shared/domain/blackScholes';
import type { BlackScholesDeltaInput } from '../../../../shared/domain/blackScholes';

/** |actual − expected| ≤ tol; vitest's toBeCloseTo only takes decimal places. */
function expectNear(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
}

describe('normalCdf', () => {
  // Reference values: 0.5 · erfc(−x / √2) in double precision.
  const reference: Array<[number, number]> = [
    [0, 0.5],
    [0.1, 0.539827837277029],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [2.5, 0.9937903346742238],
    [-3, 0.0013498980316300957],
    [5, 0.9999997133484281],
    [-8, 6.220960574271819e-16],
  ];

  it('matches reference values to within 1e-7', () => {
    for (const [x, expected] of reference) expectNear(normalCdf(x), expected, 1e-7);
  });

  it('is symmetric, monotone and bounded', () => {
    for (let x = -6; x <= 6; x += 0.25) {
      expectNear(normalCdf(x) + normalCdf(-x), 1, 1e-15);
      expect(normalCdf(x + 0.25)).toBeGreaterThanOrEqual(normalCdf(x));
      expect(normalCdf(x)).toBeGreaterThanOrEqual(0);
      expect(normalCdf(x)).toBeLessThanOrEqual(1);
    }
  });

  it('handles infinities and NaN', () => {
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
    expectNear(normalCdf(40), 1, 1e-15);
    expectNear(normalCdf(-40), 0, 1e-15);
  });
});

describe('blackScholesDelta', () => {
  const atm: BlackScholesDeltaInput = { optionType: 'CALL', spot: 100, strike: 100, yearsToExpiry: 1, volatility: 0.2 };

  it('gives the textbook at-the-money deltas (S = K = 100, T = 1, σ = 20 %, r = 0)', () => {
    expectNear(blackScholesDelta(atm), 0.5398, 5e-5);
    expectNear(blackScholesDelta({ ...atm, optionType: 'PUTO' }), -0.4602, 5e-5);
    expectNear(blackScholesDelta(atm), 0.539827837277029, 1e-7);
  });

  it('uses the rate (Hull: S = 42, K = 40, r = 10 %, σ = 20 %, T = 0.5 → N(d1) ≈ 0.7791)', () => {
    const hull: BlackScholesDeltaInput = {
      optionType: 'CALL',
      spot: 42,
      strike: 40,
      yearsToExpiry: 0.5,
      volatility: 0.2,
      rate: 0.1,
    };
    expectNear(blackScholesDelta(hull), 0.779131290942669, 1e-7);
    expectNear(blackScholesDelta({ ...hull, optionType: 'PUTO' }), 0.779131290942669 - 1, 1e-7);
    expect(blackScholesDelta({ ...hull, rate: 0 })).toBeLessThan(blackScholesDelta(hull));
  });

  it('tends to the limits deep in and out of the money', () => {
    const deepItmCall = blackScholesDelta({ ...atm, spot: 1000 });
    const deepOtmCall = blackScholesDelta({ ...atm, spot: 10 });
    expect(deepItmCall).toBeGreaterThan(0.9999);
    expect(deepItmCall).toBeLessThanOrEqual(1);
    expect(deepOtmCall).toBeLessThan(1e-4);
    expect(deepOtmCall).toBeGreaterThanOrEqual(0);
    expect(blackScholesDelta({ ...atm, optionType: 'PUTO', spot: 10 })).toBeLessThan(-0.9999);
    expect(blackScholesDelta({ ...atm, optionType: 'PUTO', spot: 1000 })).toBeGreaterThan(-1e-4);
  });

  it('keeps Δcall − Δput = 1 (put-call parity of deltas)', () => {
    for (const spot of [20, 80, 100, 125, 400]) {
      for (const yearsToExpiry of [0, 1 / 365, 0.25, 2]) {
        for (const volatility of [0.05, 0.8, 2]) {
          for (const rate of [-0.01, 0, 0.05]) {
            const input: BlackScholesDeltaInput = { optionType: 'CALL', spot, strike: 100, yearsToExpiry, volatility, rate };
            const call = blackScholesDelta(input);
            const put = blackScholesDelta({ ...input, optionType: 'PUTO' });
            expectNear(call - put, 1, 1e-12);
            expect(call).toBeGreaterThanOrEqual(0);
            expect(call).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it('is the intrinsic step at or past expiry', () => {
    for (const yearsToExpiry of [0, -0.5]) {
      expect(blackScholesDelta({ ...atm, yearsToExpiry, spot: 110 })).toBe(1);
      expect(blackScholesDelta({ ...atm, yearsToExpiry, spot: 90 })).toBe(0);
      expect(blackScholesDelta({ ...atm, yearsToExpiry, spot: 110, optionType: 'PUTO' })).toBe(0);
      expect(blackScholesDelta({ ...atm, yearsToExpiry, spot: 90, optionType: 'PUTO' })).toBe(-1);
      // Exactly at the money: the midpoint, the limit of N(d1) as T → 0 with r = 0.
      expect(blackScholesDelta({ ...atm, yearsToExpiry })).toBe(0.5);
      expect(blackScholesDelta({ ...atm, yearsToExpiry, optionType: 'PUTO' })).toBe(-0.5);
      // The volatility plays no part once the option has expired.
      expect(blackScholesDelta({ ...atm, yearsToExpiry, spot: 110, volatility: NaN })).toBe(1);
    }
  });

  it('approaches the step just before expiry', () => {
    expect(blackScholesDelta({ ...atm, yearsToExpiry: 1e-6, spot: 101 })).toBeGreaterThan(0.9999);
    expect(blackScholesDelta({ ...atm, yearsToExpiry: 1e-6, spot: 99 })).toBeLessThan(1e-4);
    expectNear(blackScholesDelta({ ...atm, yearsToExpiry: 1e-9 }), 0.5, 1e-4);
  });

  it('returns NaN for inputs that make it not computable', () => {
    const invalid: Array<Partial<BlackScholesDeltaInput>> = [
      { spot: 0 },
      { spot: -100 },
      { spot: NaN },
      { spot: Infinity },
      { strike: 0 },
      { strike: -1 },
      { strike: NaN },
      { strike: Infinity },
      { volatility: 0 },
      { volatility: -0.2 },
      { volatility: NaN },
      { volatility: Infinity },
      { yearsToExpiry: NaN },
      { yearsToExpiry: Infinity },
      { yearsToExpiry: -Infinity },
      { rate: NaN },
      { rate: Infinity },
    ];
    for (const change of invalid) {
      expect(blackScholesDelta({ ...atm, ...change }), JSON.stringify(change)).toBeNaN();
      expect(blackScholesDelta({ ...atm, optionType: 'PUTO', ...change }), JSON.stringify(change)).toBeNaN();
    }
  });

  it('returns NaN for an option type other than CALL or PUTO', () => {
    const othr = { ...atm, optionType: 'OTHR' } as unknown as BlackScholesDeltaInput;
    expect(blackScholesDelta(othr)).toBeNaN();
  });
});

describe('yearsBetween (ACT/365)', () => {
  it('counts actual days over 365', () => {
    expect(yearsBetween('2025-01-01', '2026-01-01')).toBe(1);
    expect(yearsBetween('2024-01-01', '2025-01-01')).toBe(366 / 365);
    expect(yearsBetween('2024-02-28', '2024-03-01')).toBe(2 / 365);
    expect(yearsBetween('2025-06-30', '2025-06-30')).toBe(0);
    expect(yearsBetween('2025-03-29', '2025-03-31')).toBe(2 / 365);
  });

  it('is negative once the second date has passed', () => {
    expect(yearsBetween('2025-06-30', '2025-06-27')).toBe(-3 / 365);
  });

  it('gives NaN for strings that are not YYYY-MM-DD dates', () => {
    for (const bad of [
      '2025-02-29',
      '2025-13-01',
      '2025-00-10',
      '2025-04-31',
      '2025-1-01',
      '20250101',
      '',
      '2025-01-01T00:00:00Z',
      'soon',
    ]) {
      expect(yearsBetween(bad, '2026-01-01'), bad).toBeNaN();
      expect(yearsBetween('2024-01-01', bad), bad).toBeNaN();
    }
    expect(yearsBetween('2024-02-29', '2025-02-28')).toBe(365 / 365);
  });

  it('feeds blackScholesDelta', () => {
    const yearsToExpiry = yearsBetween('2025-01-01', '2026-01-01');
    expectNear(blackScholesDelta({ optionType: 'CALL', spot: 100, strike: 100, yearsToExpiry, volatility: 0.2 }), 0.5398, 5e-5);
  });
});
