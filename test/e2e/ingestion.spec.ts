import fs from 'node:fs';
import path from 'node:path';
import { apiCall, expect, test } from './fixtures';

const fixture = (name: string) => path.resolve(import.meta.dirname, '..', 'fixtures', 'snapshot-small', name);

test('the demo arrives through its signed feed, which syncs again without change', async ({ page, served }) => {
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Feeds & snapshots' }).click();
  const feeds = page.getByTestId('feeds-panel');
  const demoRow = feeds.locator('tr', { hasText: '(demo)' });
  await expect(demoRow).toContainText('updated');
  await demoRow.getByRole('button', { name: 'Sync' }).click();
  await expect(demoRow).toContainText('unchanged', { timeout: 30_000 });
});

test('a supervisor imports files, reads the findings, filters, exports them and sees what the TR sent', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Feeds & snapshots' }).click();
  await page.getByRole('button', { name: 'Import file…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import TR files' });
  await dialog.getByLabel('Files').setInputFiles(['trades.csv', 'margins.csv', 'entities.csv', 'fx.csv'].map(fixture));
  await dialog.getByLabel('Source TR').fill('E2E TR');
  await dialog.getByLabel('As of').fill('2026-06-29');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });

  const row = page.getByTestId('snapshots-grid').locator('.ag-row', { hasText: 'E2E TR' });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.locator('[col-id="rejectedRows"]')).toHaveText('2');
  await row.click();

  const detail = page.getByTestId('snapshot-detail');
  await expect(detail.locator('table.files')).toContainText('trades.csv');
  await expect(detail.getByTestId('issues-total')).toContainText('2 findings');
  await detail.getByTestId('rule-filter').selectOption('CNC_LEI');
  await expect(detail.getByTestId('issues-total')).toContainText('1 findings');

  const download = page.waitForEvent('download');
  await detail.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv).toContain('# Filters: ruleId=CNC_LEI');
  expect(csv.trimEnd().split('\n').at(-1)).toMatch(/^trades\.csv,9,line 9,reporting_lei,CNC_LEI,ERROR,yes,/);

  await detail.getByTestId('issues-grid').locator('.ag-row', { hasText: 'CNC_LEI' }).dblclick();
  const raw = page.getByRole('dialog', { name: 'Rejected row' });
  await expect(raw).toContainText('5493001USDEALERA0096');
  await expect(raw).toContainText('7000000');
});
