import { describe, expect, it } from 'vitest';
import { dateFormats, formatDate, parseDate } from '../../../../shared/domain/dateFormat';

describe('date formats', () => {
  it('write one date in each format, keeping a timestamp’s time', () => {
    expect(formatDate('2026-06-30', 'iso')).toBe('2026-06-30');
    expect(formatDate('2026-06-30', 'dmy')).toBe('30/06/2026');
    expect(formatDate('2026-06-30', 'mdy')).toBe('06/30/2026');
    expect(formatDate('2026-06-30', 'dMonY')).toBe('30 Jun 2026');
    expect(formatDate('2026-01-05T10:00:00Z', 'dmy')).toBe('05/01/2026T10:00:00Z');
    expect(formatDate('not a date', 'dmy')).toBe('not a date');
  });

  it('read back what they write, for every day of a leap year', () => {
    for (const format of dateFormats)
      for (let day = new Date(Date.UTC(2024, 0, 1)); day.getUTCFullYear() === 2024; day = new Date(day.getTime() + 86_400_000)) {
        const iso = day.toISOString().slice(0, 10);
        expect(parseDate(formatDate(iso, format), format), `${format} ${iso}`).toBe(iso);
      }
  });

  it('refuse days that do not exist and the other formats’ order', () => {
    expect(parseDate('29/02/2025', 'dmy')).toBeUndefined();
    expect(parseDate('13/01/2026', 'mdy')).toBeUndefined();
    expect(parseDate('01/13/2026', 'dmy')).toBeUndefined();
    expect(parseDate('30 Jnu 2026', 'dMonY')).toBeUndefined();
    expect(parseDate('30/06/2026', 'iso')).toBeUndefined();
    // ISO is read in every format; so is a single-digit day or month.
    expect(parseDate('2026-06-30', 'mdy')).toBe('2026-06-30');
    expect(parseDate('6/3/2026', 'mdy')).toBe('2026-06-03');
    expect(parseDate('3.6.2026', 'dmy')).toBe('2026-06-03');
  });
});
