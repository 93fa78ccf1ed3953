import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { apiCall, expect, test } from './fixtures';

/**
 * Issue 15: every page passes axe-core (WCAG 2.1 A and AA rules) with no serious or critical violation, and the run
 * leaves screenshots of each page at 1440×900 and 1280×720 in test-results/screenshots/ for a reviewer to look at.
 * Pages are reached the way a user does, through the main navigation, on the demo data.
 */
const pages = [
  { nav: 'Exposure', heading: /^Exposure/ },
  { nav: 'Trades', heading: /^Trades$/ },
  { nav: 'Feeds & snapshots', heading: /Feeds|Snapshots/ },
  { nav: 'MoUs', heading: /MoU|Cooperation/ },
  { nav: 'Requests', heading: /^Requests for assistance$/ },
  { nav: 'Cases', heading: /^Cases$/ },
  { nav: 'Supervision', heading: /^Supervision/ },
  { nav: 'Settings', heading: /^Settings$/ },
] as const;

const shots = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

test('every page passes axe-core with no serious or critical violation; screenshots at 1440×900 and 1280×720', async ({ page, served }) => {
  test.setTimeout(240_000);
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  fs.mkdirSync(shots, { recursive: true });
  const problems: string[] = [];
  let scanned = 0;
  const scan = async (where: string) => {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    // Proof the rules ran on a page with content (a blank page passes every rule).
    expect(result.passes.length, where).toBeGreaterThan(10);
    scanned++;
    for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      problems.push(
        `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
      );
  };
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1280, height: 720 },
  ]) {
    await page.setViewportSize(size);
    await page.goto(served.url);
    for (const p of pages) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: p.nav }).click();
      await expect(page.getByRole('heading', { level: 1, name: p.heading }).first()).toBeVisible();
      // Let the page's first data arrive (grids fill after their call returns).
      await page.waitForTimeout(500);
      const file = `${p.nav.replace(/[^A-Za-z]+/g, '-').toLowerCase()}-${size.width}x${size.height}.png`;
      await page.screenshot({ path: path.join(shots, file), fullPage: false });
      if (size.width !== 1440) continue; // the rules do not depend on the window size: scanned once
      await scan(p.nav);
    }
  }
  // The drill with a path of several dimensions (its move and remove buttons), one level down, and a drilled cell's
  // trades.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Exposure' }).click();
  await page.getByRole('combobox', { name: 'Add a dimension' }).selectOption('underlier');
  const first = page.getByTestId('exposure-grid').locator('.ag-row:not(.ag-row-pinned) [col-id="label"]').first();
  await first.click();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Exposure by underlier' })).toBeVisible();
  await scan('Exposure, two-dimension path, second level');
  await page.getByTestId('exposure-grid').getByRole('button', { name: 'Show the trades behind this row' }).first().click();
  await expect(page.getByRole('heading', { name: 'Trades' })).toBeVisible();
  await page.waitForTimeout(500);
  await scan('Trades behind a cell');
  expect(scanned).toBe(pages.length + 2);
  for (const size of ['1440x900', '1280x720'])
    for (const p of pages)
      expect(fs.existsSync(path.join(shots, `${p.nav.replace(/[^A-Za-z]+/g, '-').toLowerCase()}-${size}.png`))).toBe(true);
  expect(problems, problems.join('\n')).toEqual([]);
});

test('focus is visible on every control the keyboard reaches on the Exposure page', async ({ page, served }) => {
  await expect.poll(async () => (await apiCall<unknown[]>(served, 'snapshots.list', {})).length, { timeout: 90_000 }).toBeGreaterThan(0);
  await page.goto(served.url);
  await expect(page.getByTestId('exposure-grid').locator('.ag-row-pinned')).toBeVisible();
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const unseen: string[] = [];
  let visited = 0;
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return undefined;
      const style = getComputedStyle(el);
      // ag-grid draws its own focus border on cells and headers; anything else needs an outline or a ring.
      const drawn =
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) ||
        style.boxShadow !== 'none' ||
        el.closest('.ag-root-wrapper') !== null;
      return {
        drawn,
        what: `${el.tagName.toLowerCase()}${el.getAttribute('aria-label') ? ` “${el.getAttribute('aria-label')}”` : ` “${(el.textContent ?? '').trim().slice(0, 30)}”`}`,
      };
    });
    if (!focus) continue;
    visited++;
    if (!focus.drawn) unseen.push(focus.what);
  }
  expect(visited).toBeGreaterThan(10);
  expect(unseen, `focused without a visible indicator: ${unseen.join(', ')}`).toEqual([]);
});
