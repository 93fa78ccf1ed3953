import { csvColumns } from './fileKinds';
import { RowChecker, type Row } from './rowChecks';
import type { CheckedRow } from './tradeRow';

export type Values = Record<string, string | number | null>;

function pick(row: Row, columns: readonly string[]): Values {
  const out: Values = {};
  for (const col of columns) out[col] = row[col] ?? null;
  return out;
}

/** The entity table's columns: entities.csv's own. */
export const entityColumns = csvColumns.entities;

export function checkEntityRow(row: Row): CheckedRow<Values> {
  const c = new RowChecker(row);
  c.lei('lei');
  c.country('legal_country', true);
  c.oneOf('nature', ['F', 'N', 'C', 'O']);
  c.lei('parent_lei', false);
  c.lei('ultimate_parent_lei', false);
  checkRegistrationStatus(c, row.registration_status);
  return { value: c.hasError ? undefined : pick(row, entityColumns), issues: c.issues };
}

/** GLEIF Level-1 `Registration.RegistrationStatus` values. */
const REGISTRATION_STATUSES = ['ISSUED', 'LAPSED', 'PENDING_TRANSFER', 'PENDING_ARCHIVAL', 'RETIRED', 'ANNULLED', 'MERGED', 'DUPLICATE'];

/**
 * The LEI's GLEIF registration status. LAPSED: the entity did not renew, so its reference data
 * (name, country, parent) may be out of date; still accepted as a counterparty under EMIR
 * (EMIR_VR_1009_02). RETIRED, ANNULLED, MERGED, DUPLICATE: not accepted for a counterparty.
 */
function checkRegistrationStatus(c: RowChecker, value: string | undefined): void {
  if (value === undefined) return;
  const status = value.toUpperCase();
  if (!REGISTRATION_STATUSES.includes(status))
    c.finding(
      'WARN',
      'registration_status',
      'CNC_CODE',
      `registration_status "${value}" is not a GLEIF registration status (${REGISTRATION_STATUSES.join(', ')}).`,
    );
  else if (status === 'LAPSED')
    c.finding(
      'WARN',
      'registration_status',
      'CNC_LEI_LAPSED',
      'The LEI registration has lapsed: its reference data (name, country, parents) may be out of date.',
    );
  else if (['RETIRED', 'ANNULLED', 'MERGED', 'DUPLICATE'].includes(status))
    c.finding(
      'WARN',
      'registration_status',
      'EMIR_VR_1009',
      `The LEI is ${status}: not accepted for a counterparty (issued, lapsed, pending transfer or pending archival are).`,
    );
}

/** The venue table's columns: venues.csv's own. */
export const venueColumns = csvColumns.venues;

export function checkVenueRow(row: Row): CheckedRow<Values> {
  const c = new RowChecker(row);
  c.required('venue_id');
  const mic = row.mic;
  if (mic !== undefined && !/^[A-Z0-9]{4}$/.test(mic)) {
    c.issues.push({ field: 'mic', ruleId: 'CNC_MIC', severity: 'ERROR', message: `mic "${mic}" is not a 4-character ISO 10383 MIC.` });
  }
  c.country('country');
  c.lei('operator_lei', false);
  return { value: c.hasError ? undefined : pick(row, venueColumns), issues: c.issues };
}

export function checkFxRow(row: Row): CheckedRow<Values> {
  const c = new RowChecker(row);
  c.date('as_of_date', true);
  c.currency('ccy', true);
  const rate = c.decimal('usd_per_unit', { required: true, nonNegative: true });
  if (rate === 0)
    c.issues.push({ field: 'usd_per_unit', ruleId: 'CNC_POSITIVE', severity: 'ERROR', message: 'usd_per_unit must be above zero.' });
  return { value: c.hasError ? undefined : { as_of_date: row.as_of_date!, ccy: row.ccy!, usd_per_unit: rate! }, issues: c.issues };
}

export function checkPriceRow(row: Row): CheckedRow<Values> {
  const c = new RowChecker(row);
  c.date('as_of_date', true);
  c.required('underlier_dti');
  const price = c.decimal('price_usd', { required: true, nonNegative: true });
  const volatility = c.decimal('volatility', { nonNegative: true });
  if (volatility === 0)
    c.issues.push({
      field: 'volatility',
      ruleId: 'CNC_VOLATILITY_POSITIVE',
      severity: 'WARN',
      message: 'volatility must be above zero; options on this underlier get no modelled delta.',
    });
  return {
    value: c.hasError
      ? undefined
      : { as_of_date: row.as_of_date!, underlier_dti: row.underlier_dti!, price_usd: price!, volatility: volatility || null },
    issues: c.issues,
  };
}
