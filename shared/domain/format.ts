/**
 * Number formatting for supervisors: fixed en-US grouping so figures read the same on every
 * machine and in exported files, a true minus sign, and compact units (k, m, bn, tn) where a
 * figure is read at a glance rather than reconciled.
 */
const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const MINUS = '\u2212';

function signed(text: string): string {
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return signed(wholeNumber.format(n));
}

/** "1 entry", "12,480 entries": a count with its noun, singular only for exactly one. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

const amountInItsCurrency = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });

/** An amount in its own currency as reported (a crypto notional has decimals): 1234.5 → "1,234.5". */
export function formatAmount(n: number): string {
  return signed(amountInItsCurrency.format(n));
}

/** A USD amount to the dollar, for grids and tables whose header names the currency: "1,234,568". */
export function formatUsd(n: number): string {
  return signed(wholeNumber.format(Math.round(n)));
}

const units: ReadonlyArray<[number, string]> = [
  [1e12, 'tn'],
  [1e9, 'bn'],
  [1e6, 'm'],
  [1e3, 'k'],
];

/** A USD amount in compact units: 1234567890 → "$1.23bn", -45600 → "−$45.6k". */
export function formatUsdCompact(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  for (const [size, unit] of units) {
    if (abs >= size) {
      const scaled = abs / size;
      const digits = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
      return `${sign}$${scaled.toFixed(digits)}${unit}`;
    }
  }
  return `${sign}$${abs.toFixed(0)}`;
}

/** Parses a figure formatted by this module back to a number (tests, exports). */
export function parseFormattedNumber(text: string): number {
  return Number(text.replace(MINUS, '-').replace(/[,$\s]/g, ''));
}
