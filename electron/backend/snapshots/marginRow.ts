import { csvColumns } from './fileKinds';
import type { ImportContext } from './importContext';
import { RowChecker, type Row } from './rowChecks';
import type { CheckedRow } from './tradeRow';

type MarginCsvColumn = (typeof csvColumns.margins)[number];
type MarginStateColumn = Exclude<MarginCsvColumn, 'collateralisation_category'> | 'collateralisation_cat';

/** The margin_state columns: margins.csv's own, with the category under its shorter table name. */
export const marginStateColumns: readonly MarginStateColumn[] = csvColumns.margins.map((c) =>
  c === 'collateralisation_category' ? 'collateralisation_cat' : c,
);

export type MarginStateValues = Record<(typeof marginStateColumns)[number], string | null>;

const CATEGORIES = ['UNCL', 'PRC1', 'PRC2', 'PRCL', 'OWP1', 'OWP2', 'OWC1', 'OWC2', 'OWCL', 'FLCL'] as const;
const AMOUNTS = ['im_posted', 'vm_posted', 'excess_posted', 'im_collected', 'vm_collected', 'excess_collected'] as const;

/** Checks one margins.csv row: margin amounts are totals and never negative (CDE 2.31–2.46). */
export function checkMarginRow(row: Row, context: ImportContext): CheckedRow<MarginStateValues> {
  const c = new RowChecker(row);
  c.lei('reporting_lei');
  c.required('other_cpty_id');
  c.oneOf('collateralisation_category', CATEGORIES, true);
  for (const field of AMOUNTS) {
    c.decimal(field, { nonNegative: true });
    c.currency(`${field}_ccy`);
  }
  c.timestamp('collateral_ts');
  // auth.106 semantics: margin not updated for more than 14 days is flagged, not rejected.
  const ts = row.collateral_ts;
  if (
    ts !== undefined &&
    /^\d{4}-\d{2}-\d{2}T/.test(ts) &&
    (Date.parse(context.asOfDate) - Date.parse(ts.slice(0, 10))) / 86_400_000 > 14
  ) {
    c.finding('WARN', 'collateral_ts', 'CNC_STALE_MARGIN', `The margin report is more than 14 days older than the snapshot (${ts}).`);
  }
  if (ts !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(ts) && ts.slice(0, 10) > context.asOfDate) {
    c.finding(
      'WARN',
      'collateral_ts',
      'CNC_MARGIN_AFTER_AS_OF',
      `The margin report is dated after the snapshot date ${context.asOfDate} (${ts}): it is kept but not used for the snapshot's margin.`,
    );
  }
  const hasPortfolio = row.collateral_portfolio_code !== undefined;
  const hasUti = row.uti !== undefined;
  if (hasPortfolio === hasUti) {
    c.issues.push({
      field: 'collateral_portfolio_code',
      ruleId: 'CNC_MARGIN_KEY',
      severity: 'ERROR',
      message: 'A margin row needs exactly one of collateral_portfolio_code (portfolio margin) or uti (per-trade margin).',
    });
  }
  if (c.hasError) return { value: undefined, issues: c.issues };
  const value = {} as MarginStateValues;
  for (const col of marginStateColumns) {
    value[col] = (col === 'collateralisation_cat' ? row.collateralisation_category : row[col]) ?? null;
  }
  return { value, issues: c.issues };
}
