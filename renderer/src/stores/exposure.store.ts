import { createStore } from 'zustand/vanilla';
import type { ColumnState, Dimension, DimensionFilter, DrillResult, DrillSort, ViewState } from '../../../shared/contract';
import type { ApiClient } from '../api/client';
import { harmonisedMarginMetrics } from '../../../shared/domain/metrics';
import { defaultLayout, resolveLayout, sameLayout, visibleMetrics } from '../features/exposure/drillColumns';

/** One chosen key on the way down, with its label for the breadcrumb. */
export interface Crumb {
  key: string | null;
  label: string;
}

/** What reproduces a drill position; the column layout may come with it (a saved view) or not (the address). */
export type ExposureViewState = Omit<ViewState, 'columns'> & { columns?: ColumnState[] };

export const defaultSort: DrillSort = { by: 'grossNotionalUsd', direction: 'desc' };

export interface ExposureState {
  snapshotId?: number;
  /** The drill path, top first. */
  path: Dimension[];
  /** Keys chosen at the levels above the current one. */
  at: Crumb[];
  /** Dimension = value conditions applied at every level (at most one per dimension). */
  filters: DimensionFilter[];
  sort: DrillSort;
  /** The snapshot the figures are compared with (Δ and Δ% columns). */
  compareTo?: number;
  /** The drill grid's column layout (order, widths, visibility, pinning). */
  columns: ColumnState[];
  /** Text the current level's rows are searched for (label or key); cleared on a move to another level. */
  search: string;
  result?: DrillResult;
  loading: boolean;
  error?: string;
  /** A note for the user that is not an error of the drill (e.g. an address that could not be read). */
  notice?: string;
  open(snapshotId: number): Promise<void>;
  setPath(path: Dimension[]): Promise<void>;
  drillInto(key: string | null, label: string): Promise<void>;
  /** At the last level of the path: drills into a row by another dimension, which the path gains. */
  drillBy(key: string | null, label: string, dimension: Dimension): Promise<void>;
  /** Goes back up to `level` keys chosen (0 = the top). */
  goUp(level: number): Promise<void>;
  /** Adds a filter; one on a dimension already filtered replaces it. */
  addFilter(filter: DimensionFilter): Promise<void>;
  removeFilter(index: number): Promise<void>;
  setSort(sort: DrillSort): Promise<void>;
  /** Compares with another snapshot, or stops comparing (undefined). */
  setCompare(snapshotId: number | undefined): Promise<void>;
  /** Shows a view (a saved one, or the address on Back/Forward) and loads it. */
  applyView(view: ExposureViewState): Promise<void>;
  /** Takes a view's position without loading (the address at start: the view loads when the snapshot opens). */
  restore(view: ExposureViewState): void;
  /** Reads the column layout last used (once; a view applied before it arrives wins). */
  loadColumns(): Promise<void>;
  /** Changes the column layout and remembers it (saved shortly after the last change). */
  setColumns(columns: ColumnState[]): void;
  resetColumns(): void;
  setNotice(notice: string | undefined): void;
  setSearch(search: string): Promise<void>;
}

/** How long column changes settle (a drag or resize sends many) before the layout is saved. */
const SAVE_COLUMNS_AFTER_MS = 400;

/** The exposure drill-down of the open snapshot: path, position on it, filters, sort, comparison, columns and the rows. */
export function createExposureStore(api: ApiClient) {
  let latest = 0;
  let columnsTouched = false;
  let columnsRequested = false;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  return createStore<ExposureState>()((set, get) => {
    const load = async () => {
      const { snapshotId, path, at, filters, sort, compareTo, search, columns } = get();
      if (snapshotId === undefined) return;
      const request = ++latest;
      set({ loading: true, error: undefined });
      try {
        const result = await api.call('exposure.drill', {
          snapshotId,
          path,
          at: at.map((c) => c.key),
          filters,
          sort,
          ...(compareTo === undefined ? {} : { compareTo }),
          ...(search.trim() ? { search: search.trim() } : {}),
          ...(showsHarmonisedMargin(columns) ? { harmonisedMargin: true } : {}),
        });
        // Answers can arrive out of order when the user moves quickly: keep the latest.
        if (request === latest) set({ result, loading: false });
      } catch (error) {
        if (request === latest) set({ loading: false, error: error instanceof Error ? error.message : String(error) });
      }
    };
    const saveColumns = (columns: ColumnState[]) => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => {
        api.call('views.setColumns', { grid: 'drill', columns }).catch((error: unknown) => {
          set({ notice: `The column layout could not be saved: ${error instanceof Error ? error.message : String(error)}` });
        });
      }, SAVE_COLUMNS_AFTER_MS);
    };
    const position = (view: ExposureViewState) => ({
      snapshotId: view.snapshotId,
      path: [...view.path],
      at: view.at.map((c) => ({ key: c.key, label: c.label })),
      filters: view.filters.map((f) => ({ dimension: f.dimension, value: f.value })),
      sort: { ...view.sort },
      compareTo: view.compareTo === view.snapshotId ? undefined : view.compareTo,
      search: '',
    });
    const takeColumns = (view: ExposureViewState) => {
      if (!view.columns) return {};
      columnsTouched = true;
      const columns = resolveLayout(view.columns);
      saveColumns(columns);
      return { columns };
    };
    return {
      path: ['jurisdiction'],
      at: [],
      filters: [],
      sort: defaultSort,
      columns: defaultLayout(),
      search: '',
      loading: false,
      async open(snapshotId) {
        const s = get();
        if (snapshotId === s.snapshotId) {
          // The same snapshot again (e.g. back from another view): the position stays; reload only what is missing.
          if (s.loading || (s.result && !s.error)) return;
        } else {
          set({ snapshotId, at: [], search: '', result: undefined, ...(s.compareTo === snapshotId ? { compareTo: undefined } : {}) });
        }
        await load();
      },
      async setPath(path) {
        if (path.length === 0) return;
        // Keys stay chosen only for the part of the path that did not change.
        const old = get().path;
        let keep = 0;
        while (keep < get().at.length && old[keep] === path[keep]) keep++;
        set({ path, at: get().at.slice(0, Math.min(keep, path.length - 1)), search: '' });
        await load();
      },
      async drillInto(key, label) {
        const { at, path, loading } = get();
        // While a level loads, the grid still shows the rows of the one before: a double-click on one of them would
        // drill the new level by a key of the old one. It waits for the rows it is about.
        if (loading || at.length >= path.length - 1) return;
        set({ at: [...at, { key, label }], search: '' });
        await load();
      },
      async drillBy(key, label, dimension) {
        const { at, path, loading } = get();
        if (loading) return; // as drillInto: the row may be of the level before
        const base = path.slice(0, at.length + 1);
        if (base.includes(dimension)) return;
        set({ path: [...base, dimension], at: [...at, { key, label }], search: '' });
        await load();
      },
      async goUp(level) {
        if (level < 0 || level >= get().at.length) return;
        set({ at: get().at.slice(0, level), search: '' });
        await load();
      },
      async addFilter(filter) {
        const others = get().filters.filter((f) => f.dimension !== filter.dimension);
        set({ filters: [...others, { dimension: filter.dimension, value: filter.value }] });
        await load();
      },
      async removeFilter(index) {
        const { filters } = get();
        if (index < 0 || index >= filters.length) return;
        set({ filters: filters.filter((_, i) => i !== index) });
        await load();
      },
      async setSort(sort) {
        const now = get().sort;
        if (now.by === sort.by && now.direction === sort.direction) return;
        set({ sort: { ...sort } });
        await load();
      },
      async setCompare(snapshotId) {
        if (snapshotId === get().compareTo || (snapshotId !== undefined && snapshotId === get().snapshotId)) return;
        set({ compareTo: snapshotId });
        await load();
      },
      async applyView(view) {
        set({ ...position(view), ...takeColumns(view), notice: undefined });
        await load();
      },
      restore(view) {
        set({ ...position(view), ...takeColumns(view) });
      },
      async loadColumns() {
        if (columnsRequested) return;
        columnsRequested = true;
        try {
          const { columns } = await api.call('views.getColumns', { grid: 'drill' });
          if (!columnsTouched && columns.length > 0) {
            const before = get().columns;
            const next = resolveLayout(columns);
            set({ columns: next });
            // A drill already under way did not ask for the harmonised margin the saved layout shows.
            if (showsHarmonisedMargin(next) && !showsHarmonisedMargin(before)) void load();
          }
        } catch {
          // No layout to restore (or an unreadable one): the default layout stays, and the next change replaces it.
        }
      },
      setColumns(columns) {
        columnsTouched = true;
        const next = resolveLayout(columns);
        const before = get().columns;
        if (sameLayout(next, before)) return;
        set({ columns: next });
        saveColumns(next);
        if (showsHarmonisedMargin(next) && !showsHarmonisedMargin(before)) void load();
      },
      resetColumns() {
        columnsTouched = true;
        const columns = defaultLayout();
        set({ columns });
        saveColumns(columns);
      },
      setNotice(notice) {
        set({ notice });
      },
      async setSearch(search) {
        if (search === get().search) return;
        set({ search });
        await load();
      },
    };
  });
}
export type ExposureStore = ReturnType<typeof createExposureStore>;

/** The harmonised-margin figures cost a margin computation: the drill asks for them only while one of their columns shows. */
function showsHarmonisedMargin(columns: readonly ColumnState[]): boolean {
  return visibleMetrics(columns).some((id) => harmonisedMarginMetrics.includes(id));
}
