import { isCalendarDate, isUtcTimestamp } from '../../../shared/contract/calendarDate';
import { countryIssues, currencyIssues, isValidLei, utiIssues, type IdIssue } from '../../../shared/domain/identifiers';

export type Severity = 'ERROR' | 'WARN';

export interface RowIssue {
  field: string;
  ruleId: string;
  severity: Severity;
  message: string;
}

export type Row = Record<string, string | undefined>;

const DECIMAL = /^-?\d{1,25}(\.\d{1,20})?$/;

/**
 * Field checks shared by the row validators. Each pushes at most one finding, with a
 * rule id (CNC_* for Concordat's own format rules) and a message naming what was expected.
 */
export class RowChecker {
  readonly issues: RowIssue[] = [];
  constructor(private readonly row: Row) {}

  private add(field: string, ruleId: string, message: string, severity: Severity = 'ERROR'): void {
    this.issues.push({ field, ruleId, severity, message });
  }

  /** Records a rule's finding (cross-field rules live with the row validators). */
  finding(severity: Severity, field: string, ruleId: string, message: string): void {
    this.add(field, ruleId, message, severity);
  }

  error(field: string, ruleId: string, message: string): void {
    this.add(field, ruleId, message, 'ERROR');
  }

  /** Findings of an identifier check (shared/domain/identifiers), under one rule id for errors. */
  idIssues(field: string, issues: IdIssue[], errorRule: string): void {
    for (const i of issues) this.add(field, i.level === 'ERROR' ? errorRule : i.rule, `${field}: ${i.message}.`, i.level);
  }

  required(field: string): string | undefined {
    const v = this.row[field];
    if (v === undefined) this.add(field, 'CNC_REQUIRED', `${field} is required but empty.`);
    return v;
  }

  lei(field: string, required = true): void {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined && !isValidLei(v)) {
      this.add(field, 'CNC_LEI', `${field} "${v}" is not a valid LEI (20 characters, ISO 17442 check digits).`);
    }
  }

  /** UTI (ISO 23897): legacy forms are errors for new trades and position components (VR2001). */
  uti(field: string, actionType?: string): void {
    const v = this.required(field);
    if (v === undefined) return;
    for (const issue of utiIssues(v, actionType ? { actionType } : {}))
      this.add(field, issue.rule, `${field}: ${issue.message}.`, issue.level);
  }

  oneOf(field: string, allowed: readonly string[], required = false): string | undefined {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined && !allowed.includes(v)) {
      this.add(field, 'CNC_CODE', `${field} "${v}" is not one of ${allowed.join(', ')}.`);
      return undefined;
    }
    return v;
  }

  decimal(field: string, options: { required?: boolean; nonNegative?: boolean } = {}): number | undefined {
    const v = options.required ? this.required(field) : this.row[field];
    if (v === undefined) return undefined;
    if (!DECIMAL.test(v)) {
      this.add(field, 'CNC_DECIMAL', `${field} "${v}" is not a plain decimal number (digits, optional sign and point).`);
      return undefined;
    }
    const n = Number(v);
    if (options.nonNegative && n < 0) {
      this.add(field, 'CNC_NON_NEGATIVE', `${field} ${v} must be zero or more.`);
      return undefined;
    }
    return n;
  }

  /** ISO 4217 (official list, no crypto codes); a withdrawn code loads with a warning. */
  currency(field: string, required = false): void {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined)
      this.addIdIssues(field, currencyIssues(v), 'CNC_CURRENCY', `is not an ISO 4217 currency code (crypto codes are not allowed)`);
  }

  /** ISO 3166-1 alpha-2; the user-assigned XK loads with a warning. */
  country(field: string, required = false): void {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined) this.addIdIssues(field, countryIssues(v), 'CNC_COUNTRY', 'is not an ISO 3166-1 alpha-2 country code');
  }

  /** Errors get one message in the importer's style; warnings keep the identifier module's words. */
  private addIdIssues(field: string, issues: IdIssue[], errorRule: string, errorText: string): void {
    const value = this.row[field];
    for (const i of issues) {
      if (i.level === 'ERROR') this.add(field, errorRule, `${field} "${value}" ${errorText}.`);
      else this.add(field, i.rule, `${field}: ${i.message}.`, 'WARN');
    }
  }

  timestamp(field: string, required = false): void {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined && !isUtcTimestamp(v)) {
      this.add(field, 'CNC_TIMESTAMP', `${field} "${v}" is not a UTC timestamp YYYY-MM-DDThh:mm:ssZ that exists.`);
    }
  }

  date(field: string, required = false): void {
    const v = required ? this.required(field) : this.row[field];
    if (v !== undefined && !isCalendarDate(v)) {
      this.add(field, 'CNC_DATE', `${field} "${v}" is not a date YYYY-MM-DD that exists.`);
    }
  }

  boolean(field: string, required = false): boolean | undefined {
    const v = required ? this.required(field) : this.row[field];
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.add(field, 'CNC_BOOLEAN', `${field} "${v}" is not true or false.`);
    return undefined;
  }

  get hasError(): boolean {
    return this.issues.some((i) => i.severity === 'ERROR');
  }
}
