import { useState, type FormEvent } from 'react';
import type { CaseItem } from '../../../../shared/contract';
import { useCasesStore } from '../../stores/StoresContext';
import { NoteEditor } from './NoteEditor';
import { useChange } from './useChange';

/** "Add note": Markdown with a live preview; the first line becomes the item's title. */
export function NoteForm({ caseNumber, onDone, onCancel }: { caseNumber: string; onDone: (item: CaseItem) => void; onCancel: () => void }) {
  const addNote = useCasesStore((s) => s.addNote);
  const [markdown, setMarkdown] = useState('');
  const [error, setError] = useState<string>();
  const { run, busy, failure, notice } = useChange();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!markdown.trim()) return setError('Write the note first.');
    setError(undefined);
    const item = await run(() => addNote({ caseNumber, markdown }));
    if (item) onDone(item);
  };
  return (
    <form className="case-panel-form" aria-label="Add note" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Add note</h3>
      {notice}
      <NoteEditor value={markdown} onChange={setMarkdown} error={error ?? failure?.fieldErrors.markdown} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          Add note
        </button>
      </div>
    </form>
  );
}
