import { isCalendarDate } from '../contract/calendarDate';

/**
 * How calendar dates are shown and typed. ISO 8601 is the default and the only form stored,
 * exchanged and exported; the others serve a supervisor whose letters and files use them.
 */
export const dateFormats = ['iso', 'dmy', 'mdy', 'dMonY'] as const;
export type DateFormat = (typeof dateFormats)[number];

export const dateFormatNames: Readonly<Record<DateFormat, string>> = {
  iso: 'ISO 8601 — 2026-06-30',
  dmy: 'Day/month/year — 30/06/2026',
  mdy: 'Month/day/year — 06/30/2026',
  dMonY: 'Day month year — 30 Jun 2026',
};

/** What a date input's placeholder says in each format. */
export const datePlaceholders: Readonly<Record<DateFormat, string>> = {
  iso: 'yyyy-mm-dd',
  dmy: 'dd/mm/yyyy',
  mdy: 'mm/dd/yyyy',
  dMonY: 'dd Mon yyyy',
};

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export const isDateFormat = (v: unknown): v is DateFormat => typeof v === 'string' && (dateFormats as readonly string[]).includes(v);

/** An ISO date (or the date part of an ISO timestamp) in the chosen format; anything else unchanged. */
export function formatDate(iso: string, format: DateFormat): string {
  const day = iso.slice(0, 10);
  if (format === 'iso' || !isCalendarDate(day)) return iso;
  const [y, m, d] = day.split('-') as [string, string, string];
  const date = format === 'dmy' ? `${d}/${m}/${y}` : format === 'mdy' ? `${m}/${d}/${y}` : `${d} ${months[Number(m) - 1]} ${y}`;
  return date + iso.slice(10);
}

/**
 * The ISO date a typed text means in the chosen format, or undefined when it is not a calendar
 * date there. ISO is always understood as well: it is unambiguous, and what is pasted from files.
 */
export function parseDate(text: string, format: DateFormat): string | undefined {
  const t = text.trim();
  if (isCalendarDate(t)) return t;
  let y: string | undefined, m: string | undefined, d: string | undefined;
  const numeric = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t);
  if (numeric && format === 'dmy') [, d, m, y] = numeric;
  if (numeric && format === 'mdy') [, m, d, y] = numeric;
  const named = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(t);
  if (named && format === 'dMonY') {
    const month = months.findIndex((name) => name.toLowerCase() === named[2]!.toLowerCase());
    if (month >= 0) [d, m, y] = [named[1]!, String(month + 1), named[3]!];
  }
  if (!y || !m || !d) return undefined;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : undefined;
}
