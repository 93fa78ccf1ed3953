import type { AuthoritySummary, Outcome, ShareDecision, TraceStep } from '../../../../shared/contract';

const acronyms: Record<string, string> = {
  aml: 'AML',
  casp: 'CASP',
  ccp: 'CCP',
  eea: 'EEA',
  esa: 'ESA',
  eu: 'EU',
  fiu: 'FIU',
  gdpr: 'GDPR',
  isp: 'ISP',
  lei: 'LEI',
  sro: 'SRO',
};

/**
 * Keys whose words, read one by one, are not how a supervisor says them (issue 15): the registry's abbreviations
 * written out. Keys not listed read word by word.
 */
const phrases: Record<string, string> = {
  civil_admin_enforcement: 'civil and administrative enforcement',
  criminal_prosecution_assist: 'assistance to a criminal prosecution',
  fitness_propriety: 'fitness and propriety',
  onchain_wallet_attribution: 'on-chain wallet attribution',
  statement_transcript: 'statements and transcripts',
  stated_in_request: 'the purpose stated in the request',
  offer_sale: 'offer and sale',
  markets_clearing: 'markets and clearing',
};

/** A vocabulary key as words: `fitness_propriety` → "fitness and propriety", `isp_records` → "ISP records". */
export const words = (key: string) =>
  Object.hasOwn(phrases, key)
    ? phrases[key]!
    : key
        .split('_')
        .map((w) => acronyms[w] ?? w)
        .join(' ');

/** A vocabulary key as a label starting with a capital: "Civil and administrative enforcement". */
export const label = (key: string) => {
  const w = words(key);
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** A yes/no fact the registry may not know: null is never shown as "no". */
export const yesNoUnknown = (value: boolean | null | undefined) => (value === true ? 'yes' : value === false ? 'no' : 'unknown');

/** Whether an instrument binds: "not verified" where nobody has checked the text. */
export const bindingText = (value: boolean | null) => (value === true ? 'yes' : value === false ? 'no' : 'not verified');

/** The outcome in words, with whose consent is missing: "CONSENT REQUIRED (from FCA)". */
export function outcomeText(outcome: Outcome, consentFrom?: string): string {
  const text = outcome.replace(/_/g, ' ');
  return outcome === 'CONSENT_REQUIRED' && consentFrom ? `${text} (from ${consentFrom})` : text;
}

/** What each outcome means, for the badge's description (the text carries the meaning, not the colour). */
export const outcomeMeaning: Record<Outcome, string> = {
  ALLOW: 'A basis allows this with no extra conditions.',
  ALLOW_WITH_CONDITIONS: 'A basis allows this; the conditions travel with the export.',
  CONSENT_REQUIRED: "The originator's consent is missing.",
  NEEDS_REVIEW: 'A human must decide: something is unknown or a refusal ground may apply.',
  NO_BASIS: 'No instrument fits.',
  DENY: 'Prohibited.',
};

/** The decision's outcome text (CONSENT REQUIRED names whose consent). */
export const decisionText = (d: ShareDecision) => outcomeText(d.outcome, d.consentNeededFrom);

/** The engine's steps, named for a reader. */
export const stepNames: Record<TraceStep['step'], string> = {
  recipient: 'Recipient',
  provenance: 'Provenance',
  basis: 'Basis lookup',
  candidate: 'Candidate instrument',
  overlay: 'Domestic overlays',
  result: 'Result',
};

/** One membership of an authority in an instrument, as the grids show it. */
export type Membership = AuthoritySummary['memberships'][number];

/** The membership in force on a date (else the latest one), of an authority in an instrument. */
export function membershipOn(a: AuthoritySummary, instrument: string, date: string): Membership | undefined {
  const rows = a.memberships.filter((m) => m.instrument === instrument);
  const current = rows.filter((m) => m.validFrom <= date && (m.validTo === null || m.validTo > date));
  const pick = current.length > 0 ? current : rows;
  return [...pick].sort((x, y) => y.validFrom.localeCompare(x.validFrom))[0];
}

/**
 * A membership status as text: "unknown" literally for a status nobody has verified (never a
 * guess), the tier (or "party") otherwise, and "none recorded" where the registry has no row.
 */
export function membershipText(m: Membership | undefined): string {
  if (!m) return 'none recorded';
  if (m.status === 'unknown') return 'unknown';
  const what = m.tier ?? 'party';
  return m.status === 'synthetic' ? `${what} (synthetic)` : what;
}

/** The registry's stand-in for a start date nobody has verified. */
export const UNKNOWN_START = '0001-01-01';

/** A validity date as shown: "unknown" for the registry's unknown-start stand-in. */
export const validDate = (d: string | null, open = 'open') => (d === null ? open : d === UNKNOWN_START ? 'unknown' : d);

/** Today as YYYY-MM-DD in local time (the date a sharing would happen). */
export function today(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** An ISO timestamp shortened for a table: "2026-01-15 10:02 UTC". */
export const when = (iso: string | null | undefined) =>
  iso
    ? iso
        .replace('T', ' ')
        .replace(/:\d\d(\.\d+)?Z$/, ' UTC')
        .replace(/(\.\d+)?Z$/, ' UTC')
    : '—';
