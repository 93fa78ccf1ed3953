/** Country names from the platform's ICU data, so no name list has to be shipped or kept current. */
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** "United States (US)"; for a missing code, says why there is none. */
export function jurisdictionLabel(code: string | null): string {
  if (code === null) return 'Unknown (no reference data)';
  let name = code;
  try {
    name = regionNames.of(code) ?? code;
  } catch {
    // A malformed code is shown as it is rather than hidden.
  }
  return name === code ? code : `${name} (${code})`;
}
