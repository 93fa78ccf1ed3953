import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { addRequestEvent, createRequest, listRequests } from '../../../../electron/backend/cooperation/requests.repo';
import type { Db } from '../../../../electron/backend/db/openDatabase';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import type { RequestCreateInput, RequestDetail, RequestSummary } from '../../../../shared/contract';
import { requestCreateInput, requestEventInput } from '../../../../shared/contract/requests';
import { makeLei } from '../../../../shared/domain/identifiers';
import { tempDir } from '../../../helpers/tempDir';

/**
 * Requests for assistance on a real SQLite data directory. The authorities, instrument and
 * provisions are synthetic rows inserted here (TEST-*, synthetic = 1), so they never collide
 * with the shipped registry that Backend.open may load.
 */
function seedRegistry(db: Db): void {
  db.prepare(
    `INSERT OR IGNORE INTO coop_jurisdiction (code, name, kind) VALUES ('XA', 'Test land A', 'country'), ('XB', 'Test land B', 'country')`,
  ).run();
  const authority = db.prepare(
    `INSERT INTO authority (short_name, full_name, jurisdiction, authority_type, is_regulator, iosco_membership, synthetic)
       VALUES (?, ?, ?, 'securities', 1, 'unknown', 1) ON CONFLICT (short_name) DO NOTHING`,
  );
  authority.run('TEST-A', 'Test Securities Authority A', 'XA');
  authority.run('TEST-B', 'Test Markets Commission B', 'XB');
  authority.run('TEST-CRYPTO', 'Test Virtual Assets Regulator', 'XB');
  db.prepare(
    `INSERT INTO instrument (code, title, form, function, synthetic) VALUES ('TEST_MMOU', 'Test multilateral MoU', 'multilateral', 'enforcement', 1)
       ON CONFLICT (code) DO NOTHING`,
  ).run();
  const id = (db.prepare(`SELECT instrument_id FROM instrument WHERE code = 'TEST_MMOU'`).get() as { instrument_id: number }).instrument_id;
  const provision = db.prepare(`INSERT OR IGNORE INTO provision (instrument_id, key, kind, summary) VALUES (?, ?, 'scope', 'test')`);
  provision.run(id, 'MMOU.SCOPE.FILES');
  provision.run(id, 'MMOU.PERMISSIBLE_USE');
}

const LEI = makeLei('5493001KJTIIGC8Y1R');
const BAD_LEI = LEI.slice(0, 18) + (LEI.slice(18) === '00' ? '01' : '00');

const incoming = (over: Partial<RequestCreateInput> = {}): RequestCreateInput => ({
  direction: 'incoming',
  theirRef: 'B/2026/17',
  ourAuthority: 'TEST-A',
  counterpartAuthority: 'TEST-B',
  instrument: 'TEST_MMOU',
  provisionKey: 'MMOU.SCOPE.FILES',
  requestType: 'files',
  subject: 'Suspected manipulation of XYZ perpetuals',
  purpose: 'Civil enforcement investigation into wash trading',
  entities: [
    { kind: 'lei', value: LEI },
    { kind: 'wallet', value: '0x52908400098527886E0F7030069857D2E4169EE7' },
    { kind: 'name', value: 'Platform X Ltd' },
  ],
  deadlineRule: 'MICA_ITS_2024_2545',
  receivedAt: '2026-01-09',
  ...over,
});

let backend: Backend;
let dataDir: string;
const open = async () => {
  backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, loadDemoOnFirstStart: false });
};

beforeEach(async () => {
  dataDir = tempDir();
  await open();
  seedRegistry(backend.db);
});
afterEach(async () => {
  await backend.close();
});

const call = <T>(method: string, input: unknown) => backend.call(method, input) as Promise<T>;
const create = (over: Partial<RequestCreateInput> = {}) => call<RequestDetail>('requests.create', incoming(over));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as { code: string; message: string; details?: { issues?: Array<{ path: string[]; message: string }> } },
  );

describe('creating a request', () => {
  it('records an incoming MiCA request received Friday 2026-01-09, due Friday 2026-01-16', async () => {
    const r = await create();
    expect(r).toMatchObject({
      direction: 'incoming',
      status: 'received',
      ourAuthority: 'TEST-A',
      counterpartAuthority: 'TEST-B',
      requestingAuthority: 'TEST-B',
      requestedAuthority: 'TEST-A',
      counterpartAuthorityName: 'Test Markets Commission B',
      instrument: 'TEST_MMOU',
      instrumentTitle: 'Test multilateral MoU',
      provisionKey: 'MMOU.SCOPE.FILES',
      receivedAt: '2026-01-09',
      ackDueAt: '2026-01-16',
      urgency: 'normal',
      theirRef: 'B/2026/17',
    });
    expect(r.ourRef).toMatch(/^RFA-\d{4}-0001$/);
    expect(r.deadline).toMatchObject({ rule: 'MICA_ITS_2024_2545', workingDays: 5, clockField: 'receivedAt', clockStart: '2026-01-09' });
    expect(r.entities).toHaveLength(3);
    expect(r.events.map((e) => e.kind)).toEqual(['created']);
    expect(r.createdAt).toBe(r.updatedAt);
    // The due date is stored too, for whoever reads the table directly.
    expect(backend.db.prepare('SELECT ack_due_at FROM assistance_request').get()).toEqual({ ack_due_at: '2026-01-16' });
    // A second request gets the next reference.
    const second = await create({ theirRef: undefined });
    expect(second.ourRef).toBe(r.ourRef.replace(/0001$/, '0002'));
  });

  it('resolves authorities, instrument and provision whatever their case, and stores the registry’s spelling', async () => {
    const r = await create({
      ourAuthority: 'test-a',
      counterpartAuthority: ' Test-B ',
      instrument: 'test_mmou',
      provisionKey: 'mmou.permissible_use',
    });
    expect(r).toMatchObject({
      ourAuthority: 'TEST-A',
      counterpartAuthority: 'TEST-B',
      instrument: 'TEST_MMOU',
      provisionKey: 'MMOU.PERMISSIBLE_USE',
    });
  });

  it('an outgoing request is a draft until sent, counts from the sent date, and our authority is the requesting one', async () => {
    const draft = await create({ direction: 'outgoing', receivedAt: undefined, ourRef: 'OUT-1' });
    expect(draft).toMatchObject({ status: 'draft', requestingAuthority: 'TEST-A', ackDueAt: null, ackState: 'not_applicable' });
    const sent = await create({
      direction: 'outgoing',
      receivedAt: undefined,
      ourRef: 'OUT-2',
      sentAt: '2026-01-09',
      deadlineRule: 'MAR_ITS_2018_292',
    });
    expect(sent).toMatchObject({ status: 'sent', ackDueAt: '2026-01-23' });
    expect(sent.deadline.clockField).toBe('sentAt');
  });

  it('an unknown authority is refused, naming close matches', async () => {
    const e = await failure(create({ counterpartAuthority: 'TEST-CRYPTOS' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('There is no authority "TEST-CRYPTOS" in the registry. Did you mean TEST-CRYPTO?');
    expect(e.details?.issues).toEqual([{ path: ['counterpartAuthority'], message: e.message }]);
    const near = await failure(create({ counterpartAuthority: 'TEST-BB' }));
    expect(near.message).toMatch(/^There is no authority "TEST-BB" in the registry\. Close matches: TEST-B, /);
    const byLongName = await failure(create({ ourAuthority: 'Test Virtual Assets' }));
    expect(byLongName.message).toMatch(/Did you mean TEST-CRYPTO\?/);
    const nothing = await failure(create({ ourAuthority: 'QQQQQQQQ' }));
    expect(nothing.message).toBe('There is no authority "QQQQQQQQ" in the registry.');
    expect(backend.db.prepare('SELECT count(*) AS n FROM assistance_request').get()).toEqual({ n: 0 });
  });

  it('an unknown instrument or provision is refused, naming the close ones', async () => {
    const i = await failure(create({ instrument: 'TEST_MMOUX' }));
    expect(i).toMatchObject({ code: 'NOT_FOUND', message: 'There is no instrument "TEST_MMOUX" in the registry. Did you mean TEST_MMOU?' });
    const p = await failure(create({ provisionKey: 'MMOU.SCOPE.FILE' }));
    expect(p).toMatchObject({
      code: 'NOT_FOUND',
      message: 'The instrument TEST_MMOU has no provision "MMOU.SCOPE.FILE". Did you mean MMOU.SCOPE.FILES?',
    });
    expect(p.details?.issues?.[0]?.path).toEqual(['provisionKey']);
    const noInstrument = await failure(create({ instrument: undefined }));
    expect(noInstrument).toMatchObject({ code: 'INVALID_INPUT', message: 'Provision: a provision key needs its instrument.' });
    // Neither is required.
    await expect(create({ instrument: undefined, provisionKey: undefined })).resolves.toMatchObject({
      instrument: null,
      provisionKey: null,
    });
  });

  it('checks LEI check digits and wallet addresses', async () => {
    const e = await failure(
      create({
        entities: [
          { kind: 'name', value: 'A' },
          { kind: 'lei', value: BAD_LEI },
        ],
      }),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details?.issues?.[0]?.path).toEqual(['entities', '1', 'value']);
    expect(e.message).toMatch(/fails ISO 7064 MOD 97-10/);
    const wallet = await failure(create({ entities: [{ kind: 'wallet', value: 'bc1q xyz' }] }));
    expect(wallet.details?.issues?.[0]).toEqual({ path: ['entities', '0', 'value'], message: 'a wallet address has no spaces' });
    const long = await failure(create({ entities: [{ kind: 'wallet', value: 'x'.repeat(121) }] }));
    expect(long.details?.issues?.[0]?.message).toBe('a wallet address has at most 120 characters');
  });

  it('refuses dates in the future, a reference already used, and the same authority on both sides', async () => {
    const future = await failure(create({ receivedAt: '2999-01-04' }));
    expect(future.message).toMatch(/^Date received: the received date cannot be later than today/);
    await create({ ourRef: 'RFA-X' });
    expect(await failure(create({ ourRef: 'rfa-x' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(create({ counterpartAuthority: 'test-a' }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Counterpart authority: the counterpart is a different authority from ours.',
    });
  });

  it('survives reopening the database', async () => {
    const r = await create();
    await backend.close();
    await open();
    const again = await call<RequestDetail>('requests.get', { requestId: r.requestId });
    expect({ ...again, deadline: undefined }).toEqual({ ...r, deadline: undefined });
  });
});

describe('listing, with the acknowledgement state as of a day', () => {
  it('due soon on the due day, overdue the day after, met once acknowledged in time', async () => {
    const r = await create();
    const state = async (asOf: string, filter: object = {}) =>
      (await call<RequestSummary[]>('requests.list', { asOf, ...filter })).map((s) => [s.ourRef, s.ackState]);
    expect(await state('2026-01-13')).toEqual([[r.ourRef, 'not_due']]);
    expect(await state('2026-01-14')).toEqual([[r.ourRef, 'due_soon']]);
    expect(await state('2026-01-16')).toEqual([[r.ourRef, 'due_soon']]);
    expect(await state('2026-01-17')).toEqual([[r.ourRef, 'overdue']]);
    expect(await state('2026-01-17', { overdueOnly: true })).toEqual([[r.ourRef, 'overdue']]);
    expect(await state('2026-01-16', { overdueOnly: true })).toEqual([]);
    await call('requests.addEvent', { requestId: r.requestId, kind: 'acknowledged', at: '2026-01-16' });
    expect(await state('2026-01-17')).toEqual([[r.ourRef, 'met']]);
  });

  it('filters by direction and status, newest first', async () => {
    const a = await create({ ourRef: 'A' });
    const b = await create({ ourRef: 'B', direction: 'outgoing', receivedAt: undefined });
    const c = await create({ ourRef: 'C' });
    const refs = async (filter: object) => (await call<RequestSummary[]>('requests.list', filter)).map((s) => s.ourRef);
    expect(await refs({})).toEqual(['C', 'B', 'A']);
    expect(await refs({ direction: 'incoming' })).toEqual(['C', 'A']);
    expect(await refs({ status: 'draft' })).toEqual(['B']);
    expect([a, b, c].map((x) => x.status)).toEqual(['received', 'draft', 'received']);
  });

  it('the default day is today on this machine', () => {
    createRequest(backend.db, requestCreateInput.parse(incoming()), new Date(2026, 0, 12, 9));
    expect(listRequests(backend.db, { overdueOnly: false }, new Date(2026, 0, 16, 23))[0]!.ackState).toBe('due_soon');
    expect(listRequests(backend.db, { overdueOnly: false }, new Date(2026, 0, 17, 0, 1))[0]!.ackState).toBe('overdue');
  });
});

describe('events', () => {
  it('acknowledgement sets the date and status, bumps updated_at, and is recorded once', async () => {
    const r = await create();
    await new Promise((res) => setTimeout(res, 5));
    const ack = await call<RequestDetail>('requests.addEvent', {
      requestId: r.requestId,
      kind: 'acknowledged',
      at: '2026-01-19',
      estimatedResponseAt: '2026-03-31',
      text: 'Annex II form sent',
    });
    expect(ack).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: '2026-01-19',
      estimatedResponseAt: '2026-03-31',
      ackState: 'late',
    });
    expect(ack.deadline.note).toBe('Acknowledged on 2026-01-19, 1 working day after it was due (2026-01-16).');
    expect(ack.updatedAt > r.updatedAt).toBe(true);
    expect(ack.events.map((e) => [e.kind, e.at])).toEqual([
      ['created', '2026-01-09'],
      ['acknowledged', '2026-01-19'],
    ]);
    expect(ack.events[1]).toMatchObject({ text: 'Annex II form sent', estimatedResponseAt: '2026-03-31' });
    const again = await failure(call('requests.addEvent', { requestId: r.requestId, kind: 'acknowledged', at: '2026-01-20' }));
    expect(again).toMatchObject({ code: 'CONFLICT', message: `Request ${r.ourRef} was already acknowledged on 2026-01-19.` });
  });

  it('a revised estimate needs a reason, and replaces the estimate', async () => {
    const r = await create();
    const missing = await failure(
      call('requests.addEvent', { requestId: r.requestId, kind: 'revised_estimate', at: '2026-01-20', estimatedResponseAt: '2026-04-30' }),
    );
    expect(missing).toMatchObject({ code: 'INVALID_INPUT', message: 'Reason: a revised estimate needs a reason.' });
    const blank = await failure(
      call('requests.addEvent', {
        requestId: r.requestId,
        kind: 'revised_estimate',
        at: '2026-01-20',
        estimatedResponseAt: '2026-04-30',
        reason: '  ',
      }),
    );
    expect(blank.message).toBe('Reason: a revised estimate needs a reason.');
    const revised = await call<RequestDetail>('requests.addEvent', {
      requestId: r.requestId,
      kind: 'revised_estimate',
      at: '2026-01-20',
      estimatedResponseAt: '2026-04-30',
      reason: 'bank records need a court order',
    });
    expect(revised.estimatedResponseAt).toBe('2026-04-30');
    expect(revised.events.at(-1)).toMatchObject({
      kind: 'revised_estimate',
      reason: 'bank records need a court order',
      estimatedResponseAt: '2026-04-30',
    });
    const backwards = await failure(
      call('requests.addEvent', {
        requestId: r.requestId,
        kind: 'revised_estimate',
        at: '2026-01-21',
        estimatedResponseAt: '2026-01-20',
        reason: 'x',
      }),
    );
    expect(backwards.code).toBe('INVALID_INPUT');
  });

  it('a refusal needs a ground from the vocabulary and a reason, and sets the refusal fields', async () => {
    const r = await create();
    const noGround = await failure(call('requests.addEvent', { requestId: r.requestId, kind: 'refused', at: '2026-01-12', reason: 'x' }));
    expect(noGround.message).toBe('Ground for refusal: a refusal needs its ground: choose one from the list.');
    const badGround = await failure(
      call('requests.addEvent', { requestId: r.requestId, kind: 'refused', at: '2026-01-12', refusalGround: 'bored', reason: 'x' }),
    );
    expect(badGround.code).toBe('INVALID_INPUT');
    const noReason = await failure(
      call('requests.addEvent', { requestId: r.requestId, kind: 'refused', at: '2026-01-12', refusalGround: 'state_security' }),
    );
    expect(noReason.message).toBe('Reason: a refusal needs its reason.');
    const refused = await call<RequestDetail>('requests.addEvent', {
      requestId: r.requestId,
      kind: 'refused',
      at: '2026-01-12',
      refusalGround: 'proceedings_pending_same_persons',
      reason: 'Criminal proceedings pending against the same persons',
    });
    expect(refused).toMatchObject({
      status: 'refused',
      refusalGround: 'proceedings_pending_same_persons',
      refusalReason: 'Criminal proceedings pending against the same persons',
      // A refusal is a reply: it met the acknowledgement deadline.
      ackState: 'met',
    });
    // After a refusal: no answer, but a consultation, and closure.
    expect(await failure(call('requests.addEvent', { requestId: r.requestId, kind: 'answered', at: '2026-01-13' }))).toMatchObject({
      code: 'CONFLICT',
    });
    await call('requests.addEvent', {
      requestId: r.requestId,
      kind: 'consultation',
      at: '2026-01-13',
      text: 'Discussed narrowing the request',
    });
    const closed = await call<RequestDetail>('requests.addEvent', { requestId: r.requestId, kind: 'closed', at: '2026-01-14' });
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-01-14' });
  });

  it('partial responses, consents and answers move the status; closed requests take only notes', async () => {
    const r = await create();
    const add = (e: object) => call<RequestDetail>('requests.addEvent', { requestId: r.requestId, ...e });
    expect((await add({ kind: 'partial_response', at: '2026-01-20', text: 'Account opening documents' })).status).toBe(
      'partially_answered',
    );
    expect((await add({ kind: 'consent_received', at: '2026-01-21', text: 'Use in civil proceedings agreed' })).status).toBe(
      'partially_answered',
    );
    const answered = await add({ kind: 'answered', at: '2026-01-30' });
    expect(answered.status).toBe('answered');
    expect(answered.ackState).toBe('late'); // first reply on 2026-01-20, after 2026-01-16
    await add({ kind: 'closed', at: '2026-02-02', text: 'Feedback on use received' });
    expect(await failure(add({ kind: 'consultation', at: '2026-02-03', text: 'x' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(call('requests.update', { requestId: r.requestId, subject: 'x' }))).toMatchObject({ code: 'CONFLICT' });
    const noted = await add({ kind: 'note', at: '2026-02-03', text: 'Archived' });
    expect(noted.events.map((e) => e.kind)).toEqual(['created', 'partial_response', 'consent_received', 'answered', 'closed', 'note']);
  });

  it('events are dated between the clock start and today', async () => {
    const r = await create();
    const early = await failure(call('requests.addEvent', { requestId: r.requestId, kind: 'acknowledged', at: '2026-01-08' }));
    expect(early.message).toBe('Date: the request was received on 2026-01-09; an event cannot predate that.');
    const future = await failure(call('requests.addEvent', { requestId: r.requestId, kind: 'note', at: '2999-01-01', text: 'x' }));
    expect(future.message).toMatch(/^Date: an event cannot be dated later than today/);
    expect(await failure(call('requests.addEvent', { requestId: 999, kind: 'note', at: '2026-01-10', text: 'x' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('a draft takes no acknowledgement before it is sent; withdrawal ends the wait', async () => {
    const draft = await create({ direction: 'outgoing', receivedAt: undefined });
    expect(await failure(call('requests.addEvent', { requestId: draft.requestId, kind: 'acknowledged', at: '2026-01-10' }))).toMatchObject({
      code: 'CONFLICT',
      message: `Request ${draft.ourRef} has not been sent yet: record its sent date first.`,
    });
    const withdrawn = await call<RequestDetail>('requests.addEvent', {
      requestId: draft.requestId,
      kind: 'withdrawn',
      at: '2026-01-10',
      reason: 'No longer needed',
    });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', ackState: 'not_applicable' });
    const missing = await failure(call('requests.addEvent', { requestId: draft.requestId, kind: 'withdrawn', at: '2026-01-10' }));
    expect(missing.message).toBe('Reason: a withdrawal needs its reason.');
  });

  it('an ended request that was never acknowledged after its due date is late, not overdue forever', () => {
    const now = new Date(2026, 1, 2, 12);
    const r = createRequest(backend.db, requestCreateInput.parse(incoming()), now);
    const w = addRequestEvent(
      backend.db,
      requestEventInput.parse({ requestId: r.requestId, kind: 'withdrawn', at: '2026-01-20', reason: 'Resolved' }),
      now,
    );
    expect(w.ackState).toBe('late');
    expect(w.deadline.note).toBe('Never acknowledged: due 2026-01-16, ended on 2026-01-20.');
  });
});

describe('updating', () => {
  it('edits fields, records what changed in an updated event, and recomputes the due date', async () => {
    const r = await create();
    await new Promise((res) => setTimeout(res, 5));
    const u = await call<RequestDetail>('requests.update', {
      requestId: r.requestId,
      subject: 'Wash trading in XYZ perpetuals',
      receivedAt: '2026-01-12',
      deadlineRule: 'MAR_ITS_2018_292',
      theirRef: null,
      urgency: 'urgent',
      urgencyReason: 'assets may be moved',
    });
    expect(u).toMatchObject({
      subject: 'Wash trading in XYZ perpetuals',
      receivedAt: '2026-01-12',
      ackDueAt: '2026-01-26',
      theirRef: null,
      urgency: 'urgent',
    });
    expect(u.updatedAt > r.updatedAt).toBe(true);
    const updated = u.events.at(-1)!;
    expect(updated.kind).toBe('updated');
    expect(updated.changes).toEqual(
      expect.arrayContaining([
        { field: 'subject', from: r.subject, to: 'Wash trading in XYZ perpetuals' },
        { field: 'receivedAt', from: '2026-01-09', to: '2026-01-12' },
        { field: 'theirRef', from: 'B/2026/17', to: null },
      ]),
    );
    // Nothing changed: nothing recorded, updated_at kept.
    const same = await call<RequestDetail>('requests.update', { requestId: r.requestId, subject: 'Wash trading in XYZ perpetuals' });
    expect(same.updatedAt).toBe(u.updatedAt);
    expect(same.events).toHaveLength(u.events.length);
  });

  it('checks the request as it will be', async () => {
    const r = await create();
    expect((await failure(call('requests.update', { requestId: r.requestId, urgency: 'urgent' }))).message).toBe(
      'Reason for urgency: an urgent request needs the reason for its urgency.',
    );
    expect((await failure(call('requests.update', { requestId: r.requestId, requestType: 'acfit' }))).message).toBe(
      'ACFIT power asked for: an ACFIT request names the power it asks for.',
    );
    await expect(
      call('requests.update', { requestId: r.requestId, requestType: 'acfit', acfitPower: 'telephone_records' }),
    ).resolves.toMatchObject({
      acfitPower: 'telephone_records',
    });
    expect((await failure(call('requests.update', { requestId: r.requestId, receivedAt: null }))).message).toBe(
      'Date received: an incoming request needs the date it was received.',
    );
    expect((await failure(call('requests.update', { requestId: r.requestId, instrument: null }))).message).toBe(
      'Provision: a provision key needs its instrument.',
    );
    await expect(call('requests.update', { requestId: r.requestId, instrument: null, provisionKey: null })).resolves.toMatchObject({
      instrument: null,
    });
    expect(await failure(call('requests.update', { requestId: r.requestId, counterpartAuthority: 'TEST-A' }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(call('requests.update', { requestId: r.requestId, counterpartAuthority: 'TEST-CRYPTO' })).resolves.toMatchObject({
      counterpartAuthority: 'TEST-CRYPTO',
      requestingAuthority: 'TEST-CRYPTO',
    });
  });

  it('moves a draft to sent with its date, then in progress; the estimate is set once, then revised with a reason', async () => {
    const d = await create({ direction: 'outgoing', receivedAt: undefined });
    expect((await failure(call('requests.update', { requestId: d.requestId, status: 'sent' }))).message).toBe(
      'Date sent: a sent request needs the date it was sent.',
    );
    const sent = await call<RequestDetail>('requests.update', { requestId: d.requestId, sentAt: '2026-01-09' });
    expect(sent).toMatchObject({ status: 'sent', ackDueAt: '2026-01-16' });
    const progress = await call<RequestDetail>('requests.update', {
      requestId: d.requestId,
      status: 'in_progress',
      estimatedResponseAt: '2026-02-27',
    });
    expect(progress).toMatchObject({ status: 'in_progress', estimatedResponseAt: '2026-02-27' });
    expect((await failure(call('requests.update', { requestId: d.requestId, estimatedResponseAt: '2026-03-31' }))).message).toMatch(
      /already has an estimated response date \(2026-02-27\): add a revised estimate event with its reason/,
    );
    expect(await failure(call('requests.update', { requestId: d.requestId, status: 'refused' }))).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await failure(call('requests.update', { requestId: d.requestId, sentAt: null }))).code).toBe('INVALID_INPUT');
  });
});

describe('holiday calendars: the requested authority’s', () => {
  /** Synthetic authorities in real jurisdictions (DE, US), so the shipped calendars apply whether or not the registry is loaded. */
  const seedCalendared = () => {
    backend.db
      .prepare(
        `INSERT OR IGNORE INTO coop_jurisdiction (code, name, kind) VALUES ('DE', 'Germany', 'country'), ('US', 'United States', 'country')`,
      )
      .run();
    const authority = backend.db.prepare(
      `INSERT INTO authority (short_name, full_name, jurisdiction, authority_type, is_regulator, iosco_membership, synthetic)
         VALUES (?, ?, ?, 'securities', 1, 'unknown', 1) ON CONFLICT (short_name) DO NOTHING`,
    );
    authority.run('TEST-DE', 'Test authority in Germany', 'DE');
    authority.run('TEST-US', 'Test authority in the United States', 'US');
  };
  const stored = (requestId: number) =>
    (backend.db.prepare('SELECT ack_due_at FROM assistance_request WHERE request_id = ?').get(requestId) as { ack_due_at: string })
      .ack_due_at;

  it('incoming: our calendar counts. MiCA received Thursday 2025-04-17 in Germany is due Monday 2025-04-28', async () => {
    seedCalendared();
    const r = await create({ ourAuthority: 'TEST-DE', receivedAt: '2025-04-17' });
    expect(r.ackDueAt).toBe('2025-04-28');
    expect(stored(r.requestId)).toBe('2025-04-28');
    expect(r.deadline.calendar).toMatchObject({ basis: 'holiday_calendar', calendarId: 'de', authority: 'TEST-DE' });
    expect(r.deadline.calendar.holidaysSkipped.map((h) => h.date)).toEqual(['2025-04-18', '2025-04-21']);
    expect(r.ackCalendar).toEqual({
      basis: 'holiday_calendar',
      authority: 'TEST-DE',
      calendarName: 'German nationwide public holidays',
      note: r.deadline.calendar.note,
    });
    // The same request received by an authority without a calendar: weekends only, and said.
    const plain = await create({ receivedAt: '2025-04-17' });
    expect(plain.ackDueAt).toBe('2025-04-24');
    expect(plain.ackCalendar).toMatchObject({
      basis: 'weekends_only',
      note: 'Counted without a holiday calendar for TEST-A: weekends only.',
    });
  });

  it('outgoing: the counterpart’s calendar counts, and a change of counterpart recounts the stored due date', async () => {
    seedCalendared();
    // Sent Wednesday 2025-11-26 to a US authority: Thanksgiving (Thu 27) skipped, due Thursday 2025-12-04.
    const out = await create({ direction: 'outgoing', receivedAt: undefined, sentAt: '2025-11-26', counterpartAuthority: 'TEST-US' });
    expect(out).toMatchObject({ requestedAuthority: 'TEST-US', ackDueAt: '2025-12-04' });
    expect(out.deadline.calendar.calendarId).toBe('us-federal');
    // To an authority without a calendar instead: Thursday 27 counts, due Wednesday 2025-12-03.
    const moved = await call<RequestDetail>('requests.update', { requestId: out.requestId, counterpartAuthority: 'TEST-B' });
    expect(moved).toMatchObject({ ackDueAt: '2025-12-03', ackCalendar: { basis: 'weekends_only', authority: 'TEST-B' } });
    expect(stored(out.requestId)).toBe('2025-12-03');
    // Our own calendar does not matter for an outgoing request: TEST-DE as ours changes nothing.
    const ours = await call<RequestDetail>('requests.update', {
      requestId: out.requestId,
      ourAuthority: 'TEST-DE',
      counterpartAuthority: 'TEST-US',
    });
    expect(ours.ackDueAt).toBe('2025-12-04');
    expect(stored(out.requestId)).toBe('2025-12-04');
  });

  it('the list carries the calendar of each row', async () => {
    seedCalendared();
    await create({ ourAuthority: 'TEST-DE', receivedAt: '2025-04-17', ourRef: 'DE-1' });
    await create({ receivedAt: '2025-04-17', ourRef: 'XA-1' });
    const rows = await call<RequestSummary[]>('requests.list', { asOf: '2025-04-25' });
    expect(rows.map((r) => [r.ourRef, r.ackDueAt, r.ackCalendar.basis, r.ackState])).toEqual([
      ['XA-1', '2025-04-24', 'weekends_only', 'overdue'],
      ['DE-1', '2025-04-28', 'holiday_calendar', 'due_soon'],
    ]);
  });
});

describe('bad input is rejected by the contract', () => {
  const base = incoming();
  const cases: Array<[string, unknown]> = [
    ['an unknown field', { ...base, secret: 1 }],
    ['an unknown direction', { ...base, direction: 'sideways' }],
    ['an unknown type', { ...base, requestType: 'phone_call' }],
    ['an unknown deadline rule', { ...base, deadlineRule: 'MIFID' }],
    ['no deadline rule', { ...base, deadlineRule: undefined }],
    ['a date that does not exist', { ...base, receivedAt: '2026-02-30' }],
    ['a date in another format', { ...base, receivedAt: '09/01/2026' }],
    ['an empty subject', { ...base, subject: '   ' }],
    ['no purpose', { ...base, purpose: undefined }],
    ['an LEI in lower case', { ...base, entities: [{ kind: 'lei', value: LEI.toLowerCase() }] }],
    ['an entity of an unknown kind', { ...base, entities: [{ kind: 'ship', value: 'x' }] }],
    ['an ACFIT power on a files request', { ...base, acfitPower: 'freeze_assets' }],
    ['received before sent', { ...base, sentAt: '2026-01-10' }],
    ['an outgoing request with a received date', { ...base, direction: 'outgoing' }],
  ];
  it.each(cases)('%s', async (_what, input) => {
    await expect(call('requests.create', input)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(backend.db.prepare('SELECT count(*) AS n FROM assistance_request').get()).toEqual({ n: 0 });
  });

  it('reports every problem of a form at once', async () => {
    const e = await failure(call('requests.create', { ...base, subject: '', urgency: 'urgent', receivedAt: undefined }));
    expect(e.details?.issues?.map((i) => i.path.join('.'))).toEqual(['subject', 'urgencyReason', 'receivedAt']);
  });

  it('an unknown event kind says which there are', async () => {
    const e = await failure(call('requests.addEvent', { requestId: 1, kind: 'lunch', at: '2026-01-10' }));
    expect(e.message).toBe('Kind of event: choose what happened from the list of events.');
  });
});
