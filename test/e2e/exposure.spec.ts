import Database from 'better-sqlite3';
import { parseFormattedNumber } from '../../shared/domain/format';
import { apiCall, expect, test, type ServedApp } from './fixtures';

interface SnapshotSummary {
  snapshotId: number;
  isDemo: boolean;
  tradeRows: number;
}

/** Waits for the first-start demo load to finish (it runs in a worker thread). */
async function demoSnapshot(app: ServedApp): Promise<SnapshotSummary> {
  await expect
    .poll(async () => (await apiCall<SnapshotSummary[]>(app, 'snapshots.list', {})).length, { timeout: 90_000, intervals: [500] })
    .toBeGreaterThan(0);
  const [snapshot] = await apiCall<SnapshotSummary[]>(app, 'snapshots.list', {});
  return snapshot!;
}

/**
 * Totals computed straight from the raw report rows, written independently of the rollup code:
 * one report per UTI (the lowest reporting LEI) among live reports, via a window function.
 */
function directTotals(dbFile: string, snapshotId: number) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const { asOf } = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { asOf: string };
    // Outstanding: not terminated, erroneous, a position component or ported out, and not matured.
    const outstanding = `snapshot_id = :s AND coalesce(action_type, '') NOT IN ('TERM', 'EROR', 'POSC', 'PRTO')
                         AND NOT coalesce(substr(expiration_date, 1, 10) < :asOf, 0)`;
    const trades = db
      .prepare(
        `SELECT count(*) AS trades, total(notional_usd) AS gross FROM (
           SELECT notional_usd, row_number() OVER (PARTITION BY uti ORDER BY reporting_lei) AS n
             FROM trade_state WHERE ${outstanding}
         ) WHERE n = 1`,
      )
      .get({ s: snapshotId, asOf }) as { trades: number; gross: number };
    const counterparties = db
      .prepare(
        `SELECT count(*) AS n FROM (
           SELECT reporting_lei FROM trade_state WHERE ${outstanding}
           UNION SELECT other_cpty_id FROM trade_state WHERE ${outstanding})`,
      )
      .get({ s: snapshotId, asOf }) as { n: number };
    // Margin is a stock: the latest report per portfolio (or trade) and side, on or before the as-of date.
    const margin = db
      .prepare(
        `SELECT total(im_posted_usd) AS im FROM (
           SELECT im_posted_usd, row_number() OVER (PARTITION BY reporting_lei, other_cpty_id, collateral_portfolio_code, uti
                                                    ORDER BY collateral_ts DESC NULLS LAST, rowid DESC) AS n
             FROM margin_state WHERE snapshot_id = :s AND (collateral_ts IS NULL OR substr(collateral_ts, 1, 10) <= :asOf)
         ) WHERE n = 1`,
      )
      .get({ s: snapshotId, asOf }) as { im: number };
    return { trades: trades.trades, gross: trades.gross, counterparties: counterparties.n, im: margin.im };
  } finally {
    db.close();
  }
}

test('the app opens on the demo data and its totals row equals a direct SQL sum', async ({ page, served }) => {
  const snapshot = await demoSnapshot(served);
  expect(snapshot.isDemo).toBe(true);
  expect(snapshot.tradeRows).toBeGreaterThan(40_000);

  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(served.url);

  await expect(page.getByRole('heading', { name: 'Exposure by jurisdiction' })).toBeVisible();
  const grid = page.getByTestId('exposure-grid');
  // Rows carry the grouping key as their row id (getRowId); the totals row is pinned with its own id.
  const bodyRows = grid.locator('.ag-row:not(.ag-row-pinned)');
  await expect(bodyRows.first()).toBeVisible();
  expect(await bodyRows.count()).toBeGreaterThan(10);
  await expect(grid.locator('.ag-row[row-id="US"] [col-id="label"]')).toHaveText('United States (US)');

  const totalsRow = grid.locator('.ag-row-pinned[row-id="__total__"]');
  await expect(totalsRow).toBeVisible();
  const cell = async (colId: string) => parseFormattedNumber((await totalsRow.locator(`[col-id="${colId}"]`).innerText()).trim());
  const expected = directTotals(served.dbFile, snapshot.snapshotId);
  expect(await cell('tradeCount')).toBe(expected.trades);
  expect(await cell('counterpartyCount')).toBe(expected.counterparties);
  expect(await cell('grossNotionalUsd')).toBe(Math.round(expected.gross));
  expect(await cell('imPostedUsd')).toBe(Math.round(expected.im));

  // The session token leaves the address bar once read (which then holds the exposure view's position), and no script or style broke the CSP.
  expect(new URL(page.url()).hash).not.toContain('token');
  expect(new URL(page.url()).hash).toMatch(/^#exposure\?snapshot=\d+&/);
  expect(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test('the server refuses calls without the token (401) and from a foreign origin (403)', async ({ served }) => {
  const noToken = await fetch(`${served.origin}/api/call/app.info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(noToken.status).toBe(401);
  const foreign = await fetch(`${served.origin}/api/call/app.info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}`, Origin: 'http://attacker.example' },
    body: '{}',
  });
  expect(foreign.status).toBe(403);
});

test('a page from another origin cannot read the API, even knowing the port', async ({ page, served }) => {
  await page.goto('about:blank');
  const status = await page.evaluate(async (origin) => {
    try {
      const r = await fetch(`${origin}/api/call/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return r.status;
    } catch {
      return 'blocked';
    }
  }, served.origin);
  expect(status).toBe('blocked');
});
