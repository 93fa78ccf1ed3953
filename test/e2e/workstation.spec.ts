import type { Page } from '@playwright/test';
import { apiCall, expect, test } from './fixtures';

/**
 * Issue 15 in browser mode on the demo data: the table takes the room (saved views fold away, charts in a split
 * the user sizes; compare's column groups are tested in views.spec.ts, which imports a second snapshot), the date format chosen in Settings is how dates read and are typed, and every list says why it
 * is empty and what to do next.
 */
test.beforeEach(async ({ page, served }) => {
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  await page.setViewportSize({ width: 1280, height: 720 });
});

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true }).click();

test('the drill table takes the room: saved views fold away, charts share the height through a separator, both remembered', async ({
  page,
  served,
}) => {
  await page.goto(served.url);
  const grid = page.getByTestId('exposure-grid');
  await expect(grid.locator('.ag-row-pinned')).toBeVisible();
  const gridBox = async () => (await grid.boundingBox())!;
  const before = await gridBox();
  // The page never scrolls: the view fits the window, the grid fills what is left.
  expect(await page.evaluate(() => document.querySelector('main')!.scrollHeight <= document.querySelector('main')!.clientHeight + 1)).toBe(
    true,
  );
  await page.getByRole('button', { name: 'Hide the saved views' }).click();
  await expect(page.getByTestId('saved-views')).toHaveCount(0);
  await expect.poll(async () => (await gridBox()).width).toBeGreaterThan(before.width + 200);

  await page.getByTestId('charts-toggle').click();
  await expect(page.getByTestId('charts-panel')).toBeVisible();
  const separator = page.getByRole('separator', { name: 'Resize the table and the charts' });
  const withCharts = await gridBox();
  expect(withCharts.height).toBeLessThan(before.height);
  // Dragging the separator down gives the table more height.
  const s = (await separator.boundingBox())!;
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(s.x + s.width / 2, s.y + 80, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await gridBox()).height).toBeGreaterThan(withCharts.height + 40);
  const share = await separator.getAttribute('aria-valuenow');

  // Another session in the same browser profile: the same layout.
  await page.reload();
  await expect(grid.locator('.ag-row-pinned')).toBeVisible();
  await expect(page.getByTestId('saved-views')).toHaveCount(0);
  await expect(page.getByRole('separator', { name: 'Resize the table and the charts' })).toHaveAttribute('aria-valuenow', share!);
  await page.getByTestId('charts-toggle').click();
  await page.getByTestId('saved-views-show').click();
  await expect(page.getByTestId('saved-views')).toBeVisible();

  // The same five figure cards at the top and one level down.
  const cards = () => page.getByTestId('exposure-kpis').locator('.kpi-label').allInnerTexts();
  const five = ['Gross notional', 'Trades', 'Counterparties', 'IM posted', 'Not converted to USD'];
  expect(await cards()).toEqual(five);
  // (The default path is one dimension: a double-click there asks which dimension to drill by.)
  await grid.locator('.ag-row:not(.ag-row-pinned)').first().locator('[col-id="label"]').dblclick();
  await page
    .getByRole('dialog', { name: /^Drill .* by$/ })
    .getByRole('button', { name: 'Counterparty', exact: true })
    .click();
  await expect(page.getByTestId('breadcrumb').locator('button')).toHaveCount(2);
  await expect(grid.locator('.ag-header-cell[col-id="label"]')).toHaveText('Counterparty');
  expect(await cards()).toEqual(five);
  // One counterparty per row: that column is not shown here; the LEI has its own.
  await expect(grid.locator('.ag-header-cell[col-id="counterpartyCount"]')).toHaveCount(0);
  await expect(grid.locator('.ag-header-cell[col-id="key"]')).toHaveText('LEI');
});

test('the date format chosen in Settings is how dates read and are typed; ISO still understood', async ({ page, served }) => {
  await page.goto(served.url);
  await nav(page, 'Settings');
  const format = page.getByLabel('Date format');
  await format.selectOption('dmy');
  // The snapshot picker names the selected snapshot's as-of date in that format (earlier tests may have imported others).
  const checked = page.getByTestId('snapshot-picker').locator('option:checked');
  const selectedId = Number(await checked.getAttribute('value'));
  const selected = (await apiCall<Array<{ snapshotId: number; asOfDate: string }>>(served, 'snapshots.list', {})).find(
    (s) => s.snapshotId === selectedId,
  )!;
  const [y, m, d] = selected.asOfDate.split('-');
  await expect(checked).toContainText(`as of ${d}/${m}/${y}`);
  // A date typed in the chosen format reaches the form as yyyy-mm-dd: the import dialog's "As of".
  await nav(page, 'Feeds & snapshots');
  await page.getByRole('button', { name: 'Import file…' }).click();
  const asOf = page.getByLabel('As of', { exact: true });
  await expect(asOf).toHaveAttribute('placeholder', 'dd/mm/yyyy');
  await asOf.fill('1/6/2026');
  await expect(asOf).toHaveValue('01/06/2026');
  await expect(asOf).not.toHaveAttribute('aria-invalid', 'true');
  await asOf.fill('2026-06-30');
  await expect(asOf).toHaveValue('30/06/2026');
  await asOf.fill('06/30/2026');
  await expect(asOf).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  // Back to ISO, as the other tests expect.
  await nav(page, 'Settings');
  await page.getByLabel('Date format').selectOption('iso');
  await expect(checked).toContainText(`as of ${selected.asOfDate}`);
});

test('an empty list says why and what to do next: a drill search, trades under a filter, the MoU registry under a search', async ({
  page,
  served,
}) => {
  await page.goto(served.url);
  const grid = page.getByTestId('exposure-grid');
  await expect(grid.locator('.ag-row-pinned')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Find rows in this level' }).fill('no such jurisdiction zz');
  await expect(page.getByTestId('exposure-empty')).toHaveText(
    'No row of this level matches “no such jurisdiction zz”: change or clear the search.',
  );
  await page.getByRole('searchbox', { name: 'Find rows in this level' }).fill('');
  await expect(page.getByTestId('exposure-empty')).toHaveCount(0);

  await nav(page, 'Trades');
  const trades = page.getByTestId('trades-grid');
  await expect(trades.locator('.ag-row').first()).toBeVisible();
  await trades.getByRole('textbox', { name: 'UTI Filter Input' }).fill('no-such-uti');
  await expect(page.getByTestId('trades-empty')).toContainText('No trade matches the column filters');
  await trades.getByRole('textbox', { name: 'UTI Filter Input' }).fill('');
  await expect(page.getByTestId('trades-empty')).toHaveCount(0);

  await nav(page, 'MoUs');
  await page.getByRole('tab', { name: /^Authorities/ }).click();
  await page.getByTestId('authorities-grid').locator('..').getByRole('searchbox').fill('no such authority zz');
  await expect(page.getByTestId('authorities-empty')).toContainText('No authority matches these filters');
  await page.getByRole('tab', { name: /^Instruments/ }).click();
  await page.getByTestId('instruments-grid').locator('..').getByRole('searchbox').fill('no such instrument zz');
  await expect(page.getByTestId('instruments-empty')).toContainText('No instrument matches these filters');
});

test('codes read as words with the code on hover: contract types and directions in the Trades grid', async ({ page, served }) => {
  await page.goto(served.url);
  // The demo snapshot (earlier specs import small ones, and the newest is selected), whole: trades of every kind.
  const picker = page.getByTestId('snapshot-picker');
  await picker.selectOption((await picker.locator('option', { hasText: '(demo data)' }).first().getAttribute('value'))!);
  await nav(page, 'Trades');
  // The Trades page keeps the cell an earlier test opened.
  await expect(page.getByTestId('trades-scope')).toBeVisible();
  const showAll = page.getByRole('button', { name: 'Show all trades' });
  if (await showAll.isVisible()) await showAll.click();
  await expect(page.getByTestId('trades-scope')).toContainText('Whole snapshot');
  const trades = page.getByTestId('trades-grid');
  await expect(trades.locator('.ag-row [col-id="contractType"]').first()).toBeVisible();
  const read = (col: string) =>
    trades.locator(`.ag-row [col-id="${col}"]`).evaluateAll((cells) => cells.slice(0, 20).map((c) => (c as HTMLElement).innerText.trim()));
  const contractWords = ['Future', 'Perpetual', 'Option', 'Swap', 'CFD', 'Forward', 'Swaption', 'Spreadbet', 'FRA', 'Other'];
  await expect.poll(async () => (await read('contractType')).length).toBeGreaterThan(5);
  const contracts = await read('contractType');
  for (const c of contracts) expect(contractWords, `contract type shown as “${c}”`).toContain(c);
  for (const d of await read('direction')) expect(['Buyer', 'Seller', 'Payer of leg 1', 'Receiver of leg 1']).toContain(d);
  // Hovering a contract type shows its code.
  const cell = trades.locator('.ag-row [col-id="contractType"]').first();
  const box = (await cell.boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + box.height / 2);
  await page.mouse.move(box.x + 10, box.y + box.height / 2, { steps: 3 });
  await expect(page.locator('.ag-tooltip')).toHaveText(/^Code [A-Z]{4}$/);
});
