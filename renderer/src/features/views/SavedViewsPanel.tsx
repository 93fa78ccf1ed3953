import { useEffect, useId, useState, type FormEvent } from 'react';
import type { SavedView, ViewState } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';
import { snapshotLabel } from '../exposure/snapshotLabel';
import { useAppStore, useExposureStore, useViewsStore } from '../../stores/StoresContext';

/**
 * Saved views, in the Exposure view's sidebar: each a named snapshot, path, position, filters,
 * sort, comparison and column layout. "Save view…" names the view on screen; opening one
 * restores all of it; deleting asks first.
 */
export function SavedViewsPanel({ onHide }: { onHide?: () => void } = {}) {
  const views = useViewsStore((s) => s.views);
  const loaded = useViewsStore((s) => s.loaded);
  const listError = useViewsStore((s) => s.error);
  const load = useViewsStore((s) => s.load);
  const save = useViewsStore((s) => s.save);
  const remove = useViewsStore((s) => s.remove);
  const snapshots = useAppStore((s) => s.snapshots);
  const selectSnapshot = useAppStore((s) => s.selectSnapshot);
  const applyView = useExposureStore((s) => s.applyView);
  const current = useExposureStore((s) => s);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [saveError, setSaveError] = useState<string>();
  const [openError, setOpenError] = useState<string>();
  const [confirming, setConfirming] = useState<number>();
  const [status, setStatus] = useState<string>();
  const nameId = useId();

  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);

  const state = (): ViewState | undefined =>
    current.snapshotId === undefined
      ? undefined
      : {
          snapshotId: current.snapshotId,
          path: current.path,
          at: current.at,
          filters: current.filters,
          sort: current.sort,
          ...(current.compareTo === undefined ? {} : { compareTo: current.compareTo }),
          columns: current.columns,
        };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = state();
    if (!s) return;
    setSaveError(undefined);
    const outcome = await save(name, s);
    if ('error' in outcome) {
      setSaveError(outcome.error);
      return;
    }
    setStatus(`Saved “${outcome.view.name}”.`);
    setNaming(false);
    setName('');
  };

  const open = (view: SavedView) => {
    setOpenError(undefined);
    if (!snapshots.some((s) => s.snapshotId === view.state.snapshotId)) {
      setOpenError(`The snapshot of “${view.name}” (${view.state.snapshotId}) is no longer available.`);
      return;
    }
    void applyView(view.state);
    selectSnapshot(view.state.snapshotId);
    setStatus(`Opened “${view.name}”.`);
  };

  const existing = name.trim() ? views.find((v) => v.name.toLowerCase() === name.trim().toLowerCase()) : undefined;
  return (
    <aside className="saved-views" aria-labelledby={`${nameId}-title`} data-testid="saved-views">
      <div className="saved-views-head">
        <h2 id={`${nameId}-title`}>Saved views</h2>
        {onHide && (
          <button
            type="button"
            className="link"
            aria-expanded={true}
            onClick={onHide}
            aria-label="Hide the saved views"
            title="Hide the saved views: the table takes the width"
          >
            Hide ›
          </button>
        )}
      </div>
      {!naming ? (
        <button type="button" onClick={() => setNaming(true)} disabled={current.snapshotId === undefined}>
          Save view…
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="save-view" aria-label="Save the current view">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            value={name}
            autoFocus
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
            aria-invalid={saveError ? true : undefined}
            aria-describedby={saveError ? `${nameId}-error` : existing ? `${nameId}-hint` : undefined}
          />
          {existing && !saveError && (
            <p id={`${nameId}-hint`} className="muted small">
              Saving replaces the view “{existing.name}”.
            </p>
          )}
          {saveError && (
            <p id={`${nameId}-error`} className="error small" role="alert">
              {saveError}
            </p>
          )}
          <div className="actions">
            <button type="submit">Save</button>
            <button
              type="button"
              onClick={() => {
                setNaming(false);
                setSaveError(undefined);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      <p className="visually-hidden" role="status">
        {status}
      </p>
      {listError && (
        <div className="error small" role="alert">
          {listError.message}
          {listError.viewId !== undefined && (
            <button type="button" className="link" onClick={() => void remove(listError.viewId!)}>
              Delete the unreadable view
            </button>
          )}
        </div>
      )}
      {openError && (
        <p className="error small" role="alert">
          {openError}
        </p>
      )}
      {loaded && views.length === 0 && !listError && <p className="muted small">No saved views yet.</p>}
      <ul className="view-list">
        {views.map((v) => {
          const snapshot = snapshots.find((s) => s.snapshotId === v.state.snapshotId);
          const path = v.state.path.map((d) => dimensionNames[d]).join(' › ');
          const position = v.state.at.map((c) => c.label).join(' › ');
          const compared = v.state.compareTo === undefined ? undefined : snapshots.find((s) => s.snapshotId === v.state.compareTo);
          return (
            <li key={v.viewId} data-testid="saved-view">
              <button type="button" className="view-open" onClick={() => open(v)} aria-label={`Open view ${v.name}`}>
                <span className="view-name">{v.name}</span>
                <span className="muted small">{snapshot ? snapshotLabel(snapshot) : `snapshot ${v.state.snapshotId} (not available)`}</span>
                <span className="muted small">
                  {path}
                  {position ? ` · at ${position}` : ''}
                  {v.state.filters.length > 0 ? ` · ${v.state.filters.length} filter${v.state.filters.length > 1 ? 's' : ''}` : ''}
                  {v.state.compareTo !== undefined
                    ? ` · compared with ${compared ? snapshotLabel(compared) : `a snapshot no longer available (${v.state.compareTo})`}`
                    : ''}
                </span>
              </button>
              {confirming === v.viewId ? (
                <span className="confirm" role="group" aria-label={`Delete view ${v.name}?`}>
                  <span className="small">Delete?</span>
                  <button
                    type="button"
                    className="danger"
                    autoFocus
                    onClick={() => {
                      setConfirming(undefined);
                      void remove(v.viewId).then(() => setStatus(`Deleted “${v.name}”.`));
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="link" aria-label={`Delete view ${v.name}`} onClick={() => setConfirming(v.viewId)}>
                  Delete
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
