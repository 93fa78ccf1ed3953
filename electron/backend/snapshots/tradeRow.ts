import { csvColumns } from './fileKinds';
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

/**
 * Checks one trades.csv row. ERROR findings keep the row out of the exposure tables
 * (it is kept raw instead); WARN findings load with the row.
 */
export function checkTradeRow(row: Row): CheckedRow<TradeStateValues> {
  const c = new RowChecker(row);
  c.uti('uti');
  c.lei('reporting_lei');
  const otherIsLei = c.boolean('other_cpty_is_lei', true);
  const other = c.required('other_cpty_id');
  if (otherIsLei === true && other !== undefined) c.lei('other_cpty_id');
  if (other !== undefined && other.length > 72) {
    c.issues.push({
      field: 'other_cpty_id',
      ruleId: 'CNC_LENGTH',
      severity: 'ERROR',
      message: 'other_cpty_id is longer than 72 characters.',
    });
  }
  c.country('other_cpty_country');
  c.oneOf('direction', ['BYER', 'SLLR']);
  c.oneOf('contract_type', CONTRACT_TYPES);
  const perpetual = c.boolean('perpetual');
  c.oneOf('option_type', ['CALL', 'PUTO', 'OTHR']);
  c.oneOf('option_style', ['AMER', 'BERM', 'EURO']);
  c.decimal('strike');
  c.currency('strike_ccy');
  c.oneOf('cleared', ['Y', 'N', 'I']);
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
  c.oneOf('valuation_method', ['MTMA', 'MTMO', 'CCPV']);
  c.decimal('delta');
  c.oneOf('action_type', ACTION_TYPES);
  c.oneOf('level', ['TCTN', 'PSTN']);
  c.timestamp('reporting_ts', true);
  if (c.hasError) return { value: undefined, issues: c.issues };

  const value = {} as TradeStateValues;
  for (const col of tradeStateColumns) value[col] = row[col] ?? null;
  value.other_cpty_is_lei = otherIsLei ? 1 : 0;
  value.perpetual = perpetual === undefined ? null : perpetual ? 1 : 0;
  return { value, issues: c.issues };
}
