import type { AppStore, View } from '../../stores/app.store';
import { caseTabs, type CaseRoute, type CaseTab, type CasesStore } from '../../stores/cases.store';
import type { ExposureStore } from '../../stores/exposure.store';
import type { RequestsStore } from '../../stores/requests.store';
import { viewToHash } from '../exposure/viewHash';
import { hashToTrades, tradesToHash, type TradesReading } from '../trades/tradesHash';

/**
 * The Cases page's place as a URL fragment, so a case and an item have an address and Back works:
 * `#cases` (the list), `#case/CASE-2026-0001` (its items), `#case/CASE-2026-0001/timeline` (a tab),
 * `#case/CASE-2026-0001/item/12` (an item). Other views are `#settings`, `#requests`, …; the Trades view
 * names the drill cell whose trades it shows (tradesHash.ts); the exposure view keeps its own, richer
 * fragment (viewHash.ts).
 */
export function routeToHash(route: CaseRoute): string {
  if (!route.caseNumber) return '#cases';
  const base = `#case/${route.caseNumber}`;
  if (route.itemId !== undefined) return `${base}/item/${route.itemId}`;
  return route.tab === 'items' ? base : `${base}/${route.tab}`;
}

const requestHash = (requestId: number | undefined) => (requestId === undefined ? '#requests' : `#request/${requestId}`);

/** Where a fragment points: a view (with the Cases page's place), or undefined when it is not ours to read. */
export type Place =
  | { view: 'cases'; route: CaseRoute }
  | { view: 'trades'; trades?: TradesReading }
  | { view: 'requests'; requestId?: number }
  | { view: Exclude<View, 'cases' | 'exposure' | 'trades' | 'requests'> };

const plainViews: ReadonlyArray<Exclude<View, 'cases' | 'exposure'>> = ['trades', 'feeds', 'mous', 'requests', 'supervision', 'settings'];
const CASE_NUMBER = /^CASE-\d{4}-\d{4,}$/;

export function hashToPlace(hash: string): Place | undefined {
  const plain = plainViews.find((v) => hash === `#${v}`);
  if (plain) return { view: plain };
  const trades = hashToTrades(hash);
  if (trades) return { view: 'trades', trades };
  // A request for assistance: #request/12 (anything else after #request/ is the list).
  if (hash.startsWith('#request/')) {
    const id = hash.slice('#request/'.length);
    return /^\d{1,12}$/.test(id) ? { view: 'requests', requestId: Number(id) } : { view: 'requests' };
  }
  if (hash === '#cases') return { view: 'cases', route: { tab: 'items' } };
  if (!hash.startsWith('#case/')) return undefined;
  const [caseNumber, ...rest] = hash.slice('#case/'.length).split('/');
  // Anything else after #case/ is read as far as it makes sense: a bad number is the list, a bad tail the case.
  if (!caseNumber || !CASE_NUMBER.test(caseNumber)) return { view: 'cases', route: { tab: 'items' } };
  if (rest[0] === 'item' && /^\d{1,12}$/.test(rest[1] ?? ''))
    return { view: 'cases', route: { caseNumber, tab: 'items', itemId: Number(rest[1]) } };
  const tab = caseTabs.find((t) => t === rest[0]) ?? ('items' satisfies CaseTab);
  return { view: 'cases', route: { caseNumber, tab } };
}

/**
 * Keeps the address in step with the open view and the Cases page, both ways: a move to
 * another view, case or item is a new history entry (so Back returns), a change of tab replaces
 * the entry; the address is read at start and when the user goes back or forward. Returns the
 * function that stops it.
 */
export function connectCaseUrl(
  stores: { app: AppStore; cases: CasesStore; exposure: ExposureStore; requests: RequestsStore },
  win: Window,
): () => void {
  const { app, cases, exposure, requests } = stores;
  let reading = false;

  const go = (hash: string, push: boolean) => {
    if (win.location.hash === hash) return;
    const url = win.location.pathname + win.location.search + hash;
    if (push && !reading) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
  };

  const read = () => {
    const place = hashToPlace(win.location.hash);
    if (!place) return;
    reading = true;
    try {
      if (place.view === 'cases') void cases.getState().navigate(place.route);
      if (place.view === 'requests') {
        if (place.requestId === undefined) requests.getState().close();
        else if (requests.getState().selectedId !== place.requestId) void requests.getState().open(place.requestId);
      }
      if (place.view === 'trades' && place.trades && !('error' in place.trades)) {
        if (app.getState().selectedSnapshotId !== place.trades.snapshotId) app.getState().selectSnapshot(place.trades.snapshotId);
        app.getState().showTrades(place.trades.scope);
      }
      if (app.getState().view !== place.view) app.getState().setView(place.view);
    } finally {
      reading = false;
    }
  };

  const hashOfView = (view: View): string | undefined => {
    if (view === 'cases') return routeToHash(cases.getState().route);
    if (view === 'trades') return tradesToHash(app.getState().selectedSnapshotId, app.getState().tradesScope);
    if (view === 'requests') return requestHash(requests.getState().selectedId);
    if (view !== 'exposure') return `#${view}`;
    // Back in the exposure view: its position, as its own connector writes it (unless the address already says one).
    const s = exposure.getState();
    if (s.snapshotId === undefined || win.location.hash.startsWith('#exposure')) return undefined;
    return viewToHash({
      snapshotId: s.snapshotId,
      path: s.path,
      at: s.at,
      filters: s.filters,
      sort: s.sort,
      ...(s.compareTo === undefined ? {} : { compareTo: s.compareTo }),
    });
  };

  read();
  const stopApp = app.subscribe((s, prev) => {
    if (s.view === prev.view) {
      // Another cell's trades (or all of them) in the open Trades view: the address follows, in the same entry.
      if (s.view === 'trades' && (s.tradesScope !== prev.tradesScope || s.selectedSnapshotId !== prev.selectedSnapshotId))
        go(tradesToHash(s.selectedSnapshotId, s.tradesScope), false);
      return;
    }
    const hash = hashOfView(s.view);
    if (hash) go(hash, true);
  });
  const stopCases = cases.subscribe((s, prev) => {
    if (s.route === prev.route || app.getState().view !== 'cases') return;
    const moved = s.route.caseNumber !== prev.route.caseNumber || s.route.itemId !== prev.route.itemId;
    go(routeToHash(s.route), moved);
  });
  // Opening a request is a new entry (Back closes it); closing it goes back to the list's address.
  const stopRequests = requests.subscribe((s, prev) => {
    if (s.selectedId === prev.selectedId || app.getState().view !== 'requests') return;
    go(requestHash(s.selectedId), s.selectedId !== undefined);
  });
  win.addEventListener('popstate', read);
  return () => {
    stopApp();
    stopCases();
    stopRequests();
    win.removeEventListener('popstate', read);
  };
}
