import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend';
import { inProcessExecutor } from '../../../electron/backend/jobs/executors';
import { startServer, type RunningServer } from '../../../electron/server/server';
import type { BundleExportResult, BundleVerifyReport, InboxListing } from '../../../shared/contract/bundles';
import type { JobDone } from '../../../shared/contract/jobs';
import { fileTempDir, tempDir } from '../../helpers/tempDir';

// Issue 13 in browser mode, against a real server on 127.0.0.1: no paths from the page; exports go to the outbox
// and are downloaded; bundles come in as uploads or from the inbox folder.

const token = 'bundle-token-0123456789abcdefghijklmnopqrstuv';
let backend: Backend;
let server: RunningServer;
let dataDir: string;
let caseNumber: string;
/** A bundle FCA (another workstation, another data directory) sent to CFTC, whose key CFTC trusts. */
let fromFca: string;
const ended = new Map<string, JobDone>();

const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;
const auth = { Authorization: `Bearer ${token}` };

async function call<T>(method: string, input: unknown): Promise<{ ok: boolean; result: T; error?: { code: string; message: string } }> {
  const response = await fetch(url(`/api/call/${method}`), {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  return (await response.json()) as { ok: boolean; result: T; error?: { code: string; message: string } };
}

async function job<T>(method: string, input: unknown): Promise<T> {
  const started = await call<{ jobId: string }>(method, input);
  if (!started.ok) throw new Error(`${method}: ${started.error?.message}`);
  await backend.jobs.wait(started.result.jobId);
  const done = ended.get(started.result.jobId)!;
  if (done.state !== 'succeeded') throw Object.assign(new Error(done.error?.message), { code: done.error?.code });
  return done.result as T;
}

beforeAll(async () => {
  dataDir = fileTempDir();
  const rendererDir = fileTempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Concordat</title>');
  backend = await Backend.open({ dataDir, mode: 'browser', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  backend.onEvent((e) => void (e.event === 'job.done' && ended.set(e.payload.jobId, e.payload)));
  server = await startServer({ backend, rendererDir, token });
  expect((await call('keys.init', { authority: 'CFTC', name: 'CFTC examiner' })).ok).toBe(true);
  caseNumber = (
    await call<{ caseNumber: string }>('cases.create', { title: 'Wash trades', owningAuthority: 'CFTC', classification: 'AMBER' })
  ).result.caseNumber;
  await call('cases.addNote', { caseNumber, markdown: 'Self-matched orders.', title: 'Self-matching', category: 'transaction_records' });

  const fca = await Backend.open({
    dataDir: fileTempDir(),
    mode: 'cli',
    version: 'test',
    executor: inProcessExecutor,
    loadDemoOnFirstStart: false,
  });
  try {
    const done = new Map<string, JobDone>();
    fca.onEvent((e) => void (e.event === 'job.done' && done.set(e.payload.jobId, e.payload)));
    await fca.call('keys.init', { authority: 'FCA', name: 'FCA examiner' });
    const card = (await fca.call('keys.card', {})) as { fingerprint: string };
    expect((await call('keys.importCard', { card })).ok).toBe(true);
    expect((await call('keys.trust', { fingerprint: card.fingerprint })).ok).toBe(true);
    const fcaCase = (await fca.call('cases.create', { title: 'Cross-listed perp', owningAuthority: 'FCA', classification: 'AMBER' })) as {
      caseNumber: string;
    };
    await fca.call('cases.addNote', {
      caseNumber: fcaCase.caseNumber,
      markdown: 'Venue data.',
      title: 'Venue',
      category: 'transaction_records',
    });
    fromFca = path.join(fileTempDir(), 'from-fca.casebundle');
    const { jobId } = (await fca.call('bundles.export', {
      caseNumber: fcaCase.caseNumber,
      to: ['CFTC'],
      purpose: 'civil_admin_enforcement',
      encrypt: false,
      out: fromFca,
    })) as { jobId: string };
    await fca.jobs.wait(jobId);
    expect(done.get(jobId)?.state).toBe('succeeded');
  } finally {
    await fca.close();
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

describe('case bundles in browser mode', () => {
  it('refuses paths from the page: no export to a path, no verify or import of a path', async () => {
    const out = path.join(tempDir(), 'x.casebundle');
    const exported = await call('bundles.export', { caseNumber, to: ['FCA'], purpose: 'civil_admin_enforcement', encrypt: false, out });
    expect(exported.error?.code).toBe('FORBIDDEN');
    expect(fs.existsSync(out)).toBe(false);
    for (const method of ['bundles.verify', 'bundles.import']) {
      const answer = await call(method, { file: path.join(dataDir, 'concordat.db') });
      expect(answer.error?.code).toBe('FORBIDDEN');
      expect(answer.error?.message).toMatch(/not read or written by path/);
    }
  });

  it('exports to the outbox, serves exactly that file as a download, and verifies it uploaded back', async () => {
    const result = await job<BundleExportResult>('bundles.export', {
      caseNumber,
      to: ['FCA'],
      purpose: 'civil_admin_enforcement',
      encrypt: false,
    });
    const bundle = result.bundles[0]!;
    expect(bundle.outboxId).toMatch(new RegExp(`^[0-9a-f-]{36}/${caseNumber}\\.casebundle$`));
    expect(bundle.file.startsWith(path.join(dataDir, 'outbox'))).toBe(true);

    const response = await fetch(url(`/api/outbox/${bundle.outboxId}`), { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${caseNumber}.casebundle"`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(bundle.sha256);

    // Without the token, or naming anything but an outbox file, nothing is served.
    expect((await fetch(url(`/api/outbox/${bundle.outboxId}`))).status).toBe(401);
    const uuid = bundle.outboxId!.split('/')[0]!;
    for (const probe of [
      `${uuid}/..%2F..%2Fconcordat.db`,
      `${uuid}%2F..%2F..%2Fconcordat.db`,
      `../concordat.db`,
      `${uuid}/missing.casebundle`,
    ]) {
      const refused = await fetch(url(`/api/outbox/${probe}`), { headers: auth });
      expect(refused.status, probe).toBe(404);
    }
    expect((await fetch(url(`/api/outbox/${bundle.outboxId}`), { method: 'POST', headers: auth })).status).toBe(405);

    // FCA's bundle, uploaded as a browser does, verifies; the upload stays for the import that may follow.
    const upload = await fetch(url(`/api/upload/from-fca.casebundle`), {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/octet-stream' },
      body: fs.readFileSync(fromFca),
    });
    const uploaded = (await upload.json()) as { result: { uploadId: string } };
    expect(uploaded).toMatchObject({ ok: true });
    const receipt = uploaded.result;
    const report = await job<BundleVerifyReport>('bundles.verify', { uploadId: receipt.uploadId });
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.sender?.authority).toBe('FCA');
    const imported = await job<{ caseNumber: string; alreadyImported: boolean }>('bundles.import', { uploadId: receipt.uploadId });
    expect(imported.alreadyImported).toBe(false);
    // An import that took an upload removes it.
    expect((await call('bundles.verify', { uploadId: receipt.uploadId })).error?.code).toBe('NOT_FOUND');
  });

  it('the inbox folder: set from the page to a full path of a folder; lists and verifies only regular .casebundle files in it', async () => {
    const initial = await call<{ folder: string; isDefault: boolean }>('bundles.inboxFolder', {});
    expect(initial.result).toEqual({ folder: path.join(dataDir, 'inbox'), isDefault: true });

    const relative = await call('bundles.setInboxFolder', { folder: 'shared/inbox' });
    expect(relative.error?.code).toBe('INVALID_INPUT');
    expect(relative.error?.message).toMatch(/must be a full path/);
    const missing = await call('bundles.setInboxFolder', { folder: path.join(tempDir(), 'nowhere') });
    const aFile = await call('bundles.setInboxFolder', { folder: path.join(dataDir, 'concordat.db') });
    // One answer whatever the cause: the setting tells nothing about what exists on the machine.
    expect(missing.error?.message.replace(/^\S+/, '')).toBe(aFile.error?.message.replace(/^\S+/, ''));

    const shared = tempDir();
    expect((await call('bundles.setInboxFolder', { folder: shared })).result).toEqual({ folder: shared, isDefault: false });
    fs.copyFileSync(fromFca, path.join(shared, 'from-fca.casebundle'));
    // CFTC's own export to FCA is listed too, and refused at the step that says why: it is not for CFTC.
    const exported = await job<BundleExportResult>('bundles.export', {
      caseNumber,
      to: ['FCA'],
      purpose: 'civil_admin_enforcement',
      encrypt: false,
    });
    fs.copyFileSync(exported.bundles[0]!.file, path.join(shared, 'to-fca.casebundle'));
    fs.writeFileSync(path.join(shared, 'broken.casebundle'), 'not a zip');
    fs.writeFileSync(path.join(shared, 'notes.txt'), 'ignored');
    fs.symlinkSync(path.join(dataDir, 'concordat.db'), path.join(shared, 'linked.casebundle'));
    fs.mkdirSync(path.join(shared, 'folder.casebundle'));

    const listing = await job<InboxListing>('bundles.inbox', {});
    expect(listing.folder).toBe(shared);
    expect(listing.entries.map((e) => e.name)).toEqual(['broken.casebundle', 'from-fca.casebundle', 'to-fca.casebundle']);
    const [broken, good, notOurs] = listing.entries;
    expect(good!.report.ok).toBe(true);
    // Imported in the test before (from an upload): the inbox says as what.
    expect(good!.importedAs).toMatch(/^CASE-\d{4}-\d{4}$/);
    expect(broken!.report.ok).toBe(false);
    expect(broken!.report.steps.find((s) => !s.ok)?.step).toBe('Container limits and names');
    expect(notOurs!.report.steps.filter((s) => !s.ok)).toEqual([
      { step: 'We are a recipient', ok: false, detail: 'This bundle is for FCA, not for us (CFTC).' },
    ]);
    expect(notOurs!.importedAs).toBeNull();

    // A name is a name: no path reaches the inbox, and a link in it is never followed.
    expect((await call('bundles.verify', { inboxFile: '../concordat.casebundle' })).error?.code).toBe('INVALID_INPUT');
    expect((await call('bundles.verify', { inboxFile: 'linked.casebundle' })).error?.code).toBe('NOT_FOUND');

    expect((await call('bundles.setInboxFolder', { folder: null })).result).toEqual({
      folder: path.join(dataDir, 'inbox'),
      isDefault: true,
    });
  });
});
