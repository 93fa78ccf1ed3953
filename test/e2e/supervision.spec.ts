import type { Browser } from '@playwright/test';
import { apiCall, expect, test, type ServedApp } from './fixtures';

/**
 * Issue 14 in browser mode: alerts after the demo's import (badge, open in drill, escalate to a case), margin
 * against the harmonised schedule (a loaded and an edited version change the coverage shown), a saved stress
 * scenario read round by round with its chart, and a protocol with an open critical finding raising its alert.
 */

async function demoSnapshot(app: ServedApp): Promise<number> {
  const demo = async () => (await apiCall<Array<{ isDemo: boolean; snapshotId: number }>>(app, 'snapshots.list', {})).find((s) => s.isDemo);
  await expect.poll(async () => (await demo()) !== undefined, { timeout: 120_000, intervals: [500] }).toBe(true);
  return (await demo())!.snapshotId;
}

/** The app at 1440×900 on the demo snapshot, with the page's uncaught errors collected. */
async function openOnDemo(browser: Browser, served: ServedApp) {
  const demo = await demoSnapshot(served);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(served.url);
  // Other specs on this server may have imported newer snapshots, and the app opens the newest: choose the demo.
  await page.getByTestId('snapshot-picker').selectOption(String(demo));
  return { demo, page, errors };
}

test('margin coverage follows the schedule version loaded; a stress scenario shows its cascade', async ({ browser, served }) => {
  test.setTimeout(240_000);
  const { demo, page, errors } = await openOnDemo(browser, served);
  // The demo's load ran the alert rules in the background: the Supervision entry shows how many are new.
  await expect(page.getByTestId('alerts-badge')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: /^Supervision/ }).click();

  // An alert opens the drill at its coordinates.
  const alertsPanel = page.getByTestId('alerts-panel');
  const firstAlert = alertsPanel.getByTestId('alert-row').first();
  await expect(firstAlert).toBeVisible();
  const subject = (await firstAlert.locator('td').nth(2).textContent())!;
  await firstAlert.getByRole('button', { name: 'Open in drill ›' }).click();
  await expect(page.getByTestId('breadcrumb')).toContainText(subject.split(' ')[0]!);
  await expect(page.getByTestId('exposure-grid')).toBeVisible();
  await page.getByRole('button', { name: /^Supervision/ }).click();

  // Escalating an alert files it in a case and takes it off the list of new ones.
  const { caseNumber } = await apiCall<{ caseNumber: string }>(served, 'cases.create', {
    title: 'Margin follow-up',
    classification: 'AMBER',
  });
  const badge = page.getByTestId('alerts-badge');
  const badgeBefore = Number(/^(\d+) new alerts$/.exec((await badge.getAttribute('aria-label'))!)![1]);
  const toEscalate = alertsPanel.getByTestId('alert-row').first();
  const escalatedSubject = (await toEscalate.locator('td').nth(2).textContent())!;
  const escalate = toEscalate.getByTestId('add-to-case');
  await escalate.getByRole('button', { name: 'Escalate to case' }).click();
  await escalate.getByRole('menuitem', { name: new RegExp(caseNumber) }).click();
  await expect(alertsPanel.getByTestId('alert-row').first().locator('td').nth(2)).not.toHaveText(escalatedSubject);
  await expect(badge).toHaveAttribute('aria-label', `${badgeBefore - 1} new alerts`);
  const escalated = await apiCall<Array<{ subject: string; statusReason: string }>>(served, 'alerts.list', { status: 'escalated' });
  expect(escalated.map((a) => a.subject)).toContain(escalatedSubject);
  expect(escalated.find((a) => a.subject === escalatedSubject)!.statusReason).toMatch(new RegExp(`Escalated to ${caseNumber}, item #\\d+`));

  const margin = page.getByTestId('margin-panel');
  const total = margin.getByTestId('margin-total');
  await expect(total).toContainText('coverage');
  const coverageOf = async () => Number(/coverage ([\d.]+) %/.exec((await total.textContent())!)![1]);
  const before = await coverageOf();
  await expect(margin).toContainText('Concordat illustrative harmonised schedule');

  // Halving every rate (a new version effective before the demo's as-of date) doubles the coverage.
  const shipped = await apiCall<Array<{ loadedBy: string; rules: unknown[]; defaultRate: number; marketDepth: unknown[] }>>(
    served,
    'margin.schedules',
    {},
  );
  const base = shipped.find((v) => v.loadedBy === 'shipped')!;
  const halved = {
    v: 1,
    name: 'Halved rates',
    effectiveFrom: '2026-01-01',
    source: 'E2E test',
    illustrative: true,
    defaultRate: base.defaultRate / 2,
    rules: (base.rules as Array<{ rate: number }>).map((r) => ({ ...r, rate: r.rate / 2 })),
    marketDepth: base.marketDepth,
  };
  await margin.getByText('Load a schedule version…').click();
  await margin.getByLabel('Schedule (JSON)').fill('{ not json');
  await margin.getByRole('button', { name: 'Load schedule' }).click();
  await expect(margin.getByText(/This is not JSON/)).toBeVisible();
  await margin.getByLabel('Schedule (JSON)').fill(JSON.stringify(halved));
  await margin.getByRole('button', { name: 'Load schedule' }).click();
  await expect(margin.getByText('Loaded “Halved rates”, effective 2026-01-01.')).toBeVisible();
  await expect(margin).toContainText('Schedule “Halved rates”');
  const after = await coverageOf();
  expect(after).toBeCloseTo(before * 2, 0);

  // Edited in place: a new version from the one in effect, BTC's rate halved again, raises the coverage further.
  await margin.getByRole('button', { name: 'Edit the schedule…' }).click();
  const editor = margin.getByRole('form', { name: 'Edit the margin schedule' });
  await editor.getByLabel('Version name').fill('BTC rate cut');
  await editor.getByLabel('Effective from').fill('2026-02-01');
  const btcRate = editor.getByLabel('Rate for BTC (%)');
  const btcBefore = Number(await btcRate.inputValue());
  await btcRate.fill('abc');
  await editor.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(editor.getByRole('alert')).toContainText('not percentages from 0 to 100');
  await btcRate.fill(String(btcBefore / 2));
  await editor.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(margin).toContainText('Schedule “BTC rate cut”, effective 2026-02-01');
  await expect.poll(coverageOf).toBeGreaterThan(after);
  const versions = await apiCall<Array<{ name: string; rules: Array<{ underlier?: string; rate: number }> }>>(
    served,
    'margin.schedules',
    {},
  );
  expect(versions.find((v) => v.name === 'BTC rate cut')!.rules.find((r) => r.underlier === 'BTC')!.rate).toBeCloseTo(btcBefore / 200, 10);

  // The same figure as a drill metric: shown from the Columns menu, the Total row's coverage of required margin is the
  // Supervision page's, and its header tooltip states the formula.
  const coverageNow = await coverageOf();
  // At the top of the default path (the alert opened above left the drill at its own coordinates).
  await page.evaluate((hash) => (window.location.hash = hash), `#exposure?snapshot=${demo}&path=jurisdiction&sort=grossNotionalUsd:desc`);
  await expect(page.getByTestId('exposure-grid')).toBeVisible();
  await page.getByRole('button', { name: /^Columns/ }).click();
  await page.getByRole('group', { name: 'Columns shown' }).getByRole('checkbox', { name: 'Coverage of required margin' }).check();
  await page.keyboard.press('Escape');
  const grid = page.getByTestId('exposure-grid');
  const totalCoverage = grid.locator('.ag-row-pinned[row-id="__total__"] [col-id="requiredMarginCoverage"]');
  await expect(totalCoverage).toHaveText(/%$/);
  expect(Number((await totalCoverage.innerText()).replace(/[,%]/g, ''))).toBeCloseTo(coverageNow, 1);
  await expect(grid.locator('.ag-header-cell[col-id="requiredMarginCoverage"]')).toBeVisible();
  await page.getByRole('button', { name: /^Supervision/ }).click();

  // A stress scenario: BTC −30 %, ETH −40 %; the rounds and the chart appear.
  const stress = page.getByTestId('stress-panel');
  await stress.getByLabel('Shocks').fill('BTC=-0.30, ETH=oops');
  await stress.getByRole('button', { name: 'Run scenario' }).click();
  await expect(stress.getByRole('alert')).toContainText('“ETH=oops” is not UNDERLIER=MOVE');
  await stress.getByLabel('Shocks').fill('BTC=-0.30, ETH=-0.40');
  // Saved under a name, the scenario comes back whole after the form was changed.
  const saved = stress.getByTestId('saved-scenarios');
  await saved.getByLabel('Scenario name').fill('BTC and ETH crash');
  await saved.getByRole('button', { name: 'Save scenario' }).click();
  await expect(saved.getByRole('status')).toHaveText('Saved scenario “BTC and ETH crash”.');
  await stress.getByLabel('Shocks').fill('SOL=-0.10');
  await saved.getByLabel('Saved scenario').selectOption('BTC and ETH crash');
  await expect(stress.getByLabel('Shocks')).toHaveValue('BTC=-0.3, ETH=-0.4');
  await stress.getByRole('button', { name: 'Run scenario' }).click();
  const result = stress.getByTestId('stress-result');
  await expect(result).toContainText(/defaults over \d+ round\(s\)/);
  const rounds = result.getByRole('table', { name: 'Cascade rounds' }).getByRole('row');
  expect(await rounds.count()).toBeGreaterThan(1);
  await expect(rounds.nth(1)).toContainText(/BTC -\d/);
  await expect(result.getByRole('img', { name: 'Uncovered loss by round of the cascade' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('supervision-1440x900.png'), fullPage: true });

  // "Add to case": the scenario, the snapshot, the rounds and the result's hash go into the case as a note.
  const anchor = result.getByTestId('add-to-case');
  await anchor.getByRole('button', { name: 'Add to case' }).click();
  await anchor.getByRole('menuitem', { name: new RegExp(caseNumber) }).click();
  const link = anchor.getByRole('link', { name: new RegExp(`${caseNumber}, item #\\d+`) });
  await expect(link).toBeVisible();
  await link.click();
  const item = page.getByTestId('item-page');
  await expect(item).toContainText(`Stress scenario on snapshot ${demo}`);
  await expect(item).toContainText(/Result SHA-256: [0-9a-f]{64}/);
  expect(errors).toEqual([]);
});

test('a protocol with an open critical finding raises its alert, which opens the drill at its venue', async ({ browser, served }) => {
  test.setTimeout(180_000);
  const { page, errors } = await openOnDemo(browser, served);
  await page.getByRole('button', { name: /^Supervision/ }).click();

  const panel = page.getByTestId('protocols-panel');
  await expect(panel).toContainText('No protocols yet');
  await panel.getByRole('button', { name: 'Add protocol' }).click();
  const form = panel.getByRole('form', { name: 'Add a protocol' });
  await form.getByLabel('Name', { exact: true }).fill('Test Perps Protocol');
  await form.getByLabel('Register id').fill('test-perps');
  await form.getByLabel('Arbitrum One').check();
  await form.getByLabel('Venue ids').fill('DERIBIT');
  await form.getByRole('button', { name: 'Add contract' }).click();
  // One letter's case changed: the EIP-55 checksum fails, and the form says where.
  await form.getByLabel('Contract 1 address').fill('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD');
  await form.getByRole('button', { name: 'Add audit' }).click();
  await form.getByLabel('Audit 1 auditor').fill('Example Audits LLP');
  await form.getByLabel('Audit 1 report date').fill('2026-03-15');
  await form.getByRole('button', { name: 'Add finding to audit 1' }).click();
  await form.getByLabel('Finding 1 reference').fill('C-01');
  await form.getByLabel('Finding 1 title').fill('Oracle price can be manipulated');
  await form.getByLabel('Finding 1 severity').selectOption('critical');
  await form.getByLabel('Insurance fund (USD)').fill('2500000');
  await form.getByRole('button', { name: 'Add to the register' }).click();
  await expect(form.getByRole('alert')).toContainText('contract 1 › address');
  await expect(form.getByLabel('Contract 1 address')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Contract 1 address').fill('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
  await form.getByRole('button', { name: 'Add to the register' }).click();
  await expect(panel.getByRole('status')).toContainText('Saved Test Perps Protocol, version 1.');

  const row = panel.getByRole('table', { name: 'Protocols' }).getByRole('row', { name: /Test Perps Protocol/ });
  await expect(row).toContainText('2026-03-15');
  await expect(row).toContainText('1 / 0');
  // Deribit carries demo trades: the buffer ratio is a figure, not a dash.
  await expect(row.locator('td').nth(6)).toHaveText(/^\d+(\.\d)? %$/);

  // The rules re-ran on the open snapshot: the protocol's open critical finding is an alert, most severe first.
  const alert = page.getByTestId('alerts-panel').getByTestId('alert-row').filter({ hasText: 'Test Perps Protocol' });
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('critical');
  await expect(alert).toContainText(/open critical or high/i);
  await alert.getByRole('button', { name: 'Open in drill ›' }).click();
  await expect(page.getByTestId('breadcrumb')).toContainText('DERIBIT');
  const saved = await apiCall<Array<{ id: string; contracts: Array<{ address: string }> }>>(served, 'protocols.list', {});
  expect(saved.find((p) => p.id === 'test-perps')!.contracts[0]!.address).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
  expect(errors).toEqual([]);
});
