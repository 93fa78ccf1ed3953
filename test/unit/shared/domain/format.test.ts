import { describe, expect, it } from 'vitest';
import { countOf, formatAmount, formatCount, formatUsd, formatUsdCompact, parseFormattedNumber } from '../../../../shared/domain/format';
import { jurisdictionLabel } from '../../../../shared/domain/jurisdictions';

describe('number formatting for supervisors', () => {
  it('groups thousands and uses a true minus sign', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatUsd(-1234567.49)).toBe('\u22121,234,567');
    expect(formatUsd(0.5)).toBe('1');
    expect(formatUsd(0)).toBe('0');
  });

  it('names a count with its noun, singular only for exactly one', () => {
    expect(countOf(1, 'entry', 'entries')).toBe('1 entry');
    expect(countOf(0, 'entry', 'entries')).toBe('0 entries');
    expect(countOf(12480, 'signature')).toBe('12,480 signatures');
  });

  it('uses compact units with sensible precision', () => {
    expect(formatUsdCompact(67_061_624_383)).toBe('$67.1bn');
    expect(formatUsdCompact(1_234_567_890)).toBe('$1.23bn');
    expect(formatUsdCompact(-45_600)).toBe('\u2212$45.6k');
    expect(formatUsdCompact(250_000_000)).toBe('$250m');
    expect(formatUsdCompact(3_400_000_000_000)).toBe('$3.40tn');
    expect(formatUsdCompact(999)).toBe('$999');
  });

  it('parses back what it formats', () => {
    for (const n of [0, 12, -987654321, 1234567890123]) expect(parseFormattedNumber(formatUsd(n))).toBe(n);
  });
});

describe('jurisdiction labels', () => {
  it('names countries from ICU and says when there is no reference data', () => {
    expect(jurisdictionLabel('KY')).toBe('Cayman Islands (KY)');
    expect(jurisdictionLabel(null)).toBe('Unknown (no reference data)');
    expect(jurisdictionLabel('Q1')).toBe('Q1');
  });
});

describe('formatAmount', () => {
  it('groups an amount in its own currency and keeps its decimals, with a true minus', () => {
    expect(formatAmount(1234567.5)).toBe('1,234,567.5');
    expect(formatAmount(0.00012345)).toBe('0.00012345');
    expect(formatAmount(-2500)).toBe('\u22122,500');
    expect(parseFormattedNumber(formatAmount(-1234.25))).toBe(-1234.25);
  });
});
