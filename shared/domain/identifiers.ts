// Identifier validation for trade-repository data: LEI, UTI, UPI, DTI, ISO 4217, ISO 3166-1.
// Source of every rule: /work/shared/handbook/domain-trade-data.md §2 ("Identifiers: validation and test vectors").
// Hard checks produce ERROR, soft (unverified or heuristic) checks produce WARN, exactly as the §2 table says.
// Pure functions, no I/O; safe to use from the renderer, the backend and the CLI.

import { ISO_3166_ALPHA2, ISO_3166_WARN_CODES, ISO_4217_ACTIVE, ISO_4217_WITHDRAWN } from './isoCodes';

/** Severity of an identifier finding; maps onto validation_issue.severity (handbook §4). */
export type IdIssueLevel = 'ERROR' | 'WARN';

/** One identifier finding: severity, a stable rule id and a human-readable message. */
export interface IdIssue {
  level: IdIssueLevel;
  rule: string;
  message: string;
}

const issue = (level: IdIssueLevel, rule: string, message: string): IdIssue => ({ level, rule, message });

// ---------------------------------------------------------------------------------------------------------------
// LEI (ISO 17442), handbook §2 "LEI"
// ---------------------------------------------------------------------------------------------------------------

/** LEI shape: 18 alphanumerics + 2 check digits, upper case only (ISO 20022 LEIIdentifier / GLEIF schema). */
export const LEI_RE = /^[A-Z0-9]{18}[0-9]{2}$/;

/** ISO 7064 MOD 97-10 remainder (A=10 … Z=35), streamed so no BigInt is needed (§2); RangeError on non-alnum. */
export function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57)
      r = (r * 10 + (c - 48)) % 97; // digit: one decimal place
    else if (c >= 65 && c <= 90)
      r = (r * 100 + (c - 55)) % 97; // A..Z = 10..35: two decimal places
    else if (c >= 97 && c <= 122)
      r = (r * 100 + (c - 87)) % 97; // a..z, as parseInt(ch, 36) in the handbook
    else throw new RangeError(`mod97: invalid character ${JSON.stringify(s[i])}`);
  }
  return r;
}

/** True if `s` has the LEI shape (no check-digit test). */
export const isLeiFormat = (s: string): boolean => LEI_RE.test(s);

/** True if `s` is a well-formed LEI whose MOD 97-10 remainder is 1 (ISO 17442, handbook §2). */
export const isValidLei = (s: string): boolean => LEI_RE.test(s) && mod97(s) === 1;

/** The two check digits for an 18-char LEI base: 98 − (base + "00" mod 97), zero-padded (§2, as for IBAN). */
export function leiCheckDigits(base18: string): string {
  if (!/^[A-Z0-9]{18}$/.test(base18)) throw new RangeError(`leiCheckDigits: base must be 18 [A-Z0-9], got ${JSON.stringify(base18)}`);
  return String(98 - mod97(base18 + '00')).padStart(2, '0');
}

/** Append MOD 97-10 check digits to an 18-char base, giving a valid LEI. */
export const makeLei = (base18: string): string => base18 + leiCheckDigits(base18);

/** LEI findings: ERROR on shape or check digits (no WARN here: GLEIF status is checked elsewhere, §2). */
export function leiIssues(s: string): IdIssue[] {
  if (s === '') return [issue('ERROR', 'LEI_MISSING', 'LEI is empty')];
  if (!LEI_RE.test(s)) {
    return [issue('ERROR', 'LEI_FORMAT', `LEI ${JSON.stringify(s)} does not match ^[A-Z0-9]{18}[0-9]{2}$`)];
  }
  if (mod97(s) !== 1) {
    const expected = leiCheckDigits(s.slice(0, 18));
    return [issue('ERROR', 'LEI_CHECK', `LEI ${s} fails ISO 7064 MOD 97-10 (check digits should be ${expected})`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// UTI (ISO 23897), handbook §2 "UTI"
// ---------------------------------------------------------------------------------------------------------------

/** Maximum UTI length, Varchar(52) (CDE UTI guidance, J25). */
export const UTI_MAX_LENGTH = 52;
/** Strict ISO 20022 UTIIdentifier pattern (MX auth.108): generator LEI + ≤ 32 [A-Z0-9]. */
export const UTI_STRICT_RE = /^[A-Z0-9]{18}[0-9]{2}[A-Z0-9]{0,32}$/;
/** Legacy pattern (EMIR VR2001): `: . - _` allowed, but not at either end; ≤ 52 chars. */
export const UTI_LEGACY_RE = /^[A-Z0-9](?:[A-Z0-9:._-]{0,50}[A-Z0-9])?$/;

/** Pattern class of a UTI: strict ISO 20022 shape, legacy-only shape, or neither (does not test the LEI prefix). */
export type UtiClass = 'strict' | 'legacy' | 'invalid';

/** Classify a UTI by pattern only; combine with utiPrefixFailsMod97 for the "strict but bad prefix" case (§2). */
export function classifyUti(s: string): UtiClass {
  if (UTI_STRICT_RE.test(s)) return 'strict';
  if (UTI_LEGACY_RE.test(s)) return 'legacy';
  return 'invalid';
}

/** True when a UTI matches the strict pattern but its 20-char LEI prefix fails MOD 97 (DRR samples do this, §2). */
export const utiPrefixFailsMod97 = (s: string): boolean => UTI_STRICT_RE.test(s) && mod97(s.slice(0, 20)) !== 1;

/** The generator LEI embedded in a strict-pattern UTI (first 20 chars), or null when the UTI is not strict. */
export const utiGeneratorLei = (s: string): string | null => (UTI_STRICT_RE.test(s) ? s.slice(0, 20) : null);

/** Action types whose UTIs must be A–Z/0–9 only (EMIR VR2001: NEWT and POSC). */
const UTI_ALNUM_ONLY_ACTIONS = new Set(['NEWT', 'POSC']);

/** UTI findings per the §2 table: ERROR on length/pattern (and `:._-` for NEWT/POSC); WARN if legacy or bad prefix. */
export function utiIssues(s: string, opts: { actionType?: string } = {}): IdIssue[] {
  // ERROR: empty, > 52 chars, or not even the legacy pattern (lower case, special char at an end, …).
  // ERROR: a legacy-only UTI carrying `: . - _` on a NEWT/POSC report (EMIR VR2001).
  // WARN: legacy-only shape, or strict shape whose LEI prefix fails MOD 97 (DRR samples do this).
  if (s === '') return [issue('ERROR', 'UTI_MISSING', 'UTI is empty')];
  if (s.length > UTI_MAX_LENGTH) {
    return [issue('ERROR', 'UTI_LENGTH', `UTI has ${s.length} characters; at most ${UTI_MAX_LENGTH} are allowed`)];
  }
  const cls = classifyUti(s);
  if (cls === 'invalid') {
    return [issue('ERROR', 'UTI_FORMAT', `UTI ${JSON.stringify(s)} matches neither the ISO 20022 nor the legacy pattern`)];
  }
  if (cls === 'legacy') {
    const out = [issue('WARN', 'UTI_NOT_STRICT', `UTI ${s} is not LEI + up to 32 [A-Z0-9] (ISO 20022 UTIIdentifier)`)];
    if (opts.actionType && UTI_ALNUM_ONLY_ACTIONS.has(opts.actionType) && /[:._-]/.test(s)) {
      out.push(issue('ERROR', 'UTI_CHARSET_NEWT', `UTI ${s} contains ': . - _', not allowed for ${opts.actionType} (EMIR VR2001)`));
    }
    return out;
  }
  if (mod97(s.slice(0, 20)) !== 1) {
    const expected = leiCheckDigits(s.slice(0, 18));
    return [issue('WARN', 'UTI_LEI_PREFIX', `UTI prefix ${s.slice(0, 20)} is not a valid LEI (check digits should be ${expected})`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// ISO 7064 hybrid MOD 31,30 over the DTI alphabet (DTI check char; UPI check char per sec_id), handbook §2 "DTI"
// ---------------------------------------------------------------------------------------------------------------

/** The 30-symbol DTI alphabet: digits + consonants without Y (ISO 24165, isvalid.dev). */
export const DTI_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXZ';

/** True if every character of `s` is in the DTI alphabet. */
export function inDtiAlphabet(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (DTI_ALPHABET.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

/** Expected MOD 31,30 check character for a base over the DTI alphabet; throws RangeError on other characters. */
export function mod3130CheckChar(base: string): string {
  let p = 30;
  for (let i = 0; i < base.length; i++) {
    const v = DTI_ALPHABET.indexOf(base.charAt(i));
    if (v < 0) throw new RangeError(`mod3130: ${JSON.stringify(base.charAt(i))} is not in the DTI alphabet`);
    let s = (p + v) % 30;
    if (s === 0) s = 30;
    p = (s * 2) % 31;
  }
  return DTI_ALPHABET.charAt((31 - p) % 30);
}

// ---------------------------------------------------------------------------------------------------------------
// DTI (ISO 24165)
// ---------------------------------------------------------------------------------------------------------------

/** DTI shape: 9 chars over the DTI alphabet, first char not `0` (§2 table, hard check). */
export const DTI_RE = /^[1-9BCDFGHJKLMNPQRSTVWXZ][0-9BCDFGHJKLMNPQRSTVWXZ]{8}$/;

/** DTIs whose published check char differs from MOD 31,30 and are accepted as is (Bitcoin, grandfathered by sec_id). */
export const DTI_CHECK_WHITELIST: readonly string[] = ['4H95J0R2X'];

/** True if `s` has the DTI shape (hard check only). */
export const isDtiFormat = (s: string): boolean => DTI_RE.test(s);

/** MOD 31,30 check character for an 8-char DTI base (throws RangeError on a bad base). */
export function dtiCheckChar(base8: string): string {
  if (base8.length !== 8) throw new RangeError(`dtiCheckChar: base must have 8 characters, got ${base8.length}`);
  return mod3130CheckChar(base8);
}

/** True if the DTI has the right shape and its check char matches (or it is whitelisted, e.g. Bitcoin). */
export const isValidDti = (s: string): boolean =>
  DTI_RE.test(s) && (DTI_CHECK_WHITELIST.includes(s) || dtiCheckChar(s.slice(0, 8)) === s.charAt(8));

/** DTI findings: ERROR on shape; WARN on a MOD 31,30 mismatch, which is unverified against ISO 24165 (§2). */
export function dtiIssues(s: string): IdIssue[] {
  if (s === '') return [issue('ERROR', 'DTI_MISSING', 'DTI is empty')];
  if (!DTI_RE.test(s)) {
    return [issue('ERROR', 'DTI_FORMAT', `DTI ${JSON.stringify(s)} is not 9 chars over 0-9 + consonants (no leading 0)`)];
  }
  if (DTI_CHECK_WHITELIST.includes(s)) return [];
  const expected = dtiCheckChar(s.slice(0, 8));
  if (expected !== s.charAt(8)) {
    return [issue('WARN', 'DTI_CHECK', `DTI ${s} fails the MOD 31,30 check (expected ${expected}; rule unverified)`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// UPI (ISO 4914), handbook §2 "UPI"
// ---------------------------------------------------------------------------------------------------------------

/** UPI hard pattern: 12 upper-case alphanumerics incl. the check char (EMIR VR2008_04). */
export const UPI_RE = /^[A-Z0-9]{12}$/;

/** True if `s` has the UPI shape (hard check only). */
export const isUpiFormat = (s: string): boolean => UPI_RE.test(s);

/** MOD 31,30 check char for an 11-char UPI base (sec_id convention, unverified); throws RangeError on a bad base. */
export function upiCheckChar(base11: string): string {
  if (base11.length !== 11) throw new RangeError(`upiCheckChar: base must have 11 characters, got ${base11.length}`);
  return mod3130CheckChar(base11);
}

/** Append the MOD 31,30 check char to an 11-char base over the DTI alphabet (e.g. 'QZ' + 9 chars) → 12-char UPI. */
export const makeUpi = (base11: string): string => base11 + upiCheckChar(base11);

/** UPI findings: ERROR unless ^[A-Z0-9]{12}$; WARN without `QZ` or on a MOD 31,30 check mismatch (sec_id, §2). */
export function upiIssues(s: string): IdIssue[] {
  // The soft rules come from the community library sec_id and are unverified against ISO 4914, hence WARN only.
  if (s === '') return [issue('ERROR', 'UPI_MISSING', 'UPI is empty')];
  if (!UPI_RE.test(s)) return [issue('ERROR', 'UPI_FORMAT', `UPI ${JSON.stringify(s)} is not 12 [A-Z0-9] characters`)];
  const out: IdIssue[] = [];
  if (!s.startsWith('QZ')) out.push(issue('WARN', 'UPI_PREFIX', `UPI ${s} does not start with QZ (ANNA DSB prefix; unverified)`));
  const base = s.slice(0, 11);
  if (!inDtiAlphabet(base)) {
    out.push(issue('WARN', 'UPI_CHECK', `UPI ${s} has characters outside the MOD 31,30 alphabet; check not computable`));
  } else {
    const expected = upiCheckChar(base);
    if (expected !== s.charAt(11)) {
      out.push(issue('WARN', 'UPI_CHECK', `UPI ${s} fails the MOD 31,30 check (expected ${expected}; rule unverified)`));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ISO 4217 currencies and ISO 3166-1 countries, handbook §2 "Currency and country codes"
// ---------------------------------------------------------------------------------------------------------------

const CURRENCIES = new Set<string>([...ISO_4217_ACTIVE, ...ISO_4217_WITHDRAWN]);
const WITHDRAWN_CURRENCIES = new Set<string>(ISO_4217_WITHDRAWN);
const COUNTRIES = new Set<string>([...ISO_3166_ALPHA2, ...ISO_3166_WARN_CODES]);
const WARN_COUNTRIES = new Set<string>(ISO_3166_WARN_CODES);

/** True for an official ISO 4217 code (active or recently withdrawn); false for crypto codes (VR2056_01). */
export const isIsoCurrency = (s: string): boolean => CURRENCIES.has(s);

/** True for an ISO 4217 code that has been withdrawn (still official in old data; WARN). */
export const isWithdrawnIsoCurrency = (s: string): boolean => WITHDRAWN_CURRENCIES.has(s);

/** Currency findings: ERROR if not ^[A-Z]{3}$ or not on the official list (e.g. BTC, XBT, USDT); WARN if withdrawn. */
export function currencyIssues(s: string): IdIssue[] {
  if (s === '') return [issue('ERROR', 'CCY_MISSING', 'currency is empty')];
  if (!/^[A-Z]{3}$/.test(s)) return [issue('ERROR', 'CCY_FORMAT', `currency ${JSON.stringify(s)} is not ^[A-Z]{3}$`)];
  if (!CURRENCIES.has(s)) {
    return [issue('ERROR', 'CCY_NOT_ISO4217', `currency ${s} is not an ISO 4217 code (crypto codes are not allowed, VR2056)`)];
  }
  if (WITHDRAWN_CURRENCIES.has(s)) return [issue('WARN', 'CCY_WITHDRAWN', `currency ${s} has been withdrawn from ISO 4217`)];
  return [];
}

/** True for an ISO 3166-1 alpha-2 code, including the user-assigned `XK` (flag it with isWarnCountry). */
export const isIsoCountry = (s: string): boolean => COUNTRIES.has(s);

/** True for a code accepted but worth a WARN (`XK`: acceptance under EMIR/CFTC unverified, §2). */
export const isWarnCountry = (s: string): boolean => WARN_COUNTRIES.has(s);

/** Country findings: ERROR if not ^[A-Z]{2}$ or not assigned (e.g. `USA`, the MIC sentinel `ZZ`); WARN for `XK`. */
export function countryIssues(s: string): IdIssue[] {
  if (s === '') return [issue('ERROR', 'COUNTRY_MISSING', 'country is empty')];
  if (!/^[A-Z]{2}$/.test(s)) return [issue('ERROR', 'COUNTRY_FORMAT', `country ${JSON.stringify(s)} is not ^[A-Z]{2}$`)];
  if (!COUNTRIES.has(s)) return [issue('ERROR', 'COUNTRY_NOT_ISO3166', `country ${s} is not an ISO 3166-1 alpha-2 code`)];
  if (WARN_COUNTRIES.has(s))
    return [issue('WARN', 'COUNTRY_USER_ASSIGNED', `country ${s} is user-assigned, not ISO 3166-1 (unverified for EMIR/CFTC)`)];
  return [];
}
