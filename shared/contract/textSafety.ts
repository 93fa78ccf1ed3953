/**
 * Characters a user's text must not carry: C0 controls (other than tab, line feed and carriage
 * return where multi-line text is allowed) and DEL, and the bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) that make text display differently from what it is
 * ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). Checked by code point: no regex literal of
 * control characters.
 */
export function hasUnsafeCharacters(text: string, options: { multiline?: boolean } = {}): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || (options.multiline && (c === 0x0a || c === 0x0d))) continue;
    if (c < 0x20 || c === 0x7f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

/** The text with unsafe characters replaced by "?" (for quoting refused input in a message). */
export function shownSafely(text: string): string {
  let out = '';
  for (const ch of text) out += hasUnsafeCharacters(ch) && ch !== '\t' ? '?' : ch;
  return out;
}
