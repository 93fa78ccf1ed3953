import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import type {
  CaseHeader,
  CaseItem,
  CaseSubject,
  CaseTask,
  SearchHit,
  TimelineEntry,
  VerifyResult,
} from '../../../../shared/contract/cases';
import { renderMarkdown } from '../../../../shared/domain/markdown';
import { caseBackend, writeFile } from './caseFixture';

/**
 * Cases through the contract on a real backend (real SQLite file, real blob store): what is
 * refused and why, version checks, withdrawal and purge, search and timeline (issue 12).
 */
let backend: Backend;
let dataDir: string;
let snapshotId: number;
let call: <T>(method: string, input: unknown) => Promise<T>;
let caseNumber: string;

const refused = async (promise: Promise<unknown>, code: string, message: RegExp) => {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string } | null;
  expect(error, 'expected a refusal').not.toBeNull();
  expect(error!.code).toBe(code);
  expect(error!.message).toMatch(message);
};
const auditCount = () => (backend.db.prepare(`SELECT count(*) AS n FROM case_audit`).get() as { n: number }).n;

beforeAll(async () => {
  ({ backend, dataDir, snapshotId, call } = await caseBackend());
  caseNumber = (await call<CaseHeader>('cases.create', { title: 'Layering on a perp venue', owningAuthority: 'CFTC' })).caseNumber;
}, 60_000);

describe('case numbers and status', () => {
  it('numbers cases per year of opening', async () => {
    const a = await call<CaseHeader>('cases.create', { title: 'A', openedOn: '2025-03-01' });
    const b = await call<CaseHeader>('cases.create', { title: 'B', openedOn: '2025-11-30' });
    expect([a.caseNumber, b.caseNumber]).toEqual(['CASE-2025-0001', 'CASE-2025-0002']);
    expect(caseNumber).toMatch(/^CASE-\d{4}-0001$/);
  });

  it('needs a closing note to close, and a closed case takes no new items until reopened', async () => {
    const c = await call<CaseHeader>('cases.create', { title: 'To close' });
    await refused(
      call('cases.update', { caseNumber: c.caseNumber, version: 1, status: 'closed' }),
      'INVALID_INPUT',
      /needs a closing note/,
    );
    const closed = await call<CaseHeader>('cases.update', {
      caseNumber: c.caseNumber,
      version: 1,
      status: 'closed',
      closingNote: 'No breach found.',
    });
    expect(closed).toMatchObject({ status: 'closed', closingNote: 'No breach found.', version: 2 });
    expect(closed.closedAt).not.toBeNull();
    await refused(call('cases.addNote', { caseNumber: c.caseNumber, markdown: 'late' }), 'CONFLICT', /is closed: reopen it/);
    const reopened = await call<CaseHeader>('cases.update', { caseNumber: c.caseNumber, version: 2, status: 'open' });
    expect(reopened.closedAt).toBeNull();
    await call('cases.addNote', { caseNumber: c.caseNumber, markdown: 'after reopening' });
  });

  it('refuses an owning authority the MoU registry does not know', async () => {
    await refused(call('cases.create', { title: 'X', owningAuthority: 'NOPE' }), 'INVALID_INPUT', /not in the MoU registry/);
  });
});

describe('subjects', () => {
  it('resolves an LEI against the snapshot’s entity data: name, jurisdiction, parents', async () => {
    const e = backend.db
      .prepare(
        `SELECT lei, legal_name, legal_country, ultimate_parent_lei FROM entity WHERE snapshot_id = ? AND ultimate_parent_lei IS NOT NULL LIMIT 1`,
      )
      .get(snapshotId) as { lei: string; legal_name: string; legal_country: string; ultimate_parent_lei: string };
    const s = await call<CaseSubject>('cases.addSubject', {
      caseNumber,
      subject: { kind: 'legal_entity', lei: e.lei.toLowerCase(), role: 'subject' },
    });
    expect(s.name).toBe(e.legal_name);
    expect(s.resolved).toMatchObject({
      snapshotId,
      legalName: e.legal_name,
      jurisdiction: e.legal_country,
      ultimateParentLei: e.ultimate_parent_lei,
    });
  });

  it('refuses invalid LEIs and wallet addresses with what was expected, and stores nothing', async () => {
    const before = auditCount();
    await refused(
      call('cases.addSubject', { caseNumber, subject: { kind: 'legal_entity', lei: 'HWUPKR0MPOU8FGXBT395' } }),
      'INVALID_INPUT',
      /ISO 17442 check digits/,
    );
    await refused(
      call('cases.addSubject', {
        caseNumber,
        subject: { kind: 'wallet', chain: 'ethereum', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' },
      }),
      'INVALID_INPUT',
      /EIP-55/,
    );
    await refused(
      call('cases.addSubject', {
        caseNumber,
        subject: { kind: 'wallet', chain: 'bitcoin', address: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3' },
      }),
      'INVALID_INPUT',
      /Bitcoin/,
    );
    expect(auditCount()).toBe(before);
    const ok = await call<CaseSubject>('cases.addSubject', {
      caseNumber,
      subject: { kind: 'wallet', chain: 'bitcoin', address: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', role: 'counterparty' },
    });
    expect(ok.address).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
  });
});

describe('items', () => {
  it('refuses evidence names with folders, control or bidi characters and device names; the store is unchanged', async () => {
    const file = writeFile('ok.txt', 'evidence');
    const blobsBefore = fs.existsSync(path.join(dataDir, 'blobs')) ? fs.readdirSync(path.join(dataDir, 'blobs')).length : 0;
    const before = auditCount();
    for (const [name, why] of [
      ['../../etc/passwd', /names a folder/],
      ['a/b.txt', /names a folder/],
      ['invoice\u202Efdp.exe', /bidirectional/],
      ['bell\u0007.txt', /control/],
      ['CON.txt', /reserved device name/],
      ['nul', /reserved device name/],
    ] as const)
      await refused(call('cases.attach', { caseNumber, source: { path: file }, originalName: name }), 'INVALID_INPUT', why);
    expect(auditCount()).toBe(before);
    expect(fs.existsSync(path.join(dataDir, 'blobs')) ? fs.readdirSync(path.join(dataDir, 'blobs')).length : 0).toBe(blobsBefore);
  });

  it('refuses a note over the limit before storing anything', async () => {
    await refused(call('cases.addNote', { caseNumber, markdown: 'x'.repeat(1_000_001) }), 'INVALID_INPUT', /at most 1,000,000 characters/);
  });

  it('renders a note’s script, iframe and javascript: link inert', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<iframe src="https://x"></iframe>\n\n[click](javascript:alert(1)) [ok](https://example.org) ![img](https://tracker.example/p.gif) [[item:3]]',
    );
    expect(html).not.toMatch(/<script|<iframe|href="javascript:|<img/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">ok</a>');
    expect(html).toContain('<a href="#item-3">item 3</a>');
  });

  it('a second edit from a stale version is refused with a clear message, and the first is kept', async () => {
    const note = await call<CaseItem>('cases.addNote', { caseNumber, markdown: 'Draft finding' });
    const first = await call<CaseItem>('cases.updateItem', { itemId: note.itemId, version: note.version, grade: 'B2' });
    expect(first).toMatchObject({ grade: 'B2', version: 2 });
    await refused(
      call('cases.updateItem', { itemId: note.itemId, version: note.version, markdown: 'Other window' }),
      'CONFLICT',
      /changed elsewhere since you opened it \(it is at version 2, your edit started from 1\).*nothing was saved/,
    );
    const now = await call<CaseItem>('cases.item', { itemId: note.itemId });
    expect(now.payload).toEqual({ kind: 'note', markdown: 'Draft finding' });
    expect(now.grade).toBe('B2');
  });

  it('withdraws an item with a reason (never deletes it) and purges evidence bytes keeping the hash', async () => {
    const content = `purge me ${Date.now()}`;
    const item = await call<CaseItem>('cases.attach', {
      caseNumber,
      source: { path: writeFile('statement.txt', content) },
      receivedFrom: 'FCA',
    });
    const sha = item.payload.kind === 'evidence' ? item.payload.evidence.sha256 : '';
    expect(fs.existsSync(path.join(dataDir, 'blobs', sha))).toBe(true);
    expect(await call('cases.evidencePreview', { itemId: item.itemId })).toMatchObject({ kind: 'text', text: content });
    const purged = await call<CaseItem>('cases.purgeEvidence', {
      itemId: item.itemId,
      version: item.version,
      reason: 'Court order 2026/17',
    });
    expect(purged.payload.kind === 'evidence' && purged.payload.evidence).toMatchObject({
      sha256: sha,
      purged: { reason: 'Court order 2026/17' },
    });
    expect(fs.existsSync(path.join(dataDir, 'blobs', sha))).toBe(false);
    const audit = backend.db.prepare(`SELECT change_json FROM case_audit WHERE action = 'purge'`).get() as { change_json: string };
    expect(JSON.parse(audit.change_json)).toMatchObject({ sha256: sha, reason: 'Court order 2026/17' });
    const withdrawn = await call<CaseItem>('cases.withdrawItem', { itemId: item.itemId, version: purged.version, reason: 'Superseded' });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawn: { reason: 'Superseded' } });
    const page = await call<{ rows: CaseItem[] }>('cases.items', { caseNumber, includeWithdrawn: true, endRow: 1000 });
    expect(page.rows.some((r) => r.itemId === item.itemId)).toBe(true);
  });

  it('keeps a blob another item still needs when one copy is purged', async () => {
    const file = writeFile('shared.bin', Buffer.from([1, 2, 3, 4, 5, 6]));
    const a = await call<CaseItem>('cases.attach', { caseNumber, source: { path: file } });
    const b = await call<CaseItem>('cases.attach', { caseNumber, source: { path: file } });
    const sha = a.payload.kind === 'evidence' ? a.payload.evidence.sha256 : '';
    expect(b.payload.kind === 'evidence' && b.payload.evidence.sha256).toBe(sha);
    await call('cases.purgeEvidence', { itemId: a.itemId, version: a.version, reason: 'duplicate' });
    expect(fs.existsSync(path.join(dataDir, 'blobs', sha))).toBe(true);
  });

  it('sniffs the media type from the bytes, not the name', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e221bc330000000049454e44ae426082',
      'hex',
    );
    const item = await call<CaseItem>('cases.attach', { caseNumber, source: { path: writeFile('looks-like-text.txt', png) } });
    expect(item.payload.kind === 'evidence' && item.payload.evidence.mediaType).toBe('image/png');
    const preview = await call<{ kind: string; dataUrl: string }>('cases.evidencePreview', { itemId: item.itemId });
    expect(preview.kind).toBe('image');
    expect(preview.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const html = await call<CaseItem>('cases.attach', {
      caseNumber,
      source: { path: writeFile('page.html', '<html><script>alert(1)</script></html>') },
    });
    // HTML is previewed as text (never rendered): shown in a <pre> by the app.
    expect(await call('cases.evidencePreview', { itemId: html.itemId })).toMatchObject({ kind: 'text' });
  });

  it('pins a finding and a request; re-check says "reproduced" for an unchanged view', async () => {
    const view = await call<CaseItem>('cases.pinView', { caseNumber, view: { snapshotId, path: ['venue', 'contractType'], at: [] } });
    expect(await call('cases.recheck', { itemId: view.itemId })).toMatchObject({ outcome: 'reproduced', differences: [] });
    const f = backend.db
      .prepare(`SELECT file, line, location, rule_id FROM validation_issue WHERE snapshot_id = ? LIMIT 1`)
      .get(snapshotId) as {
      file: string;
      line: number;
      location: string;
      rule_id: string;
    };
    const finding = await call<CaseItem>('cases.pinFinding', {
      caseNumber,
      snapshotId,
      file: f.file,
      line: f.line,
      location: f.location,
      ruleId: f.rule_id,
    });
    expect(finding.payload).toMatchObject({ kind: 'finding', ruleId: f.rule_id });
  });

  it('a re-check names what changed when the rows pinned no longer match the store', async () => {
    const view = await call<CaseItem>('cases.pinView', { caseNumber, view: { snapshotId, path: ['cleared'], at: [] } });
    // Behind the app's back: the pinned rows edited (as if the store had been recomputed differently).
    const payload = JSON.parse(
      (backend.db.prepare(`SELECT payload_json FROM case_item WHERE item_id = ?`).get(view.itemId) as { payload_json: string })
        .payload_json,
    );
    payload.view.rows[0].metrics.tradeCount += 1;
    backend.db.prepare(`UPDATE case_item SET payload_json = ? WHERE item_id = ?`).run(JSON.stringify(payload), view.itemId);
    const result = await call<{ outcome: string; differences: string[] }>('cases.recheck', { itemId: view.itemId });
    expect(result.outcome).toBe('changed');
    expect(result.differences[0]).toBe('The pinned rows no longer match the hash recorded when they were pinned.');
    expect(result.differences[1]).toMatch(/tradeCount was \d+, now \d+\.$/);
  });
});

describe('tasks, search, timeline, verification', () => {
  it('marks an overdue task, and a task links only items of its case', async () => {
    const task = await call<CaseTask>('cases.addTask', { caseNumber, text: 'Ask FCA for account records', dueDate: '2026-01-05' });
    expect(task.overdue).toBe(true);
    await refused(call('cases.addTask', { caseNumber, text: 'x', linkedItems: [999_999] }), 'INVALID_INPUT', /not an item of this case/);
    const done = await call<CaseTask>('cases.updateTask', { taskId: task.taskId, version: task.version, status: 'done' });
    expect(done.overdue).toBe(false);
  });

  it('finds notes, subjects and file names with FTS, taking the user’s text as data', async () => {
    await call('cases.addNote', { caseNumber, markdown: 'Spoofing pattern around the Bitcoin expiry' });
    const hits = await call<SearchHit[]>('cases.search', { text: 'spoof' });
    expect(hits.some((h) => h.snippet.includes('«Spoofing»'))).toBe(true);
    for (const text of ['"', 'NEAR(a b)', 'title:x OR', '*', "') --"])
      await expect(call('cases.search', { text })).resolves.toBeInstanceOf(Array);
    expect((await call<SearchHit[]>('cases.search', { text: 'shared.bin', caseNumber })).length).toBeGreaterThan(0);
  });

  it('puts items, changes and due dates on one time line, in order', async () => {
    const note = await call<CaseItem>('cases.addNote', {
      caseNumber,
      markdown: 'Meeting with the venue',
      eventDate: '2026-03-10T09:30+01:00',
    });
    const line = await call<TimelineEntry[]>('cases.timeline', { caseNumber });
    const instants = line.map((e) => Date.parse(e.at.length === 10 ? `${e.at}T00:00:00Z` : e.at));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(line.find((e) => e.itemId === note.itemId && e.source === 'item')?.at).toBe('2026-03-10T09:30+01:00');
  });

  it('verifies every chain after all of the above', async () => {
    const result = await call<VerifyResult>('cases.verify', {});
    expect(result.ok).toBe(true);
    expect(result.cases.length).toBeGreaterThan(2);
  });
});
