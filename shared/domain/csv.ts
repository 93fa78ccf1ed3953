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

/**
 * One line of an export's "#" header block (what was exported, from where, when). It carries
 * text from the data (source and entity names, keys, filters), so it gets the cells' encoder as
 * one cell: line breaks removed (a name with a newline must not start a line of its own), quoted
 * when it holds a comma or quote (a spreadsheet keeps it in one cell instead of splitting it into
 * cells, one of which could start with "="), per OWASP's CSV injection guidance.
 */
export const csvHeaderLine = (text: string): string => csvCell(text.replace(/[\r\n]+/g, ' '));

/** True for a line of an export's header block (plain or quoted). */
export const isCsvHeaderLine = (line: string): boolean => line.startsWith('#') || line.startsWith('"#');
