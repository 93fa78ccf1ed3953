/**
 * The one-line reason a destructive step asks for (withdrawing an item, purging a file): the
 * audit trail keeps it, so it is required, and its error is tied to the field for screen readers.
 */
export function ReasonField({
  id,
  label,
  reason,
  error,
  onChange,
}: {
  id: string;
  label: string;
  reason: string;
  error: string | undefined;
  onChange: (reason: string) => void;
}) {
  return (
    <>
      <label htmlFor={`${id}-reason`}>{label}</label>
      <input
        id={`${id}-reason`}
        value={reason}
        maxLength={500}
        autoFocus
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </>
  );
}
