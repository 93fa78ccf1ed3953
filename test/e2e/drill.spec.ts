import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { isCsvHeaderLine } from '../../shared/domain/csv';
import path from 'node:path';
import { contractTypeNames } from '../../shared/domain/codeLabels';
import { parseFormattedNumber } from '../../shared/domain/format';
import type { Locator, Page } from '@playwright/test';
import { apiCall, expect, test, type ServedApp } from './fixtures';

const cli = path.resolve(import.meta.dirname, '..', '..', 'electron', 'cli', 'bin.cjs');

test('a supervisor drills three levels down a path, goes back up, and the CLI prints the same rows', async ({ page, served }) => {
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  const [demo] = await apiCall<Array<{ snapshotId: number; isDemo: boolean }>>(served, 'snapshots.list', {}).then((l) =>
    l.filter((s) => s.isDemo),
  );
  const snapshotId = demo!.snapshotId;
  await page.goto(served.url);
  const grid = page.getByTestId('exposure-grid');
  await expect(grid.locator('.ag-row-pinned')).toBeVisible();

  const addDimension = page.getByRole('combobox', { name: 'Add a dimension' });
  await addDimension.selectOption('group');
  await addDimension.selectOption('counterparty');
  await addDimension.selectOption('underlier');

  const firstRow = () => grid.locator('.ag-row:not(.ag-row-pinned)').first();
  const labelOf = async () => (await firstRow().locator('[col-id="label"]').innerText()).trim();
  /** A row's whole label: where the keys are LEIs the grid shows the name and, in its own column, the LEI. */
  const fullLabelOf = async () => {
    const name = await labelOf();
    const lei = (await firstRow().locator('[col-id="key"]').innerText()).trim();
    expect(lei, 'the LEI column').toMatch(/^[A-Z0-9]{18}[0-9]{2}$/);
    expect(name, 'the name without its LEI').not.toContain(`(${lei})`);
    return name === lei ? lei : `${name} (${lei})`;
  };

  /**
   * A double-click that drills to `level`. On a loaded runner the grid can redraw a row just after showing the level,
   * between the two clicks, and the browser then sees no double-click: it is tried again only when no drill was
   * asked for at all (a second try after a drill that was asked would drill twice).
   */
  let drillsAsked = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/call/exposure.drill')) drillsAsked++;
  });
  const doubleClickToDrill = async (cell: Locator, level: string) => {
    const before = drillsAsked;
    await expect(async () => {
      if (drillsAsked === before) await cell.dblclick();
      await expect(levelHeader).toHaveText(level, { timeout: 5_000 });
    }).toPass({ timeout: 30_000 });
  };

  // Level 1 → 2 by keyboard, 2 → 3 and 3 → 4 by double-click.
  const jurisdiction = await labelOf();
  await firstRow().locator('[col-id="label"]').click();
  await page.keyboard.press('Enter');
  // The grid's first header names the level its rows belong to (the page heading changes first).
  const levelHeader = grid.locator('.ag-header-cell[col-id="label"]');
  await expect(levelHeader).toHaveText('Group (ultimate parent)');
  await expect(grid.locator('.ag-header-cell[col-id="key"]')).toHaveText('LEI');
  const group = await fullLabelOf();
  await doubleClickToDrill(firstRow().locator('[col-id="label"]'), 'Counterparty');
  const counterparty = await fullLabelOf();
  // One counterparty per row at this level: the counterparty count would say nothing, so it is not shown.
  await expect(grid.locator('.ag-header-cell[col-id="counterpartyCount"]')).toHaveCount(0);
  await doubleClickToDrill(firstRow().locator('[col-id="label"]'), 'Underlier');
  await expect(page.getByTestId('breadcrumb')).toHaveText(`All › ${jurisdiction} › ${group} › ${counterparty}`);
  await expect(grid.locator('.ag-header-cell[col-id="key"]')).toHaveCount(0);
  await expect(grid.locator('.ag-header-cell[col-id="counterpartyCount"]')).toHaveCount(1);

  // What the grid shows at the fourth level, row by row.
  await expect(grid.locator('.ag-row-pinned')).toBeVisible();
  const shown = await grid.locator('.ag-row:not(.ag-row-pinned)').evaluateAll((rows) =>
    rows.map((r) => ({
      label: (r.querySelector('[col-id="label"]') as HTMLElement).innerText.trim(),
      trades: (r.querySelector('[col-id="tradeCount"]') as HTMLElement).innerText.trim(),
      gross: (r.querySelector('[col-id="grossNotionalUsd"]') as HTMLElement).innerText.trim(),
    })),
  );

  // The CLI on the same database, with the keys the UI chose (read back from the API).
  const keysFor = async (pathSoFar: string[], at: Array<string | null>, label: string) => {
    const level = await apiCall<{ rows: Array<{ key: string | null; label: string }> }>(served, 'exposure.drill', {
      snapshotId,
      path: pathSoFar,
      at,
    });
    const found = level.rows.find((r) => r.label === label);
    if (!found)
      throw new Error(`no row labelled ${JSON.stringify(label)} in ${JSON.stringify(level.rows.slice(0, 3).map((r) => r.label))}`);
    return found.key;
  };
  const p = ['jurisdiction', 'group', 'counterparty', 'underlier'];
  const k1 = await keysFor(p, [], jurisdiction);
  const k2 = await keysFor(p, [k1], group);
  const k3 = await keysFor(p, [k1, k2], counterparty);
  const printed = JSON.parse(
    execFileSync(
      process.execPath,
      [
        cli,
        'exposure',
        '--by',
        p.join(','),
        '--where',
        `jurisdiction=${k1}`,
        '--where',
        `group=${k2}`,
        '--where',
        `counterparty=${k3}`,
        '--snapshot',
        String(snapshotId),
        '--data-dir',
        served.dataDir,
        '--json',
      ],
      { encoding: 'utf8' },
    ),
  ) as { rows: Array<{ label: string; tradeCount: number; grossNotionalUsd: number }> };
  expect(printed.rows.map((r) => ({ label: r.label, trades: r.tradeCount, gross: Math.round(r.grossNotionalUsd) }))).toEqual(
    shown.map((r) => ({ label: r.label, trades: parseFormattedNumber(r.trades), gross: parseFormattedNumber(r.gross) })),
  );

  // "Export CSV" writes the same figures the grid shows, after a header block.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = fs.readFileSync(await (await download).path(), 'utf8');
  expect(csv).toContain(`# Position: All > ${jurisdiction} > ${group} > ${counterparty}`);
  const table = csv
    .trimEnd()
    .split('\n')
    .filter((l) => !isCsvHeaderLine(l));
  const header = table[0]!.split(',');
  const exported = table.slice(1, -1);
  // The numeric fields shown by default end each line (a label may itself contain commas): count from the end.
  const fromEnd = (name: string) => header.length - header.indexOf(name);
  const figures = exported
    .map((l) => l.split(','))
    .map((t) => ({ gross: Number(t[t.length - fromEnd('Gross notional (USD)')]), trades: Number(t[t.length - fromEnd('Trades')]) }));
  expect(figures).toEqual(shown.map((r) => ({ gross: parseFormattedNumber(r.gross), trades: parseFormattedNumber(r.trades) })));

  // Backspace goes up one level; the breadcrumb goes back to the top.
  await firstRow().locator('[col-id="label"]').click();
  await page.keyboard.press('Backspace');
  await expect(levelHeader).toHaveText('Counterparty');
  await page.getByTestId('breadcrumb').getByRole('button', { name: 'All' }).click();
  await expect(levelHeader).toHaveText('Jurisdiction');
  await expect(page.getByRole('heading', { name: 'Exposure by jurisdiction' })).toBeVisible();
});

/** The app on the demo snapshot, at its first level: the grid, its first row, that row's label and id. */
async function firstRowOfTheDrill(page: Page, served: ServedApp) {
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  await page.goto(served.url);
  const grid = page.getByTestId('exposure-grid');
  const first = grid.locator('.ag-row:not(.ag-row-pinned)').first();
  await expect(first).toBeVisible();
  const label = (await first.locator('[col-id="label"]').innerText()).trim();
  // Pinned cells sit in their own row element with the same row id.
  const rowId = await first.getAttribute('row-id');
  return { grid, first, label, rowId };
}

test('"Trades" opens exactly the trades behind a cell, sorted in the database', async ({ page, served }) => {
  const { grid, first, label, rowId } = await firstRowOfTheDrill(page, served);
  const trades = parseFormattedNumber((await first.locator('[col-id="tradeCount"]').innerText()).trim());
  await grid.locator(`.ag-row[row-id="${rowId}"]`).getByRole('button', { name: 'Show the trades behind this row' }).click();

  await expect(page.getByRole('heading', { name: 'Trades' })).toBeVisible();
  await expect(page.getByTestId('trades-scope')).toHaveText(`${label} · ${trades.toLocaleString('en-US')} trades`);
  const tradesGrid = page.getByTestId('trades-grid');
  const header = tradesGrid.locator('.ag-header-cell[col-id="notionalUsd"] .ag-header-cell-label');
  await header.click();
  await header.click(); // ascending, then descending
  await expect(tradesGrid.locator('.ag-header-cell:not(.ag-floating-filter)[col-id="notionalUsd"]')).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  const readColumn = () =>
    tradesGrid
      .locator('.ag-row [col-id="notionalUsd"]')
      .evaluateAll((cells) => cells.slice(0, 20).map((c) => (c as HTMLElement).innerText.trim()));
  await expect.poll(async () => (await readColumn()).length).toBeGreaterThan(5);
  const values = (await readColumn()).map(parseFormattedNumber);
  expect(values).toEqual([...values].sort((a, b) => b - a));

  // A column filter (notional in USD from a threshold up, typed in the floating filter) runs in the
  // database: the count shown becomes the database's count for that filter, and every row meets it.
  const threshold = values[9]!;
  await tradesGrid.getByRole('spinbutton', { name: 'Notional (USD) Filter Input' }).fill(String(threshold));
  const [demo] = (await apiCall<Array<{ snapshotId: number; isDemo: boolean }>>(served, 'snapshots.list', {})).filter((s) => s.isDemo);
  const expected = await apiCall<{ total: number }>(served, 'exposure.trades', {
    snapshotId: demo!.snapshotId,
    path: ['jurisdiction'],
    at: [rowId === '__null__' ? null : rowId],
    columnFilters: { notionalUsd: { filterType: 'number', type: 'greaterThanOrEqual', filter: threshold } },
    startRow: 0,
    endRow: 1,
  });
  expect(expected.total).toBeGreaterThanOrEqual(9);
  expect(expected.total).toBeLessThan(trades);
  await expect(page.getByTestId('trades-scope')).toHaveText(`${label} · ${expected.total.toLocaleString('en-US')} trades`);
  await expect.poll(async () => (await readColumn()).length).toBe(Math.min(20, expected.total));
  for (const v of (await readColumn()).map(parseFormattedNumber)) expect(v).toBeGreaterThanOrEqual(threshold - 1);

  // Each party by name beside its LEI: the name shown is the one the API gives for that trade's reporting LEI.
  const firstTrade = tradesGrid.locator('.ag-row[row-index="0"]').filter({ has: page.locator('[col-id="uti"]') });
  const shownUti = (await firstTrade.locator('[col-id="uti"]').innerText()).trim();
  const [shownRow] = (
    await apiCall<{ rows: Array<{ uti: string; reportingLei: string; reportingName: string | null }> }>(served, 'exposure.trades', {
      snapshotId: demo!.snapshotId,
      path: [],
      at: [],
      columnFilters: { uti: { filterType: 'text', type: 'equals', filter: shownUti } },
      startRow: 0,
      endRow: 1,
    })
  ).rows;
  expect(shownRow?.reportingName, 'the demo names its counterparties').toBeTruthy();
  await expect(tradesGrid.locator('.ag-header-cell:not(.ag-floating-filter)[col-id="reportingName"]')).toContainText(
    'Reporting counterparty',
  );
  await expect(firstTrade.locator('[col-id="reportingName"]')).toHaveText(shownRow!.reportingName!);
  await expect(firstTrade.locator('[col-id="reportingLei"]')).toHaveText(shownRow!.reportingLei);
});

test('the trades behind a cell have an address: Back returns to the drill, Forward and a reload show them again, the breadcrumb links back', async ({
  page,
  served,
}) => {
  const { grid, label, rowId } = await firstRowOfTheDrill(page, served);
  const drillHash = await page.evaluate(() => location.hash);
  expect(drillHash).toMatch(/^#exposure\?/);
  await grid.locator(`.ag-row[row-id="${rowId}"]`).getByRole('button', { name: 'Show the trades behind this row' }).click();
  const scope = page.getByTestId('trades-scope');
  await expect(page.getByRole('heading', { name: 'Trades' })).toBeVisible();
  await expect(scope).toContainText(label);
  const scopeText = (await scope.innerText()).trim();
  // Codes in words: every contract type shown is one of the names (Option, Future…), not OPTN or FUTR.
  const contracts = page.getByTestId('trades-grid').locator('.ag-row [col-id="contractType"]');
  await expect(contracts.first()).toBeVisible();
  for (const shown of await contracts.allInnerTexts()) expect(Object.values(contractTypeNames)).toContain(shown.trim());
  const tradesHash = await page.evaluate(() => location.hash);
  expect(tradesHash).toMatch(/^#trades\?snapshot=\d+&path=jurisdiction&at=/);

  // Back: the drill level, not a blank page outside the app.
  await page.goBack();
  await expect(page.getByRole('heading', { name: /^Exposure by / })).toBeVisible();
  await expect(grid.locator(`.ag-row[row-id="${rowId}"]`).first()).toBeVisible();
  expect(await page.evaluate(() => location.hash)).toBe(drillHash);

  // Forward, then a reload: the same cell's trades.
  await page.goForward();
  await expect(scope).toHaveText(scopeText);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Trades' })).toBeVisible();
  await expect(scope).toHaveText(scopeText);

  // The breadcrumb is a link to the drill level the cell was chosen at.
  await page.getByTestId('trades-breadcrumb').click();
  await expect(page.getByRole('heading', { name: /^Exposure by / })).toBeVisible();
  await expect(grid.locator(`.ag-row[row-id="${rowId}"]`).first()).toBeVisible();
  expect(await page.evaluate(() => location.hash)).toBe(drillHash);
});

test('at the last level of a path, a double-click or Enter opens "Drill by…" with the dimensions left; a choice drills the row by it', async ({
  page,
  served,
}) => {
  // The default path is one dimension (jurisdiction): its first level is already the last.
  const { grid, label, rowId } = await firstRowOfTheDrill(page, served);
  const labelCell = grid.locator(`.ag-row[row-id="${rowId}"] [col-id="label"]`).first();
  await labelCell.dblclick();
  const menu = page.getByRole('dialog', { name: `Drill ${label} by` });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('button', { name: 'Group (ultimate parent)' })).toBeFocused();
  await expect(menu.getByRole('button', { name: 'Jurisdiction', exact: true })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  // Enter on the row opens it too.
  await labelCell.click();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await menu.getByRole('button', { name: 'Counterparty', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Exposure by counterparty' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Drill position' })).toContainText(label);
  expect(await page.evaluate(() => decodeURIComponent(location.hash))).toContain('path=jurisdiction,counterparty');
});
