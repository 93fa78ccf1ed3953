import { createStore } from 'zustand/vanilla';
import type {
  AuthoritySummary,
  ConsentRow,
  DataCategory,
  InputOf,
  InstrumentDetail,
  InstrumentParty,
  InstrumentSummary,
  MayShareInput,
  RegistryEdit,
  RegistryInfo,
  ShareDecision,
} from '../../../shared/contract';
import { ContractError } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

/** The MoUs page's parts: the registry (authorities, instruments, local edits) and the "Can I share?" check. */
export type CooperationPage = 'registry' | 'check';
export type RegistryTab = 'authorities' | 'instruments' | 'edits';

/** A field-level message from the contract (zod issue path joined with dots, '' for the form as a whole). */
export interface FieldErrors {
  [field: string]: string;
}

/** A failed call, kept as its message and, for invalid input, the message per field. */
export interface CallError {
  message: string;
  fields: FieldErrors;
}

/** The answer for one category of a check: the engine's decision, or why the call failed. */
export interface CategoryResult {
  category: DataCategory;
  decision?: ShareDecision;
  error?: string;
}

/** A check as sent: everything but the category, which varies per call. */
export type ShareQuery = Omit<MayShareInput, 'category' | 'record'>;

export interface CooperationState {
  page: CooperationPage;
  registryTab: RegistryTab;
  /** The instrument whose page is open (registry), by code. */
  instrumentCode?: string;
  instrument?: InstrumentDetail;
  instrumentError?: string;
  info?: RegistryInfo;
  authorities: AuthoritySummary[];
  instruments: InstrumentSummary[];
  edits: RegistryEdit[];
  consents: ConsentRow[];
  loaded: boolean;
  loading: boolean;
  error?: string;
  /** Our own authority, the sender in "Can I share?" (a setting; CFTC until changed). */
  home: string;
  /** The last check run, per category in the order asked. */
  lastQuery?: ShareQuery;
  lastCategories: DataCategory[];
  results: CategoryResult[];
  checking: boolean;
  /** Set by "Record decision": the results then carry decision ids. */
  recorded: boolean;
  checkError?: CallError;
  setPage(page: CooperationPage): void;
  setRegistryTab(tab: RegistryTab): void;
  setHome(home: string): void;
  /** Loads the registry's lists (once, unless forced). */
  load(force?: boolean): Promise<void>;
  openInstrument(code: string): Promise<void>;
  closeInstrument(): void;
  /** Corrects a party row; refreshes what shows it. Throws the contract's error for the form to show. */
  editParty(input: InputOf<'cooperation.editParty'>): Promise<InstrumentParty>;
  /** Runs mayShare once per category, in parallel. */
  check(query: ShareQuery, categories: DataCategory[]): Promise<void>;
  /** Re-runs the last check with record: true, so each decision is stored and gets an id. */
  recordDecision(): Promise<void>;
  /** Records a consent; throws the contract's error for the form to show. */
  addConsent(input: InputOf<'cooperation.addConsent'>): Promise<ConsentRow>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A contract error as a message and per-field messages (from INVALID_INPUT details). */
export function callError(error: unknown): CallError {
  const fields: FieldErrors = {};
  if (error instanceof ContractError && error.code === 'INVALID_INPUT') {
    // Schema failures list their issues; a rule the backend checks itself names one field.
    const details = error.details as { issues?: Array<{ path?: unknown; message?: unknown }>; field?: unknown } | undefined;
    for (const issue of Array.isArray(details?.issues) ? details.issues : []) {
      const path = Array.isArray(issue.path) ? issue.path.map(String).join('.') : '';
      if (typeof issue.message === 'string' && fields[path] === undefined) fields[path] = issue.message;
    }
    if (typeof details?.field === 'string' && fields[details.field] === undefined) fields[details.field] = error.message;
  }
  return { message: messageOf(error), fields };
}

/** The MoU registry and the share-permission check (handbook domain-cooperation.md). */
export function createCooperationStore(api: ApiClient) {
  let latestInstrument = 0;
  let latestCheck = 0;
  return createStore<CooperationState>()((set, get) => {
    const refreshAfterEdit = async () => {
      const [info, authorities, instruments, edits] = await Promise.all([
        api.call('cooperation.registryInfo', {}),
        api.call('cooperation.authorities', {}),
        api.call('cooperation.instruments', {}),
        api.call('cooperation.edits', {}),
      ]);
      set({ info, authorities, instruments, edits });
    };
    const run = async (query: ShareQuery, categories: DataCategory[], record: boolean) => {
      const request = ++latestCheck;
      set({ checking: true, checkError: undefined });
      const settled = await Promise.allSettled(
        categories.map((category) => api.call('cooperation.mayShare', { ...query, category, record })),
      );
      if (request !== latestCheck) return;
      const results: CategoryResult[] = settled.map((s, i) =>
        s.status === 'fulfilled'
          ? { category: categories[i]!, decision: s.value }
          : { category: categories[i]!, error: messageOf(s.reason) },
      );
      // Invalid input fails every category the same way: show it once, next to the form.
      const firstFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      const invalid = firstFailure && firstFailure.reason instanceof ContractError && firstFailure.reason.code === 'INVALID_INPUT';
      set({
        checking: false,
        lastQuery: query,
        lastCategories: categories,
        results: invalid ? [] : results,
        recorded: record && !invalid,
        checkError: invalid ? callError(firstFailure.reason) : undefined,
      });
    };
    return {
      page: 'registry',
      registryTab: 'instruments',
      authorities: [],
      instruments: [],
      edits: [],
      consents: [],
      loaded: false,
      loading: false,
      home: 'CFTC',
      lastCategories: [],
      results: [],
      checking: false,
      recorded: false,
      setPage(page) {
        set({ page });
      },
      setRegistryTab(registryTab) {
        set({ registryTab, instrumentCode: undefined, instrument: undefined, instrumentError: undefined });
      },
      setHome(home) {
        set({ home });
      },
      async load(force = false) {
        const s = get();
        if (!force && (s.loaded || s.loading)) return;
        set({ loading: true, error: undefined });
        try {
          const [info, authorities, instruments, edits, consents] = await Promise.all([
            api.call('cooperation.registryInfo', {}),
            api.call('cooperation.authorities', {}),
            api.call('cooperation.instruments', {}),
            api.call('cooperation.edits', {}),
            api.call('cooperation.consents', {}),
          ]);
          set({ info, authorities, instruments, edits, consents, loaded: true, loading: false });
        } catch (error) {
          set({ loading: false, error: messageOf(error) });
        }
      },
      async openInstrument(code) {
        const request = ++latestInstrument;
        set({ page: 'registry', registryTab: 'instruments', instrumentCode: code, instrument: undefined, instrumentError: undefined });
        try {
          const instrument = await api.call('cooperation.instrument', { code });
          if (request === latestInstrument) set({ instrument });
        } catch (error) {
          if (request === latestInstrument) set({ instrumentError: messageOf(error) });
        }
      },
      closeInstrument() {
        ++latestInstrument;
        set({ instrumentCode: undefined, instrument: undefined, instrumentError: undefined });
      },
      async editParty(input) {
        const party = await api.call('cooperation.editParty', input);
        const code = get().instrumentCode;
        await Promise.all([
          refreshAfterEdit(),
          code === undefined
            ? Promise.resolve()
            : api.call('cooperation.instrument', { code }).then((instrument) => {
                if (get().instrumentCode === code) set({ instrument });
              }),
        ]).catch((error: unknown) => set({ error: `The edit was saved, but the registry could not be reloaded: ${messageOf(error)}` }));
        return party;
      },
      async check(query, categories) {
        await run(query, categories, false);
      },
      async recordDecision() {
        const { lastQuery, lastCategories } = get();
        if (!lastQuery || lastCategories.length === 0) return;
        await run(lastQuery, lastCategories, true);
      },
      async addConsent(input) {
        const consent = await api.call('cooperation.addConsent', input);
        try {
          set({ consents: await api.call('cooperation.consents', {}) });
        } catch {
          set((s) => ({ consents: [...s.consents, consent] }));
        }
        return consent;
      },
    };
  });
}
export type CooperationStore = ReturnType<typeof createCooperationStore>;
