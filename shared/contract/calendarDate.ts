/**
 * Strict calendar checks for the dates and UTC timestamps Concordat reads. `Date.parse` is not
 * enough: it rolls impossible dates over ("2025-02-30" becomes 2 March), so a report dated a day
 * that never existed would load as another day. Pure, no imports (the contract may use it).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for YYYY-MM-DD naming a day that exists (2024-02-29 yes, 2025-02-29 and 2025-04-31 no). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isRealDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** True for YYYY-MM-DDThh:mm:ssZ naming an instant that exists (hour 0–23, minute and second 0–59). */
export function isUtcTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  return (
    m !== null &&
    isRealDay(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    // A leap second (…:60) is not representable in the reports' xs:dateTime values either.
    Number(m[6]) <= 59
  );
}
