import type {
  ConsentRow,
  MayShareQuery,
  PartySource,
  Outcome,
  Purpose,
  RecipientClass,
  ShareBasis,
  ShareCondition,
  ShareDecision,
  TraceStep,
} from '../../../shared/contract/cooperation';
import { ContractError } from '../../../shared/contract/errors';
import { closeMatches } from '../../../shared/domain/closeMatches';
import type { AuthorityRow, InstrumentRow, PartyRow, RegistryView } from './registryView';

/**
 * mayShare (handbook domain-cooperation.md §6.1): may category C of data go from our authority
 * H to authority X for purpose P on date D? Fail closed at every step: no basis gives NO_BASIS,
 * a status or power nobody verified gives NEEDS_REVIEW, never ALLOW. The answer carries every
 * basis found, the conditions that travel with the export, and a trace a lawyer can follow.
 */
// 1.1.0: cross-border instruments are no basis between two authorities of one country; GDPR adequacy is read from
// adequacy instruments that name the recipients a decision covers; party statuses are cited with their source.
export const ENGINE_VERSION = '1.1.0';

/** From most to least permissive; a constraint can only move an answer down this list. */
const rank: Record<Outcome, number> = { ALLOW: 0, ALLOW_WITH_CONDITIONS: 1, CONSENT_REQUIRED: 2, NEEDS_REVIEW: 3, NO_BASIS: 4, DENY: 5 };
const stricter = (a: Outcome, b: Outcome): Outcome => (rank[a] >= rank[b] ? a : b);

/** The instrument functions that can carry each purpose (fintech never carries enforcement). */
const functionsFor: Record<Purpose, readonly string[]> = {
  stated_in_request: ['enforcement'],
  civil_admin_enforcement: ['enforcement'],
  sro_surveillance: ['enforcement'],
  criminal_prosecution_assist: ['enforcement'],
  supervision: ['supervisory', 'college', 'crisis'],
  recognition_monitoring: ['supervisory', 'college'],
  licensing: ['supervisory', 'college'],
  fintech_referral: ['fintech'],
  tax: [],
  policy: [],
  private_litigation: [],
};

/** Categories that identify natural persons whatever the case says. */
const personalCategories = new Set([
  'account_holder_identity',
  'beneficial_ownership',
  'statement_transcript',
  'telephone_records',
  'isp_subscriber_records',
  'travel_rule_data',
  'onchain_wallet_attribution',
]);

const activeOn = (date: string, from: string | null, to: string | null) => (from === null || from <= date) && (to === null || date < to);

interface Candidate {
  instrument: InstrumentRow;
  outcome: Outcome;
  provisionKeys: Set<string>;
  conditions: ShareCondition[];
  partySources: PartySource[];
}

export function decide(view: RegistryView, q: MayShareQuery): ShareDecision {
  const trace: TraceStep[] = [];
  const advice: string[] = [];
  const home = authorityNamed(view, q.home, 'home');
  const recipient = authorityNamed(view, q.recipient, 'recipient');
  if (home.short === recipient.short)
    throw new ContractError('INVALID_INPUT', 'The recipient must be another authority than the home authority.');
  const finish = (
    outcome: Outcome,
    bases: ShareBasis[],
    conditions: ShareCondition[],
    extra: Partial<ShareDecision> = {},
  ): ShareDecision => {
    for (const a of view.advice) if (adviceApplies(view, a.when, q, outcome, home, recipient)) advice.push(a.text);
    trace.push({ step: 'result', text: resultText(outcome, bases), outcome });
    return { outcome, bases, conditions, advice, trace, engineVersion: ENGINE_VERSION, registrySha256: view.sha256, ...extra };
  };

  // 1 Recipient: only regulators receive, unless a statutory gateway names other recipients.
  if (!recipient.isRegulator) {
    const gateway = view.instruments.find(
      (i) => i.allowsNonRegulators && isActive(i, q.date) && activeParty(i, home.short, q.date) && activeParty(i, recipient.short, q.date),
    );
    if (!gateway) {
      trace.push({
        step: 'recipient',
        text: `${recipient.name} is not a regulatory authority, and no statutory gateway in the registry lets ${home.short} share with such a recipient.`,
        outcome: 'DENY',
      });
      return finish('DENY', [], []);
    }
    trace.push({ step: 'recipient', text: `${recipient.name} is not a regulator; ${gateway.title} (${gateway.code}) is a gateway to it.` });
  } else trace.push({ step: 'recipient', text: `${recipient.name} (${recipient.short}) is a regulatory authority.` });

  // 2 Provenance: data received from another authority stays under its control.
  const provenance = checkProvenance(view, q, home, recipient, trace);
  if (provenance.outcome === 'DENY') return finish('DENY', [], provenance.conditions);

  // 3 and 4: every instrument that could carry the sharing, checked in turn.
  const personal = q.personalData || personalCategories.has(q.category);
  const candidates: Candidate[] = [];
  for (const instrument of view.instruments) {
    const candidate = checkInstrument(view, instrument, q, home, recipient, trace);
    if (candidate) candidates.push(candidate);
  }
  if (candidates.length === 0) {
    trace.push({
      step: 'basis',
      text: `No instrument in the registry gives ${home.short} a basis to share ${label(q.category)} with ${recipient.short} for ${label(q.purpose)} on ${q.date}.`,
      outcome: 'NO_BASIS',
    });
    return finish('NO_BASIS', [], []);
  }

  // 5 Overlays: our own law's conditions, and a GDPR transfer basis for personal data.
  const global = checkOverlays(view, q, home, recipient, personal, trace);

  // 6 Result: the best candidate, held down by provenance and overlays.
  const bases = candidates
    .map((c): ShareBasis => {
      const outcome = stricter(stricter(c.outcome, provenance.outcome), global.outcome);
      const conditions = [...c.conditions, ...provenance.conditions, ...global.conditions];
      return {
        instrument: c.instrument.code,
        instrumentTitle: c.instrument.title,
        outcome: outcome === 'ALLOW' && conditions.length > 0 ? 'ALLOW_WITH_CONDITIONS' : outcome,
        provisionKeys: [...new Set([...c.provisionKeys, ...provenance.provisionKeys])],
        conditions,
        partySources: c.partySources,
      };
    })
    .sort((a, b) => rank[a.outcome] - rank[b.outcome] || a.instrument.localeCompare(b.instrument));
  const best = bases[0]!;
  const shareable = best.outcome === 'ALLOW' || best.outcome === 'ALLOW_WITH_CONDITIONS';
  return finish(best.outcome, bases, best.conditions, {
    ...(shareable ? { legend: legendText(view, q, home, recipient, best) } : {}),
    ...(best.outcome === 'CONSENT_REQUIRED' && provenance.consentFrom ? { consentNeededFrom: provenance.consentFrom } : {}),
  });
}

function authorityNamed(view: RegistryView, name: string, role: string): AuthorityRow {
  const exact = view.authorities.get(name) ?? [...view.authorities.values()].find((a) => a.short.toLowerCase() === name.toLowerCase());
  if (exact) return exact;
  const near = closeMatches(name, [...view.authorities.keys()]);
  throw new ContractError(
    'INVALID_INPUT',
    `Unknown ${role} authority "${name}".${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''} Authorities are named by their short names (CFTC, SCB, AMF-FR, …).`,
    { field: role, value: name, closeMatches: near },
  );
}

const isActive = (i: InstrumentRow, date: string) => activeOn(date, i.effectiveDate, i.terminatedDate);
const activeParty = (i: InstrumentRow, authority: string, date: string): PartyRow | undefined =>
  i.parties.find((p) => p.authority === authority && activeOn(date, p.validFrom, p.validTo));

interface ProvenanceResult {
  outcome: Outcome;
  conditions: ShareCondition[];
  provisionKeys: string[];
  consentFrom?: string;
}

function checkProvenance(
  view: RegistryView,
  q: MayShareQuery,
  home: AuthorityRow,
  recipient: AuthorityRow,
  trace: TraceStep[],
): ProvenanceResult {
  const p = q.provenance;
  const none: ProvenanceResult = { outcome: 'ALLOW', conditions: [], provisionKeys: [] };
  if (p.origin === 'own_collection' || p.origin === 'public') {
    trace.push({
      step: 'provenance',
      text: p.origin === 'public' ? 'The data are public.' : `${home.short} collected the data itself: no originator controls it.`,
    });
    return none;
  }
  const origin = p.originAuthority === undefined ? undefined : authorityNamed(view, p.originAuthority, 'origin');
  if (p.origin === 'received_domestic' || !origin) {
    trace.push({
      step: 'provenance',
      text: `The data came from ${origin ? origin.short : 'another authority'} at home; its restrictions on onward disclosure are not in the registry, so a human checks them.`,
      outcome: 'NEEDS_REVIEW',
    });
    return { ...none, outcome: 'NEEDS_REVIEW' };
  }
  if (origin.short === recipient.short) {
    trace.push({ step: 'provenance', text: `The data came from ${origin.short} and go back to it: a return of its own data.` });
    return none;
  }
  const instrument = p.originInstrument === undefined ? undefined : view.instruments.find((i) => i.code === p.originInstrument);
  if (!instrument) {
    trace.push({
      step: 'provenance',
      text: `The data came from ${origin.short}${p.originInstrument ? ` under "${p.originInstrument}", which is not in the registry` : ' under an instrument not stated'}: its onward-sharing rule cannot be read, so a human decides.`,
      outcome: 'NEEDS_REVIEW',
    });
    return { ...none, outcome: 'NEEDS_REVIEW', consentFrom: origin.short };
  }
  const recipientClass = classOf(view, recipient, home, instrument, q.date);
  const rule = instrument.rules.find((r) => r.kind === 'onward_sharing' && r.item === recipientClass);
  const key = rule?.provisionKey ?? undefined;
  const cite = key ? { provisionKey: key } : {};
  const via = `The data came from ${origin.short} under ${instrument.code}; ${recipient.short} is, for that instrument, a ${label(recipientClass)}`;
  if (!rule || rule.qualifier === 'consent_required') {
    const consent = findConsent(view.consents, origin.short, recipient.short, q, trace);
    if (!consent) {
      trace.push({
        step: 'provenance',
        text: `${via}: onward sharing needs ${origin.short}'s consent${rule ? '' : ' (the instrument has no rule for this class of recipient)'}, and no valid consent is recorded.`,
        outcome: 'CONSENT_REQUIRED',
        instrument: instrument.code,
        ...cite,
      });
      return {
        outcome: 'CONSENT_REQUIRED',
        conditions: [
          {
            kind: 'consent',
            text: `Prior written consent of ${origin.short} to disclose its information to ${recipient.short} for ${label(q.purpose)}.`,
            authority: origin.short,
            ...cite,
          },
        ],
        provisionKeys: key ? [key] : [],
        consentFrom: origin.short,
      };
    }
    trace.push({
      step: 'provenance',
      text: `${via}: onward sharing needs ${origin.short}'s consent, and consent #${consent.consentId} (granted ${consent.grantedAt}${consent.expiresAt ? `, valid until ${consent.expiresAt}` : ''}) covers it.`,
      instrument: instrument.code,
      ...cite,
    });
    return {
      outcome: 'ALLOW',
      conditions: [
        {
          kind: 'consent',
          text: `Shared under consent #${consent.consentId} of ${origin.short}${consent.conditions ? `, on its conditions: ${consent.conditions}` : ''}.`,
          authority: origin.short,
          ...cite,
        },
      ],
      provisionKeys: key ? [key] : [],
    };
  }
  if (rule.qualifier === 'prohibited') {
    trace.push({
      step: 'provenance',
      text: `${via}: onward sharing to such a recipient is prohibited.`,
      outcome: 'DENY',
      instrument: instrument.code,
      ...cite,
    });
    return { outcome: 'DENY', conditions: [], provisionKeys: key ? [key] : [] };
  }
  if (rule.qualifier === 'notify_then_allowed') {
    trace.push({
      step: 'provenance',
      text: `${via}: allowed once ${origin.short} has been notified.`,
      instrument: instrument.code,
      ...cite,
    });
    return {
      outcome: 'ALLOW',
      conditions: [
        { kind: 'notify_originator', text: `Notify ${origin.short} before disclosing its information.`, authority: origin.short, ...cite },
      ],
      provisionKeys: key ? [key] : [],
    };
  }
  trace.push({ step: 'provenance', text: `${via}: onward sharing is allowed.`, instrument: instrument.code, ...cite });
  return { ...none, provisionKeys: key ? [key] : [] };
}

/** The recipient's class for the originating instrument's onward-sharing rules. */
function classOf(view: RegistryView, recipient: AuthorityRow, home: AuthorityRow, instrument: InstrumentRow, date: string): RecipientClass {
  if (activeParty(instrument, recipient.short, date)) return 'same_instrument_party';
  const country = (code: string) => rootOf(view, code);
  if (country(recipient.jurisdiction) === country(home.jurisdiction))
    return recipient.type === 'criminal' ? 'domestic_criminal' : 'domestic_regulator';
  if (recipient.eeaSupervisor && inEea(view, home.jurisdiction)) return 'eu_supervisor';
  return 'foreign_regulator';
}

function findConsent(consents: ConsentRow[], from: string, to: string, q: MayShareQuery, trace: TraceStep[]): ConsentRow | undefined {
  const matching = consents.filter(
    (c) => c.grantedBy === from && c.grantedTo === to && c.purpose === q.purpose && (c.category === null || c.category === q.category),
  );
  for (const c of matching) {
    if (c.grantedAt > q.date)
      trace.push({ step: 'provenance', text: `Consent #${c.consentId} of ${from} is granted only from ${c.grantedAt}.` });
    else if (c.expiresAt !== null && c.expiresAt <= q.date)
      trace.push({ step: 'provenance', text: `Consent #${c.consentId} of ${from} expired on ${c.expiresAt}.` });
    else return c;
  }
  return undefined;
}

/**
 * An EU adequacy decision held as an instrument: its parties are the recipients it covers. It is a GDPR transfer basis
 * (step 5), never a basis for sharing.
 */
const isAdequacyDecision = (i: InstrumentRow) => i.function === 'personal_data' && i.form === 'statutory_gateway';

/** Steps 3 and 4 for one instrument: a candidate basis, or null (with the reason in the trace). */
function checkInstrument(
  view: RegistryView,
  i: InstrumentRow,
  q: MayShareQuery,
  home: AuthorityRow,
  recipient: AuthorityRow,
  trace: TraceStep[],
): Candidate | null {
  const skip = (text: string, provisionKey?: string) => {
    trace.push({ step: 'basis', text: `${i.code}: ${text}`, instrument: i.code, ...(provisionKey ? { provisionKey } : {}) });
    return null;
  };
  if (isAdequacyDecision(i)) return null; // Read in step 5, for personal data only.
  const h = activeParty(i, home.short, q.date);
  const x = activeParty(i, recipient.short, q.date);
  if (!h && !x) return null; // Neither is a party: not worth a line in the trace.
  if (!isActive(i, q.date)) return skip(`not in force on ${q.date}.`);
  if (!h) return skip(`${home.short} is not a party on ${q.date}.`);
  if (!x) return skip(`${recipient.short} is not a party on ${q.date}.`);
  if (i.function === 'personal_data') return skip('a data-protection arrangement: it supplements a basis, it is never one itself.');
  if (i.form !== 'statutory_gateway' && !functionsFor[q.purpose].includes(i.function))
    return skip(
      i.function === 'fintech'
        ? `a fintech arrangement (referrals and trends only): never a basis for ${label(q.purpose)}.`
        : `${/^[aeiou]/.test(i.function) ? 'an' : 'a'} ${i.function} instrument; ${label(q.purpose)} needs ${functionsFor[q.purpose].join(' or ') || 'an instrument the registry does not hold'}.`,
    );

  const rules = (kind: string) => i.rules.filter((r) => r.kind === kind);
  // A cross-border instrument (the IOSCO MMoU and EMMoU: "the benchmark for cross-border co-operation", iosco.org) is no
  // gateway between two regulators of one country: SEC and CFTC are both MMoU signatories, yet share through US law.
  const crossBorder = rules('condition').find((r) => r.item === 'cross_border_only');
  const country = rootOf(view, home.jurisdiction);
  if (crossBorder && country === rootOf(view, recipient.jurisdiction))
    return skip(
      `${home.short} and ${recipient.short} are both authorities of ${view.jurisdictions.get(country)?.name ?? country}: a cross-border instrument, not a gateway between two domestic regulators, who share through domestic gateways.`,
      crossBorder.provisionKey ?? undefined,
    );

  const keys = new Set<string>();
  const conditions: ShareCondition[] = [];
  let outcome: Outcome = 'ALLOW';
  // Subject matter.
  const subjects = rules('subject');
  if (q.subject !== undefined) {
    const subject = subjects.find((r) => r.item === q.subject);
    if (!subject)
      return skip(
        `the subject ${label(q.subject)} is outside its subject matter (${subjects.map((r) => label(r.item)).join(', ') || 'none recorded'}).`,
      );
    if (subject.provisionKey) keys.add(subject.provisionKey);
  } else if (subjects.length > 0) {
    conditions.push({
      kind: 'scope_check',
      text: `Confirm that the matter falls within the subject matter of ${i.code}: ${subjects.map((r) => label(r.item)).join(', ')}.`,
      ...(subjects[0]!.provisionKey ? { provisionKey: subjects[0]!.provisionKey } : {}),
    });
  }
  // Category, in the mode asked for, and the powers it needs.
  const category = rules('category').find((r) => r.item === q.category && r.qualifier === q.mode);
  if (!category)
    return skip(
      `${label(q.category)} ${q.mode === 'obtain_compelled' ? 'cannot be obtained with compulsory powers under it' : 'is not within its scope'}.`,
    );
  if (category.provisionKey) keys.add(category.provisionKey);
  if (category.requiredCapability) {
    const power = category.requiredCapability;
    const statuses = [h, x].map((p) => p.capabilities.get(power) ?? 'unknown');
    if (statuses.includes('not_available'))
      return skip(`the power "${label(power)}" is not available to both parties.`, category.provisionKey ?? undefined);
    if (statuses.includes('unknown')) {
      outcome = stricter(outcome, 'NEEDS_REVIEW');
      trace.push({
        step: 'candidate',
        text: `${i.code}: whether both parties hold the power "${label(power)}" is not verified.`,
        outcome: 'NEEDS_REVIEW',
        instrument: i.code,
      });
    }
  }
  if (category.text) {
    outcome = stricter(outcome, 'NEEDS_REVIEW');
    trace.push({
      step: 'candidate',
      text: `${i.code}: ${category.text}`,
      outcome: 'NEEDS_REVIEW',
      instrument: i.code,
      ...(category.provisionKey ? { provisionKey: category.provisionKey } : {}),
    });
  }
  // Purpose.
  const use = rules('permitted_use').find((r) => r.item === q.purpose);
  if (!use || use.qualifier === 'prohibited') return skip(`${label(q.purpose)} is not a permitted use.`, use?.provisionKey ?? undefined);
  if (use.provisionKey) keys.add(use.provisionKey);
  if (use.qualifier === 'consent_required') {
    outcome = stricter(outcome, 'NEEDS_REVIEW');
    trace.push({
      step: 'candidate',
      text: `${i.code}: ${label(q.purpose)} is a use beyond the permitted ones and needs the providing authority's express consent: a human decides.`,
      outcome: 'NEEDS_REVIEW',
      instrument: i.code,
      ...(use.provisionKey ? { provisionKey: use.provisionKey } : {}),
    });
  }
  // Parties' standing on the date: a status nobody verified never allows. Each cites where it was read and when.
  const partySources: PartySource[] = [];
  for (const p of [h, x]) {
    partySources.push({
      authority: p.authority,
      instrument: i.code,
      tier: p.tier,
      status: p.status,
      validFrom: p.validFrom,
      sourceUrl: p.sourceUrl,
      asOf: p.asOf,
    });
    const source = p.sourceUrl ? ` (source: ${p.sourceUrl}${p.asOf ? `, checked ${p.asOf}` : ''})` : '';
    const standing = `${p.authority} is a party${p.tier ? ` (tier ${p.tier})` : ''} from ${p.validFrom === '0001-01-01' ? 'an unknown date' : p.validFrom}`;
    if (p.status === 'unknown') {
      outcome = stricter(outcome, 'NEEDS_REVIEW');
      trace.push({
        step: 'candidate',
        text: `${i.code}: ${p.authority}'s status is not verified${source}.`,
        outcome: 'NEEDS_REVIEW',
        instrument: i.code,
      });
    } else if (p.canRequest === false || p.canReceive === false)
      return skip(`${standing}${source}, but may neither request nor receive assistance under it (e.g. MMoU Appendix B).`);
    else if (p.canRequest === null || p.canReceive === null) {
      outcome = stricter(outcome, 'NEEDS_REVIEW');
      trace.push({
        step: 'candidate',
        text: `${i.code}: ${standing}${source}; whether it may request and receive is not verified.`,
        outcome: 'NEEDS_REVIEW',
        instrument: i.code,
      });
    } else
      trace.push({
        step: 'candidate',
        text: `${i.code}: ${standing}${p.status === 'synthetic' ? ' (synthetic test value)' : source}.`,
        instrument: i.code,
      });
  }
  // Refusal grounds the case raises.
  const adverse = rules('refusal_ground').find((r) => r.item === 'adverse_own_investigation');
  if (q.ownInvestigationSensitive) {
    if (adverse) {
      outcome = stricter(outcome, 'NEEDS_REVIEW');
      trace.push({
        step: 'candidate',
        text: `${i.code}: sharing could harm our own investigation, a refusal ground under this instrument: a human decides.`,
        outcome: 'NEEDS_REVIEW',
        instrument: i.code,
        ...(adverse.provisionKey ? { provisionKey: adverse.provisionKey } : {}),
      });
    } else
      trace.push({
        step: 'candidate',
        text: `${i.code}: our own investigation is sensitive; the instrument lists no such refusal ground, so it does not stop the sharing.`,
        instrument: i.code,
      });
  }
  for (const c of rules('condition').filter((r) => r.item !== 'gdpr_safeguards' && r.item !== 'cross_border_only')) {
    conditions.push({ kind: conditionKind(c.item), text: c.text ?? c.item, ...(c.provisionKey ? { provisionKey: c.provisionKey } : {}) });
    if (c.provisionKey) keys.add(c.provisionKey);
  }
  trace.push({
    step: 'basis',
    text: `${i.code} (${i.title}) is a basis: ${label(q.category)} is within its scope and ${label(q.purpose)} a permitted use${outcome === 'ALLOW' ? '' : ', subject to review'}.`,
    outcome: outcome === 'ALLOW' && conditions.length > 0 ? 'ALLOW_WITH_CONDITIONS' : outcome,
    instrument: i.code,
  });
  return { instrument: i, outcome, provisionKeys: keys, conditions, partySources };
}

function conditionKind(code: string): ShareCondition['kind'] {
  const known: ReadonlyArray<ShareCondition['kind']> = [
    'use_limitation',
    'confidentiality_legend',
    'notice_before_compelled_disclosure',
    'no_onward_sharing',
  ];
  return (known as readonly string[]).includes(code) ? (code as ShareCondition['kind']) : 'overlay';
}

function checkOverlays(
  view: RegistryView,
  q: MayShareQuery,
  home: AuthorityRow,
  recipient: AuthorityRow,
  personal: boolean,
  trace: TraceStep[],
): { outcome: Outcome; conditions: ShareCondition[] } {
  let outcome: Outcome = 'ALLOW';
  const conditions: ShareCondition[] = [];
  for (const o of view.overlays) {
    if (o.home !== home.short || !activeOn(q.date, o.validFrom, o.validTo)) continue;
    if (o.category !== null && o.category !== q.category) continue;
    if (o.personalData !== null && o.personalData !== personal) continue;
    const effect: Outcome = o.effect === 'deny' ? 'DENY' : o.effect === 'review' ? 'NEEDS_REVIEW' : 'ALLOW_WITH_CONDITIONS';
    outcome = stricter(outcome, effect);
    conditions.push({ kind: 'overlay', text: `${o.text}${o.legalRef ? ` (${o.legalRef})` : ''}` });
    trace.push({ step: 'overlay', text: `${home.short}'s own law applies: ${o.legalRef ?? o.code}.`, outcome: effect });
  }
  if (personal && inEea(view, home.jurisdiction) && !inEea(view, recipient.jurisdiction) && !recipient.eeaSupervisor) {
    // GDPR Art 45: only a decision that covers this recipient counts. A country-wide flag would not do: the Japan decision
    // ((EU) 2019/419, Art 1(1) and recital 10) covers private business operators under the APPI, not the JFSA.
    const adequate = view.instruments.find(
      (i) => isAdequacyDecision(i) && isActive(i, q.date) && verifiedParty(i, recipient.short, q.date),
    );
    const arrangement = view.instruments.find(
      (i) =>
        i.function === 'personal_data' &&
        !isAdequacyDecision(i) &&
        isActive(i, q.date) &&
        verifiedParty(i, home.short, q.date) &&
        verifiedParty(i, recipient.short, q.date),
    );
    if (adequate)
      trace.push({
        step: 'overlay',
        text: `Personal data leave the EEA for ${recipient.short} under ${adequate.title} (${adequate.code}), which covers it as a recipient.`,
        instrument: adequate.code,
      });
    else if (arrangement) {
      const safeguards = arrangement.rules.find((r) => r.kind === 'condition' && r.item === 'gdpr_safeguards');
      conditions.push({
        kind: 'overlay',
        text: safeguards?.text ?? `Personal data travel under ${arrangement.title}.`,
        ...(safeguards?.provisionKey ? { provisionKey: safeguards.provisionKey } : {}),
      });
      trace.push({
        step: 'overlay',
        text: `Personal data leave the EEA under ${arrangement.title} (${arrangement.code}), to which both authorities are parties.`,
        instrument: arrangement.code,
      });
    } else {
      outcome = stricter(outcome, 'NEEDS_REVIEW');
      trace.push({
        step: 'overlay',
        text: `Personal data would leave the EEA for ${recipient.short}, with neither an adequacy decision covering it nor a data-protection arrangement both are verified parties to (GDPR Art 46(3)(b)): a human decides.`,
        outcome: 'NEEDS_REVIEW',
      });
    }
  }
  return { outcome, conditions };
}

const verifiedParty = (i: InstrumentRow, authority: string, date: string) => {
  const p = activeParty(i, authority, date);
  return p !== undefined && p.status !== 'unknown';
};

function rootOf(view: RegistryView, code: string): string {
  let current = view.jurisdictions.get(code);
  while (current?.parent) current = view.jurisdictions.get(current.parent);
  return current?.code ?? code;
}

function inEea(view: RegistryView, code: string): boolean {
  for (let j = view.jurisdictions.get(code); j; j = j.parent ? view.jurisdictions.get(j.parent) : undefined) if (j.eeaMember) return true;
  return false;
}

function adviceApplies(
  view: RegistryView,
  when: RegistryView['advice'][number]['when'],
  q: MayShareQuery,
  outcome: Outcome,
  home: AuthorityRow,
  recipient: AuthorityRow,
): boolean {
  const instrument = (code: string) => view.instruments.find((i) => i.code === code);
  if (when.category !== undefined && when.category !== q.category) return false;
  if (when.outcome !== undefined && when.outcome !== outcome) return false;
  if (when.homeParty !== undefined) {
    const i = instrument(when.homeParty);
    if (!i || !activeParty(i, home.short, q.date)) return false;
  }
  if (when.recipientParty !== undefined) {
    const i = instrument(when.recipientParty);
    if (!i || !activeParty(i, recipient.short, q.date)) return false;
  }
  if (
    when.recipientOutsideEea !== undefined &&
    when.recipientOutsideEea === (inEea(view, recipient.jurisdiction) || recipient.eeaSupervisor)
  )
    return false;
  if (when.purposeFunction !== undefined && !functionsFor[q.purpose].includes(when.purposeFunction)) return false;
  if (when.sameCountry !== undefined && when.sameCountry !== (rootOf(view, home.jurisdiction) === rootOf(view, recipient.jurisdiction)))
    return false;
  return true;
}

/** The composite export legend (handbook §5; the wording is Concordat's, not a quotation). */
function legendText(view: RegistryView, q: MayShareQuery, home: AuthorityRow, recipient: AuthorityRow, basis: ShareBasis): string {
  const keys = basis.provisionKeys.length > 0 ? `, ${basis.provisionKeys.join(', ')}` : '';
  return (
    `NON-PUBLIC — Provided by ${home.name} (${home.short}) to ${recipient.name} (${recipient.short}) under ${basis.instrumentTitle}${keys}. ` +
    `Use limited to ${label(q.purpose)}. No disclosure to any third party, including other authorities in your jurisdiction, without prior written consent of ${home.short}. ` +
    `If legally compelled to disclose, notify ${home.short} beforehand and assert all available exemptions. [TLP:AMBER+STRICT]`
  );
}

function resultText(outcome: Outcome, bases: ShareBasis[]): string {
  switch (outcome) {
    case 'ALLOW':
      return `Allowed under ${bases[0]!.instrument}, with no further conditions.`;
    case 'ALLOW_WITH_CONDITIONS':
      return `Allowed under ${bases[0]!.instrument}, on the conditions listed; they travel with the export.`;
    case 'CONSENT_REQUIRED':
      return 'Not before the originator consents: ask for and record its consent, then check again.';
    case 'NEEDS_REVIEW':
      return 'A human must decide: an open question above keeps the engine from answering (it never allows on an unverified fact).';
    case 'NO_BASIS':
      return 'No basis: nothing in the registry allows this sharing.';
    case 'DENY':
      return 'Denied: the sharing is prohibited.';
  }
}

/** "civil_admin_enforcement" → "civil admin enforcement". */
function label(key: string): string {
  return key.replace(/_/g, ' ');
}
