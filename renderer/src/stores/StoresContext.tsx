import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/client';
import { createAppStore, type AppState, type AppStore } from './app.store';
import { createExposureStore, type ExposureState, type ExposureStore } from './exposure.store';
import { createSnapshotsStore, type SnapshotsState, type SnapshotsStore } from './snapshots.store';

export interface Stores {
  api: ApiClient;
  app: AppStore;
  exposure: ExposureStore;
  snapshots: SnapshotsStore;
}

export function createStores(api: ApiClient): Stores {
  return { api, app: createAppStore(api), exposure: createExposureStore(api), snapshots: createSnapshotsStore(api) };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresProvider is missing.');
  return stores;
}

export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(useStores().app, selector);
}

export function useExposureStore<T>(selector: (s: ExposureState) => T): T {
  return useStore(useStores().exposure, selector);
}

export function useSnapshotsStore<T>(selector: (s: SnapshotsState) => T): T {
  return useStore(useStores().snapshots, selector);
}

/** The API client, for views that page data straight into a grid (infinite row model). */
export function useApi(): ApiClient {
  return useStores().api;
}
