import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { signEnvelope } from '../../../../electron/backend/bundles/dsse';
import { exportBundle } from '../../../../electron/backend/bundles/exportBundle';
import { INNER_TYPE, OUTER_TYPE } from '../../../../electron/backend/bundles/statements';
import { writeDeterministicZip } from '../../../../electron/backend/bundles/zip/deterministicZip';
import { openSafeZip } from '../../../../electron/backend/bundles/zip/safeZip';
import { canonicalJson } from '../../../../electron/backend/cases/canonicalJson';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { loadOrCreateIdentity } from '../../../../electron/backend/keys/workstationIdentity';
import type {
  BundleExportResult,
  BundleImportResult,
  BundlePreview,
  BundleVerifyReport,
  ReceivedProvenance,
} from '../../../../shared/contract/bundles';
import type { CaseHeader, CaseItem } from '../../../../shared/contract/cases';
import type { JobDone, JobStarted } from '../../../../shared/contract/jobs';
import type { KeyCard, PartnerKey } from '../../../../shared/contract/keys';
import { fileTempDir, tempDir } from '../../../helpers/tempDir';
import { writeFile } from '../cases/caseFixture';

/**
 * Two authorities, two data directories, real backends, real keys, real age encryption: CFTC
 * exports a case to FCA with one item withheld by the MoU rules; FCA verifies and imports it as a
 * read-only received case whose items it cannot pass on without CFTC's consent (issue 13).
 */

interface Node {
  backend: Backend;
  dataDir: string;
  call: <T>(method: string, input: unknown) => Promise<T>;
  job: <T>(method: string, input: unknown) => Promise<T>;
}

async function node(dataDir = fileTempDir()): Promise<Node> {
  const backend = await Backend.open({
    dataDir,
    mode: 'cli',
    version: '0.0.0-test',
    executor: inProcessExecutor,
    loadDemoOnFirstStart: false,
  });
  const call = <T>(method: string, input: unknown) => backend.call(method, input) as Promise<T>;
  const job = async <T>(method: string, input: unknown): Promise<T> => {
    const ended = new Map<string, JobDone>();
    const stop = backend.onEvent((e) => e.event === 'job.done' && ended.set(e.payload.jobId, e.payload));
    try {
      const { jobId } = await call<JobStarted>(method, input);
      await backend.jobs.wait(jobId);
      const done = ended.get(jobId)!;
      if (done.state !== 'succeeded')
        throw Object.assign(new Error(done.error?.message ?? done.state), { code: done.error?.code, details: done.error?.details });
      return done.result as T;
    } finally {
      stop();
    }
  };
  return { backend, dataDir, call, job };
}

let cftc: Node;
let fca: Node;
let caseNumber: string;
let shared: CaseItem;
let withheld: CaseItem;
let encrypted: string;

const refusal = async (promise: Promise<unknown>) =>
  (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string } | null;

beforeAll(async () => {
  [cftc, fca] = await Promise.all([node(), node()]);
  await cftc.call('keys.init', { authority: 'CFTC', name: 'CFTC examiner' });
  await fca.call('keys.init', { authority: 'FCA', name: 'FCA examiner' });
  // The cards are exchanged, fingerprints compared out of band, and trusted.
  const cftcCard = await cftc.call<KeyCard>('keys.card', {});
  const fcaCard = await fca.call<KeyCard>('keys.card', {});
  await fca.call('keys.importCard', { card: cftcCard });
  await fca.call('keys.trust', { fingerprint: cftcCard.fingerprint });
  await cftc.call('keys.importCard', { card: fcaCard });
  await cftc.call('keys.trust', { fingerprint: fcaCard.fingerprint });

  caseNumber = (
    await cftc.call<CaseHeader>('cases.create', {
      title: 'Spoofing on an offshore perp venue',
      owningAuthority: 'CFTC',
      classification: 'AMBER',
    })
  ).caseNumber;
  shared = await cftc.call<CaseItem>('cases.addNote', {
    caseNumber,
    markdown: 'Order book shows layered bids cancelled within 200 ms.',
    title: 'Layering pattern',
    category: 'transaction_records',
    grade: 'B2',
  });
  await cftc.call<CaseItem>('cases.attach', {
    caseNumber,
    source: { path: writeFile('venue-extract.csv', 'uti,notional\nUTI1,100\n') },
    category: 'transaction_records',
    grade: 'A1',
  });
  withheld = await cftc.call<CaseItem>('cases.addNote', {
    caseNumber,
    markdown: 'BaFin shared the account holders of the venue.',
    title: 'BaFin account holder list',
    category: 'transaction_records',
    origin: 'received_foreign',
    originAuthority: 'BaFin',
    originInstrument: 'IOSCO_MMOU',
  });
  encrypted = path.join(fileTempDir(), 'to-fca.casebundle');
}, 120_000);

describe('export, verify and import between two authorities', () => {
  it('the preview sends own records and withholds what came from BaFin, saying why', async () => {
    const preview = await cftc.call<BundlePreview>('bundles.preview', { caseNumber, to: ['FCA'], purpose: 'civil_admin_enforcement' });
    const fcaPlan = preview.recipients[0]!;
    expect(fcaPlan.authority).toBe('FCA');
    expect(fcaPlan.keyProblem).toBeNull();
    expect(fcaPlan.shared.map((s) => s.itemId)).toContain(shared.itemId);
    expect(fcaPlan.shared.length).toBe(2);
    expect(fcaPlan.withheld).toHaveLength(1);
    expect(fcaPlan.withheld[0]!.itemId).toBe(withheld.itemId);
    expect(fcaPlan.withheld[0]!.outcome).toBe('CONSENT_REQUIRED');
    expect(fcaPlan.withheld[0]!.reason).toMatch(/BaFin/);
  });

  it('an encrypted bundle verifies at FCA step by step, and is recorded in CFTC’s audit trail', async () => {
    const result = await cftc.job<BundleExportResult>('bundles.export', {
      caseNumber,
      to: ['FCA'],
      purpose: 'civil_admin_enforcement',
      out: encrypted,
    });
    expect(result.bundles).toHaveLength(1);
    expect(result.bundles[0]!).toMatchObject({ encrypted: true, itemsSent: 2, itemsWithheld: 1, authorities: ['FCA'] });
    const audit = cftc.backend.db.prepare(`SELECT change_json FROM case_audit WHERE action = 'export'`).all() as Array<{
      change_json: string;
    }>;
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.change_json)).toMatchObject({ recipients: ['FCA'], bundleSha256: result.bundles[0]!.sha256 });

    const report = await fca.job<BundleVerifyReport>('bundles.verify', { file: encrypted });
    expect(report.ok, JSON.stringify(report.steps)).toBe(true);
    expect(report.steps.map((s) => s.step)).toEqual([
      'Container limits and names',
      'Outer signature (pinned key)',
      'We are a recipient',
      'Ciphertext hash and length',
      'Decrypt',
      'Inner container limits and names',
      'Bundle signature (pinned key)',
      'Tag manifest present and as signed',
      'BagIt: tag files, manifests and every payload file',
    ]);
    expect(report.sender?.authority).toBe('CFTC');
  });

  it('FCA imports it read-only, with provenance, legend and CFTC’s chain verified; a second import is a no-op', async () => {
    const imported = await fca.job<BundleImportResult>('bundles.import', { file: encrypted });
    expect(imported.alreadyImported).toBe(false);
    expect(imported.items).toBe(2);
    expect(imported.evidenceFiles).toBe(1);
    const provenance = await fca.call<ReceivedProvenance>('bundles.received', { caseNumber: imported.caseNumber });
    expect(provenance.senderAuthority).toBe('CFTC');
    expect(provenance.senderCaseNumber).toBe(caseNumber);
    expect(provenance.withheldCount).toBe(1);
    expect(provenance.legend).toMatch(/CFTC/);
    expect(provenance.chain).toMatchObject({ ok: true, signedBySender: true });
    expect(provenance.chain.redacted).toBeGreaterThan(0); // the withheld item's entry: linked, not shown
    const items = (await fca.call<{ rows: CaseItem[] }>('cases.items', { caseNumber: imported.caseNumber, startRow: 0, endRow: 50 })).rows;
    expect(items.map((i) => i.title).sort()).toEqual(['Layering pattern', 'venue-extract.csv']);
    expect(items.every((i) => i.origin === 'received_foreign' && i.originAuthority === 'CFTC')).toBe(true);
    expect(items.find((i) => i.title === 'Layering pattern')!.grade).toBe('B2');
    expect(JSON.stringify(items)).not.toContain('account holder');

    const edit = await refusal(fca.call('cases.addNote', { caseNumber: imported.caseNumber, markdown: 'x' }));
    expect(edit?.code).toBe('FORBIDDEN');
    expect(edit?.message).toMatch(/read-only/);

    const again = await fca.job<BundleImportResult>('bundles.import', { file: encrypted });
    expect(again).toMatchObject({ alreadyImported: true, caseNumber: imported.caseNumber });
  });

  it('FCA cannot pass CFTC’s items on to BaFin without CFTC’s consent', async () => {
    const received = (fca.backend.db.prepare(`SELECT case_number FROM case_file WHERE received = 1`).get() as { case_number: string })
      .case_number;
    const preview = await fca.call<BundlePreview>('bundles.preview', {
      caseNumber: received,
      to: ['BaFin'],
      purpose: 'civil_admin_enforcement',
      encrypt: false,
    });
    expect(preview.recipients[0]!.shared).toHaveLength(0);
    expect(preview.recipients[0]!.withheld.every((w) => w.outcome === 'CONSENT_REQUIRED' && /CFTC/.test(w.reason))).toBe(true);
    const out = path.join(tempDir(), 'onward.casebundle');
    const error = await refusal(
      fca.job('bundles.export', { caseNumber: received, to: ['BaFin'], purpose: 'civil_admin_enforcement', encrypt: false, out }),
    );
    expect(error?.code).toBe('FORBIDDEN');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('what a bundle must not be', () => {
  it('an unencrypted bundle of the same case state is byte-identical each time', async () => {
    // Two exports from the same state: the second from a copy of the data directory made before the first.
    const copy = tempDir();
    cftc.backend.db.exec(`VACUUM INTO '${path.join(copy, 'concordat.db').replace(/'/g, "''")}'`);
    fs.cpSync(path.join(cftc.dataDir, 'keys'), path.join(copy, 'keys'), { recursive: true });
    fs.cpSync(path.join(cftc.dataDir, 'blobs'), path.join(copy, 'blobs'), { recursive: true });
    const twin = await node(copy);
    try {
      const createdAt = new Date('2026-12-01T10:00:00Z');
      const files = [path.join(tempDir(), 'a.casebundle'), path.join(tempDir(), 'b.casebundle')];
      for (const [n, file] of [cftc, twin].map((x, i) => [x, files[i]!] as const)) {
        const identity = loadOrCreateIdentity(n.dataDir);
        await exportBundle(
          { db: n.backend.db, dataDir: n.dataDir, identity, actor: { name: identity.name, workstationKeyId: identity.keyId } },
          { caseNumber, to: ['FCA'], purpose: 'civil_admin_enforcement', out: file, encrypt: false, createdAt },
        );
      }
      expect(fs.readFileSync(files[0]!).equals(fs.readFileSync(files[1]!))).toBe(true);
    } finally {
      await twin.backend.close();
    }
  });

  it('a bundle for another authority is refused: we are not a recipient', async () => {
    const bafin = await node();
    try {
      await bafin.call('keys.init', { authority: 'BaFin', name: 'BaFin examiner' });
      await cftc.call('keys.importCard', { card: await bafin.call<KeyCard>('keys.card', {}) });
      const bafinKey = (await cftc.call<PartnerKey[]>('keys.partners', {})).find((k) => k.authority === 'BaFin')!;
      await cftc.call('keys.trust', { fingerprint: bafinKey.fingerprint });
      const file = path.join(tempDir(), 'to-bafin.casebundle');
      await cftc.job('bundles.export', { caseNumber, to: ['BaFin'], purpose: 'civil_admin_enforcement', out: file });
      const report = await fca.job<BundleVerifyReport>('bundles.verify', { file });
      expect(report.ok).toBe(false);
      const failed = report.steps.find((s) => !s.ok)!;
      expect(failed.step).toBe('We are a recipient');
      expect(failed.detail).toMatch(/for BaFin, not for us \(FCA\)/);
    } finally {
      await bafin.backend.close();
    }
  });

  it('a revoked sender key no longer verifies, and the import changes nothing', async () => {
    // Another FCA workstation that imported CFTC's card, then revoked it (reported lost).
    const desk = await node();
    try {
      await desk.call('keys.init', { authority: 'FCA', name: 'FCA second desk' });
      const card = await cftc.call<KeyCard>('keys.card', {});
      await desk.call('keys.importCard', { card });
      await desk.call('keys.trust', { fingerprint: card.fingerprint });
      await desk.call('keys.revoke', { fingerprint: card.fingerprint, reason: 'key reported lost' });
      const cases = () => (desk.backend.db.prepare(`SELECT count(*) AS n FROM case_file`).get() as { n: number }).n;
      const before = cases();
      const error = await refusal(desk.job('bundles.import', { file: encrypted }));
      expect(error?.message).toMatch(/Outer signature.*revoked/);
      expect(cases()).toBe(before);
      expect(fs.readdirSync(path.join(desk.dataDir, 'tmp'))).toEqual([]);
    } finally {
      await desk.backend.close();
    }
  });
});

describe('hostile bundles end in one clear refusal, the store unchanged and no temporary file left', () => {
  const readEntries = async (file: string) => {
    const zip = await openSafeZip(file);
    const out = new Map<string, Buffer>();
    for (const e of zip.entries) {
      const chunks: Buffer[] = [];
      for await (const c of await zip.open(e)) chunks.push(c as Buffer);
      out.set(e.name, Buffer.concat(chunks));
    }
    zip.close();
    return out;
  };
  const rewrite = async (entries: Map<string, Buffer>) => {
    const file = path.join(tempDir(), 'hostile.casebundle');
    await writeDeterministicZip(
      [...entries].map(([name, data]) => ({ name, data })),
      file,
    );
    return file;
  };
  /** Imports at FCA and checks the refusal names the step, and that nothing changed. */
  const refusedAt = async (file: string, step: string, detail: RegExp) => {
    const count = () => (fca.backend.db.prepare(`SELECT count(*) AS n FROM case_file`).get() as { n: number }).n;
    const before = count();
    const report = await fca.job<BundleVerifyReport>('bundles.verify', { file });
    const failed = report.steps.find((s) => !s.ok);
    expect(report.ok).toBe(false);
    expect(failed?.step).toBe(step);
    expect(failed?.detail).toMatch(detail);
    const error = await refusal(fca.job('bundles.import', { file }));
    expect(error?.message).toContain(step);
    expect(count()).toBe(before);
    expect(fs.readdirSync(path.join(fca.dataDir, 'tmp'))).toEqual([]);
  };
  let plain: Map<string, Buffer>;
  beforeAll(async () => {
    const file = path.join(fileTempDir(), 'plain.casebundle');
    await cftc.job('bundles.export', { caseNumber, to: ['FCA'], purpose: 'civil_admin_enforcement', out: file, encrypt: false });
    plain = await readEntries(file);
  });

  it('a payload byte changed', async () => {
    const changed = new Map(plain);
    const body = Buffer.from(changed.get('bag/data/case.json')!);
    body[body.indexOf('Layering')] = 'l'.charCodeAt(0);
    changed.set('bag/data/case.json', body);
    await refusedAt(
      await rewrite(changed),
      'BagIt: tag files, manifests and every payload file',
      /data\/case.json" does not match its sha512/,
    );
  });

  it('the tag manifest deleted, or edited', async () => {
    const without = new Map(plain);
    without.delete('bag/tagmanifest-sha512.txt');
    await refusedAt(await rewrite(without), 'Tag manifest present and as signed', /missing/);
    const edited = new Map(plain);
    edited.set(
      'bag/tagmanifest-sha512.txt',
      Buffer.concat([plain.get('bag/tagmanifest-sha512.txt')!, Buffer.from(`${'0'.repeat(128)}  extra.txt\n`)]),
    );
    await refusedAt(await rewrite(edited), 'Tag manifest present and as signed', /not the one that was signed/);
  });

  it('a fetch.txt', async () => {
    const withFetch = new Map(plain);
    withFetch.set('bag/fetch.txt', Buffer.from('https://example.org/x 10 data/x.txt\n'));
    await refusedAt(await rewrite(withFetch), 'BagIt: tag files, manifests and every payload file', /fetch.txt is not allowed/);
  });

  it('an unknown signer', async () => {
    const forged = new Map(plain);
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const statement = JSON.parse(Buffer.from(JSON.parse(plain.get('bundle.sig.json')!.toString()).payload, 'base64').toString()) as object;
    const envelope = signEnvelope(INNER_TYPE, Buffer.from(JSON.stringify(statement)), 'CFTC', (d) =>
      crypto.sign(null, d, privateKey).toString('base64'),
    );
    forged.set('bundle.sig.json', Buffer.from(JSON.stringify(envelope)));
    await refusedAt(await rewrite(forged), 'Bundle signature (pinned key)', /not signed by any trusted partner key/);
  });

  it('a valid signature over another bundle (swapped payload)', async () => {
    const other = path.join(tempDir(), 'other.casebundle');
    await cftc.job('bundles.export', { caseNumber, to: ['FCA'], purpose: 'civil_admin_enforcement', out: other });
    const a = await readEntries(encrypted);
    const b = await readEntries(other);
    const swapped = new Map([
      ['outer.sig.json', a.get('outer.sig.json')!],
      ['payload.age', b.get('payload.age')!],
    ]);
    await refusedAt(await rewrite(swapped), 'Ciphertext hash and length', /not the ciphertext that was signed/);
  });

  it('a truncated age stream and an oversized age header, even when signed by the sender', async () => {
    const identity = loadOrCreateIdentity(cftc.dataDir);
    const original = await readEntries(encrypted);
    const outer = JSON.parse(Buffer.from(JSON.parse(original.get('outer.sig.json')!.toString()).payload, 'base64').toString()) as Record<
      string,
      unknown
    >;
    const signedWith = (payload: Buffer) => {
      const statement = {
        ...outer,
        ciphertextSha256: crypto.createHash('sha256').update(payload).digest('hex'),
        ciphertextLength: payload.length,
      };
      const envelope = signEnvelope(OUTER_TYPE, Buffer.from(canonicalJson(statement)), identity.fingerprint, (d) => identity.sign(d));
      return new Map([
        ['outer.sig.json', Buffer.from(JSON.stringify(envelope))],
        ['payload.age', payload],
      ]);
    };
    const age = original.get('payload.age')!;
    await refusedAt(await rewrite(signedWith(age.subarray(0, age.length - 40))), 'Decrypt', /cannot be decrypted/);
    const huge = Buffer.from(`age-encryption.org/v1\n-> X25519 ${'A'.repeat(2_000_000)}\n--- x\n`);
    await refusedAt(await rewrite(signedWith(huge)), 'Decrypt', /cannot be decrypted/);
  });
});
