const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One CSV cell (RFC 4180). Text starting with = + - @ (or a tab/CR) is defused with a leading
 * apostrophe so a spreadsheet never runs it as a formula; a plain number such as -5 stays a number.
 */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV line from cells. */
export const csvLine = (cells: unknown[]): string => cells.map(csvCell).join(',');
