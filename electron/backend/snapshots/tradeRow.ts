import { dtiIssues, upiIssues } from '../../../shared/domain/identifiers';
import { knownMics, MIC_RE } from '../../../shared/domain/micCodes';
import { csvColumns } from './fileKinds';
import { isEmirLike, type ImportContext } from './importContext';
import { RowChecker, type Row, type RowIssue } from './rowChecks';

export interface CheckedRow<T> {
  value: T | undefined;
  issues: RowIssue[];
}

/** The trade_state columns filled from trades.csv, in insert order: the file's own columns. */
export const tradeStateColumns = csvColumns.trades;

export type TradeStateValues = Record<(typeof tradeStateColumns)[number], string | number | null>;

const CONTRACT_TYPES = ['CFDS', 'FRAS', 'FUTR', 'FORW', 'OPTN', 'SPDB', 'SWAP', 'SWPT', 'OTHR'] as const;
const ACTION_TYPES = ['NEWT', 'MODI', 'CORR', 'EROR', 'TERM', 'REVI', 'PRTO', 'VALU', 'MARU', 'POSC'] as const;
const STALE_AFTER_DAYS = 14;

/**
 * Checks one trade report (a trades.csv row or an ISO 20022 report mapped to the same
 * columns): field formats, identifiers, and the cross-field rules of the handbook
 * (domain-trade-data.md, "Cross-field rules"). ERROR findings keep the row out of the
 * exposure tables (it is kept raw instead); WARN findings load with the row.
 */
export function checkTradeRow(row: Row, context: ImportContext): CheckedRow<TradeStateValues> {
  const c = new RowChecker(row);
  const emir = isEmirLike(context.regime);

  // Identifiers (handbook §2).
  c.uti('uti', row.action_type);
  c.lei('reporting_lei');
  const otherIsLei = c.boolean('other_cpty_is_lei', true);
  const other = c.required('other_cpty_id');
  if (otherIsLei === true && other !== undefined) c.lei('other_cpty_id');
  if (other !== undefined && other.length > 72) c.error('other_cpty_id', 'CNC_LENGTH', 'other_cpty_id is longer than 72 characters.');
  c.country('other_cpty_country');
  if (row.upi !== undefined) c.idIssues('upi', upiIssues(row.upi), 'EMIR_VR_2008');
  if (row.underlier_dti !== undefined) c.idIssues('underlier_dti', dtiIssues(row.underlier_dti), 'CNC_DTI');

  // Codes and formats.
  const direction = c.oneOf('direction', ['BYER', 'SLLR']);
  const contractType = c.oneOf('contract_type', CONTRACT_TYPES);
  const perpetual = c.boolean('perpetual');
  c.oneOf('option_type', ['CALL', 'PUTO', 'OTHR']);
  c.oneOf('option_style', ['AMER', 'BERM', 'EURO']);
  c.decimal('strike');
  c.currency('strike_ccy');
  const cleared = c.oneOf('cleared', emir ? ['Y', 'N'] : ['Y', 'N', 'I']);
  c.lei('ccp_lei', false);
  c.timestamp('execution_ts', true);
  c.date('effective_date');
  c.date('expiration_date');
  c.decimal('notional', { required: true, nonNegative: true });
  c.currency('notional_ccy', true);
  c.decimal('quantity', { nonNegative: true });
  c.decimal('price');
  c.currency('price_ccy');
  c.decimal('valuation_amount');
  c.currency('valuation_ccy');
  c.timestamp('valuation_ts');
  const method = c.oneOf('valuation_method', ['MTMA', 'MTMO', 'CCPV']);
  c.decimal('delta');
  c.oneOf('action_type', ACTION_TYPES);
  c.oneOf('level', ['TCTN', 'PSTN']);
  c.timestamp('reporting_ts', true);
  checkPlatform(c, row.platform_mic, emir);

  // Cross-field rules.
  if (direction === undefined && row.direction === undefined) {
    c.error('direction', 'EMIR_VR_1017', 'direction is required (BYER or SLLR).');
  }
  if (otherIsLei === true && row.other_cpty_country !== undefined) {
    c.error('other_cpty_country', 'EMIR_VR_1010', 'other_cpty_country must be empty when the other counterparty is identified by an LEI.');
  }
  if (otherIsLei === false && row.other_cpty_country === undefined) {
    c.error('other_cpty_country', 'EMIR_VR_1010', 'other_cpty_country is required for a natural-person counterparty.');
  }
  if (cleared === 'Y' && row.ccp_lei === undefined) c.error('ccp_lei', 'CDE_J16', 'ccp_lei is required when cleared is Y.');
  if ((cleared === 'N' || cleared === 'I') && row.ccp_lei !== undefined) {
    c.error('ccp_lei', 'CDE_J16', `ccp_lei must be empty when cleared is ${cleared}.`);
  }
  if (cleared === 'Y' && method !== undefined && method !== 'CCPV') {
    c.finding(
      emir ? 'ERROR' : 'WARN',
      'valuation_method',
      'EMIR_VR_2024',
      `valuation_method is ${method}; a cleared trade is valued by its CCP (CCPV).`,
    );
  }
  if (contractType === 'OPTN' || contractType === 'SWPT') {
    for (const field of ['option_type', 'option_style', 'strike'] as const) {
      if (row[field] === undefined) c.error(field, 'EMIR_VR_2132', `${field} is required for ${contractType}.`);
    }
  }
  if (contractType !== undefined && contractType !== 'CFDS' && perpetual !== true && row.expiration_date === undefined) {
    c.error('expiration_date', 'EMIR_VR_2044', `expiration_date is required for ${contractType} unless the contract is perpetual.`);
  }
  if ((contractType === 'FUTR' || contractType === 'CFDS') && row.price === undefined) {
    c.error('price', 'EMIR_VR_2048', `price is required for ${contractType}.`);
  }
  if (isDate(row.effective_date) && isDate(row.expiration_date) && row.expiration_date! < row.effective_date!) {
    c.error('expiration_date', 'CNC_DATE_ORDER', `expiration_date ${row.expiration_date} is before effective_date ${row.effective_date}.`);
  }
  if (isTimestamp(row.execution_ts) && isTimestamp(row.reporting_ts) && row.reporting_ts! < row.execution_ts!) {
    c.error('reporting_ts', 'CNC_TIME_ORDER', `reporting_ts ${row.reporting_ts} is before execution_ts ${row.execution_ts}.`);
  }
  if (isTimestamp(row.valuation_ts) && daysBetween(row.valuation_ts!.slice(0, 10), context.asOfDate) > STALE_AFTER_DAYS) {
    c.finding(
      'WARN',
      'valuation_ts',
      'CNC_STALE_VALUATION',
      `The valuation is more than ${STALE_AFTER_DAYS} days older than the snapshot (${row.valuation_ts}).`,
    );
  }
  if (c.hasError) return { value: undefined, issues: c.issues };

  const value = {} as TradeStateValues;
  for (const col of tradeStateColumns) value[col] = row[col] ?? null;
  value.other_cpty_is_lei = otherIsLei ? 1 : 0;
  value.perpetual = perpetual === undefined ? null : perpetual ? 1 : 0;
  return { value, issues: c.issues };
}

/** Platform identifier: a MIC or a sentinel; BILT is refused under EMIR (VR2041). */
function checkPlatform(c: RowChecker, mic: string | undefined, emir: boolean): void {
  if (mic === undefined) return;
  if (!MIC_RE.test(mic)) {
    c.error('platform_mic', 'EMIR_VR_2041', `platform_mic "${mic}" is not a 4-character ISO 10383 MIC.`);
    return;
  }
  const known = knownMics[mic];
  if (mic === 'BILT')
    c.finding(emir ? 'ERROR' : 'WARN', 'platform_mic', 'EMIR_VR_2041', 'platform_mic BILT is not accepted under EMIR: use XOFF or XXXX.');
  else if (!known)
    c.finding('WARN', 'platform_mic', 'CNC_MIC_UNKNOWN', `platform_mic ${mic} is not in Concordat's reference list of MICs.`);
  else if (known.status === 'EXPIRED')
    c.finding('WARN', 'platform_mic', 'CNC_MIC_EXPIRED', `platform_mic ${mic} (${known.name}) is an expired MIC.`);
}

const isDate = (v: string | undefined) => v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
const isTimestamp = (v: string | undefined) =>
  v !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) && !Number.isNaN(Date.parse(v));
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
