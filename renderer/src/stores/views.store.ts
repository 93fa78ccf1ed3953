import { createStore } from 'zustand/vanilla';
import type { SavedView, ViewState } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

export interface ViewsState {
  views: SavedView[];
  loaded: boolean;
  /** Why the list could not be read (e.g. a saved view damaged in the database), with the view at fault when known. */
  error?: { message: string; viewId?: number };
  load(): Promise<void>;
  /** Saves the view; resolves to the saved view, or to the message saying why it was refused. */
  save(name: string, state: ViewState): Promise<{ view: SavedView } | { error: string }>;
  remove(viewId: number): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Saved exposure views (named path, position, filters, sort, comparison and columns), listed in the Exposure view's sidebar. */
export function createViewsStore(api: ApiClient) {
  return createStore<ViewsState>()((set, get) => ({
    views: [],
    loaded: false,
    async load() {
      try {
        set({ views: await api.call('views.list', {}), loaded: true, error: undefined });
      } catch (error) {
        const details = (error as { details?: { viewId?: unknown } }).details;
        const viewId = typeof details?.viewId === 'number' ? details.viewId : undefined;
        set({ loaded: true, error: { message: messageOf(error), ...(viewId === undefined ? {} : { viewId }) } });
      }
    },
    async save(name, state) {
      try {
        const view = await api.call('views.save', { name, state });
        await get().load();
        return { view };
      } catch (error) {
        return { error: messageOf(error) };
      }
    },
    async remove(viewId) {
      try {
        await api.call('views.remove', { viewId });
      } catch (error) {
        set({ error: { message: messageOf(error) } });
        return;
      }
      await get().load();
    },
  }));
}
export type ViewsStore = ReturnType<typeof createViewsStore>;
