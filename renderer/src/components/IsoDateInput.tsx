import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';
import { datePlaceholders, formatDate, parseDate } from '../../../shared/domain/dateFormat';
import { usePreferences } from '../stores/preferences';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'onChange' | 'pattern' | 'inputMode'> & {
  /** The date as yyyy-mm-dd (or what was typed, while it is not a date). */
  value: string;
  onChange(value: string): void;
};

/**
 * A date typed in the format the user chose in Settings (ISO yyyy-mm-dd unless changed), whatever the browser's
 * locale. A native date input shows mm/dd/yyyy in an en-US browser beside the ISO dates everywhere else in the app
 * (and dd.mm.yyyy in a German one): supervisors compare dates across screens, files and letters, so every date
 * reads and is typed one way. ISO is always understood too. The form receives yyyy-mm-dd once the text is a
 * calendar date, else the text itself; a text that is not a date is marked invalid as it is typed (the form's own
 * check says why when it is sent).
 */
export function IsoDateInput({ value, onChange, placeholder, title, ...rest }: Props) {
  const format = usePreferences((s) => s.dateFormat);
  const shown = (v: string) => (parseDate(v, 'iso') ? formatDate(v, format) : v);
  const [text, setText] = useState(() => shown(value));
  /** What this input last gave the form: a value that differs was set from outside (a reset, a loaded record). */
  const given = useRef(value);
  useEffect(() => {
    if (value === given.current) return;
    given.current = value;
    setText(shown(value));
    // Only a new value from outside is shown anew (not the echo of what was typed).
  }, [value]);
  const lastFormat = useRef(format);
  useEffect(() => {
    if (lastFormat.current === format) return;
    lastFormat.current = format;
    setText(shown(given.current));
  }, [format]);

  const invalid = text.trim() !== '' && parseDate(text, format) === undefined;
  return (
    <input
      {...rest}
      type="text"
      inputMode={format === 'dMonY' ? 'text' : 'numeric'}
      autoComplete="off"
      spellCheck={false}
      maxLength={11}
      placeholder={placeholder ?? datePlaceholders[format]}
      title={title ?? `A date as ${datePlaceholders[format]}, e.g. ${formatDate('2026-06-30', format)}`}
      value={text}
      onChange={(e) => {
        const typed = e.target.value;
        const iso = parseDate(typed, format);
        // A whole date is shown in its canonical form (" 1/6/2026" → "01/06/2026"); anything else as typed.
        setText(iso ? formatDate(iso, format) : typed);
        given.current = iso ?? typed.trim();
        onChange(given.current);
      }}
      {...(invalid ? { 'aria-invalid': true } : {})}
    />
  );
}
