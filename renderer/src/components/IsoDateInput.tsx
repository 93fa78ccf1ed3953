import type { InputHTMLAttributes } from 'react';
import { isCalendarDate } from '../../../shared/contract/calendarDate';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'onChange' | 'pattern' | 'inputMode'> & {
  value: string;
  onChange(value: string): void;
};

/**
 * A date typed as yyyy-mm-dd, whatever the browser's locale. A native date input shows mm/dd/yyyy in an en-US
 * browser beside the ISO dates everywhere else in the app (and dd.mm.yyyy in a German one): supervisors compare
 * dates across screens, files and letters, so every date reads and is typed one way. A value that is not a calendar
 * date is marked invalid as it is typed (the form's own check says why when it is sent).
 */
export function IsoDateInput({ value, onChange, placeholder, title, ...rest }: Props) {
  const invalid = value !== '' && !isCalendarDate(value);
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      spellCheck={false}
      maxLength={10}
      placeholder={placeholder ?? 'yyyy-mm-dd'}
      title={title ?? 'A date as yyyy-mm-dd, e.g. 2026-06-30'}
      value={value}
      onChange={(e) => onChange(e.target.value.trim())}
      {...(invalid ? { 'aria-invalid': true } : {})}
    />
  );
}
