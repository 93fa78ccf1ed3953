import { createContext, useContext, useLayoutEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/client';
import { connectCaseUrl } from '../features/cases/caseUrl';
import { connectViewUrl } from '../features/exposure/viewHash';
import { createAppStore, type AppState, type AppStore } from './app.store';
import { createCasesStore, type CasesState, type CasesStore } from './cases.store';
import { createCooperationStore, type CooperationState, type CooperationStore } from './cooperation.store';
import { createExposureStore, type ExposureState, type ExposureStore } from './exposure.store';
import { createRequestsStore, type RequestsState, type RequestsStore } from './requests.store';
import { createSnapshotsStore, type SnapshotsState, type SnapshotsStore } from './snapshots.store';
import { createViewsStore, type ViewsState, type ViewsStore } from './views.store';

export interface Stores {
  api: ApiClient;
  app: AppStore;
  exposure: ExposureStore;
  snapshots: SnapshotsStore;
  views: ViewsStore;
  cooperation: CooperationStore;
  requests: RequestsStore;
  cases: CasesStore;
}

export function createStores(api: ApiClient): Stores {
  return {
    api,
    app: createAppStore(api),
    exposure: createExposureStore(api),
    snapshots: createSnapshotsStore(api),
    views: createViewsStore(api),
    cooperation: createCooperationStore(api),
    requests: createRequestsStore(api),
    cases: createCasesStore(api),
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  // The exposure view's position lives in the address too (before any view's effects run, so they see it).
  useLayoutEffect(() => connectViewUrl(stores, window), [stores]);
  // So does the Cases page's (a case, its tab, an item) and which view is open: Back and reload work there too.
  useLayoutEffect(() => connectCaseUrl(stores, window), [stores]);
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

export function useViewsStore<T>(selector: (s: ViewsState) => T): T {
  return useStore(useStores().views, selector);
}

export function useCooperationStore<T>(selector: (s: CooperationState) => T): T {
  return useStore(useStores().cooperation, selector);
}

export function useRequestsStore<T>(selector: (s: RequestsState) => T): T {
  return useStore(useStores().requests, selector);
}

export function useCasesStore<T>(selector: (s: CasesState) => T): T {
  return useStore(useStores().cases, selector);
}

/** The API client, for views that page data straight into a grid (infinite row model). */
export function useApi(): ApiClient {
  return useStores().api;
}
