/**
 * Maps the fields of one ISO 20022 trade-repository report to the columns of the Concordat
 * CSV files (fileKinds.ts), in the CSV formats that rowChecks.ts expects. Paths are relative
 * to the report element (auth.107 / auth.109 `Stat`, auth.030 `Rpt/{New|Mod|…}`) or, for the
 * counterparty-specific fields, to one `CtrPtySpcfcData` block. Element names follow the ISO
 * 20022 schemas of auth.107.001.01, auth.109.001.01 and auth.030.001.03 (domain-trade-data.md §1).
 */

/** A value read from the XML: its trimmed text and, for amounts, the `Ccy` attribute. */
export interface Captured {
  text: string;
  ccy?: string;
}

/** Values of one report (or one counterparty block) by path; the first occurrence wins. */
export type ValueStore = Map<string, Captured>;

export type CsvValues = Record<string, string | undefined>;

const TX = 'CmonTradData/TxData';
const CTRCT = 'CmonTradData/CtrctData';
const OTHER = 'CtrPty/OthrCtrPty/IdTp';
const STRIKE = `${TX}/Optn/StrkPric`;
const PRICE = `${TX}/TxPric/Pric`;

/** Paths inside a `CtrPtySpcfcData` block (auth.107, auth.030). Built once: lookups reuse these strings. */
export const B = {
  reportingLei: 'CtrPty/RptgCtrPty/Id/Lgl/Id/LEI',
  side: 'CtrPty/RptgCtrPty/DrctnOrSd/CtrPtySd',
  otherLei: `${OTHER}/Lgl/Id/LEI`,
  otherBic: `${OTHER}/Lgl/Id/AnyBIC`,
  otherCode: `${OTHER}/Lgl/Id/Othr/Id/Id`,
  otherLegalCountry: `${OTHER}/Lgl/Ctry`,
  naturalPerson: `${OTHER}/Ntrl/Id/Id/Id`,
  naturalPersonCountry: `${OTHER}/Ntrl/Ctry`,
  // `NtrlPrsn` (the element name in some other ISO 20022 party choices) is read the same way.
  naturalPersonAlias: `${OTHER}/NtrlPrsn/Id/Id/Id`,
  naturalPersonAliasCountry: `${OTHER}/NtrlPrsn/Ctry`,
  valuation: 'Valtn/CtrctVal/Amt',
  valuationSign: 'Valtn/CtrctVal/Sgn',
  valuationTime: 'Valtn/TmStmp',
  valuationType: 'Valtn/Tp',
  delta: 'Valtn/Dlta',
  reportingTime: 'RptgTmStmp',
} as const;

/** Paths in the common part of a trade report (auth.107, auth.030). */
export const T = {
  contractType: `${CTRCT}/CtrctTp`,
  assetClass: `${CTRCT}/AsstClss`,
  upi: `${CTRCT}/PdctId/UnqPdctIdr/Id`,
  underlier: `${CTRCT}/UndrlygInstrm/Othr/Id`,
  underlierSource: `${CTRCT}/UndrlygInstrm/Othr/Src`,
  uti: `${TX}/TxId/UnqTxIdr`,
  utiProprietary: `${TX}/TxId/Prtry/Id`,
  portfolio: `${TX}/CollPrtflCd/Prtfl/Cd`,
  imPortfolio: `${TX}/CollPrtflCd/MrgnPrtflCd/InitlMrgnPrtflCd/Prtfl/Cd`,
  vmPortfolio: `${TX}/CollPrtflCd/MrgnPrtflCd/VartnMrgnPrtflCd/Prtfl/Cd`,
  platform: `${TX}/PltfmIdr`,
  price: `${PRICE}/MntryVal/Amt`,
  priceSign: `${PRICE}/MntryVal/Sgn`,
  priceDecimal: `${PRICE}/Dcml`,
  priceUnit: `${PRICE}/Unit`,
  pricePercentage: `${PRICE}/Pctg`,
  priceYield: `${PRICE}/Yld`,
  notional: `${TX}/NtnlAmt/FrstLeg/Amt/Amt`,
  notionalSign: `${TX}/NtnlAmt/FrstLeg/Amt/Sgn`,
  quantity: `${TX}/NtnlQty/FrstLeg/TtlQty`,
  quantityUnits: `${TX}/Qty/Unit`,
  executionTime: `${TX}/ExctnTmStmp`,
  effectiveDate: `${TX}/FctvDt`,
  expirationDate: `${TX}/XprtnDt`,
  ccp: `${TX}/TradClr/ClrSts/Clrd/Dtls/CCP/LEI`,
  optionType: `${TX}/Optn/Tp`,
  optionStyle: `${TX}/Optn/ExrcStyle`,
  strike: `${STRIKE}/MntryVal/Amt`,
  strikeSign: `${STRIKE}/MntryVal/Sgn`,
  strikeDecimal: `${STRIKE}/Dcml`,
  strikeUnit: `${STRIKE}/Unit`,
  strikePercentage: `${STRIKE}/Pctg`,
  strikeYield: `${STRIKE}/Yld`,
  actionType: 'CmonTradData/CtrctMod/ActnTp',
  modificationLevel: 'CmonTradData/CtrctMod/Lvl',
  level: 'Lvl',
} as const;

/** Container elements of a trade report whose mere presence is the value (the clearing status choice). */
export const TP = {
  cleared: `${TX}/TradClr/ClrSts/Clrd`,
  intendToClear: `${TX}/TradClr/ClrSts/IntndToClear`,
  notCleared: `${TX}/TradClr/ClrSts/NonClrd`,
} as const;

const POSTED = 'PstdMrgnOrColl';
const RECEIVED = 'RcvdMrgnOrColl';
const MARGIN_OTHER = 'CtrPtyId/OthrCtrPty/IdTp';

/** Paths in an auth.109 margin report (`Stat`, MarginReportData). */
export const M = {
  reportingLei: 'CtrPtyId/RptgCtrPty/Id/Lgl/Id/LEI',
  otherLei: `${MARGIN_OTHER}/Lgl/Id/LEI`,
  otherBic: `${MARGIN_OTHER}/Lgl/Id/AnyBIC`,
  otherCode: `${MARGIN_OTHER}/Lgl/Id/Othr/Id/Id`,
  naturalPerson: `${MARGIN_OTHER}/Ntrl/Id/Id/Id`,
  naturalPersonAlias: `${MARGIN_OTHER}/NtrlPrsn/Id/Id/Id`,
  uti: 'TxId/UnqTxIdr',
  utiProprietary: 'TxId/Prtry/Id',
  portfolio: 'Coll/CollPrtflCd/Prtfl/Cd',
  imPortfolio: 'Coll/CollPrtflCd/MrgnPrtflCd/InitlMrgnPrtflCd/Prtfl/Cd',
  vmPortfolio: 'Coll/CollPrtflCd/MrgnPrtflCd/VartnMrgnPrtflCd/Prtfl/Cd',
  category: 'Coll/CollstnCtgy',
  collateralTime: 'Coll/TmStmp',
  imPostedPre: `${POSTED}/InitlMrgnPstdPreHrcut`,
  imPostedPost: `${POSTED}/InitlMrgnPstdPstHrcut`,
  vmPostedPre: `${POSTED}/VartnMrgnPstdPreHrcut`,
  vmPostedPost: `${POSTED}/VartnMrgnPstdPstHrcut`,
  excessPosted: `${POSTED}/XcssCollPstd`,
  imCollectedPre: `${RECEIVED}/InitlMrgnRcvdPreHrcut`,
  imCollectedPost: `${RECEIVED}/InitlMrgnRcvdPstHrcut`,
  vmCollectedPre: `${RECEIVED}/VartnMrgnRcvdPreHrcut`,
  vmCollectedPost: `${RECEIVED}/VartnMrgnRcvdPstHrcut`,
  excessCollected: `${RECEIVED}/XcssCollRcvd`,
} as const;

export const blockPaths: readonly string[] = Object.values(B);
export const tradePaths: readonly string[] = Object.values(T);
export const presencePaths: readonly string[] = Object.values(TP);
export const marginPaths: readonly string[] = Object.values(M);

/** The auth.030 report kinds (TradeReport32Choice) and the action type each one carries. */
export const actionTypeOfReport: Readonly<Record<string, string>> = {
  New: 'NEWT',
  Mod: 'MODI',
  Crrctn: 'CORR',
  Termntn: 'TERM',
  PosCmpnt: 'POSC',
  ValtnUpd: 'VALU',
  Err: 'EROR',
  Rvv: 'REVI',
  PortOut: 'PRTO',
  Cmprssn: 'COMP',
  Othr: 'OTHR',
};

const text = (store: ValueStore | undefined, key: string): string | undefined => {
  const v = store?.get(key)?.text;
  return v === undefined || v === '' ? undefined : v;
};

const firstOf = (store: ValueStore | undefined, keys: readonly string[]): string | undefined => {
  for (const key of keys) {
    const v = text(store, key);
    if (v !== undefined) return v;
  }
  return undefined;
};

/** Sets only defined values, so that absent fields are absent keys (as in a CSV record). */
function put(values: CsvValues, column: string, value: string | undefined): void {
  if (value !== undefined) values[column] = value;
}

/** An amount with its `Ccy` and optional `Sgn` sibling, as CSV decimal + currency. */
function amount(
  values: CsvValues,
  store: ValueStore | undefined,
  path: string,
  signPath: string | undefined,
  column: string,
  ccyColumn: string,
) {
  const captured = store?.get(path);
  if (captured === undefined || captured.text === '') return false;
  put(values, column, isoDecimalToCsv(captured.text, signPath ? text(store, signPath) : undefined));
  put(values, ccyColumn, captured.ccy);
  return true;
}

/** A SecuritiesTransactionPrice choice: a monetary amount (with currency), else a plain number (without). */
function price(
  values: CsvValues,
  store: ValueStore,
  paths: readonly [string, string, ...string[]],
  column: string,
  ccyColumn: string,
): void {
  const [monetary, sign, ...plainPaths] = paths;
  if (amount(values, store, monetary, sign, column, ccyColumn)) return;
  const plain = firstOf(store, plainPaths);
  put(values, column, plain === undefined ? undefined : isoDecimalToCsv(plain));
}

const PRICE_PATHS = [T.price, T.priceSign, T.priceDecimal, T.priceUnit, T.pricePercentage, T.priceYield] as const;
const STRIKE_PATHS = [T.strike, T.strikeSign, T.strikeDecimal, T.strikeUnit, T.strikePercentage, T.strikeYield] as const;
const UTI_PATHS = [T.uti, T.utiProprietary];
const OTHER_LEGAL_PATHS = [B.otherBic, B.otherCode];
const NATURAL_PERSON_PATHS = [B.naturalPerson, B.naturalPersonAlias];
const NATURAL_PERSON_COUNTRY_PATHS = [B.naturalPersonCountry, B.naturalPersonAliasCountry];
const QUANTITY_PATHS = [T.quantity, T.quantityUnits];
const PORTFOLIO_PATHS = [T.portfolio, T.imPortfolio, T.vmPortfolio];
const LEVEL_PATHS = [T.level, T.modificationLevel];

const isDti = (source: string | undefined) => source !== undefined && /dti|24165/i.test(source);

/**
 * One trades.csv record from a trade report: the common data of the report plus one
 * counterparty block (undefined when the report has none, so that it still yields a record).
 */
export function mapTradeReport(common: ValueStore, block: ValueStore | undefined, reportActionType: string | undefined): CsvValues {
  const v: CsvValues = {};
  put(v, 'uti', firstOf(common, UTI_PATHS));
  put(v, 'reporting_lei', text(block, B.reportingLei));

  const otherLei = text(block, B.otherLei);
  const naturalPerson = firstOf(block, NATURAL_PERSON_PATHS);
  const otherLegal = firstOf(block, OTHER_LEGAL_PATHS);
  if (otherLei !== undefined) {
    v.other_cpty_id = otherLei;
    v.other_cpty_is_lei = 'true';
  } else if (naturalPerson !== undefined) {
    v.other_cpty_id = naturalPerson;
    v.other_cpty_is_lei = 'false';
    put(v, 'other_cpty_country', firstOf(block, NATURAL_PERSON_COUNTRY_PATHS));
  } else if (otherLegal !== undefined) {
    // A legal entity without an LEI (BIC or other code): not an LEI, so its country is reported.
    v.other_cpty_id = otherLegal;
    v.other_cpty_is_lei = 'false';
    put(v, 'other_cpty_country', text(block, B.otherLegalCountry));
  }
  put(v, 'direction', text(block, B.side));

  put(v, 'upi', text(common, T.upi));
  put(v, 'contract_type', text(common, T.contractType));
  put(v, 'asset_class', text(common, T.assetClass));
  const underlier = text(common, T.underlier);
  if (underlier !== undefined) put(v, isDti(text(common, T.underlierSource)) ? 'underlier_dti' : 'underlier_symbol', underlier);
  put(v, 'option_type', text(common, T.optionType));
  put(v, 'option_style', text(common, T.optionStyle));
  price(v, common, STRIKE_PATHS, 'strike', 'strike_ccy');

  if (common.has(TP.cleared)) {
    v.cleared = 'Y';
    put(v, 'ccp_lei', text(common, T.ccp));
  } else if (common.has(TP.intendToClear)) v.cleared = 'I';
  else if (common.has(TP.notCleared)) v.cleared = 'N';

  put(v, 'platform_mic', text(common, T.platform));
  put(v, 'execution_ts', timestamp(text(common, T.executionTime)));
  put(v, 'effective_date', date(text(common, T.effectiveDate)));
  put(v, 'expiration_date', date(text(common, T.expirationDate)));
  amount(v, common, T.notional, T.notionalSign, 'notional', 'notional_ccy');
  const quantity = firstOf(common, QUANTITY_PATHS);
  put(v, 'quantity', quantity === undefined ? undefined : isoDecimalToCsv(quantity));
  price(v, common, PRICE_PATHS, 'price', 'price_ccy');

  amount(v, block, B.valuation, B.valuationSign, 'valuation_amount', 'valuation_ccy');
  put(v, 'valuation_ts', timestamp(text(block, B.valuationTime)));
  put(v, 'valuation_method', text(block, B.valuationType));
  const delta = text(block, B.delta);
  put(v, 'delta', delta === undefined ? undefined : isoDecimalToCsv(delta));

  put(v, 'collateral_portfolio_code', firstOf(common, PORTFOLIO_PATHS));
  put(v, 'action_type', reportActionType ?? text(common, T.actionType));
  put(v, 'level', firstOf(common, LEVEL_PATHS));
  put(v, 'reporting_ts', timestamp(text(block, B.reportingTime)));
  return v;
}

const MARGIN_OTHER_PATHS = [M.otherLei, M.naturalPerson, M.naturalPersonAlias, M.otherBic, M.otherCode];
const MARGIN_PORTFOLIO_PATHS = [M.portfolio, M.imPortfolio, M.vmPortfolio];
const MARGIN_UTI_PATHS = [M.uti, M.utiProprietary];

/** One margins.csv record from an auth.109 report. Amounts are pre-haircut, or post-haircut when only that is given. */
export function mapMarginReport(store: ValueStore): CsvValues {
  const v: CsvValues = {};
  put(v, 'reporting_lei', text(store, M.reportingLei));
  put(v, 'other_cpty_id', firstOf(store, MARGIN_OTHER_PATHS));
  put(v, 'collateral_portfolio_code', firstOf(store, MARGIN_PORTFOLIO_PATHS));
  put(v, 'uti', firstOf(store, MARGIN_UTI_PATHS));
  put(v, 'collateralisation_category', text(store, M.category));
  const margin = (pre: string, post: string, column: string) =>
    amount(v, store, pre, undefined, column, `${column}_ccy`) || amount(v, store, post, undefined, column, `${column}_ccy`);
  margin(M.imPostedPre, M.imPostedPost, 'im_posted');
  margin(M.vmPostedPre, M.vmPostedPost, 'vm_posted');
  amount(v, store, M.excessPosted, undefined, 'excess_posted', 'excess_posted_ccy');
  margin(M.imCollectedPre, M.imCollectedPost, 'im_collected');
  margin(M.vmCollectedPre, M.vmCollectedPost, 'vm_collected');
  amount(v, store, M.excessCollected, undefined, 'excess_collected', 'excess_collected_ccy');
  put(v, 'collateral_ts', timestamp(text(store, M.collateralTime)));
  return v;
}

const timestamp = (v: string | undefined) => (v === undefined ? undefined : isoTimestampToCsv(v));
const date = (v: string | undefined) => (v === undefined ? undefined : isoDateToCsv(v));

// ---------------------------------------------------------------------------------------------------------------
// Value formats. Anything that does not parse is returned unchanged, so that validation flags it.
// ---------------------------------------------------------------------------------------------------------------

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * ISO DateTime → `YYYY-MM-DDThh:mm:ssZ`: converted to UTC, fractions dropped (truncated).
 * A value without an offset is taken as UTC (trade-repository timestamps are UTC).
 */
export function isoTimestampToCsv(value: string): string {
  if (value.length === 20 && CANONICAL.test(value) && !value.startsWith('24', 11)) return value;
  const m = DATE_TIME.exec(value);
  if (!m) return value;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = m[7];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return value;
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute !== 0 || second !== 0))) return value;
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, 0);
  let ms = instant.getTime();
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutes = Number(zone.slice(4, 6));
    if (offsetHours > 14 || offsetMinutes > 59) return value;
    ms -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? `${iso.slice(0, 19)}Z` : value;
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;

/** ISO Date → `YYYY-MM-DD` (a time-zone suffix, which xs:date allows, is dropped). */
export function isoDateToCsv(value: string): string {
  return DATE.exec(value)?.[1] ?? value;
}

const XS_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * xs:decimal → the CSV plain decimal (`-?digits[.digits]`), keeping every digit (no float
 * rounding). `sign` is the ISO `Sgn` indicator: false means negative.
 */
export function isoDecimalToCsv(value: string, sign?: string): string {
  const m = XS_DECIMAL.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return sign === undefined ? value : `${value} Sgn=${sign}`;
  let negative = m[1] === '-';
  if (sign !== undefined) {
    if (sign === 'false' || sign === '0') negative = !negative;
    else if (sign !== 'true' && sign !== '1') return `${value} Sgn=${sign}`;
  }
  const integer = m[2]!.replace(/^0+(?=\d)/, '') || '0';
  const fraction = m[3] ? `.${m[3]}` : '';
  return `${negative ? '-' : ''}${integer}${fraction}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}
