import { useId } from 'react';
import { MarkdownView } from './MarkdownView';

/** A note's Markdown beside its preview, rendered as it will be shown (and printed in the dossier). */
export function NoteEditor({
  value,
  onChange,
  error,
  label = 'Note (Markdown)',
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string;
  label?: string;
}) {
  const id = useId();
  return (
    <div className="note-editor">
      <div className="form-field">
        <label htmlFor={`${id}-text`}>{label}</label>
        <textarea
          id={`${id}-text`}
          value={value}
          rows={10}
          maxLength={1_000_000}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          onChange={(e) => onChange(e.target.value)}
        />
        <span id={`${id}-hint`} className="muted small">
          Markdown: **bold**, *italic*, lists, tables. [[item:12]] links to item 12 of this case, [[subject:3]] to subject 3. HTML is shown
          as text.
        </span>
        {error && (
          <span id={`${id}-error`} className="field-error">
            {error}
          </span>
        )}
      </div>
      <section className="note-preview" aria-label="Preview" aria-live="off">
        <h4>Preview</h4>
        {value.trim() ? <MarkdownView markdown={value} /> : <p className="muted small">Nothing to preview yet.</p>}
      </section>
    </div>
  );
}
