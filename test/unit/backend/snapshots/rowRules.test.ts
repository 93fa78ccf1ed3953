import { describe, expect, it } from 'vitest';
import type { ImportContext } from '../../../../electron/backend/snapshots/importContext';
import { checkMarginRow } from '../../../../electron/backend/snapshots/marginRow';
import { checkEntityRow, checkFxRow, checkVenueRow } from '../../../../electron/backend/snapshots/referenceRows';
import type { Row } from '../../../../electron/backend/snapshots/rowChecks';
import { checkTradeRow } from '../../../../electron/backend/snapshots/tradeRow';

const emir: ImportContext = { regime: 'EMIR', asOfDate: '2026-06-30' };
const cftc: ImportContext = { regime: 'CFTC', asOfDate: '2026-06-30' };
const A = '5493001USDEALERA0095';
const B = '2138003GBFUNDBBB0049';
const CCP = 'LCZ7XYGSLJUHFXXNXD88';

/** A valid uncleared forward; each case changes only what it tests. */
const base: Row = {
  uti: `${A}T0001`,
  reporting_lei: A,
  other_cpty_id: B,
  other_cpty_is_lei: 'true',
  direction: 'BYER',
  contract_type: 'FORW',
  asset_class: 'OTHR',
  cleared: 'N',
  notional: '1000000',
  notional_ccy: 'USD',
  effective_date: '2026-06-01',
  expiration_date: '2026-12-31',
  execution_ts: '2026-06-01T10:00:00Z',
  reporting_ts: '2026-06-30T18:00:00Z',
  valuation_amount: '-1250.5',
  valuation_ccy: 'USD',
  valuation_ts: '2026-06-29T22:00:00Z',
  valuation_method: 'MTMA',
  action_type: 'NEWT',
  level: 'TCTN',
  underlier_dti: 'X9J9K872S',
  upi: 'QZRBG6ZTKS42',
  platform_mic: 'XXXX',
};

const findings = (row: Row, context = emir) => checkTradeRow(row, context).issues.map((i) => `${i.severity}:${i.ruleId}:${i.field}`);
const with_ = (changes: Row): Row => {
  const row: Row = { ...base, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete row[k];
  return row;
};

describe('trade rows', () => {
  it('accept the valid base row with no finding', () => {
    expect(findings(base)).toEqual([]);
    expect(checkTradeRow(base, emir).value?.uti).toBe(base.uti);
  });

  // [rule, failing change, expected finding, passing change]
  const cases: Array<[string, Row, string, Row]> = [
    ['required field', { execution_ts: undefined }, 'ERROR:CNC_REQUIRED:execution_ts', {}],
    ['LEI check digits (ISO 17442)', { reporting_lei: '5493001USDEALERA0096' }, 'ERROR:CNC_LEI:reporting_lei', { reporting_lei: A }],
    ['placeholder LEI of the other side', { other_cpty_id: 'DUMMY0000000000LEI01' }, 'ERROR:CNC_LEI:other_cpty_id', {}],
    ['UTI pattern (lower case)', { uti: `${A}t0001` }, 'ERROR:UTI_FORMAT:uti', {}],
    ['UTI too long', { uti: A + 'A'.repeat(33) }, 'ERROR:UTI_LENGTH:uti', { uti: A + 'A'.repeat(32) }],
    ['legacy UTI on NEWT (VR2001)', { uti: `${A}-BTC-0001` }, 'ERROR:UTI_CHARSET_NEWT:uti', {}],
    ['UPI length (VR2008_04)', { upi: 'QZRBG6ZTKS4' }, 'ERROR:EMIR_VR_2008:upi', {}],
    ['DTI alphabet (ISO 24165)', { underlier_dti: 'A9J9K872S' }, 'ERROR:CNC_DTI:underlier_dti', { underlier_dti: '4H95J0R2X' }],
    ['code list', { direction: 'BUY' }, 'ERROR:CNC_CODE:direction', { direction: 'SLLR' }],
    ['boolean', { other_cpty_is_lei: 'yes' }, 'ERROR:CNC_BOOLEAN:other_cpty_is_lei', {}],
    ['decimal', { notional: '1,000,000' }, 'ERROR:CNC_DECIMAL:notional', { notional: '0.00001' }],
    ['notional ≥ 0 (VR2055)', { notional: '-5' }, 'ERROR:CNC_NON_NEGATIVE:notional', { notional: '0' }],
    ['ISO 4217 without crypto codes (VR2056)', { notional_ccy: 'USDT' }, 'ERROR:CNC_CURRENCY:notional_ccy', { notional_ccy: 'XAU' }],
    ['timestamp format', { execution_ts: '2026-06-01 10:00:00' }, 'ERROR:CNC_TIMESTAMP:execution_ts', {}],
    ['date format', { expiration_date: '31/12/2026' }, 'ERROR:CNC_DATE:expiration_date', {}],
    ['direction required (VR1017)', { direction: undefined }, 'ERROR:EMIR_VR_1017:direction', {}],
    ['no country for an LEI counterparty (VR1010)', { other_cpty_country: 'GB' }, 'ERROR:EMIR_VR_1010:other_cpty_country', {}],
    [
      'country required for a natural person (VR1010)',
      { other_cpty_is_lei: 'false', other_cpty_id: 'NP-0001' },
      'ERROR:EMIR_VR_1010:other_cpty_country',
      { other_cpty_is_lei: 'false', other_cpty_id: 'NP-0001', other_cpty_country: 'FR' },
    ],
    [
      'ISO 3166 country',
      { other_cpty_is_lei: 'false', other_cpty_id: 'NP-0001', other_cpty_country: 'ZZ' },
      'ERROR:CNC_COUNTRY:other_cpty_country',
      {},
    ],
    [
      'CCP when cleared (J16)',
      { cleared: 'Y', valuation_method: 'CCPV' },
      'ERROR:CDE_J16:ccp_lei',
      { cleared: 'Y', ccp_lei: CCP, valuation_method: 'CCPV' },
    ],
    ['no CCP when uncleared (J16)', { ccp_lei: CCP }, 'ERROR:CDE_J16:ccp_lei', {}],
    [
      'CCPV when cleared (VR2024)',
      { cleared: 'Y', ccp_lei: CCP },
      'ERROR:EMIR_VR_2024:valuation_method',
      { cleared: 'Y', ccp_lei: CCP, valuation_method: 'CCPV' },
    ],
    [
      'option fields for OPTN (VR2132)',
      { contract_type: 'OPTN', option_type: 'CALL', option_style: 'EURO' },
      'ERROR:EMIR_VR_2132:strike',
      { contract_type: 'OPTN', option_type: 'CALL', option_style: 'EURO', strike: '70000', strike_ccy: 'USD' },
    ],
    [
      'expiry unless CFDS or perpetual (VR2044)',
      { expiration_date: undefined },
      'ERROR:EMIR_VR_2044:expiration_date',
      { expiration_date: undefined, perpetual: 'true' },
    ],
    [
      'price for FUTR/CFDS (VR2048)',
      { contract_type: 'FUTR' },
      'ERROR:EMIR_VR_2048:price',
      { contract_type: 'FUTR', price: '61000', price_ccy: 'USD' },
    ],
    [
      'expiry not before effective date',
      { expiration_date: '2026-05-31' },
      'ERROR:CNC_DATE_ORDER:expiration_date',
      { expiration_date: '2026-06-01' },
    ],
    [
      'reporting not before execution',
      { reporting_ts: '2026-06-01T09:59:59Z' },
      'ERROR:CNC_TIME_ORDER:reporting_ts',
      { reporting_ts: '2026-06-01T10:00:00Z' },
    ],
    ['no BILT under EMIR (VR2041)', { platform_mic: 'BILT' }, 'ERROR:EMIR_VR_2041:platform_mic', { platform_mic: 'XOFF' }],
    ['MIC format', { platform_mic: 'XCME1' }, 'ERROR:EMIR_VR_2041:platform_mic', { platform_mic: 'XCME' }],
    ['cleared I is not an EMIR value', { cleared: 'I' }, 'ERROR:CNC_CODE:cleared', {}],
    [
      'stale valuation > 14 days (auth.106)',
      { valuation_ts: '2026-06-01T22:00:00Z' },
      'WARN:CNC_STALE_VALUATION:valuation_ts',
      { valuation_ts: '2026-06-16T22:00:00Z' },
    ],
    ['MIC not in the reference list', { platform_mic: 'ABCD' }, 'WARN:CNC_MIC_UNKNOWN:platform_mic', {}],
    ['expired MIC', { platform_mic: 'ERIS' }, 'WARN:CNC_MIC_EXPIRED:platform_mic', {}],
    ['DTI check character', { underlier_dti: 'X9J9K872T' }, 'WARN:DTI_CHECK:underlier_dti', {}],
    ['withdrawn currency', { valuation_ccy: 'HRK' }, 'WARN:CCY_WITHDRAWN:valuation_ccy', {}],
  ];

  it.each(cases)('%s: fails when broken, passes when right', (_rule, failing, expected, passing) => {
    expect(findings(with_(failing))).toContain(expected);
    const errorsBroken = expected.startsWith('ERROR');
    expect(checkTradeRow(with_(failing), emir).value === undefined).toBe(errorsBroken);
    expect(findings(with_(passing))).toEqual([]);
  });

  it('applies EMIR-only rules as warnings elsewhere (BILT, CCPV) and allows cleared I outside EMIR', () => {
    expect(findings(with_({ platform_mic: 'BILT' }), cftc)).toEqual(['WARN:EMIR_VR_2041:platform_mic']);
    expect(findings(with_({ cleared: 'Y', ccp_lei: CCP }), cftc)).toEqual(['WARN:EMIR_VR_2024:valuation_method']);
    expect(findings(with_({ cleared: 'I' }), cftc)).toEqual([]);
  });

  it('loads a legacy UTI on a modification with a warning only', () => {
    expect(findings(with_({ uti: `${A}-BTC-0001`, action_type: 'MODI' }))).toEqual(['WARN:UTI_NOT_STRICT:uti']);
  });

  it('lets CFDS go without an expiry', () => {
    expect(findings(with_({ contract_type: 'CFDS', expiration_date: undefined, price: '1', price_ccy: 'USD' }))).toEqual([]);
  });
});

describe('margin rows', () => {
  const margin: Row = {
    reporting_lei: A,
    other_cpty_id: B,
    collateral_portfolio_code: 'PF-1',
    collateralisation_category: 'FLCL',
    im_posted: '50000',
    im_posted_ccy: 'USD',
    collateral_ts: '2026-06-30T17:00:00Z',
  };
  const issues = (row: Row) => checkMarginRow(row, emir).issues.map((i) => `${i.severity}:${i.ruleId}:${i.field}`);

  it('accept a valid portfolio margin', () => expect(issues(margin)).toEqual([]));
  it('need exactly one of portfolio code or UTI', () => {
    expect(issues({ ...margin, uti: `${A}T1` })).toEqual(['ERROR:CNC_MARGIN_KEY:collateral_portfolio_code']);
    const { collateral_portfolio_code: _drop, ...none } = margin;
    expect(issues(none)).toEqual(['ERROR:CNC_MARGIN_KEY:collateral_portfolio_code']);
    expect(issues({ ...none, uti: `${A}T1` })).toEqual([]);
  });
  it('refuse negative amounts and unknown categories', () => {
    expect(issues({ ...margin, im_posted: '-1' })).toEqual(['ERROR:CNC_NON_NEGATIVE:im_posted']);
    expect(issues({ ...margin, collateralisation_category: 'FULL' })).toEqual(['ERROR:CNC_CODE:collateralisation_category']);
  });
  it('warn on margin older than 14 days', () => {
    expect(issues({ ...margin, collateral_ts: '2026-06-10T17:00:00Z' })).toEqual(['WARN:CNC_STALE_MARGIN:collateral_ts']);
  });
});

describe('reference rows', () => {
  it('check entities, venues and FX rates', () => {
    expect(checkEntityRow({ lei: A, legal_country: 'US' }).issues).toEqual([]);
    expect(checkEntityRow({ lei: A, legal_country: 'USA' }).value).toBeUndefined();
    expect(checkEntityRow({ lei: A, legal_country: 'US', parent_lei: 'X' }).value).toBeUndefined();
    expect(checkVenueRow({ venue_id: 'DERIBIT' }).issues).toEqual([]);
    expect(checkVenueRow({ venue_id: 'X', mic: 'xcme' }).value).toBeUndefined();
    expect(checkFxRow({ as_of_date: '2026-06-30', ccy: 'EUR', usd_per_unit: '1.1' }).value).toEqual({
      as_of_date: '2026-06-30',
      ccy: 'EUR',
      usd_per_unit: 1.1,
    });
    expect(checkFxRow({ as_of_date: '2026-06-30', ccy: 'EUR', usd_per_unit: '0' }).value).toBeUndefined();
    expect(checkFxRow({ as_of_date: '2026-06-30', ccy: 'BTC', usd_per_unit: '60000' }).value).toBeUndefined();
  });
});
