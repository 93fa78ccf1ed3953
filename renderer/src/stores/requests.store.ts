import { createStore } from 'zustand/vanilla';
import type { InputOf, RequestDetail, RequestDirection, RequestStatus, RequestSummary } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

export interface RequestFilters {
  direction?: RequestDirection;
  status?: RequestStatus;
  overdueOnly: boolean;
}

/** Messages by field, as the contract reported them (`entities` for any entity row, `entities.1.value` for the row). */
export type FieldErrors = Record<string, string>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; fieldErrors: FieldErrors };

export interface AuthorityOption {
  shortName: string;
  fullName: string;
}

export interface InstrumentOption {
  code: string;
  title: string;
}

export interface RequestsState {
  rows: RequestSummary[];
  loaded: boolean;
  filters: RequestFilters;
  error?: string;
  /** Authorities of the registry; undefined when it cannot be read (the form then takes short names as free text). */
  authorities?: AuthorityOption[];
  instruments?: InstrumentOption[];
  /** Provision keys by instrument code, fetched when an instrument is chosen. */
  provisions: Record<string, string[]>;
  selectedId?: number;
  detail?: RequestDetail;
  detailError?: string;
  load(): Promise<void>;
  loadRegistry(): Promise<void>;
  loadProvisions(code: string): Promise<void>;
  setFilters(patch: Partial<RequestFilters>): Promise<void>;
  open(requestId: number): Promise<void>;
  close(): void;
  create(input: InputOf<'requests.create'>): Promise<Outcome<RequestDetail>>;
  update(input: InputOf<'requests.update'>): Promise<Outcome<RequestDetail>>;
  addEvent(input: InputOf<'requests.addEvent'>): Promise<Outcome<RequestDetail>>;
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : ((error as { message?: string } | undefined)?.message ?? String(error));

/** The contract's error as messages per field: `details.issues[].path` names the field. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  const issues = (error as { details?: { issues?: unknown } } | undefined)?.details?.issues;
  const out: FieldErrors = {};
  if (!Array.isArray(issues)) return out;
  for (const issue of issues as Array<{ path?: unknown; message?: unknown }>) {
    if (!Array.isArray(issue.path) || typeof issue.message !== 'string' || issue.path.length === 0) continue;
    const path = issue.path.map(String);
    const full = path.join('.');
    out[full] ??= issue.message;
    const top = path[0]!;
    if (top === 'entities' && path.length > 1) out.entities ??= `entity ${Number(path[1]) + 1}: ${issue.message}`;
    else out[top] ??= issue.message;
  }
  return out;
}

/** The request log: its rows with acknowledgement states, the request open in the page, and the forms' calls. */
export function createRequestsStore(api: ApiClient) {
  return createStore<RequestsState>()((set, get) => {
    const attempt = async <T>(run: () => Promise<T>): Promise<Outcome<T>> => {
      try {
        return { ok: true, value: await run() };
      } catch (error) {
        return { ok: false, message: messageOf(error), fieldErrors: fieldErrorsOf(error) };
      }
    };
    /** After a change: the page shows the request as returned, and the grid is read again. */
    const changed = async (detail: RequestDetail) => {
      set({ selectedId: detail.requestId, detail, detailError: undefined });
      await get().load();
    };
    return {
      rows: [],
      loaded: false,
      filters: { overdueOnly: false },
      provisions: {},
      async load() {
        const { direction, status, overdueOnly } = get().filters;
        try {
          const rows = await api.call('requests.list', {
            ...(direction ? { direction } : {}),
            ...(status ? { status } : {}),
            overdueOnly,
          });
          set({ rows, loaded: true, error: undefined });
        } catch (error) {
          set({ loaded: true, error: messageOf(error) });
        }
      },
      async loadRegistry() {
        // The registry may not be there (or not implemented yet): the form falls back to free text.
        const [authorities, instruments] = await Promise.allSettled([
          api.call('cooperation.authorities', {}),
          api.call('cooperation.instruments', {}),
        ]);
        set({
          authorities:
            authorities.status === 'fulfilled' && authorities.value.length > 0
              ? authorities.value
                  .map((a) => ({ shortName: a.shortName, fullName: a.fullName }))
                  .sort((a, b) => a.shortName.localeCompare(b.shortName))
              : undefined,
          instruments:
            instruments.status === 'fulfilled' && instruments.value.length > 0
              ? instruments.value.map((i) => ({ code: i.code, title: i.title })).sort((a, b) => a.code.localeCompare(b.code))
              : undefined,
        });
      },
      async loadProvisions(code) {
        if (get().provisions[code]) return;
        try {
          const instrument = await api.call('cooperation.instrument', { code });
          set((s) => ({ provisions: { ...s.provisions, [code]: instrument.provisions.map((p) => p.key) } }));
        } catch {
          // Unknown or unreadable: the provision key stays free text, checked by the backend.
        }
      },
      async setFilters(patch) {
        set((s) => ({ filters: { ...s.filters, ...patch } }));
        await get().load();
      },
      async open(requestId) {
        set({ selectedId: requestId, detailError: undefined, ...(get().detail?.requestId === requestId ? {} : { detail: undefined }) });
        try {
          const detail = await api.call('requests.get', { requestId });
          if (get().selectedId === requestId) set({ detail });
        } catch (error) {
          if (get().selectedId === requestId) set({ detailError: messageOf(error) });
        }
      },
      close() {
        set({ selectedId: undefined, detail: undefined, detailError: undefined });
      },
      async create(input) {
        const outcome = await attempt(() => api.call('requests.create', input));
        if (outcome.ok) await changed(outcome.value);
        return outcome;
      },
      async update(input) {
        const outcome = await attempt(() => api.call('requests.update', input));
        if (outcome.ok) await changed(outcome.value);
        return outcome;
      },
      async addEvent(input) {
        const outcome = await attempt(() => api.call('requests.addEvent', input));
        if (outcome.ok) await changed(outcome.value);
        return outcome;
      },
    };
  });
}
export type RequestsStore = ReturnType<typeof createRequestsStore>;
