import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { EmptyState } from '../../components/EmptyState';

/**
 * A row of tabs (WAI-ARIA tabs pattern): the selected tab is in the Tab order, arrow keys,
 * Home and End move between tabs and select them.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  idPrefix,
}: {
  label: string;
  tabs: ReadonlyArray<{ id: T; label: string }>;
  selected: T;
  onSelect: (id: T) => void;
  idPrefix: string;
}) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const to =
      e.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : e.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : undefined;
    if (to === undefined) return;
    e.preventDefault();
    onSelect(tabs[to]!.id);
    refs.current[to]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-selected={t.id === selected}
          aria-controls={`${idPrefix}-panel-${t.id}`}
          tabIndex={t.id === selected ? 0 : -1}
          className={t.id === selected ? 'tab active' : 'tab'}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The panel of the selected tab. */
export function TabPanel({ idPrefix, id, children }: { idPrefix: string; id: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`${idPrefix}-panel-${id}`} aria-labelledby={`${idPrefix}-tab-${id}`} className="tab-panel">
      {children}
    </div>
  );
}

/** A source address from the registry: a link only when it is http(s), else the text itself (never a script URL). */
export function SourceLink({ url, children }: { url: string | null | undefined; children?: ReactNode }) {
  if (!url) return <span className="muted">—</span>;
  const safe = (() => {
    try {
      const { protocol } = new URL(url);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  })();
  if (!safe) return <span className="mono small">{url}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer" title={url}>
      {children ?? 'source'}
    </a>
  );
}

/** The "synthetic" marker: a fixture value, not a verified fact. */
export function SyntheticBadge() {
  return (
    <span className="badge badge-synthetic" title="Synthetic: a fixture value, not a verified fact">
      synthetic
    </span>
  );
}

/** A labelled form field with its error (from the contract) right below it. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="muted small" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** The attributes that tie a control to its Field's error and hint. */
export function described(id: string, error: string | undefined, hint?: boolean) {
  const ids = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined } as const;
}

/**
 * A grid filter: a labelled select whose first choice, "all", filters nothing. Options are
 * [value, text] pairs; `children` may add more (option groups, special choices) after them.
 */
export function FilterSelect({
  label,
  value,
  onChange,
  options = [],
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options?: ReadonlyArray<readonly [string, string]>;
  children?: ReactNode;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">all</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
        {children}
      </select>
    </label>
  );
}

/** Why a registry list is empty: nothing synced yet, or the filters and search keep nothing. */
export function RegistryEmpty({ total, shown, noun, testId }: { total: number; shown: number; noun: string; testId: string }) {
  if (shown > 0) return null;
  return (
    <EmptyState testId={testId}>
      <p>
        {total === 0
          ? `No ${noun} in the registry yet: sync the MoU registry feed under Feeds & snapshots.`
          : `No ${noun} matches these filters: set a filter back to “all” or clear the search.`}
      </p>
    </EmptyState>
  );
}
