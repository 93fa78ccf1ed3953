import { createStore } from 'zustand/vanilla';
import type {
  CaseDetail,
  CaseHeader,
  CaseItem,
  CaseStatus,
  CaseSubject,
  CaseSummary,
  CaseTask,
  ErrorCode,
  InputOf,
  WorkstationInfo,
} from '../../../shared/contract';
import { ContractError } from '../../../shared/contract';
import type { ApiClient } from '../api/client';

/** The parts of a case page, in the order of its tabs. */
export const caseTabs = ['items', 'subjects', 'tasks', 'timeline', 'search', 'audit'] as const;
export type CaseTab = (typeof caseTabs)[number];

/** Where the Cases page is: the list (no case), a case on one of its tabs, or one item of a case. */
export interface CaseRoute {
  caseNumber?: string;
  tab: CaseTab;
  itemId?: number;
}

/** The list's status filter: one status, every case but archived ones (''), or every case ('all'). */
export type StatusFilter = CaseStatus | '' | 'all';

/** Messages by field: the contract's issue path (`subject.address`), its last part (`address`), or the backend's `details.field`. */
export type FieldErrors = Record<string, string>;

export interface Failure {
  ok: false;
  message: string;
  code: ErrorCode | undefined;
  fieldErrors: FieldErrors;
}
export type Outcome<T> = { ok: true; value: T } | Failure;

export interface AuthorityOption {
  shortName: string;
  fullName: string;
}

export interface CasesState {
  rows: CaseSummary[];
  loaded: boolean;
  listError?: string;
  statusFilter: StatusFilter;
  /** Open cases, for "Add to case" (read each time its menu opens). */
  openCases: CaseSummary[];
  /** The MoU registry's authorities; undefined when it cannot be read (forms then take short names as text). */
  authorities?: AuthorityOption[];
  /** This workstation's identity: the default lead investigator and owning authority of a new case. */
  identity?: WorkstationInfo;
  route: CaseRoute;
  detail?: CaseDetail;
  detailError?: string;
  items: CaseItem[];
  itemsTotal: number;
  includeWithdrawn: boolean;
  itemsError?: string;
  item?: CaseItem;
  itemError?: string;
  loadList(): Promise<void>;
  setStatusFilter(filter: StatusFilter): Promise<void>;
  loadOpenCases(): Promise<CaseSummary[]>;
  loadRegistry(): Promise<void>;
  loadIdentity(): Promise<void>;
  /** Goes to a place of the Cases page, loading what it shows. */
  navigate(route: CaseRoute): Promise<void>;
  setIncludeWithdrawn(include: boolean): Promise<void>;
  /** Reads the open case again (header, subjects, tasks, items): after a conflict, or a change made elsewhere. */
  reloadCase(): Promise<void>;
  reloadItem(): Promise<void>;
  /** After an item was added from another view: the list's counts and, if it is open, the case. */
  itemAdded(item: CaseItem): Promise<void>;
  create(input: InputOf<'cases.create'>): Promise<Outcome<CaseHeader>>;
  update(input: InputOf<'cases.update'>): Promise<Outcome<CaseHeader>>;
  addSubject(input: InputOf<'cases.addSubject'>): Promise<Outcome<CaseSubject>>;
  withdrawSubject(input: InputOf<'cases.withdrawSubject'>): Promise<Outcome<CaseSubject>>;
  addNote(input: InputOf<'cases.addNote'>): Promise<Outcome<CaseItem>>;
  attach(input: InputOf<'cases.attach'>): Promise<Outcome<CaseItem>>;
  updateItem(input: InputOf<'cases.updateItem'>): Promise<Outcome<CaseItem>>;
  withdrawItem(input: InputOf<'cases.withdrawItem'>): Promise<Outcome<CaseItem>>;
  purgeEvidence(input: InputOf<'cases.purgeEvidence'>): Promise<Outcome<CaseItem>>;
  addTask(input: InputOf<'cases.addTask'>): Promise<Outcome<CaseTask>>;
  updateTask(input: InputOf<'cases.updateTask'>): Promise<Outcome<CaseTask>>;
}

export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : ((error as { message?: string } | undefined)?.message ?? String(error));

/**
 * A failed call as its message, code and messages per field: schema issues name their path
 * (`subject.address`, kept whole and by its last part); a rule the backend checks itself names
 * one field in `details.field`.
 */
export function failureOf(error: unknown): Failure {
  const fieldErrors: FieldErrors = {};
  const details = (error as { details?: { issues?: unknown; field?: unknown } } | undefined)?.details;
  for (const issue of Array.isArray(details?.issues) ? (details.issues as Array<{ path?: unknown; message?: unknown }>) : []) {
    if (!Array.isArray(issue.path) || typeof issue.message !== 'string' || issue.path.length === 0) continue;
    const path = issue.path.map(String);
    fieldErrors[path.join('.')] ??= issue.message;
    fieldErrors[path[path.length - 1]!] ??= issue.message;
  }
  const message = messageOf(error);
  if (typeof details?.field === 'string') fieldErrors[details.field] ??= message;
  return { ok: false, message, code: error instanceof ContractError ? error.code : undefined, fieldErrors };
}

/** Items are read in blocks of this many (the contract's largest), up to the cap below. */
const ITEMS_BLOCK = 1000;
const ITEMS_CAP = 20_000;

/**
 * Case files (issue 12): the list, the case open in the page (header, subjects, tasks, items),
 * the item open in it, and every change the page makes. A change answers with an Outcome the
 * form shows (a version conflict keeps what the user typed; the page offers to reload).
 */
export function createCasesStore(api: ApiClient) {
  let latestCase = 0;
  let latestItem = 0;
  return createStore<CasesState>()((set, get) => {
    const attempt = async <T>(run: () => Promise<T>): Promise<Outcome<T>> => {
      try {
        return { ok: true, value: await run() };
      } catch (error) {
        return failureOf(error);
      }
    };
    const loadItems = async (caseNumber: string) => {
      const rows: CaseItem[] = [];
      let total = 0;
      for (let start = 0; start < ITEMS_CAP; start += ITEMS_BLOCK) {
        const page = await api.call('cases.items', {
          caseNumber,
          includeWithdrawn: get().includeWithdrawn,
          startRow: start,
          endRow: start + ITEMS_BLOCK,
        });
        rows.push(...page.rows);
        total = page.total;
        if (rows.length >= total || page.rows.length === 0) break;
      }
      return { rows, total };
    };
    const loadCase = async (caseNumber: string) => {
      const request = ++latestCase;
      try {
        const [detail, items] = await Promise.all([api.call('cases.get', { caseNumber }), loadItems(caseNumber)]);
        if (request === latestCase && get().route.caseNumber === caseNumber)
          set({ detail, detailError: undefined, items: items.rows, itemsTotal: items.total, itemsError: undefined });
      } catch (error) {
        if (request === latestCase && get().route.caseNumber === caseNumber) set({ detailError: messageOf(error) });
      }
    };
    const loadItem = async (itemId: number) => {
      const request = ++latestItem;
      try {
        const item = await api.call('cases.item', { itemId });
        if (request === latestItem && get().route.itemId === itemId) set({ item, itemError: undefined });
      } catch (error) {
        if (request === latestItem && get().route.itemId === itemId) set({ itemError: messageOf(error) });
      }
    };
    /** An item as the backend returned it after a change: in the grid and, if open, in the item page. */
    const itemChanged = (item: CaseItem) => {
      set((s) => ({
        items:
          s.includeWithdrawn || item.status === 'active'
            ? s.items.map((i) => (i.itemId === item.itemId ? item : i))
            : s.items.filter((i) => i.itemId !== item.itemId),
        ...(s.item?.itemId === item.itemId ? { item } : {}),
      }));
    };
    const refreshDetail = async () => {
      const caseNumber = get().route.caseNumber;
      if (!caseNumber) return;
      try {
        const detail = await api.call('cases.get', { caseNumber });
        if (get().route.caseNumber === caseNumber) set({ detail, detailError: undefined });
      } catch (error) {
        if (get().route.caseNumber === caseNumber) set({ detailError: messageOf(error) });
      }
    };
    /** After a change that adds an item: the case again (counts, audit head) and the list's counts. */
    const afterChange = async () => {
      const caseNumber = get().route.caseNumber;
      await Promise.all([caseNumber ? loadCase(caseNumber) : Promise.resolve(), get().loaded ? get().loadList() : Promise.resolve()]);
    };
    return {
      rows: [],
      loaded: false,
      statusFilter: '',
      openCases: [],
      route: { tab: 'items' },
      items: [],
      itemsTotal: 0,
      includeWithdrawn: false,
      async loadList() {
        const filter = get().statusFilter;
        try {
          const rows = await api.call('cases.list', filter === 'all' ? { includeArchived: true } : filter === '' ? {} : { status: filter });
          if (get().statusFilter === filter) set({ rows, loaded: true, listError: undefined });
        } catch (error) {
          set({ loaded: true, listError: messageOf(error) });
        }
      },
      async setStatusFilter(statusFilter) {
        set({ statusFilter });
        await get().loadList();
      },
      async loadOpenCases() {
        const openCases = await api.call('cases.list', { status: 'open' });
        set({ openCases });
        return openCases;
      },
      async loadRegistry() {
        if (get().authorities) return;
        try {
          const list = await api.call('cooperation.authorities', {});
          set({
            authorities: list
              .map((a) => ({ shortName: a.shortName, fullName: a.fullName }))
              .sort((a, b) => a.shortName.localeCompare(b.shortName)),
          });
        } catch {
          // No registry: the forms take the authority's short name as text, which the backend checks.
        }
      },
      async loadIdentity() {
        if (get().identity) return;
        try {
          set({ identity: await api.call('keys.identity', {}) });
        } catch {
          // No identity to default from: the fields start empty.
        }
      },
      async navigate(route) {
        const before = get().route;
        const caseChanged = route.caseNumber !== before.caseNumber;
        const itemChangedTo = route.itemId !== before.itemId ? route.itemId : undefined;
        set({
          route,
          ...(caseChanged
            ? { detail: undefined, detailError: undefined, items: [], itemsTotal: 0, itemsError: undefined, includeWithdrawn: false }
            : {}),
          ...(route.itemId === undefined || itemChangedTo !== undefined ? { item: undefined, itemError: undefined } : {}),
        });
        await Promise.all([
          caseChanged && route.caseNumber ? loadCase(route.caseNumber) : Promise.resolve(),
          itemChangedTo !== undefined ? loadItem(itemChangedTo) : Promise.resolve(),
          route.caseNumber ? Promise.resolve() : get().loadList(),
        ]);
      },
      async setIncludeWithdrawn(includeWithdrawn) {
        set({ includeWithdrawn });
        const caseNumber = get().route.caseNumber;
        if (!caseNumber) return;
        try {
          const items = await loadItems(caseNumber);
          if (get().route.caseNumber === caseNumber) set({ items: items.rows, itemsTotal: items.total, itemsError: undefined });
        } catch (error) {
          set({ itemsError: messageOf(error) });
        }
      },
      async reloadCase() {
        const { caseNumber, itemId } = get().route;
        await Promise.all([
          caseNumber ? loadCase(caseNumber) : Promise.resolve(),
          itemId !== undefined ? loadItem(itemId) : Promise.resolve(),
        ]);
      },
      async reloadItem() {
        const itemId = get().route.itemId;
        if (itemId !== undefined) await loadItem(itemId);
      },
      async itemAdded(item) {
        const open = get().route.caseNumber === item.caseNumber;
        await Promise.all([open ? loadCase(item.caseNumber) : Promise.resolve(), get().loaded ? get().loadList() : Promise.resolve()]);
      },
      async create(input) {
        const outcome = await attempt(() => api.call('cases.create', input));
        if (outcome.ok) await get().loadList();
        return outcome;
      },
      async update(input) {
        const outcome = await attempt(() => api.call('cases.update', input));
        if (outcome.ok) {
          await refreshDetail();
          if (get().loaded) await get().loadList();
        }
        return outcome;
      },
      async addSubject(input) {
        const outcome = await attempt(() => api.call('cases.addSubject', input));
        if (outcome.ok) await refreshDetail();
        return outcome;
      },
      async withdrawSubject(input) {
        const outcome = await attempt(() => api.call('cases.withdrawSubject', input));
        if (outcome.ok) await refreshDetail();
        return outcome;
      },
      async addNote(input) {
        const outcome = await attempt(() => api.call('cases.addNote', input));
        if (outcome.ok) await afterChange();
        return outcome;
      },
      async attach(input) {
        const outcome = await attempt(() => api.call('cases.attach', input));
        if (outcome.ok) await afterChange();
        return outcome;
      },
      async updateItem(input) {
        const outcome = await attempt(() => api.call('cases.updateItem', input));
        if (outcome.ok) {
          itemChanged(outcome.value);
          await refreshDetail();
        }
        return outcome;
      },
      async withdrawItem(input) {
        const outcome = await attempt(() => api.call('cases.withdrawItem', input));
        if (outcome.ok) {
          itemChanged(outcome.value);
          await afterChange();
        }
        return outcome;
      },
      async purgeEvidence(input) {
        const outcome = await attempt(() => api.call('cases.purgeEvidence', input));
        if (outcome.ok) {
          itemChanged(outcome.value);
          await refreshDetail();
        }
        return outcome;
      },
      async addTask(input) {
        const outcome = await attempt(() => api.call('cases.addTask', input));
        if (outcome.ok) await refreshDetail();
        return outcome;
      },
      async updateTask(input) {
        const outcome = await attempt(() => api.call('cases.updateTask', input));
        if (outcome.ok) await refreshDetail();
        return outcome;
      },
    };
  });
}
export type CasesStore = ReturnType<typeof createCasesStore>;
