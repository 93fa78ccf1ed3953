import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { fieldErrorsOf } from '../../renderer/src/stores/requests.store';
import { ContractError, type AuthoritySummary, type InputOf, type RequestDetail, type RequestSummary } from '../../shared/contract';
import { ackCalendarSummary, ackDeadline, type HolidayCalendar } from '../../shared/domain/requestDeadlines';
import { info, snapshotSummary } from './drillData';
import { fakeApi, type FakeAnswers } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

const authority = (shortName: string, fullName: string): AuthoritySummary => ({
  authorityId: shortName.length,
  shortName,
  fullName,
  jurisdiction: 'XX',
  jurisdictionName: 'X',
  authorityType: 'securities',
  isRegulator: true,
  ioscoMembership: 'unknown',
  memberships: [],
  sourceUrl: null,
  asOf: null,
  synthetic: false,
});

/** A calendar as the backend would pass for BaFin (two of its 2026 holidays suffice here). */
const germany: HolidayCalendar = {
  id: 'de',
  name: 'German nationwide public holidays',
  sourceUrls: ['https://www.gesetze-im-internet.de/einigvtr/art_2.html'],
  checkedOn: '2026-12-05',
  years: { from: 2024, to: 2027 },
  holidays: new Map([
    ['2026-01-01', 'New Year’s Day (Neujahr)'],
    ['2026-04-03', 'Good Friday (Karfreitag)'],
  ]),
};
/** The calendar of each requested authority in these fixtures; VARA has none. */
const calendars: Record<string, HolidayCalendar | null> = { BaFin: germany, VARA: null };

/**
 * One request as the backend would return it, its deadline computed by the shared rules as of
 * 2026-01-19 on the requested authority's calendar.
 */
function detail(over: Partial<RequestDetail> = {}): RequestDetail {
  const base = {
    requestId: 7,
    direction: 'incoming' as const,
    ourRef: 'RFA-2026-0007',
    theirRef: 'CY/17',
    requestingAuthority: 'CySEC',
    requestedAuthority: 'BaFin',
    ourAuthority: 'BaFin',
    counterpartAuthority: 'CySEC',
    instrument: null,
    provisionKey: null,
    requestType: 'files' as const,
    acfitPower: null,
    urgency: 'normal' as const,
    subject: 'Wash trading on a CASP',
    status: 'received' as const,
    deadlineRule: 'MICA_ITS_2024_2545' as const,
    sentAt: null,
    receivedAt: '2026-01-09',
    acknowledgedAt: null,
    estimatedResponseAt: null,
    closedAt: null,
    createdAt: '2026-01-19T10:00:00.000Z',
    updatedAt: '2026-01-19T10:00:00.000Z',
    ourAuthorityName: 'Bundesanstalt für Finanzdienstleistungsaufsicht',
    counterpartAuthorityName: 'Cyprus Securities and Exchange Commission',
    instrumentTitle: null,
    urgencyReason: null,
    factsSummary: null,
    purpose: 'Supervision of a passported CASP',
    entities: [{ kind: 'wallet' as const, value: '0xabc' }],
    refusalGround: null,
    refusalReason: null,
    events: [
      {
        eventId: 1,
        kind: 'created' as const,
        at: '2026-01-09',
        recordedAt: '2026-01-19T10:00:00.000Z',
        text: 'Recorded as received.',
        reason: null,
        estimatedResponseAt: null,
        refusalGround: null,
        changes: null,
      },
    ],
    ...over,
  };
  const deadline = ackDeadline({
    rule: base.deadlineRule,
    direction: base.direction,
    sentAt: base.sentAt,
    receivedAt: base.receivedAt,
    acknowledgedAt: base.acknowledgedAt,
    asOf: '2026-01-19',
    calendar: calendars[base.requestedAuthority] ?? null,
    actingAuthority: base.requestedAuthority,
  });
  return { ...base, deadline, ackDueAt: deadline.ackDueAt, ackState: deadline.state, ackCalendar: ackCalendarSummary(deadline.calendar) };
}

const summaryOf = (d: RequestDetail): RequestSummary => {
  const {
    ourAuthorityName: _a,
    counterpartAuthorityName: _b,
    instrumentTitle: _c,
    urgencyReason: _d,
    factsSummary: _e,
    purpose: _f,
    entities: _g,
    refusalGround: _h,
    refusalReason: _i,
    deadline: _j,
    events: _k,
    ...summary
  } = d;
  return summary;
};

function renderRequests(extra: FakeAnswers = {}) {
  const requests: RequestDetail[] = [
    detail(),
    detail({ requestId: 8, ourRef: 'RFA-2026-0008', theirRef: null, acknowledgedAt: '2026-01-12', status: 'acknowledged' }),
  ];
  const { api, calls } = fakeApi({
    'app.info': info,
    'jobs.list': [],
    'snapshots.list': [snapshotSummary()],
    'exposure.drill': () => {
      throw new Error('not this view');
    },
    'views.getColumns': { columns: [] },
    'views.list': [],
    'cooperation.authorities': [authority('BaFin', 'Bundesanstalt für Finanzdienstleistungsaufsicht'), authority('CySEC', 'Cyprus SEC')],
    'cooperation.instruments': [],
    'requests.list': (input) =>
      requests.map(summaryOf).filter((r) => !(input as { overdueOnly?: boolean }).overdueOnly || r.ackState === 'overdue'),
    'requests.get': ({ requestId }) => requests.find((r) => r.requestId === requestId)!,
    'requests.create': (input: InputOf<'requests.create'>) => {
      if (!input.subject?.trim() || input.deadlineRule === undefined) {
        throw new ContractError('INVALID_INPUT', 'Subject: the subject is required.', {
          issues: [
            ...(input.subject?.trim() ? [] : [{ path: ['subject'], message: 'the subject is required' }]),
            ...(input.deadlineRule ? [] : [{ path: ['deadlineRule'], message: 'the deadline rule is one of …' }]),
          ],
        });
      }
      const created = detail({
        requestId: 9,
        ourRef: 'RFA-2026-0009',
        subject: input.subject,
        receivedAt: input.receivedAt ?? null,
        counterpartAuthority: input.counterpartAuthority,
      });
      requests.unshift(created);
      return created;
    },
    'requests.addEvent': (input: InputOf<'requests.addEvent'>) => {
      if (input.kind === 'revised_estimate' && !('reason' in input && input.reason)) {
        throw new ContractError('INVALID_INPUT', 'Reason: a revised estimate needs a reason.', {
          issues: [{ path: ['reason'], message: 'a revised estimate needs a reason' }],
        });
      }
      const i = requests.findIndex((r) => r.requestId === input.requestId);
      const updated = detail({ ...requests[i]!, acknowledgedAt: input.at, status: 'acknowledged' });
      requests[i] = updated;
      return updated;
    },
    ...extra,
  });
  render(
    <StoresProvider stores={createStores(api)}>
      <App />
    </StoresProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Requests' }));
  return { calls, requests };
}

const grid = () => screen.getByTestId('requests-grid');
const row = (id: number) =>
  grid().querySelector<HTMLElement>(`.ag-row[row-id="${id}"]:not(.ag-row-pinned) [col-id="subject"]`)?.closest('.ag-row');
const cell = (id: number, col: string) => grid().querySelector(`.ag-row[row-id="${id}"] [col-id="${col}"]`)?.textContent?.trim();

describe('Requests view', () => {
  it('lists requests with their acknowledgement due dates, marking overdue ones in words and with a class', async () => {
    renderRequests();
    await waitFor(() => expect(cell(7, 'ack')).toBe('2026-01-16 · overdue'));
    expect(row(7)!.classList.contains('row-overdue')).toBe(true);
    expect(cell(8, 'ack')).toBe('2026-01-16 · met');
    expect(row(8)!.classList.contains('row-overdue')).toBe(false);
    expect(cell(7, 'counterpartAuthority')).toBe('CySEC');
    expect(cell(7, 'status')).toBe('Received');
    expect(screen.getByTestId('requests-count').textContent).toBe('2 requests, 1 overdue');
  });

  it('an empty log says "No requests yet" with the next step; an empty filtered list says what to change', async () => {
    renderRequests({ 'requests.list': () => [] });
    const empty = await screen.findByTestId('requests-empty');
    expect(empty.textContent).toBe('No requests yet. Record a request another authority sent you, or prepare one to send');
    expect(screen.queryByText('Loading…')).toBeNull();
    expect(screen.getByTestId('requests-count').textContent).toBe('0 requests');
    fireEvent.click(within(empty).getByRole('button', { name: 'Record a request another authority sent you, or prepare one to send' }));
    expect(await screen.findByRole('dialog', { name: 'New request for assistance' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.change(screen.getByLabelText('Direction'), { target: { value: 'outgoing' } });
    await waitFor(() =>
      expect(screen.getByTestId('requests-empty').textContent).toBe('No request matches these filters. Choose “All” to see every request.'),
    );
  });

  it('filters: overdue only asks the backend for overdue requests', async () => {
    const { calls } = renderRequests();
    await waitFor(() => expect(cell(8, 'ack')).toBeTruthy());
    fireEvent.click(screen.getByLabelText(/Overdue acknowledgements only/));
    await waitFor(() => expect(cell(8, 'ack')).toBeUndefined());
    expect(calls.filter((c) => c.method === 'requests.list').at(-1)!.input).toEqual({ overdueOnly: true });
    fireEvent.change(screen.getByLabelText('Direction'), { target: { value: 'incoming' } });
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'requests.list').at(-1)!.input).toEqual({ direction: 'incoming', overdueOnly: true }),
    );
  });

  it('opens a request page with every field, the deadline and the rule it comes from; Enter on a row opens it too', async () => {
    renderRequests();
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.keyDown(row(7)!.querySelector('[col-id="subject"]')!, { key: 'Enter' });
    const page = await screen.findByTestId('request-page');
    expect(within(page).getByTestId('ack-due').textContent).toBe('2026-01-16');
    expect(within(page).getByTestId('ack-state').textContent).toBe('overdue');
    expect(within(page).getByTestId('ack-deadline').textContent).toMatch(/MiCA ITS 2024\/2545/);
    // The calendar it was counted on, with its source; the old blanket "holidays are not modelled" is gone.
    expect(within(page).getByTestId('ack-calendar').textContent).toBe(
      'Counted on the German nationwide public holidays calendar, for BaFin.',
    );
    expect(within(page).getByTestId('ack-calendar-source').textContent).toMatch(
      /^Holidays from https:\/\/www\.gesetze-im-internet\.de\/einigvtr\/art_2\.html, checked 2026-12-05; covers 2024–2027\.$/,
    );
    expect(within(page).getByTestId('ack-deadline').textContent).not.toMatch(/not taken into account/);
    expect(within(page).getByText('Purpose')).toBeTruthy();
    expect(within(page).getByText('0xabc')).toBeTruthy();
    expect(within(page).getAllByTestId('request-event')).toHaveLength(1);
  });

  it('a request has an address: opening one writes #request/ID, and the address opens it', async () => {
    renderRequests();
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.keyDown(row(7)!.querySelector('[col-id="subject"]')!, { key: 'Enter' });
    await screen.findByTestId('request-page');
    expect(window.location.hash).toBe('#request/7');
    cleanup();
    // A fresh start on that address (a reload, a link) opens the same request.
    window.history.replaceState(null, '', '/#request/8');
    renderRequests();
    const page = await screen.findByTestId('request-page');
    expect(within(page).getByTestId('ack-state').textContent).toBe('met');
  });

  it('says how each due date was counted: on the calendar of the authority that must act, or weekends only', async () => {
    const vara = detail({
      requestId: 10,
      ourRef: 'RFA-2026-0010',
      direction: 'outgoing',
      status: 'sent',
      requestingAuthority: 'BaFin',
      requestedAuthority: 'VARA',
      ourAuthority: 'BaFin',
      counterpartAuthority: 'VARA',
      counterpartAuthorityName: 'Virtual Assets Regulatory Authority',
      sentAt: '2026-01-09',
      receivedAt: null,
    });
    const bafin = detail();
    renderRequests({
      'requests.list': () => [vara, bafin].map(summaryOf),
      'requests.get': ({ requestId }: { requestId: number }) => (requestId === 10 ? vara : bafin),
    });
    await waitFor(() => expect(cell(10, 'ackCalendar')).toBe('weekends only (no holiday calendar)'));
    expect(cell(7, 'ackCalendar')).toBe('German nationwide public holidays');
    const flagged = (id: number) => grid().querySelector(`.ag-row[row-id="${id}"] [col-id="ackCalendar"]`)!.classList.contains('flag-warn');
    expect([flagged(10), flagged(7)]).toEqual([true, false]);
    expect(screen.getByTestId('requests-view').textContent).not.toMatch(/public holidays are not taken into account/);

    fireEvent.click(row(10)!.querySelector('[col-id="subject"]')!);
    const page = await screen.findByTestId('request-page');
    await waitFor(() => expect(within(page).getByRole('heading', { level: 2 }).textContent).toMatch(/RFA-2026-0010/));
    expect(within(page).getByTestId('ack-calendar').textContent).toBe(
      'Counted without a holiday calendar for VARA: weekends only. ' +
        'The due date may come earlier than the authority’s own count, when a holiday it observes falls in the period.',
    );
    expect(within(page).queryByTestId('ack-calendar-source')).toBeNull();
    expect(within(page).getByTestId('ack-due').getAttribute('title')).toBe('Counted without a holiday calendar for VARA: weekends only.');
  });

  it('adds an acknowledgement, and shows the contract’s message next to the field it concerns', async () => {
    const { calls } = renderRequests();
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.click(row(7)!.querySelector('[col-id="subject"]')!);
    const page = await screen.findByTestId('request-page');
    const form = within(page).getByRole('form', { name: 'Add event' });
    fireEvent.change(within(form).getByLabelText('Event'), { target: { value: 'revised_estimate' } });
    fireEvent.change(within(form).getByLabelText('New estimated response'), { target: { value: '2026-03-31' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add event' }));
    const reason = within(form).getByLabelText('Reason');
    await waitFor(() => expect(reason.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(reason.getAttribute('aria-describedby')!)!.textContent).toBe('a revised estimate needs a reason');

    fireEvent.change(within(form).getByLabelText('Event'), { target: { value: 'acknowledged' } });
    // The estimate typed for the other kind stays in view (optional here): cleared, it is not sent.
    const estimate = within(form).getByLabelText('Estimated response (optional)') as HTMLInputElement;
    expect(estimate.value).toBe('2026-03-31');
    fireEvent.change(estimate, { target: { value: '' } });
    fireEvent.change(within(form).getByLabelText('Date'), { target: { value: '2026-01-15' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add event' }));
    await waitFor(() => expect(within(screen.getByTestId('request-page')).getByTestId('ack-state').textContent).toBe('met'));
    expect(calls.find((c) => c.method === 'requests.addEvent' && (c.input as { kind: string }).kind === 'acknowledged')!.input).toEqual({
      requestId: 7,
      kind: 'acknowledged',
      at: '2026-01-15',
    });
    await waitFor(() => expect(cell(7, 'ack')).toBe('2026-01-16 · met'));
  });

  it('“New request…”: authorities from the registry, field messages from the contract, then the new request opens', async () => {
    const { calls } = renderRequests();
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'New request…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New request for assistance' });
    const counterpart = within(dialog).getByLabelText('Requesting authority') as HTMLSelectElement;
    await waitFor(() => expect([...counterpart.options].map((o) => o.value)).toEqual(['', 'BaFin', 'CySEC']));
    // Our authority defaults to the one of the latest request.
    expect((within(dialog).getByLabelText('Our authority') as HTMLSelectElement).value).toBe('BaFin');
    fireEvent.change(counterpart, { target: { value: 'CySEC' } });
    fireEvent.change(within(dialog).getByLabelText('Received on'), { target: { value: '2026-01-09' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create request' }));
    const subject = within(dialog).getByLabelText('Subject');
    await waitFor(() => expect(subject.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(subject.getAttribute('aria-describedby')!)!.textContent).toBe('the subject is required');
    expect(within(dialog).getByLabelText('Deadline rule').getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(within(dialog).getByLabelText('Deadline rule'), { target: { value: 'MICA_ITS_2024_2545' } });
    expect(within(dialog).getByTestId('deadline-preview').textContent).toMatch(/^Acknowledgement due 2026-01-16 \(5 working days/);
    // The renderer holds no calendar: the preview says it counted weekends only, and whose calendar will count.
    expect(within(dialog).getByTestId('deadline-preview').textContent).toMatch(
      /Counted here on weekends only: once saved, it is counted on the holiday calendar of BaFin where there is one, which can make it later\.$/,
    );
    fireEvent.change(subject, { target: { value: 'Spoofing in BTC options' } });
    fireEvent.change(within(dialog).getByLabelText('Purpose'), { target: { value: 'Enforcement' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add entity' }));
    fireEvent.change(within(dialog).getByLabelText('Entity 1 kind'), { target: { value: 'wallet' } });
    fireEvent.change(within(dialog).getByLabelText('Entity 1 value'), { target: { value: ' bc1qxyz ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create request' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'requests.create').at(-1)!.input).toEqual({
      direction: 'incoming',
      ourAuthority: 'BaFin',
      counterpartAuthority: 'CySEC',
      requestType: 'files',
      urgency: 'normal',
      subject: 'Spoofing in BTC options',
      purpose: 'Enforcement',
      entities: [{ kind: 'wallet', value: 'bc1qxyz' }],
      deadlineRule: 'MICA_ITS_2024_2545',
      receivedAt: '2026-01-09',
    });
    expect(await screen.findByRole('heading', { name: /Request RFA-2026-0009/ })).toBeTruthy();
    await waitFor(() => expect(cell(9, 'ack')).toBe('2026-01-16 · overdue'));
  });

  it('“Edit…” sends only what changed, a cleared field as null', async () => {
    const { calls } = renderRequests({
      'requests.update': (input: InputOf<'requests.update'>) =>
        detail({ subject: input.subject ?? 'Wash trading on a CASP', theirRef: null }),
    });
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.click(row(7)!.querySelector('[col-id="subject"]')!);
    fireEvent.click(await within(await screen.findByTestId('request-page')).findByRole('button', { name: 'Edit…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit request RFA-2026-0007' });
    // Dates, rule and authorities as saved: the saved deadline, with its calendar.
    expect(within(dialog).getByTestId('deadline-preview').textContent).toBe(
      'Acknowledgement due 2026-01-16 (5 working days, MiCA ITS 2024/2545 (NCA ↔ NCA)). Counted on the German nationwide public holidays calendar, for BaFin.',
    );
    expect((within(dialog).getByLabelText('Direction') as HTMLSelectElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Subject'), { target: { value: 'Wash trading and spoofing' } });
    fireEvent.change(within(dialog).getByLabelText('Their reference'), { target: { value: '' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.method === 'requests.update')!.input).toEqual({
      requestId: 7,
      theirRef: null,
      subject: 'Wash trading and spoofing',
    });
  });

  it('falls back to free text for authorities when the registry cannot be read', async () => {
    renderRequests({
      'cooperation.authorities': () => {
        throw new ContractError('NOT_FOUND', 'There is no method named "cooperation.authorities".');
      },
    });
    await waitFor(() => expect(row(7)).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'New request…' }));
    const dialog = await screen.findByRole('dialog', { name: 'New request for assistance' });
    await waitFor(() => expect(within(dialog).getByLabelText('Requesting authority').tagName).toBe('INPUT'));
    expect(within(dialog).getByText(/The authority registry is not available/)).toBeTruthy();
  });
});

describe('fieldErrorsOf', () => {
  it('maps contract issues onto fields, entity rows included', () => {
    const error = new ContractError('INVALID_INPUT', 'x', {
      issues: [
        { path: ['entities', '1', 'value'], message: 'LEI fails' },
        { path: ['subject'], message: 'the subject is required' },
        { path: ['subject'], message: 'second message ignored' },
      ],
    });
    expect(fieldErrorsOf(error)).toEqual({
      'entities.1.value': 'LEI fails',
      entities: 'entity 2: LEI fails',
      subject: 'the subject is required',
    });
    expect(fieldErrorsOf(new Error('plain'))).toEqual({});
  });
});
