import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { apiCall, expect, test, type ServedApp } from './fixtures';

interface Snapshot {
  snapshotId: number;
  isDemo: boolean;
}

async function demoSnapshot(app: ServedApp): Promise<Snapshot> {
  await expect
    .poll(async () => (await apiCall<Snapshot[]>(app, 'snapshots.list', {})).some((s) => s.isDemo), { timeout: 120_000, intervals: [500] })
    .toBe(true);
  return (await apiCall<Snapshot[]>(app, 'snapshots.list', {})).find((s) => s.isDemo)!;
}

/** Chooses the case in an "Add to case" menu and returns the item number the confirmation links to. */
async function addToCase(page: Page, button: RegExp, caseNumber: string): Promise<number> {
  const anchor = page.getByTestId('add-to-case').filter({ has: page.getByRole('button', { name: button }) });
  await anchor.getByRole('button', { name: button }).click();
  await anchor.getByRole('menuitem', { name: new RegExp(caseNumber) }).click();
  const link = anchor.getByRole('link', { name: new RegExp(`${caseNumber}, item #\\d+`) });
  await expect(link).toBeVisible();
  return Number(/#(\d+)/.exec((await link.textContent())!)![1]);
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

async function openItem(page: Page, caseNumber: string, itemId: number) {
  await page.goto(`${new URL(page.url()).origin}/#case/${caseNumber}/item/${itemId}`);
  await expect(page.getByTestId('item-page')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^#${itemId} ·`) })).toBeVisible();
}

test('a case from opening to dossier: subjects, a pinned level and trades, evidence, a note, grades, a task, search, timeline, re-check', async ({
  browser,
  served,
}) => {
  test.setTimeout(300_000);
  const snapshot = await demoSnapshot(served);
  // A counterparty LEI of the demo snapshot, to add as a subject (the form resolves its name).
  const counterparties = await apiCall<{ rows: Array<{ key: string | null; label: string }> }>(served, 'exposure.drill', {
    snapshotId: snapshot.snapshotId,
    path: ['counterparty'],
  });
  const lei = counterparties.rows.find((r) => r.key && /^[A-Z0-9]{20}$/.test(r.key))!.key!;

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(served.url);

  // 1. Open a case.
  await page.getByRole('button', { name: 'Cases' }).click();
  await page.getByRole('button', { name: 'New case…' }).click();
  const form = page.getByRole('dialog', { name: 'New case' });
  await form.getByRole('button', { name: 'Create case' }).click();
  await expect(form.getByText('The title is required.')).toBeVisible();
  await form.getByLabel('Title').fill('Liquidation cascade on XYZ perpetuals');
  await form.getByLabel('Classification (TLP 2.0)').selectOption('AMBER+STRICT');
  await form.getByLabel('Summary').fill('Cross-venue liquidations on 12 June; margin calls not met by an omnibus account.');
  await form.getByRole('button', { name: 'Create case' }).click();
  const heading = page.getByRole('heading', { level: 1, name: /^CASE-\d{4}-\d{4} · Liquidation cascade/ });
  await expect(heading).toBeVisible();
  const caseNumber = /^(CASE-\d{4}-\d{4})/.exec((await heading.textContent())!)![1]!;
  await expect(page.getByTestId('classification-banner')).toContainText('TLP:AMBER+STRICT');

  // 2. Subjects: an entity by LEI (resolved from the snapshot) and a wallet (EIP-55 checked).
  await openTab(page, 'Subjects');
  await page.getByRole('button', { name: 'Add subject…' }).click();
  const subjectForm = page.getByRole('form', { name: 'Add subject' });
  await subjectForm.getByLabel('LEI').fill(lei);
  await subjectForm.getByRole('button', { name: 'Add subject' }).click();
  const subjects = page.getByTestId('subjects');
  await expect(subjects).toContainText(lei);
  await subjectForm.getByLabel('Kind').selectOption({ label: 'Wallet' });
  await subjectForm.getByLabel('Chain').selectOption('ethereum');
  // One letter's case changed: the checksum no longer holds, and the form says so.
  await subjectForm.getByLabel('Address').fill('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD');
  await subjectForm.getByLabel(/^Name/).fill('Omnibus hot wallet');
  await subjectForm.getByRole('button', { name: 'Add subject' }).click();
  await expect(subjectForm.locator('.field-error')).toContainText(/checksum/i);
  await subjectForm.getByLabel('Address').fill('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
  await subjectForm.getByRole('button', { name: 'Add subject' }).click();
  await expect(subjects).toContainText('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
  await expect(page.getByRole('tab', { name: /^Subjects/ })).toHaveText('Subjects (2)');

  // 3. Pin a drill level from Exposure, and one row of it.
  await page.getByRole('button', { name: 'Exposure' }).click();
  const grid = page.getByRole('grid').first();
  await expect(grid.getByRole('row').nth(1)).toBeVisible();
  const levelItem = await addToCase(page, /^Add level to case/, caseNumber);
  const firstRowLabel = (await grid.locator('.ag-row:not(.ag-row-pinned) [col-id="label"]').first().textContent())!.trim();
  await grid.locator('.ag-row:not(.ag-row-pinned) [col-id="label"]').first().click();
  const rowItem = await addToCase(page, /^Add row to case/, caseNumber);
  expect(rowItem).toBe(levelItem + 1);

  // 4. Tick two trades in Trades and add them.
  await page.getByRole('button', { name: 'Trades', exact: true }).click();
  const trades = page.getByTestId('trades-grid');
  const checkboxes = trades.locator('.ag-row .ag-selection-checkbox input[type="checkbox"]');
  await expect(checkboxes.first()).toBeVisible({ timeout: 30_000 });
  // The first page of rows has arrived (more than the one row drawn while loading).
  await expect.poll(() => checkboxes.count()).toBeGreaterThan(2);
  await checkboxes.nth(0).check();
  await expect(page.getByTestId('trades-selected')).toHaveText('1 trade selected');
  await checkboxes.nth(1).check();
  await expect(page.getByTestId('trades-selected')).toHaveText('2 trades selected');
  const tradesItem = await addToCase(page, /^Add 2 trades to case/, caseNumber);

  // 5. Attach a file; its SHA-256 is shown and matches the file's.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-e2e-case-'));
  const evidenceFile = path.join(dir, 'exchange-reply.txt');
  const evidenceText = 'Reply of the exchange, 14 June: the omnibus account belongs to XYZ Prime Ltd.\n';
  fs.writeFileSync(evidenceFile, evidenceText);
  const sha256 = crypto.createHash('sha256').update(evidenceText).digest('hex');
  await page.goto(`${served.origin}/#case/${caseNumber}/items`);
  await expect(page.getByTestId('case-page')).toBeVisible();
  await page.getByRole('button', { name: 'Attach file…' }).click();
  const attach = page.getByRole('form', { name: 'Attach file' });
  await attach.getByLabel('File to attach').setInputFiles(evidenceFile);
  await attach.getByLabel('Received from (optional)').fill('Exchange compliance desk');
  await attach.getByRole('button', { name: 'Attach', exact: true }).click();
  await expect(page.getByTestId('items-count')).toHaveText('4 items');

  // 6. A note in Markdown, with a link to the pinned level; HTML stays text.
  await page.getByRole('button', { name: 'Add note…' }).click();
  const noteForm = page.getByRole('form', { name: 'Add note' });
  await noteForm
    .getByLabel('Note (Markdown)')
    .fill(`**Margin shortfall** confirmed by the omnibus reconciliation; see [[item:${levelItem}]].\n\n<script>alert(1)</script>`);
  await expect(noteForm.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('Margin shortfall');
  await noteForm.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('items-count')).toHaveText('5 items');

  // The evidence item shows the file's SHA-256 and its text.
  const items = await apiCall<{ rows: Array<{ itemId: number; kind: string }> }>(served, 'cases.items', {
    caseNumber,
    startRow: 0,
    endRow: 100,
  });
  const evidenceItem = items.rows.find((r) => r.kind === 'evidence')!.itemId;
  const noteItem = items.rows.find((r) => r.kind === 'note')!.itemId;
  await openItem(page, caseNumber, evidenceItem);
  await expect(page.getByTestId('evidence-sha256')).toHaveText(sha256);
  await expect(page.getByTestId('text-preview')).toHaveText(evidenceText.trim());

  // The note renders its Markdown, links the item and shows the script tag as text.
  await openItem(page, caseNumber, noteItem);
  await expect(page.getByTestId('note').locator('strong')).toHaveText('Margin shortfall');
  await expect(page.getByTestId('note')).toContainText('<script>alert(1)</script>');
  await expect(page.getByTestId('note').locator('script')).toHaveCount(0);

  // 7. Grade the evidence (B2) and the pinned row (A1); give the note an event date.
  await openItem(page, caseNumber, evidenceItem);
  const details = page.getByRole('form', { name: 'Item details' });
  await details.getByLabel('Source reliability').selectOption('B');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.locator('.field-error')).toContainText('Choose both');
  await details.getByLabel('Information credibility').selectOption('2');
  await expect(details.getByTestId('grade-shown')).toHaveText('B2');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText('Saved.')).toBeVisible();
  await openItem(page, caseNumber, rowItem);
  await details.getByLabel('Source reliability').selectOption('A');
  await details.getByLabel('Information credibility').selectOption('1');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText('Saved.')).toBeVisible();
  await openItem(page, caseNumber, noteItem);
  await details.getByLabel('Event date').fill('2026-06-12');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText('Saved.')).toBeVisible();
  await page.getByRole('button', { name: '‹ All items' }).click();
  const itemsGrid = page.getByTestId('items-grid');
  await expect(itemsGrid.locator(`.ag-row[row-id="${evidenceItem}"] [col-id="grade"]`)).toHaveText('B2');
  await expect(itemsGrid.locator(`.ag-row[row-id="${rowItem}"] [col-id="grade"]`)).toHaveText('A1');

  // 8. A task, due before the case's next step, linked to the trades.
  await openTab(page, 'Tasks');
  const taskForm = page.getByRole('form', { name: 'Add task' });
  await taskForm.getByLabel('Task').fill('Ask the exchange for the omnibus account’s sub-account ledger');
  await taskForm.getByLabel('Assignee (optional)').fill('A. Examiner');
  await taskForm.getByLabel('Due date (optional)').fill('2027-01-15');
  await taskForm.getByLabel('Linked items (optional)').selectOption(String(tradesItem));
  await taskForm.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('tab', { name: /^Tasks/ })).toHaveText('Tasks (1)');
  await expect(page.getByRole('tabpanel')).toContainText('sub-account ledger');

  // 9. Search: a word of the note finds it; a word of the file's name finds the evidence, in every case.
  await openTab(page, 'Search');
  await page.getByLabel('Search for').fill('shortfall');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-hits')).toContainText(`#${noteItem}`);
  await page.getByLabel('in every case').check();
  await page.getByLabel('Search for').fill('exchange reply');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-hits')).toContainText('exchange-reply.txt');

  // 10. Timeline: the note at its event date comes first, then the items added today.
  await openTab(page, 'Timeline');
  const timeline = page.getByRole('list', { name: 'Timeline, oldest first' });
  await expect(timeline.getByRole('listitem').first()).toContainText('2026-06-12');
  await expect(timeline.getByRole('listitem').first()).toContainText('Margin shortfall');
  await expect(page.getByRole('img', { name: /^Timeline chart/ })).toBeVisible();

  // 11. Re-check the pinned level: the store still gives what was pinned.
  await openItem(page, caseNumber, levelItem);
  await page.getByRole('button', { name: 'Re-check' }).click();
  await expect(page.getByTestId('recheck-result')).toContainText('Reproduced');
  await openItem(page, caseNumber, rowItem);
  // The pinned row, shown with the level's total for context.
  await expect(page.getByTestId('pinned-view').getByRole('rowheader')).toHaveText([firstRowLabel, /^Total/]);

  // 12. The dossier: saved as a file and opened for printing; it carries the banner, the items and the signed head.
  const popup = page.context().waitForEvent('page');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Dossier' }).click();
  const saved = await download;
  const html = fs.readFileSync((await saved.path())!, 'utf8');
  expect(saved.suggestedFilename()).toContain(caseNumber);
  expect(html).toContain('TLP:AMBER+STRICT');
  expect(html).toContain(sha256);
  expect(html).toContain('Margin shortfall');
  expect(html).toContain(lei);
  expect(html).not.toContain('<script>alert(1)</script>');
  const printable = await popup;
  await expect(printable.getByText(caseNumber).first()).toBeVisible();
  await printable.close();
  await expect(page.getByTestId('dossier-status')).toContainText('Saved');

  // 13. The audit chain verifies, its head signed by the dossier's export.
  await openTab(page, 'Audit');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('chain-check')).toContainText(/holds|verified|intact/i);
  await expect(page.getByTestId('last-signature')).toContainText(/signed/i);

  expect(errors).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});
