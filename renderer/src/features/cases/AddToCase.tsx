import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { tlpLevels, type CaseItem, type Tlp } from '../../../../shared/contract';
import { messageOf } from '../../stores/cases.store';
import { useAppStore, useCasesStore } from '../../stores/StoresContext';
import { routeToHash } from './caseUrl';
import { TlpBadge } from './Classification';

/**
 * "Add to case", offered wherever something can be pinned: a menu of the open cases (and "New
 * case…"), two clicks or two Enters; then a confirmation linking to the item in its case. What
 * is added, and how, is the caller's `add`.
 */
export function AddToCase({
  label = 'Add to case',
  what,
  add,
  disabled = false,
}: {
  label?: string;
  /** What is added, in words ("this drill level"): the button's description and the confirmation's. */
  what: string;
  add: (caseNumber: string) => Promise<CaseItem>;
  disabled?: boolean;
}) {
  const loadOpenCases = useCasesStore((s) => s.loadOpenCases);
  const openCases = useCasesStore((s) => s.openCases);
  const itemAdded = useCasesStore((s) => s.itemAdded);
  const navigate = useCasesStore((s) => s.navigate);
  const setView = useAppStore((s) => s.setView);
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<CaseItem>();
  const anchor = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const id = useId();

  const close = (focusButton: boolean) => {
    setOpen(false);
    setCreating(false);
    if (focusButton) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    // A click elsewhere closes the menu, as menus do.
    const onDown = (e: globalThis.MouseEvent) => {
      if (anchor.current && !anchor.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  // The first choice takes the focus once the cases are listed: Enter then adds to it.
  useEffect(() => {
    if (open && !creating && !loading) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open, creating, loading]);

  const toggle = async () => {
    if (open) return close(false);
    setOpen(true);
    setError(undefined);
    setLoading(true);
    try {
      await loadOpenCases();
    } catch (e) {
      setError(`The open cases could not be listed: ${messageOf(e)}`);
    } finally {
      setLoading(false);
    }
  };

  const addTo = async (caseNumber: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const item = await add(caseNumber);
      setDone(item);
      close(true);
      void itemAdded(item);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const onMenuKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const choices = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = choices.indexOf(document.activeElement as HTMLElement);
    const to =
      e.key === 'ArrowDown'
        ? (at + 1) % choices.length
        : e.key === 'ArrowUp'
          ? (at - 1 + choices.length) % choices.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? choices.length - 1
              : undefined;
    if (to !== undefined) {
      e.preventDefault();
      choices[to]?.focus();
    }
  };

  const openItem = (e: MouseEvent, item: CaseItem) => {
    e.preventDefault();
    void navigate({ caseNumber: item.caseNumber, tab: 'items', itemId: item.itemId });
    setView('cases');
  };

  return (
    <div
      className="menu-anchor add-to-case"
      ref={anchor}
      data-testid="add-to-case"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close(true);
        }
      }}
    >
      <button
        type="button"
        ref={button}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-panel` : undefined}
        aria-description={`Adds ${what} to a case`}
        disabled={disabled}
        onClick={() => void toggle()}
      >
        {label} ▾
      </button>
      {done && !open && (
        <span className="add-to-case-done small" role="status">
          Added to{' '}
          <a href={routeToHash({ caseNumber: done.caseNumber, tab: 'items', itemId: done.itemId })} onClick={(e) => openItem(e, done)}>
            {done.caseNumber}, item #{done.itemId}
          </a>{' '}
          <button type="button" className="link" aria-label="Dismiss the confirmation" onClick={() => setDone(undefined)}>
            ×
          </button>
        </span>
      )}
      {open && (
        <div className="menu-panel add-to-case-panel" id={`${id}-panel`}>
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
          {creating ? (
            <NewCaseMini onCancel={() => setCreating(false)} onCreated={(caseNumber) => void addTo(caseNumber)} busy={busy} />
          ) : loading ? (
            <p className="muted small">Listing open cases…</p>
          ) : (
            <ul role="menu" aria-label={`Add ${what} to`} ref={menu} onKeyDown={onMenuKey}>
              {openCases.length === 0 && (
                <li role="none" className="muted small">
                  No open case yet.
                </li>
              )}
              {openCases.map((c) => (
                <li key={c.caseNumber} role="none">
                  <button type="button" role="menuitem" className="menu-choice" disabled={busy} onClick={() => void addTo(c.caseNumber)}>
                    <span className="mono">{c.caseNumber}</span> <span className="menu-choice-title">{c.title}</span>{' '}
                    <TlpBadge tlp={c.classification} />
                  </button>
                </li>
              ))}
              <li role="none">
                <button type="button" role="menuitem" className="menu-choice" disabled={busy} onClick={() => setCreating(true)}>
                  New case…
                </button>
              </li>
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** "New case…" inside the menu: a title and a classification are enough to start; the rest is on the case page. */
function NewCaseMini({ onCreated, onCancel, busy }: { onCreated: (caseNumber: string) => void; onCancel: () => void; busy: boolean }) {
  const create = useCasesStore((s) => s.create);
  const [title, setTitle] = useState('');
  const [classification, setClassification] = useState<Tlp>('AMBER');
  const [error, setError] = useState<string>();
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return setError('The title is required.');
    const outcome = await create({ title, classification });
    if (!outcome.ok) return setError(outcome.fieldErrors.title ?? outcome.message);
    onCreated(outcome.value.caseNumber);
  };
  return (
    <form className="new-case-mini" aria-label="New case" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`${id}-title`}>Title</label>
      <input
        id={`${id}-title`}
        value={title}
        maxLength={300}
        autoFocus
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setTitle(e.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      <label htmlFor={`${id}-tlp`}>Classification</label>
      <select id={`${id}-tlp`} value={classification} onChange={(e) => setClassification(e.target.value as Tlp)}>
        {tlpLevels.map((t) => (
          <option key={t} value={t}>
            TLP:{t}
          </option>
        ))}
      </select>
      <div className="menu-actions">
        <button type="submit" disabled={busy}>
          Create and add
        </button>
        <button type="button" onClick={onCancel}>
          Back
        </button>
      </div>
    </form>
  );
}
