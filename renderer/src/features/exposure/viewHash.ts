import { viewStateSchema, type ViewState } from '../../../../shared/contract';
import type { AppStore } from '../../stores/app.store';
import type { ExposureState, ExposureStore } from '../../stores/exposure.store';

/** What the address says about the exposure view: everything of a view state but the column layout. */
export type UrlViewState = Omit<ViewState, 'columns'>;

const prefix = '#exposure?';

/**
 * The exposure view state as a URL fragment, e.g.
 * `#exposure?snapshot=4&path=jurisdiction,venue&at=[…]&filters=[…]&sort=grossNotionalUsd:desc`.
 * Always the same text for the same state, so it can be compared with the address bar.
 */
export function viewToHash(v: UrlViewState): string {
  const params = new URLSearchParams();
  params.set('snapshot', String(v.snapshotId));
  params.set('path', v.path.join(','));
  if (v.at.length > 0) params.set('at', JSON.stringify(v.at.map((c) => ({ key: c.key, label: c.label }))));
  if (v.filters.length > 0) params.set('filters', JSON.stringify(v.filters.map((f) => ({ dimension: f.dimension, value: f.value }))));
  params.set('sort', `${v.sort.by}:${v.sort.direction}`);
  if (v.compareTo !== undefined) params.set('compare', String(v.compareTo));
  return prefix + params.toString();
}

export type HashReading = { state: UrlViewState } | { error: string };

/**
 * Reads a view state from a URL fragment, defensively: anything the contract's view state
 * schema refuses is an error to show, never a crash. Undefined when the fragment is not about
 * the exposure view at all.
 */
export function hashToView(hash: string): HashReading | undefined {
  if (!hash.startsWith('#exposure')) return undefined;
  if (!hash.startsWith(prefix)) return hash === '#exposure' ? undefined : { error: 'it is not of the form #exposure?…' };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hash.slice(prefix.length));
  } catch {
    return { error: 'it is not a query string' };
  }
  const json = (name: string): unknown => {
    const text = params.get(name);
    if (text === null) return [];
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`"${name}" is not JSON`);
    }
  };
  const number = (name: string): number | undefined => {
    const text = params.get(name);
    return text === null || text.trim() === '' ? undefined : Number(text);
  };
  try {
    const [by, direction] = (params.get('sort') ?? 'grossNotionalUsd:desc').split(':');
    const compareTo = number('compare');
    const candidate = {
      snapshotId: number('snapshot'),
      path: (params.get('path') ?? '').split(',').filter((d) => d !== ''),
      at: json('at'),
      filters: json('filters'),
      sort: { by, direction },
      ...(compareTo === undefined ? {} : { compareTo }),
      columns: [],
    };
    const parsed = viewStateSchema.safeParse(candidate);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
      return { error: `${where}${first?.message ?? 'not a view state'}` };
    }
    const { columns: _columns, ...state } = parsed.data;
    return { state };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const urlState = (s: ExposureState): UrlViewState | undefined =>
  s.snapshotId === undefined
    ? undefined
    : {
        snapshotId: s.snapshotId,
        path: s.path,
        at: s.at,
        filters: s.filters,
        sort: s.sort,
        ...(s.compareTo === undefined ? {} : { compareTo: s.compareTo }),
      };

const sameKeys = (a: ExposureState['at'], b: ExposureState['at']) => a.length === b.length && a.every((c, i) => c.key === b[i]!.key);

/**
 * Keeps the address in step with the exposure view, both ways: the state is written to the
 * fragment on every change (a new history entry for a move up or down the drill, so the
 * browser's Back goes up a level; the same entry for anything else), and read back at start
 * and when the user goes back or forward. Returns the function that stops it.
 */
export function connectViewUrl(stores: { app: AppStore; exposure: ExposureStore }, win: Window): () => void {
  const { app, exposure } = stores;
  /** The snapshot the address asked for, until the snapshot list confirms or refutes it. */
  let wanted: number | undefined;

  const read = (fromHistory: boolean) => {
    const reading = hashToView(win.location.hash);
    if (!reading) return;
    if ('error' in reading) {
      exposure
        .getState()
        .setNotice(
          `The view in the address could not be read (${reading.error}), so the default view is shown. Drill again to replace it.`,
        );
      return;
    }
    const { state } = reading;
    wanted = state.snapshotId;
    if (fromHistory) {
      void exposure.getState().applyView(state);
      if (app.getState().view !== 'exposure') app.getState().setView('exposure');
    } else {
      exposure.getState().restore(state);
    }
    if (app.getState().selectedSnapshotId !== state.snapshotId) app.getState().selectSnapshot(state.snapshotId);
    checkWanted();
  };

  const checkWanted = () => {
    const { snapshots } = app.getState();
    if (wanted === undefined || snapshots.length === 0) return;
    if (!snapshots.some((s) => s.snapshotId === wanted))
      exposure.getState().setNotice(`Snapshot ${wanted} named in the address is not available, so the newest snapshot is shown.`);
    wanted = undefined;
  };

  const write = (s: ExposureState, prev: ExposureState) => {
    const state = urlState(s);
    if (!state) return;
    const hash = viewToHash(state);
    if (win.location.hash === hash) return;
    const url = win.location.pathname + win.location.search + hash;
    const drillMove = prev.snapshotId === s.snapshotId && !sameKeys(prev.at, s.at) && win.location.hash.startsWith(prefix);
    if (drillMove) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
  };

  read(false);
  const stopWriting = exposure.subscribe(write);
  const stopChecking = app.subscribe((s, prev) => s.snapshots !== prev.snapshots && checkWanted());
  const onPop = () => read(true);
  win.addEventListener('popstate', onPop);
  return () => {
    stopWriting();
    stopChecking();
    win.removeEventListener('popstate', onPop);
  };
}
