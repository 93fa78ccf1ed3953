import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { SearchHit } from '../../../../shared/contract';
import { messageOf } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';

/** A search snippet: the matches the backend put between « and » as <mark>, everything else as text. */
export function Snippet({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  const re = /«([^«»]*)»/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(<mark key={m.index}>{m[1]}</mark>);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <span className="snippet">{parts}</span>;
}

const typeLabels: Record<SearchHit['objectType'], string> = { case: 'Case', item: 'Item', subject: 'Subject', task: 'Task' };

/** Full-text search of this case or of every case: titles, summaries, notes, subjects, tasks, file names. */
export function SearchPanel({ caseNumber }: { caseNumber: string }) {
  const api = useApi();
  const navigate = useCasesStore((s) => s.navigate);
  const [text, setText] = useState('');
  const [everywhere, setEverywhere] = useState(false);
  const [hits, setHits] = useState<SearchHit[]>();
  const [asked, setAsked] = useState<{ text: string; everywhere: boolean }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError('Type a word to search for.');
    setError(undefined);
    setBusy(true);
    try {
      setHits(await api.call('cases.search', { text: text.trim(), ...(everywhere ? {} : { caseNumber }), limit: 100 }));
      setAsked({ text: text.trim(), everywhere });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const open = (h: SearchHit) => {
    if (h.objectType === 'item' && h.objectId !== null)
      return void navigate({ caseNumber: h.caseNumber, tab: 'items', itemId: h.objectId });
    if (h.objectType === 'subject') return void navigate({ caseNumber: h.caseNumber, tab: 'subjects' });
    if (h.objectType === 'task') return void navigate({ caseNumber: h.caseNumber, tab: 'tasks' });
    void navigate({ caseNumber: h.caseNumber, tab: 'items' });
  };
  return (
    <div className="search-panel">
      <form className="filters" role="search" aria-label="Search cases" onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={`${id}-text`}>Search for</label>
        <input
          id={`${id}-text`}
          type="search"
          value={text}
          maxLength={200}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        <fieldset className="radios inline">
          <legend className="visually-hidden">Where</legend>
          <label>
            <input type="radio" name={`${id}-scope`} checked={!everywhere} onChange={() => setEverywhere(false)} /> in {caseNumber}
          </label>
          <label>
            <input type="radio" name={`${id}-scope`} checked={everywhere} onChange={() => setEverywhere(true)} /> in every case
          </label>
        </fieldset>
        <button type="submit" disabled={busy}>
          Search
        </button>
      </form>
      {error && (
        <p id={`${id}-error`} className="error small" role="alert">
          {error}
        </p>
      )}
      <div role="status" className="muted small" data-testid="search-count">
        {hits &&
          asked &&
          `${hits.length === 100 ? 'The first 100' : hits.length} result${hits.length === 1 ? '' : 's'} for “${asked.text}” ${asked.everywhere ? 'in every case' : `in ${caseNumber}`}.`}
      </div>
      {hits && hits.length > 0 && (
        <ol className="search-hits" data-testid="search-hits">
          {hits.map((h, i) => (
            <li key={i}>
              <button type="button" className="link hit-title" onClick={() => open(h)}>
                {h.caseNumber !== caseNumber && <span className="mono">{h.caseNumber} · </span>}
                {typeLabels[h.objectType]}
                {h.objectId !== null ? ` #${h.objectId}` : ''}: {h.title}
              </button>
              <div className="small">
                <Snippet text={h.snippet} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
