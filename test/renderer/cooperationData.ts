import type {
  AuthoritySummary,
  InstrumentDetail,
  InstrumentParty,
  InstrumentSummary,
  Outcome,
  RegistryEdit,
  RegistryInfo,
  ShareDecision,
} from '../../shared/contract';

/** Canned cooperation answers for the renderer tests (fixture values, not registry facts). */

export const registryInfo: RegistryInfo = {
  origin: 'resources/cooperation/registry.json',
  sha256: 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12',
  asOf: '2026-01-01',
  loadedAt: '2026-01-02T09:00:00.000Z',
  authorities: 4,
  instruments: 3,
  localEdits: 0,
};

export function authority(over: Partial<AuthoritySummary> = {}): AuthoritySummary {
  return {
    authorityId: 1,
    shortName: 'CFTC',
    fullName: 'US Commodity Futures Trading Commission',
    jurisdiction: 'US',
    jurisdictionName: 'United States',
    authorityType: 'derivatives',
    isRegulator: true,
    ioscoMembership: 'ordinary',
    memberships: [
      { instrument: 'IOSCO_MMOU', tier: 'A', status: 'verified', validFrom: '2002-12-19', validTo: null },
      { instrument: 'IOSCO_EMMOU', tier: null, status: 'unknown', validFrom: '2019-05-15', validTo: null },
    ],
    sourceUrl: 'https://www.iosco.org/v2/about/?subsection=mmou',
    asOf: '2026-01-01',
    synthetic: false,
    ...over,
  };
}

export const authorities: AuthoritySummary[] = [
  authority(),
  authority({
    authorityId: 2,
    shortName: 'SCB',
    fullName: 'Securities Commission of The Bahamas',
    jurisdiction: 'BS',
    jurisdictionName: 'Bahamas',
    authorityType: 'securities',
    memberships: [{ instrument: 'IOSCO_MMOU', tier: 'B', status: 'verified', validFrom: '2009-06-10', validTo: null }],
  }),
  authority({
    authorityId: 3,
    shortName: 'FCA',
    fullName: 'Financial Conduct Authority',
    jurisdiction: 'GB',
    jurisdictionName: 'United Kingdom',
    authorityType: 'integrated',
    memberships: [{ instrument: 'IOSCO_MMOU', tier: null, status: 'unknown', validFrom: '2002-01-01', validTo: null }],
    sourceUrl: null,
    asOf: null,
  }),
  authority({
    authorityId: 4,
    shortName: 'XREG',
    fullName: 'Example Regulator (fixture)',
    jurisdiction: 'XX',
    jurisdictionName: 'Nowhere',
    authorityType: 'securities',
    memberships: [{ instrument: 'IOSCO_MMOU', tier: 'A', status: 'synthetic', validFrom: '2010-01-01', validTo: null }],
    synthetic: true,
  }),
];

export function instrumentSummary(over: Partial<InstrumentSummary> = {}): InstrumentSummary {
  return {
    instrumentId: 1,
    code: 'IOSCO_MMOU',
    title: 'IOSCO Multilateral Memorandum of Understanding',
    form: 'multilateral',
    function: 'enforcement',
    administeringBody: 'IOSCO',
    legallyBinding: null,
    effectiveDate: '2002-05-01',
    terminatedDate: null,
    parties: 4,
    synthetic: false,
    ...over,
  };
}

export const instruments: InstrumentSummary[] = [
  instrumentSummary(),
  instrumentSummary({
    instrumentId: 2,
    code: 'IOSCO_EMMOU',
    title: 'IOSCO Enhanced Multilateral Memorandum of Understanding',
    effectiveDate: '2017-03-31',
    parties: 1,
  }),
  instrumentSummary({
    instrumentId: 3,
    code: 'CFTC_ESMA_2016_CCP',
    title: 'CFTC–ESMA MoU on CCPs',
    form: 'bilateral',
    function: 'supervisory',
    administeringBody: null,
    legallyBinding: false,
    effectiveDate: '2016-06-01',
    parties: 2,
  }),
];

export function party(over: Partial<InstrumentParty> = {}): InstrumentParty {
  return {
    partyId: 11,
    authority: 'CFTC',
    authorityName: 'US Commodity Futures Trading Commission',
    jurisdiction: 'US',
    role: 'signatory',
    tier: 'A',
    canRequest: true,
    canReceive: true,
    validFrom: '2002-12-19',
    validTo: null,
    status: 'verified',
    capabilities: [
      { capability: 'files', status: 'available' },
      { capability: 'telephone_records', status: 'unknown' },
    ],
    sourceUrl: 'https://www.iosco.org/v2/about/?subsection=mmou',
    asOf: '2026-01-01',
    notes: null,
    ...over,
  };
}

export function mmouDetail(
  parties: InstrumentParty[] = [
    party(),
    party({
      partyId: 12,
      authority: 'FCA',
      authorityName: 'Financial Conduct Authority',
      jurisdiction: 'GB',
      tier: null,
      canRequest: null,
      canReceive: null,
      status: 'unknown',
    }),
  ],
): InstrumentDetail {
  return {
    ...instrumentSummary(),
    parties: parties.length,
    adoptedDate: '2002-05-01',
    notes: 'Non-binding (believed; not verified).',
    sourceUrl: 'https://www.iosco.org/library/pubdocs/pdf/IOSCOPD386.pdf',
    asOf: '2026-01-01',
    partyRows: parties,
    provisions: [
      {
        key: 'MMOU.PERMISSIBLE_USE',
        displayRef: null,
        kind: 'permitted_use',
        summary: 'Non-public information serves the stated purpose or its general framework.',
        verifiedBy: null,
        verifiedAt: null,
      },
      {
        key: 'MMOU.SCOPE.FILES',
        displayRef: '¶7(b)(i)',
        kind: 'scope',
        summary: 'Information in the files.',
        verifiedBy: 'A. Lawyer',
        verifiedAt: '2026-01-10',
      },
    ],
    rules: [
      {
        kind: 'subject',
        item: 'market_manipulation',
        qualifier: '',
        requiredCapability: null,
        text: null,
        provisionKey: 'MMOU.SCOPE.SUBJECTS',
      },
      {
        kind: 'category',
        item: 'transaction_records',
        qualifier: 'share_from_files',
        requiredCapability: null,
        text: null,
        provisionKey: 'MMOU.SCOPE.FILES',
      },
      {
        kind: 'category',
        item: 'telephone_records',
        qualifier: 'obtain_compelled',
        requiredCapability: 'telephone_records',
        text: null,
        provisionKey: null,
      },
      {
        kind: 'permitted_use',
        item: 'civil_admin_enforcement',
        qualifier: 'allowed',
        requiredCapability: null,
        text: null,
        provisionKey: 'MMOU.PERMISSIBLE_USE',
      },
      {
        kind: 'onward_sharing',
        item: 'domestic_regulator',
        qualifier: 'consent_required',
        requiredCapability: null,
        text: null,
        provisionKey: 'MMOU.CONFIDENTIALITY',
      },
      {
        kind: 'refusal_ground',
        item: 'violates_domestic_law',
        qualifier: '',
        requiredCapability: null,
        text: 'Would breach domestic law.',
        provisionKey: 'MMOU.DENIAL',
      },
    ],
  };
}

export const edit: RegistryEdit = {
  editId: 1,
  editedAt: '2026-01-15T10:00:00.000Z',
  editedBy: 'analyst',
  entity: 'instrument_party',
  entityKey: 'IOSCO_MMOU FCA (party #3)',
  before: { tier: null, status: 'unknown' },
  after: { tier: 'A', status: 'unknown' },
  reason: 'Read the IOSCO list',
};

/** A decision with the given outcome and a full trace. */
export function decision(outcome: Outcome, over: Partial<ShareDecision> = {}): ShareDecision {
  const allowed = outcome === 'ALLOW' || outcome === 'ALLOW_WITH_CONDITIONS';
  return {
    outcome,
    bases: allowed
      ? [
          {
            instrument: 'IOSCO_MMOU',
            instrumentTitle: 'IOSCO Multilateral Memorandum of Understanding',
            outcome,
            provisionKeys: ['MMOU.SCOPE.FILES', 'MMOU.PERMISSIBLE_USE'],
            conditions: [],
          },
        ]
      : [],
    conditions:
      outcome === 'ALLOW_WITH_CONDITIONS'
        ? [
            { kind: 'use_limitation', text: 'Use limited to civil or administrative enforcement.', provisionKey: 'MMOU.PERMISSIBLE_USE' },
            { kind: 'no_onward_sharing', text: 'No onward sharing without the consent of CFTC.', authority: 'CFTC' },
          ]
        : [],
    ...(allowed ? { legend: 'NON-PUBLIC — Provided by CFTC to SCB under IOSCO_MMOU (MMOU.PERMISSIBLE_USE).' } : {}),
    ...(outcome === 'CONSENT_REQUIRED' ? { consentNeededFrom: 'FCA' } : {}),
    advice: outcome === 'NO_BASIS' ? ['An arrangement under MiCA Art 107 would be needed.'] : [],
    trace: [
      { step: 'recipient', text: 'SCB is a regulator.' },
      { step: 'provenance', text: 'Own collection: no originator controls it.' },
      { step: 'basis', text: 'Both are parties to IOSCO_MMOU on 2026-01-15.', instrument: 'IOSCO_MMOU' },
      { step: 'candidate', text: 'The category is in scope.', instrument: 'IOSCO_MMOU', provisionKey: 'MMOU.SCOPE.FILES' },
      { step: 'result', text: `The best outcome is ${outcome}.`, outcome },
    ],
    engineVersion: 'test-1',
    registrySha256: registryInfo.sha256,
    ...over,
  };
}
