import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { apiCall, expect, test, type ServedApp } from './fixtures';

const cli = path.resolve(import.meta.dirname, '..', '..', 'electron', 'cli', 'bin.cjs');

interface TraceStep {
  step: string;
  text: string;
  outcome?: string;
}
interface Decision {
  outcome: string;
  consentNeededFrom?: string;
  trace: TraceStep[];
}

/** The server loads its demo snapshot on first start; the CLI opens the same data directory only after that. */
async function demoLoaded(app: ServedApp) {
  await expect
    .poll(async () => (await apiCall<Array<{ isDemo: boolean }>>(app, 'snapshots.list', {})).some((s) => s.isDemo), {
      timeout: 120_000,
      intervals: [500],
    })
    .toBe(true);
}

/** What `concordat mou check --json` answers for the same question, on the server's data directory. */
function cliCheck(app: ServedApp, args: string[]): Decision {
  const printed = JSON.parse(
    execFileSync(process.execPath, [cli, 'mou', 'check', ...args, '--json', '--data-dir', app.dataDir], { encoding: 'utf8' }),
  ) as Decision | Array<{ category: string; decision: Decision }>;
  // One category prints the decision itself; several print [{ category, decision }].
  return Array.isArray(printed) ? printed[0]!.decision : printed;
}

test.describe.configure({ timeout: 300_000 });

test('MoUs: look up the IOSCO MMoU, then a "Can I share?" check whose answer and reasoning match the CLI', async ({ page, served }) => {
  await demoLoaded(served);
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'MoUs' }).click();
  await expect(page.getByTestId('registry-info')).toContainText('Registry:');

  // The instrument, found in the instruments grid and opened with a double-click.
  const instruments = page.getByTestId('instruments-grid');
  const mmou = instruments.locator('.ag-row[row-id="IOSCO_MMOU"]');
  await expect(mmou).toBeVisible();
  await mmou.locator('[col-id="title"]').dblclick();
  const instrument = page.getByTestId('instrument-page');
  await expect(instrument).toBeVisible();
  await expect(instrument.locator('.facts')).toContainText('IOSCO_MMOU');
  // Its parties include CFTC; its provisions include the permissible-use key.
  const parties = page.getByTestId('parties-grid');
  await expect(parties.locator('.ag-row [col-id="authority"]').filter({ hasText: /^CFTC$/ })).toBeVisible();
  await expect(page.getByTestId('provisions-table').locator('td', { hasText: /^MMOU\.PERMISSIBLE_USE$/ })).toBeVisible();

  // "Can I share?": CFTC → SCB, transaction records, civil or administrative enforcement, on 2026-01-15.
  await page.getByRole('tab', { name: 'Can I share?' }).click();
  const form = page.getByRole('form', { name: 'Can I share?' });
  await form.getByLabel('Home authority (sender)').selectOption('CFTC');
  await form.getByLabel('Recipient').selectOption('SCB');
  await form.getByRole('checkbox', { name: 'Transaction records' }).check();
  await form.getByLabel('Purpose').selectOption('civil_admin_enforcement');
  await form.getByLabel('Date of sharing').fill('2026-01-15');
  await form.getByRole('button', { name: 'Check' }).click();

  const card = page.getByTestId('decision-transaction_records');
  const badge = card.getByTestId('outcome');
  await expect(badge).toBeVisible();
  const shownOutcome = await badge.getAttribute('data-outcome');
  const shownText = (await badge.innerText()).trim();
  const shownSteps = card.getByTestId('trace').locator('li');

  const expected = cliCheck(served, [
    '--home',
    'CFTC',
    '--recipient',
    'SCB',
    '--category',
    'transaction_records',
    '--purpose',
    'civil_admin_enforcement',
    '--date',
    '2026-01-15',
  ]);
  expect(shownOutcome).toBe(expected.outcome);
  // The badge says it in words (not colour alone).
  expect(shownText).toBe(
    expected.outcome === 'CONSENT_REQUIRED' && expected.consentNeededFrom
      ? `CONSENT REQUIRED (from ${expected.consentNeededFrom})`
      : expected.outcome.replace(/_/g, ' '),
  );
  await expect(shownSteps).toHaveCount(expected.trace.length);
  // Step by step, in the engine's order.
  for (const [i, step] of expected.trace.entries()) {
    await expect(shownSteps.nth(i)).toHaveAttribute('data-step', step.step);
    await expect(shownSteps.nth(i)).toContainText(step.text);
  }
});
