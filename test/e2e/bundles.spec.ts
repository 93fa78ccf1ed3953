import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { apiCall, expect, serve, test, type ServedApp } from './fixtures';

/**
 * Issue 13's "Done when", in browser mode: two data directories are two authorities. CFTC exports a case to FCA
 * with one item withheld by the MoU rules (the preview says why), FCA verifies and imports it, sees provenance,
 * legend and the verified chain, and cannot pass its items on to a third authority without CFTC's consent.
 */

interface Authority {
  app: ServedApp;
  stop: () => Promise<void>;
}

async function start(name: string): Promise<Authority> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `concordat-e2e-${name}-`));
  const { app, child } = await serve(dataDir);
  return {
    app,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openPage(browser: Browser, app: ServedApp): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  return { page, errors };
}

test('CFTC sends FCA a case bundle with one item withheld; FCA verifies, imports, and cannot pass it on without consent', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const [cftc, fca] = await Promise.all([start('cftc'), start('fca')]);
  try {
    // Each workstation gets its keys (as `concordat keys init` would), and CFTC trusts FCA's card.
    await apiCall(cftc.app, 'keys.init', { authority: 'CFTC', name: 'CFTC examiner' });
    await apiCall(fca.app, 'keys.init', { authority: 'FCA', name: 'FCA examiner' });
    const cftcCard = await apiCall<{ fingerprint: string }>(cftc.app, 'keys.card', {});
    const fcaCard = await apiCall<{ fingerprint: string }>(fca.app, 'keys.card', {});
    await apiCall(cftc.app, 'keys.importCard', { card: fcaCard });
    await apiCall(cftc.app, 'keys.trust', { fingerprint: fcaCard.fingerprint });

    // CFTC's case: its own record, and a note BaFin shared with it under the IOSCO MMoU.
    const { caseNumber } = await apiCall<{ caseNumber: string }>(cftc.app, 'cases.create', {
      title: 'Spoofing on an offshore perp venue',
      owningAuthority: 'CFTC',
      classification: 'AMBER',
    });
    await apiCall(cftc.app, 'cases.addNote', {
      caseNumber,
      markdown: 'Order book shows layered bids cancelled within 200 ms.',
      title: 'Layering pattern',
      category: 'transaction_records',
      grade: 'B2',
    });
    await apiCall(cftc.app, 'cases.addNote', {
      caseNumber,
      markdown: 'BaFin shared the account holders of the venue.',
      title: 'BaFin account holder list',
      category: 'transaction_records',
      origin: 'received_foreign',
      originAuthority: 'BaFin',
      originInstrument: 'IOSCO_MMOU',
    });

    // FCA pastes CFTC's key card in Settings and trusts it after comparing the fingerprint.
    const b = await openPage(browser, fca.app);
    await b.page.getByRole('button', { name: 'Settings' }).click();
    await b.page.getByLabel('A partner’s key card').fill(JSON.stringify(cftcCard));
    await b.page.getByRole('button', { name: 'Add key card' }).click();
    const cftcRow = b.page.getByRole('table', { name: 'Partner keys' }).getByRole('row', { name: /CFTC/ });
    await expect(cftcRow).toContainText('unverified');
    await cftcRow.getByRole('button', { name: 'Fingerprint checked: trust' }).click();
    await expect(cftcRow).toContainText('trusted');
    // FCA's inbox is a folder on a shared drive, set in Settings (a relative path is refused with what to do).
    const inboxSetting = b.page.getByTestId('inbox-setting');
    const folderField = inboxSetting.getByLabel(/Inbox folder/);
    await expect(folderField).toHaveValue(path.join(fca.app.dataDir, 'inbox'));
    await folderField.fill('shared/inbox');
    await inboxSetting.getByRole('button', { name: 'Save folder' }).click();
    await expect(inboxSetting.getByText(/must be a full path/)).toBeVisible();
    const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'concordat-e2e-shared-drive-'));
    await folderField.fill(inbox);
    await inboxSetting.getByRole('button', { name: 'Save folder' }).click();
    await expect(inboxSetting.getByRole('status')).toHaveText('Saved.');

    // CFTC: the Export wizard, recipients → preview → confirm → progress → saved file.
    const a = await openPage(browser, cftc.app);
    await a.page.goto(`${cftc.app.origin}/#case/${caseNumber}`);
    await a.page.getByRole('button', { name: 'Export bundle…' }).click();
    const wizard = a.page.getByTestId('export-wizard');
    await wizard.getByRole('checkbox', { name: 'FCA' }).check();
    await wizard.getByLabel('Purpose').selectOption('civil_admin_enforcement');
    await wizard.getByRole('button', { name: 'Preview' }).click();
    const forFca = wizard.getByTestId('preview-FCA');
    await expect(forFca).toContainText('1 item(s) sent, 1 withheld');
    await expect(forFca).toContainText(`Encrypted to key ${fcaCard.fingerprint}`);
    const withheldRow = forFca.getByRole('table').getByRole('row', { name: /BaFin account holder list/ });
    await expect(withheldRow).toContainText('CONSENT REQUIRED');
    await expect(withheldRow).toContainText(/BaFin/);
    const downloaded = a.page.waitForEvent('download');
    await wizard.getByRole('button', { name: 'Export the bundle' }).click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe(`${caseNumber}.casebundle`);
    await expect(wizard.getByTestId('exported-bundles')).toContainText('FCA: 1 item(s) sent, 1 withheld, encrypted');
    // The export is in CFTC's audit trail.
    await wizard.getByRole('button', { name: 'Close' }).click();
    await a.page.getByRole('tab', { name: /^Audit/ }).click();
    await expect(a.page.getByTestId('case-page')).toContainText(/bundle/i);

    // The file reaches FCA (a shared drive): first opened by hand, then from the inbox folder.
    const bundleFile = path.join(os.tmpdir(), `e2e-${Date.now()}-${caseNumber}.casebundle`);
    await download.saveAs(bundleFile);
    await b.page.getByRole('button', { name: 'Cases', exact: true }).click();
    await b.page.getByRole('button', { name: 'Received bundles…' }).click();
    const receive = b.page.getByTestId('receive-bundles');
    await expect(receive).toContainText('No .casebundle files in the inbox folder.');
    await receive.getByLabel('Bundle file').setInputFiles(bundleFile);
    const opened = receive.getByTestId('opened-bundle');
    await expect(opened.getByTestId('verify-checklist')).toContainText(`Verified: ${caseNumber} from CFTC`);
    await expect(opened.getByTestId('verify-checklist')).not.toContainText('✗');

    fs.copyFileSync(bundleFile, path.join(inbox, `${caseNumber}.casebundle`));
    await receive.getByRole('button', { name: 'Check again' }).click();
    const entry = receive
      .getByTestId('inbox-entries')
      .getByRole('listitem')
      .filter({ hasText: `${caseNumber}.casebundle` });
    await expect(entry.getByTestId('verify-checklist')).toContainText('Verified');
    await entry.getByRole('button', { name: `Import ${caseNumber}.casebundle` }).click();

    // FCA's received case: provenance, legend and conditions, the verified chain; read-only.
    const provenance = b.page.getByTestId('received-provenance');
    await expect(provenance).toContainText('Received from CFTC');
    await expect(provenance).toContainText(`their ${caseNumber}`);
    await expect(provenance).toContainText('1 item(s) were withheld by the sender');
    await expect(provenance).toContainText(/Sender’s audit chain: verified/);
    await expect(provenance.locator('.legend')).not.toBeEmpty();
    await expect(b.page.getByRole('button', { name: 'Edit…' })).toHaveCount(0);
    await expect(b.page.getByTestId('case-page')).toContainText('Layering pattern');
    await expect(b.page.getByTestId('case-page')).not.toContainText('BaFin account holder list');
    const received = await apiCall<Array<{ caseNumber: string; received?: boolean }>>(fca.app, 'cases.list', {});
    expect(received).toHaveLength(1);

    // FCA cannot pass CFTC's item on to SEC: the engine asks for CFTC's consent, and nothing may be sent.
    await b.page.getByRole('button', { name: 'Export bundle…' }).click();
    const onward = b.page.getByTestId('export-wizard');
    await onward.getByLabel(/Other authorities/).fill('SEC');
    await onward.getByRole('checkbox', { name: /Encrypt/ }).uncheck();
    await onward.getByRole('button', { name: 'Preview' }).click();
    const forSec = onward.getByTestId('preview-SEC');
    await expect(forSec).toContainText('0 item(s) sent, 1 withheld');
    await expect(forSec.getByRole('table').getByRole('row', { name: /Layering pattern/ })).toContainText('CONSENT REQUIRED');
    await expect(forSec.getByRole('table').getByRole('row', { name: /Layering pattern/ })).toContainText(/CFTC/);
    await expect(onward.getByRole('button', { name: 'Nothing may be sent' })).toBeDisabled();

    await onward.getByRole('button', { name: 'Cancel' }).click();

    // The inbox shows the bundle as imported (importing it again would change nothing).
    await b.page.getByRole('button', { name: '‹ All cases' }).click();
    await b.page.getByRole('button', { name: 'Received bundles…' }).click();
    await expect(receive.getByTestId('inbox-entries')).toContainText(`Imported as ${received[0]!.caseNumber}`);
    fs.rmSync(bundleFile, { force: true });
    fs.rmSync(inbox, { recursive: true, force: true });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  } finally {
    await Promise.all([cftc.stop(), fca.stop()]);
  }
});
