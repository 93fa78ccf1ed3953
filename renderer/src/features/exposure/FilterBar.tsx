import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { dimensions, type Dimension, type DimensionFilter } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { useApi } from '../../stores/StoresContext';

export interface FilterBarProps {
  snapshotId: number;
  filters: DimensionFilter[];
  onAdd: (filter: DimensionFilter) => void;
  onRemove: (index: number) => void;
}

interface Choice {
  key: string | null;
  label: string;
}

/** A select's value for a key (a key may be null: the data carries no value for that dimension). */
const NULL_KEY = '\u0000';
const encode = (key: string | null) => (key === null ? NULL_KEY : key);
const decode = (value: string) => (value === NULL_KEY ? null : value);
const labelKey = (dimension: Dimension, key: string | null) => `${dimension}=${encode(key)}`;

/**
 * The drill's filters: chips for the active ones (each removable with its × button, by mouse or
 * keyboard) and "Filter…", which adds a dimension = value condition. The values offered are the
 * keys of that dimension at the top level of the snapshot under the other filters.
 */
export function FilterBar({ snapshotId, filters, onAdd, onRemove }: FilterBarProps) {
  const api = useApi();
  const [adding, setAdding] = useState(false);
  const [dimension, setDimension] = useState<Dimension | ''>('');
  const [choices, setChoices] = useState<
    { dimension: Dimension; query: string; rows: Choice[]; rowCount: number } | { dimension: Dimension; query: string; error: string }
  >();
  const [search, setSearch] = useState('');
  /** The search as sent to the database (a level may hold more values than one answer carries). */
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const [value, setValue] = useState('');
  /** Labels of filter values, for the chips (a filter from the address or a saved view carries only its key). */
  const [labels, setLabels] = useState<Record<string, string>>({});

  const fetchChoices = useMemo(
    () =>
      async (d: Dimension, others: DimensionFilter[], text = '') => {
        const result = await api.call('exposure.drill', {
          snapshotId,
          path: [d],
          at: [],
          filters: others,
          sort: { by: 'label', direction: 'asc' },
          ...(text ? { search: text } : {}),
        });
        return { rows: result.rows.map((r) => ({ key: r.key, label: r.label })), rowCount: result.rowCount };
      },
    [api, snapshotId],
  );

  useEffect(() => {
    if (!dimension) return;
    let stale = false;
    fetchChoices(
      dimension,
      filters.filter((f) => f.dimension !== dimension),
      query,
    ).then(
      ({ rows, rowCount }) => {
        if (stale) return;
        setChoices({ dimension, query, rows, rowCount });
        setLabels((l) => ({ ...l, ...Object.fromEntries(rows.map((r) => [labelKey(dimension, r.key), r.label])) }));
      },
      (error: unknown) => !stale && setChoices({ dimension, query, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      stale = true;
    };
  }, [dimension, filters, query, fetchChoices]);

  // Chips whose label is unknown: read the labels of their dimension once.
  const unlabelled = [...new Set(filters.filter((f) => labels[labelKey(f.dimension, f.value)] === undefined).map((f) => f.dimension))];
  const unlabelledKey = unlabelled.join(',');
  useEffect(() => {
    if (!unlabelledKey) return;
    let stale = false;
    for (const d of unlabelledKey.split(',') as Dimension[]) {
      fetchChoices(d, []).then(
        ({ rows }) => !stale && setLabels((l) => ({ ...l, ...Object.fromEntries(rows.map((r) => [labelKey(d, r.key), r.label])) })),
        () => undefined,
      );
    }
    return () => {
      stale = true;
    };
  }, [unlabelledKey, fetchChoices]);

  const answered = choices && 'rows' in choices && choices.dimension === dimension ? choices : undefined;
  const rows = answered?.rows ?? [];
  const needle = search.trim().toLowerCase();
  const shown = needle ? rows.filter((r) => r.label.toLowerCase().includes(needle) || (r.key ?? '').toLowerCase().includes(needle)) : rows;

  const close = () => {
    setAdding(false);
    setDimension('');
    setSearch('');
    setValue('');
    setChoices(undefined);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const chosen = value || (shown.length === 1 ? encode(shown[0]!.key) : '');
    if (!dimension || !chosen) return;
    onAdd({ dimension, value: decode(chosen) });
    close();
  };

  return (
    <div className="filter-bar" role="group" aria-label="Filters" data-testid="filter-bar">
      <span className="muted small">Filters</span>
      {filters.length === 0 && <span className="muted small">none</span>}
      {filters.map((f, i) => {
        const label = labels[labelKey(f.dimension, f.value)] ?? (f.value === null ? '(none)' : f.value);
        const text = `${dimensionNames[f.dimension]} = ${label}`;
        return (
          <span key={`${f.dimension}-${i}`} className="chip filter-chip" data-testid={`filter-${f.dimension}`}>
            {text}
            <button type="button" aria-label={`Remove filter ${text}`} onClick={() => onRemove(i)}>
              ×
            </button>
          </span>
        );
      })}
      {!adding && (
        <button type="button" onClick={() => setAdding(true)}>
          Filter…
        </button>
      )}
      {adding && (
        <form className="filter-form" onSubmit={submit} aria-label="Add a filter" onKeyDown={(e) => e.key === 'Escape' && close()}>
          <select
            aria-label="Filter dimension"
            value={dimension}
            autoFocus
            onChange={(e) => {
              setDimension(e.target.value as Dimension | '');
              setValue('');
              setSearch('');
            }}
          >
            <option value="">Dimension…</option>
            {dimensions.map((d) => (
              <option key={d} value={d}>
                {dimensionNames[d]}
              </option>
            ))}
          </select>
          {dimension && (
            <>
              <input
                type="search"
                aria-label="Search values"
                placeholder="Search…"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
              {choices && 'error' in choices && choices.dimension === dimension ? (
                <span className="error" role="alert">
                  {choices.error}
                </span>
              ) : (
                <select
                  aria-label="Filter value"
                  size={Math.min(8, Math.max(2, shown.length))}
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                  onDoubleClick={(e) => {
                    const v = (e.target as HTMLOptionElement).value;
                    if (v) {
                      onAdd({ dimension, value: decode(v) });
                      close();
                    }
                  }}
                >
                  {shown.map((r) => (
                    <option key={encode(r.key)} value={encode(r.key)}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
              <span className="muted small">
                {answered
                  ? `${shown.length} of ${answered.rowCount}${answered.rowCount > rows.length ? ': search to find the others' : ''}`
                  : 'Loading…'}
              </span>
            </>
          )}
          <button type="submit" disabled={!dimension || (!value && shown.length !== 1)}>
            Add filter
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}
