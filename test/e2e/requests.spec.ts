import Database from 'better-sqlite3';
import type { Locator, Page } from '@playwright/test';
import { apiCall, expect, test, type ServedApp } from './fixtures';

/**
 * Requests for assistance in browser mode: an incoming request received on a known past date
 * under MiCA ITS 2024/2545, its acknowledgement deadline and overdue marking, then an
 * acknowledgement that changes its state.
 */

/**
 * The n-th weekday after `date`, computed here independently of the app. Holidays are left out:
 * none of the German calendar (BaFin's, the requested authority below) falls in the week used,
 * and the synthetic authorities have no calendar.
 */
function addWeekdays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  for (let left = n; left > 0;) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}

/**
 * Two authorities to use: the shipped registry's CySEC and BaFin when the registry is loaded,
 * else two synthetic ones written into the server's SQLite file (TEST names, synthetic = 1, so
 * they cannot collide with a registry loaded later).
 */
async function authorities(app: ServedApp): Promise<{ ours: string; theirs: string }> {
  try {
    const list = await apiCall<Array<{ shortName: string }>>(app, 'cooperation.authorities', {});
    const names = new Set(list.map((a) => a.shortName));
    if (names.has('CySEC') && names.has('BaFin')) return { ours: 'BaFin', theirs: 'CySEC' };
  } catch {
    // cooperation.authorities is not there: seed below.
  }
  const db = new Database(app.dbFile);
  try {
    db.pragma('busy_timeout = 20000');
    db.prepare(
      `INSERT OR IGNORE INTO coop_jurisdiction (code, name, kind) VALUES ('XA', 'E2E land A', 'country'), ('XB', 'E2E land B', 'country')`,
    ).run();
    const insert = db.prepare(
      `INSERT OR IGNORE INTO authority (short_name, full_name, jurisdiction, authority_type, is_regulator, iosco_membership, synthetic)
         VALUES (?, ?, ?, 'securities', 1, 'unknown', 1)`,
    );
    insert.run('TEST-OURS', 'E2E home authority', 'XA');
    insert.run('TEST-THEIRS', 'E2E foreign authority', 'XB');
  } finally {
    db.close();
  }
  return { ours: 'TEST-OURS', theirs: 'TEST-THEIRS' };
}

/** Picks an authority whether the form offers the registry's list or free text. */
async function chooseAuthority(field: Locator, name: string): Promise<void> {
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(name);
  else await field.fill(name);
}

/** The request's row in the grid: the part outside the pinned "Our ref" column (the one holding the other cells). */
const centreRow = (page: Page, requestId: number) =>
  page
    .getByTestId('requests-grid')
    .locator(`.ag-row[row-id="${requestId}"]`)
    .filter({ has: page.locator('[col-id="ack"]') });

test('an incoming MiCA request shows its acknowledgement deadline, is marked overdue, and is met once acknowledged in time', async ({
  page,
  served,
}) => {
  test.setTimeout(300_000);
  // A fresh data directory loads the demo snapshot first; its import holds SQLite's write lock for
  // longer than busy_timeout at times, so a write made meanwhile can fail with SQLITE_BUSY (as any
  // other write would). Wait for it to finish: this test is about requests, not about that.
  await expect
    .poll(async () => (await apiCall<Array<{ state: string }>>(served, 'jobs.list', {})).filter((j) => j.state === 'running').length, {
      timeout: 240_000,
      intervals: [1000],
    })
    .toBe(0);
  const { ours, theirs } = await authorities(served);
  const receivedAt = '2026-01-09'; // a Friday
  const due = addWeekdays(receivedAt, 5);
  expect(due).toBe('2026-01-16');
  const subject = `E2E suspected wash trading ${Date.now()}`;

  await page.goto(served.url);
  await page.getByRole('button', { name: 'Requests' }).click();
  await expect(page.getByRole('heading', { name: 'Requests for assistance' })).toBeVisible();
  // An empty log says so (it said "Loading…" for ever), with the next step.
  if ((await apiCall<unknown[]>(served, 'requests.list', {})).length === 0)
    await expect(page.getByTestId('requests-empty')).toContainText('No requests yet.');
  await page.getByRole('button', { name: 'New request…' }).click();

  const dialog = page.getByRole('dialog', { name: 'New request for assistance' });
  await expect(dialog.getByLabel('Direction')).toHaveValue('incoming');
  // The registry's list arrives after the form opens: wait for the choice to be offered.
  await expect
    .poll(async () =>
      (await dialog.getByLabel('Requesting authority').evaluate((el) => el.tagName)) === 'SELECT'
        ? (await dialog.getByLabel('Requesting authority').locator('option').allTextContents()).some((t) => t.startsWith(theirs))
        : true,
    )
    .toBe(true);
  await chooseAuthority(dialog.getByLabel('Our authority'), ours);
  await chooseAuthority(dialog.getByLabel('Requesting authority'), theirs);
  await dialog.getByLabel('Their reference').fill('E2E/2026/1');
  await dialog.getByLabel('Deadline rule').selectOption('MICA_ITS_2024_2545');
  // Dates are typed as yyyy-mm-dd whatever the browser's locale; a day that does not exist is marked as typed.
  const receivedOn = dialog.getByLabel('Received on');
  await expect(receivedOn).toHaveAttribute('placeholder', 'yyyy-mm-dd');
  await receivedOn.fill('2026-02-30');
  await expect(receivedOn).toHaveAttribute('aria-invalid', 'true');
  await receivedOn.fill(receivedAt);
  await expect(receivedOn).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Subject').fill(subject);
  await dialog.getByLabel('Purpose').fill('Enforcement of MiCA market abuse rules');
  await dialog.getByRole('button', { name: 'Add entity' }).click();
  await dialog.getByLabel('Entity 1 kind').selectOption('wallet');
  await dialog.getByLabel('Entity 1 value').fill('0x52908400098527886E0F7030069857D2E4169EE7');
  await expect(dialog.getByTestId('deadline-preview')).toContainText(`Acknowledgement due ${due}`);
  await dialog.getByRole('button', { name: 'Create request' }).click();
  await expect(dialog).toBeHidden();

  // The request page: the deadline, its state and the rule it comes from.
  const pageSection = page.getByTestId('request-page');
  await expect(pageSection.getByTestId('ack-due')).toHaveText(due);
  await expect(pageSection.getByTestId('ack-state')).toHaveText('overdue');
  await expect(pageSection.getByTestId('ack-deadline')).toContainText('MiCA ITS 2024/2545');
  // Counted on BaFin's calendar (the requested authority), or weekends only for the synthetic one.
  await expect(pageSection.getByTestId('ack-calendar')).toHaveText(
    /^Counted (on the German nationwide public holidays calendar, for BaFin\.|without a holiday calendar for TEST-OURS: weekends only\.)/,
  );

  // The grid: the row says "overdue" in words and carries the overdue class.
  const created = (await apiCall<Array<{ requestId: number; subject: string }>>(served, 'requests.list', {})).find(
    (r) => r.subject === subject,
  )!;
  const row = centreRow(page, created.requestId);
  await expect(row.locator('[col-id="ack"]')).toHaveText(`${due} · overdue`);
  await expect(row).toHaveClass(/row-overdue/);
  await expect(row.locator('[col-id="counterpartAuthority"]')).toHaveText(theirs);

  // Overdue only keeps it.
  await page.getByLabel('Overdue acknowledgements only').check();
  await expect(row).toBeVisible();
  await page.getByLabel('Overdue acknowledgements only').uncheck();

  // Acknowledged on Thursday 2026-01-15, before the deadline: met.
  const form = pageSection.getByRole('form', { name: 'Add event' });
  await form.getByLabel('Event').selectOption('acknowledged');
  await form.getByLabel('Date').fill('2026-01-15');
  await form.getByRole('button', { name: 'Add event' }).click();
  await expect(pageSection.getByTestId('ack-state')).toHaveText('met');
  await expect(pageSection.getByTestId('ack-deadline')).toContainText('Acknowledged on 2026-01-15, 1 working day before it was due.');
  await expect(pageSection.getByTestId('request-event').last()).toContainText('Acknowledged');
  await expect(row.locator('[col-id="ack"]')).toHaveText(`${due} · met`);
  await expect(row).not.toHaveClass(/row-overdue/);
  await expect(row.locator('[col-id="status"]')).toHaveText('Acknowledged');

  const stored = await apiCall<{ acknowledgedAt: string; status: string; ackState: string }>(served, 'requests.get', {
    requestId: created.requestId,
  });
  expect(stored).toMatchObject({ acknowledgedAt: '2026-01-15', status: 'acknowledged', ackState: 'met' });
});
