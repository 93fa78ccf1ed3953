import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/App';
import { today } from '../../renderer/src/features/cooperation/labels';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { ContractError, type ConsentRow, type DataCategory, type InputOf, type Outcome, type ShareDecision } from '../../shared/contract';
import { authorities, decision, instruments, registryInfo } from './cooperationData';
import { info, snapshotSummary } from './drillData';
import { fakeApi, type FakeAnswers } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

/** Each category answers with a different outcome, so one check shows them all. */
const outcomeOf: Partial<Record<DataCategory, Outcome>> = {
  transaction_records: 'ALLOW_WITH_CONDITIONS',
  beneficial_ownership: 'ALLOW',
  account_holder_identity: 'CONSENT_REQUIRED',
  bank_records: 'NEEDS_REVIEW',
  brokerage_records: 'NO_BASIS',
  public_info: 'DENY',
};

let nextDecisionId = 100;
function mayShare(input: InputOf<'cooperation.mayShare'>): ShareDecision {
  const d = decision(outcomeOf[input.category] ?? 'NO_BASIS');
  return input.record ? { ...d, decisionId: nextDecisionId++ } : d;
}

function renderCheck(extra: FakeAnswers = {}) {
  const consents: ConsentRow[] = [];
  const { api, calls } = fakeApi({
    'app.info': info,
    'jobs.list': [],
    'snapshots.list': [snapshotSummary()],
    'exposure.drill': () => {
      throw new Error('not this view');
    },
    'views.getColumns': { columns: [] },
    'views.list': [],
    'cooperation.registryInfo': registryInfo,
    'cooperation.authorities': authorities,
    'cooperation.instruments': instruments,
    'cooperation.edits': [],
    'cooperation.consents': () => consents,
    'cooperation.mayShare': mayShare,
    'cooperation.addConsent': (input) => {
      const row: ConsentRow = {
        consentId: consents.length + 1,
        grantedBy: input.grantedBy,
        grantedTo: input.grantedTo,
        category: input.category ?? null,
        purpose: input.purpose,
        conditions: input.conditions ?? null,
        grantedAt: input.grantedAt,
        expiresAt: input.expiresAt ?? null,
        evidenceRef: input.evidenceRef ?? null,
        recordedAt: '2026-01-15T10:00:00.000Z',
        recordedBy: 'analyst',
      };
      consents.push(row);
      return row;
    },
    ...extra,
  });
  render(
    <StoresProvider stores={createStores(api)}>
      <App />
    </StoresProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'MoUs' }));
  fireEvent.click(screen.getByRole('tab', { name: 'Can I share?' }));
  return {
    calls,
    shares: () => calls.filter((c) => c.method === 'cooperation.mayShare').map((c) => c.input as InputOf<'cooperation.mayShare'>),
  };
}

const form = () => within(screen.getByRole('form', { name: 'Can I share?' }));
const card = (category: string) => within(screen.getByTestId(`decision-${category}`));

async function fillBasics(categories: string[]) {
  await waitFor(() => expect(form().getAllByRole('option', { name: /^SCB/ }).length).toBeGreaterThan(0));
  fireEvent.change(form().getByLabelText('Recipient'), { target: { value: 'SCB' } });
  for (const c of categories) fireEvent.click(form().getByRole('checkbox', { name: c }));
  fireEvent.change(form().getByLabelText('Date of sharing'), { target: { value: '2026-01-15' } });
}

describe('Can I share?', () => {
  it('runs one check per category, in parallel, and shows each outcome as text', async () => {
    // Every answer waits until all six calls are out: a check that ran them one by one would never finish.
    const waiting: Array<() => void> = [];
    const { shares } = renderCheck({
      'cooperation.mayShare': (input) =>
        new Promise<ShareDecision>((resolve) => {
          waiting.push(() => resolve(mayShare(input)));
          if (waiting.length === 6) for (const go of waiting) go();
        }) as unknown as ShareDecision,
    });
    expect((form().getByLabelText('Home authority (sender)') as HTMLSelectElement).value).toBe('CFTC');
    expect((form().getByLabelText('Date of sharing') as HTMLInputElement).value).toBe(today());
    await fillBasics([
      'Transaction records',
      'Beneficial ownership',
      'Account holder identity',
      'Bank records',
      'Brokerage records',
      'Public info',
    ]);
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    await screen.findByTestId('decision-public_info');
    expect(shares()).toHaveLength(6);
    expect(shares()[0]).toEqual({
      home: 'CFTC',
      recipient: 'SCB',
      category: 'transaction_records',
      purpose: 'civil_admin_enforcement',
      date: '2026-01-15',
      mode: 'share_from_files',
      provenance: { origin: 'own_collection' },
      personalData: false,
      ownInvestigationSensitive: false,
      record: false,
    });
    const badge = (c: string) => card(c).getByTestId('outcome');
    expect(badge('transaction_records').textContent).toBe('ALLOW WITH CONDITIONS');
    expect(badge('beneficial_ownership').textContent).toBe('ALLOW');
    expect(badge('account_holder_identity').textContent).toBe('CONSENT REQUIRED (from FCA)');
    expect(badge('bank_records').textContent).toBe('NEEDS REVIEW');
    expect(badge('brokerage_records').textContent).toBe('NO BASIS');
    expect(badge('public_info').textContent).toBe('DENY');
    expect(badge('public_info').getAttribute('data-outcome')).toBe('DENY');
    // Each badge carries its meaning in words too.
    expect(badge('brokerage_records').getAttribute('title')).toBe('No instrument fits.');
    expect(card('brokerage_records').getByText('No instrument fits.')).toBeTruthy();
    expect(card('brokerage_records').getByText('An arrangement under MiCA Art 107 would be needed.')).toBeTruthy();
    expect(card('brokerage_records').getByText('No instrument carries this sharing.')).toBeTruthy();
    expect(card('brokerage_records').queryByRole('button', { name: 'Copy legend' })).toBeNull();
    expect(screen.getByTestId('check-summary').textContent).toContain('CFTC → SCB · Civil and administrative enforcement · on 2026-01-15');
  });

  it('shows the bases with their provision keys, the conditions, the legend to copy, and the trace in order', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderCheck();
    await fillBasics(['Transaction records']);
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    await screen.findByTestId('decision-transaction_records');
    const c = card('transaction_records');
    const basis = c.getByTestId('bases').textContent!;
    expect(basis).toContain('IOSCO Multilateral Memorandum of Understanding (IOSCO_MMOU): ALLOW WITH CONDITIONS');
    expect(basis).toContain('rests on MMOU.SCOPE.FILES, MMOU.PERMISSIBLE_USE');
    const conditions = within(c.getByTestId('conditions')).getAllByRole('listitem');
    expect(conditions.map((li) => li.textContent)).toEqual([
      'Use limited to civil or administrative enforcement. (use limitation; MMOU.PERMISSIBLE_USE)',
      'No onward sharing without the consent of CFTC. (no onward sharing; CFTC)',
    ]);
    expect(c.getByTestId('legend').textContent).toBe('NON-PUBLIC — Provided by CFTC to SCB under IOSCO_MMOU (MMOU.PERMISSIBLE_USE).');
    fireEvent.click(c.getByRole('button', { name: 'Copy legend' }));
    await c.findByText('Legend copied.');
    expect(writeText).toHaveBeenCalledWith('NON-PUBLIC — Provided by CFTC to SCB under IOSCO_MMOU (MMOU.PERMISSIBLE_USE).');

    const steps = within(c.getByTestId('trace')).getAllByRole('listitem');
    expect(steps.map((s) => s.getAttribute('data-step'))).toEqual(['recipient', 'provenance', 'basis', 'candidate', 'result']);
    expect(steps[0]!.textContent).toBe('Recipient. SCB is a regulator. Effect: none.');
    expect(steps[3]!.textContent).toBe('Candidate instrument. The category is in scope. (IOSCO_MMOU, MMOU.SCOPE.FILES) Effect: none.');
    expect(steps[4]!.textContent).toBe('Result. The best outcome is ALLOW_WITH_CONDITIONS. Effect: ALLOW WITH CONDITIONS.');
  });

  it('Record decision re-runs the check shown with record: true and shows the decision ids', async () => {
    const { shares } = renderCheck();
    await fillBasics(['Transaction records', 'Bank records']);
    fireEvent.change(form().getByLabelText('Entity (optional)'), { target: { value: 'Platform X Ltd' } });
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    await screen.findByTestId('decision-bank_records');
    expect(screen.queryByTestId('decision-id')).toBeNull();
    // A change after the check is flagged; recording stores what is shown, not the changed form.
    fireEvent.change(form().getByLabelText('Purpose'), { target: { value: 'supervision' } });
    expect(screen.getByText(/The form has changed since this check/)).toBeTruthy();
    fireEvent.click(form().getByRole('button', { name: 'Record decision' }));
    await waitFor(() => expect(screen.getAllByTestId('decision-id')).toHaveLength(2));
    const recorded = shares().slice(2);
    expect(recorded.map((s) => [s.category, s.record, s.purpose, s.entity])).toEqual([
      ['transaction_records', true, 'civil_admin_enforcement', 'Platform X Ltd'],
      ['bank_records', true, 'civil_admin_enforcement', 'Platform X Ltd'],
    ]);
    expect(card('transaction_records').getByTestId('decision-id').textContent).toMatch(/^Recorded as decision #\d+$/);
  });

  it('asks for at least one category and a recipient before calling, and shows the contract errors next to the fields', async () => {
    const { shares } = renderCheck({
      'cooperation.mayShare': () => {
        throw new ContractError('INVALID_INPUT', 'Date: a date as YYYY-MM-DD.', {
          issues: [{ path: ['date'], message: 'a date as YYYY-MM-DD' }],
        });
      },
    });
    await waitFor(() => expect(form().getAllByRole('option', { name: /^SCB/ }).length).toBeGreaterThan(0));
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    expect(await form().findByText('Choose at least one category.')).toBeTruthy();
    expect(form().getByText('Choose the authority that would receive the data.')).toBeTruthy();
    expect(form().getByLabelText('Recipient').getAttribute('aria-invalid')).toBe('true');
    expect(shares()).toHaveLength(0);

    // Data received from a foreign authority needs its origin (the contract's rule, checked before sending).
    await fillBasics(['Transaction records']);
    fireEvent.change(form().getByLabelText('Where the data came from'), { target: { value: 'received_foreign' } });
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    expect(await form().findByText('data received from a foreign authority needs the authority it came from')).toBeTruthy();
    expect(shares()).toHaveLength(0);
    fireEvent.change(form().getByLabelText('Origin authority'), { target: { value: 'FCA' } });
    fireEvent.change(form().getByLabelText('Origin instrument'), { target: { value: 'IOSCO_MMOU' } });

    // What the backend refuses shows next to its field and above the buttons.
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    expect(await form().findByText('a date as YYYY-MM-DD')).toBeTruthy();
    expect(screen.getByTestId('check-error').textContent).toBe('Date: a date as YYYY-MM-DD.');
    expect(form().getByLabelText('Date of sharing').getAttribute('aria-invalid')).toBe('true');
    expect(shares()[0]!.provenance).toEqual({ origin: 'received_foreign', originAuthority: 'FCA', originInstrument: 'IOSCO_MMOU' });
  });

  it('a category whose check fails says so without hiding the others', async () => {
    renderCheck({
      'cooperation.mayShare': (input) => {
        if (input.category === 'bank_records') throw new ContractError('INTERNAL', 'The engine failed.');
        return mayShare(input);
      },
    });
    await fillBasics(['Transaction records', 'Bank records']);
    fireEvent.click(form().getByRole('button', { name: 'Check' }));
    await screen.findByTestId('decision-bank_records');
    expect(card('bank_records').getByText('The check failed: The engine failed.')).toBeTruthy();
    expect(card('transaction_records').getByTestId('outcome').textContent).toBe('ALLOW WITH CONDITIONS');
  });

  it('lists consents and records one, refusing an expiry before the grant', async () => {
    const { calls } = renderCheck();
    const consentForm = within(await screen.findByRole('form', { name: 'Record a consent' }));
    expect(screen.getByText('No consent on record.')).toBeTruthy();
    fireEvent.click(consentForm.getByRole('button', { name: 'Record consent' }));
    expect(consentForm.getAllByText('Choose an authority.')).toHaveLength(2);
    await waitFor(() => expect(consentForm.getAllByRole('option', { name: /^FCA/ }).length).toBeGreaterThan(0));
    fireEvent.change(consentForm.getByLabelText('Granted by (originator)'), { target: { value: 'FCA' } });
    fireEvent.change(consentForm.getByLabelText('Granted to (recipient)'), { target: { value: 'SCB' } });
    fireEvent.change(consentForm.getByLabelText('Category'), { target: { value: 'transaction_records' } });
    fireEvent.change(consentForm.getByLabelText('Granted on'), { target: { value: '2026-01-10' } });
    fireEvent.change(consentForm.getByLabelText('Expires on (optional)'), { target: { value: '2026-01-01' } });
    fireEvent.click(consentForm.getByRole('button', { name: 'Record consent' }));
    expect(await consentForm.findByText('a consent expires after it is granted')).toBeTruthy();
    expect(calls.some((c) => c.method === 'cooperation.addConsent')).toBe(false);

    fireEvent.change(consentForm.getByLabelText('Expires on (optional)'), { target: { value: '2026-12-31' } });
    fireEvent.change(consentForm.getByLabelText('Conditions'), { target: { value: 'Enforcement use only' } });
    fireEvent.change(consentForm.getByLabelText('Evidence reference'), { target: { value: 'FCA letter 2026/7' } });
    fireEvent.click(consentForm.getByRole('button', { name: 'Record consent' }));
    expect(await consentForm.findByText('Consent #1 recorded: FCA → SCB.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'cooperation.addConsent')?.input).toEqual({
      grantedBy: 'FCA',
      grantedTo: 'SCB',
      category: 'transaction_records',
      purpose: 'civil_admin_enforcement',
      conditions: 'Enforcement use only',
      grantedAt: '2026-01-10',
      expiresAt: '2026-12-31',
      evidenceRef: 'FCA letter 2026/7',
    });
    const row = within(screen.getByTestId('consents-table')).getByText('FCA → SCB').closest('tr')!;
    expect(row.textContent).toContain('Enforcement use only');
    expect(row.textContent).toContain('2026-12-31');
  });

  it('keeps the home authority as a setting across visits', async () => {
    renderCheck();
    await waitFor(() => expect(form().getAllByRole('option', { name: /^SCB/ }).length).toBeGreaterThan(0));
    fireEvent.change(form().getByLabelText('Home authority (sender)'), { target: { value: 'FCA' } });
    fireEvent.click(screen.getByRole('tab', { name: 'Registry' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Can I share?' }));
    expect((form().getByLabelText('Home authority (sender)') as HTMLSelectElement).value).toBe('FCA');
  });
});
