import { isCalendarDate, isUtcTimestamp } from '../../../shared/contract/calendarDate';
import { dtiIssues, upiIssues } from '../../../shared/domain/identifiers';
import { knownMics, MIC_RE } from '../../../shared/domain/micCodes';
import { actionTypeRules, actionTypes, actionTypesOf, type ActionType } from '../../../shared/domain/lifecycle';
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
  checkActionType(c, row.action_type, context);
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
  checkMissingValuation(c, row, context);
  if (row.prior_uti !== undefined && row.prior_uti === row.uti)
    c.error('prior_uti', 'EMIR_VR_2001', 'prior_uti must differ from uti: a UTI never changes, and a trade is not its own predecessor.');
  checkCounterpartyStatus(c, 'reporting_lei', row.reporting_lei, context);
  if (otherIsLei === true) checkCounterpartyStatus(c, 'other_cpty_id', row.other_cpty_id, context);
  if (c.hasError) return { value: undefined, issues: c.issues };

  const value = {} as TradeStateValues;
  for (const col of tradeStateColumns) value[col] = row[col] ?? null;
  value.other_cpty_is_lei = otherIsLei ? 1 : 0;
  value.perpetual = perpetual === undefined ? null : perpetual ? 1 : 0;
  return { value, issues: c.issues };
}

/**
 * Action type: a code the regime's validation rules list (EMIR VR2151 has POSC but neither PRTO
 * nor MARU; CDE 2.107 and CFTC element 26 have PRTO and MARU but not POSC). A code of another
 * regime is refused: the TR would have rejected the report, so its effect cannot be known.
 */
function checkActionType(c: RowChecker, action: string | undefined, context: ImportContext): void {
  if (action === undefined) return;
  if (!(actionTypes as readonly string[]).includes(action)) {
    c.error('action_type', 'CNC_CODE', `action_type "${action}" is not one of ${actionTypes.join(', ')}.`);
    return;
  }
  const allowed = actionTypesOf(context.regime);
  if (!allowed.includes(action as ActionType)) {
    const rule = actionTypeRules[action as ActionType];
    c.error(
      'action_type',
      isEmirLike(context.regime) ? 'EMIR_VR_2151' : 'CDE_2_107',
      `action_type ${action} (${rule.name}) is not an action type under ${context.regime}; it accepts ${allowed.join(', ')}.`,
    );
  }
}

/**
 * A live trade without any valuation more than 14 days after its execution: the TR's auth.106
 * warning ("valuation missing", KDPW), reproduced as a WARN. Trades that are not outstanding
 * (terminated, erroneous, in a position, ported) need no valuation.
 */
function checkMissingValuation(c: RowChecker, row: Row, context: ImportContext): void {
  if (row.valuation_amount !== undefined || !isTimestamp(row.execution_ts)) return;
  const action = row.action_type as ActionType | undefined;
  if (action !== undefined && actionTypeRules[action]?.effect !== 'outstanding') return;
  const days = daysBetween(row.execution_ts!.slice(0, 10), context.asOfDate);
  if (days > STALE_AFTER_DAYS)
    c.finding(
      'WARN',
      'valuation_amount',
      'CNC_VALUATION_MISSING',
      `No valuation is reported, ${Math.floor(days)} days after execution (more than ${STALE_AFTER_DAYS}): the trade's MTM counts as unknown.`,
    );
}

/**
 * GLEIF registration status of a counterparty (from the snapshot's entity data). EMIR accepts
 * LEIs that are issued, lapsed, pending transfer or pending archival (EMIR_VR_1009_02); a lapsed
 * one is accepted but flagged (its reference data are no longer kept up to date); any other status
 * (retired, annulled, merged, duplicate) is not accepted and is a warning here, since the entity
 * data may be older than the report.
 */
function checkCounterpartyStatus(c: RowChecker, field: string, lei: string | undefined, context: ImportContext): void {
  if (lei === undefined) return;
  const status = context.entityStatus?.get(lei);
  if (status === undefined) return;
  if (status === 'LAPSED')
    c.finding('WARN', field, 'CNC_LEI_LAPSED', `${field} ${lei}: its LEI registration has lapsed (GLEIF status LAPSED).`);
  else if (!ACCEPTED_LEI_STATUSES.has(status))
    c.finding(
      'WARN',
      field,
      'EMIR_VR_1009',
      `${field} ${lei}: GLEIF registration status ${status} is not accepted for a counterparty (issued, lapsed, pending transfer or pending archival are).`,
    );
}

/** GLEIF registration statuses accepted for a counterparty LEI (EMIR_VR_1009_02). */
export const ACCEPTED_LEI_STATUSES: ReadonlySet<string> = new Set(['ISSUED', 'LAPSED', 'PENDING_TRANSFER', 'PENDING_ARCHIVAL']);

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

const isDate = (v: string | undefined) => v !== undefined && isCalendarDate(v);
const isTimestamp = (v: string | undefined) => v !== undefined && isUtcTimestamp(v);
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
