import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { ContractError, type InputOf, type InstrumentParty, type RegistryEdit } from '../../shared/contract';
import { authorities, edit, instruments, mmouDetail, party, registryInfo } from './cooperationData';
import { info, snapshotSummary } from './drillData';
import { fakeApi, type FakeAnswers } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

function renderMous(extra: FakeAnswers = {}) {
  const edits: RegistryEdit[] = [];
  const { api, calls } = fakeApi({
    'app.info': info,
    'jobs.list': [],
    'snapshots.list': [snapshotSummary()],
    'exposure.drill': () => {
      throw new Error('not this view');
    },
    'views.getColumns': { columns: [] },
    'views.list': [],
    'cooperation.registryInfo': () => ({ ...registryInfo, localEdits: edits.length }),
    'cooperation.authorities': authorities,
    'cooperation.instruments': instruments,
    'cooperation.instrument': ({ code }) => {
      if (code !== 'IOSCO_MMOU') throw new ContractError('NOT_FOUND', `No instrument ${code}.`);
      return mmouDetail();
    },
    'cooperation.edits': () => edits,
    'cooperation.consents': [],
    'cooperation.editParty': (input: InputOf<'cooperation.editParty'>): InstrumentParty => {
      // As the backend records it: the whole row before and after.
      const after = party({ tier: input.tier ?? null, canRequest: input.canRequest === undefined ? true : input.canRequest });
      edits.push({ ...edit, entityKey: `IOSCO_MMOU CFTC (party #${input.partyId})`, before: party(), after, reason: input.reason });
      return after;
    },
    ...extra,
  });
  const stores = createStores(api);
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'MoUs' }));
  return { calls, stores };
}

const grid = (testId: string) => screen.getByTestId(testId);
const row = (testId: string, id: string) => grid(testId).querySelector<HTMLElement>(`.ag-row[row-id="${id}"]`);
const cell = (testId: string, id: string, col: string) =>
  grid(testId).querySelector(`.ag-row[row-id="${id}"] [col-id="${col}"]`)?.textContent?.trim();

describe('MoU registry', () => {
  it('shows where the registry came from, and the instruments with their facts; filters narrow them', async () => {
    renderMous();
    const line = await screen.findByTestId('registry-info');
    expect(line.textContent).toContain('resources/cooperation/registry.json');
    expect(line.textContent).toContain('as of 2026-01-01');
    expect(line.textContent).toContain('ab12cd34ef56…');
    expect(line.textContent).toContain('0 local edits');
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_MMOU')).not.toBeNull());
    expect(cell('instruments-grid', 'IOSCO_MMOU', 'legallyBinding')).toBe('not verified');
    expect(cell('instruments-grid', 'CFTC_ESMA_2016_CCP', 'legallyBinding')).toBe('no');
    expect(cell('instruments-grid', 'IOSCO_MMOU', 'function')).toBe('Enforcement');
    expect(cell('instruments-grid', 'CFTC_ESMA_2016_CCP', 'administeringBody')).toBe('—');

    fireEvent.change(screen.getByRole('combobox', { name: 'Function' }), { target: { value: 'supervisory' } });
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_MMOU')).toBeNull());
    expect(row('instruments-grid', 'CFTC_ESMA_2016_CCP')).not.toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: 'Function' }), { target: { value: '' } });
    // Tier present: only instruments whose parties hold tier B (the MMoU, through SCB).
    fireEvent.change(screen.getByRole('combobox', { name: 'Tier' }), { target: { value: 'B' } });
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_EMMOU')).toBeNull());
    expect(row('instruments-grid', 'IOSCO_MMOU')).not.toBeNull();
  });

  it('double-click opens an instrument: facts, parties ("unknown" for what nobody verified), scope, rules with their provision keys, provisions', async () => {
    const { calls } = renderMous();
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_MMOU')).not.toBeNull());
    fireEvent.doubleClick(row('instruments-grid', 'IOSCO_MMOU')!.querySelector('[col-id="title"]')!);
    const page = await screen.findByTestId('instrument-page');
    expect(calls.find((c) => c.method === 'cooperation.instrument')?.input).toEqual({ code: 'IOSCO_MMOU' });
    expect(within(page).getByRole('heading', { name: /IOSCO Multilateral Memorandum of Understanding/ })).toBeTruthy();
    expect(within(page).getByText('not verified', { selector: 'dd' })).toBeTruthy();

    await waitFor(() => expect(row('parties-grid', '11')).not.toBeNull());
    expect(cell('parties-grid', '11', 'authority')).toBe('CFTC');
    expect(cell('parties-grid', '11', 'canRequest')).toBe('yes');
    expect(cell('parties-grid', '12', 'canRequest')).toBe('unknown');
    expect(cell('parties-grid', '12', 'canReceive')).toBe('unknown');
    expect(cell('parties-grid', '12', 'status')).toBe('unknown');
    expect(cell('parties-grid', '12', 'tier')).toBe('—');
    expect(cell('parties-grid', '11', 'validTo')).toBe('open');
    expect(cell('parties-grid', '11', 'capabilities')).toBe('files: available; telephone records: unknown');

    // Each rule names the provision it rests on; none recorded is said plainly.
    const categories = within(screen.getByTestId('rules-category'));
    expect(categories.getByText('Transaction records').closest('tr')!.textContent).toContain('MMOU.SCOPE.FILES');
    expect(categories.getByText('Telephone records').closest('tr')!.textContent).toContain('no provision recorded');
    expect(categories.getByText('Telephone records').closest('tr')!.textContent).toContain('obtain compelled');
    expect(within(screen.getByTestId('rules-use')).getByText('Civil and administrative enforcement').closest('tr')!.textContent).toContain(
      'MMOU.PERMISSIBLE_USE',
    );
    expect(within(screen.getByTestId('rules-onward')).getByText('consent required')).toBeTruthy();
    expect(within(screen.getByTestId('rules-refusal')).getByText('Would breach domestic law.')).toBeTruthy();

    const provisions = within(screen.getByTestId('provisions-table'));
    const permissible = provisions.getByText('MMOU.PERMISSIBLE_USE').closest('tr')!;
    expect(within(permissible).getAllByText('not verified')).toHaveLength(2);
    const files = provisions.getByText('MMOU.SCOPE.FILES').closest('tr')!;
    expect(files.textContent).toContain('¶7(b)(i)');
    expect(files.textContent).toContain('A. Lawyer, 2026-01-10');

    fireEvent.click(screen.getByRole('button', { name: '‹ All instruments' }));
    await waitFor(() => expect(screen.queryByTestId('instrument-page')).toBeNull());
    expect(screen.getByTestId('instruments-grid')).toBeTruthy();
  });

  it('Enter on an instrument row opens it; an instrument that is missing says so', async () => {
    renderMous();
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_EMMOU')).not.toBeNull());
    fireEvent.keyDown(row('instruments-grid', 'IOSCO_EMMOU')!.querySelector('[col-id="title"]')!, { key: 'Enter' });
    expect(await screen.findByText('IOSCO_EMMOU: No instrument IOSCO_EMMOU.')).toBeTruthy();
  });

  it('shows authorities with "unknown" literally where a status is not verified, and synthetic values marked', async () => {
    renderMous();
    await screen.findByTestId('registry-info');
    fireEvent.click(screen.getByRole('tab', { name: /^Authorities/ }));
    await waitFor(() => expect(row('authorities-grid', 'FCA')).not.toBeNull());
    expect(cell('authorities-grid', 'FCA', 'm:IOSCO_MMOU')).toBe('unknown');
    expect(cell('authorities-grid', 'CFTC', 'm:IOSCO_MMOU')).toBe('A');
    expect(cell('authorities-grid', 'CFTC', 'm:IOSCO_EMMOU')).toBe('unknown');
    expect(cell('authorities-grid', 'SCB', 'm:IOSCO_MMOU')).toBe('B');
    expect(cell('authorities-grid', 'SCB', 'm:IOSCO_EMMOU')).toBe('none recorded');
    expect(cell('authorities-grid', 'XREG', 'm:IOSCO_MMOU')).toBe('A (synthetic)');
    expect(within(row('authorities-grid', 'XREG')!).getByText('synthetic')).toBeTruthy();
    expect(cell('authorities-grid', 'CFTC', 'jurisdiction')).toBe('US — United States');
    expect(cell('authorities-grid', 'CFTC', 'isRegulator')).toBe('yes');
    expect(within(row('authorities-grid', 'CFTC')!).getByRole('link', { name: 'source' }).getAttribute('href')).toBe(
      'https://www.iosco.org/v2/about/?subsection=mmou',
    );

    const status = screen.getByRole('combobox', { name: 'Status / tier' });
    fireEvent.change(status, { target: { value: JSON.stringify(['IOSCO_MMOU', 'unknown']) } });
    await waitFor(() => expect(row('authorities-grid', 'CFTC')).toBeNull());
    expect(row('authorities-grid', 'FCA')).not.toBeNull();
    fireEvent.change(status, { target: { value: '' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Jurisdiction' }), { target: { value: 'BS' } });
    await waitFor(() => expect(row('authorities-grid', 'CFTC')).toBeNull());
    expect(row('authorities-grid', 'SCB')).not.toBeNull();
  });

  it('a party edit needs a reason; it sends only what changed, and the local edit is listed with before → after', async () => {
    const { calls } = renderMous();
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_MMOU')).not.toBeNull());
    fireEvent.doubleClick(row('instruments-grid', 'IOSCO_MMOU')!.querySelector('[col-id="code"]')!);
    await waitFor(() => expect(row('parties-grid', '11')).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Edit party CFTC' }));
    const dialog = screen.getByRole('dialog', { name: /Edit party CFTC/ });
    fireEvent.change(within(dialog).getByLabelText('Tier'), { target: { value: 'A.1' } });
    fireEvent.change(within(dialog).getByLabelText('Can request'), { target: { value: 'unknown' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save edit' }));
    // The contract's own message, next to the field; nothing sent.
    expect(await within(dialog).findByText('say why the entry changed')).toBeTruthy();
    expect(within(dialog).getByLabelText('Reason (required)').getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.method === 'cooperation.editParty')).toBe(false);

    fireEvent.change(within(dialog).getByLabelText('Reason (required)'), { target: { value: 'IOSCO list read 2026-01-15' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save edit' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.method === 'cooperation.editParty')?.input).toEqual({
      partyId: 11,
      tier: 'A.1',
      canRequest: null,
      reason: 'IOSCO list read 2026-01-15',
    });
    await waitFor(() => expect(screen.getByTestId('registry-info').textContent).toContain('1 local edit'));

    fireEvent.click(screen.getByRole('button', { name: '‹ All instruments' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Local edits (1)' }));
    const edits = within(screen.getByTestId('edits-table'));
    const line = edits.getByText('IOSCO list read 2026-01-15').closest('tr')!;
    expect(line.textContent).toContain('analyst');
    expect(line.textContent).toContain('2026-01-15 10:00 UTC');
    expect(line.textContent).toContain('IOSCO_MMOU CFTC (party #11)');
    expect(
      within(line)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['tier: A → A.1', 'can request: yes → unknown']);
  });

  it('an edit the backend refuses keeps the dialog open with its message', async () => {
    renderMous({
      'cooperation.editParty': () => {
        throw new ContractError('INVALID_INPUT', 'Valid to (2001-01-01) must be after valid from (2002-12-19).', { field: 'validTo' });
      },
    });
    await waitFor(() => expect(row('instruments-grid', 'IOSCO_MMOU')).not.toBeNull());
    fireEvent.doubleClick(row('instruments-grid', 'IOSCO_MMOU')!.querySelector('[col-id="code"]')!);
    await waitFor(() => expect(row('parties-grid', '11')).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Edit party CFTC' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Valid to'), { target: { value: '2001-01-01' } });
    fireEvent.change(within(dialog).getByLabelText('Reason (required)'), { target: { value: 'ended then' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save edit' }));
    // The backend's message, above the form and next to the field it names.
    expect(await within(dialog).findByRole('alert')).toBeTruthy();
    expect(within(dialog).getByRole('alert').textContent).toBe('Valid to (2001-01-01) must be after valid from (2002-12-19).');
    expect(within(dialog).getByLabelText('Valid to').getAttribute('aria-invalid')).toBe('true');
    expect(
      document.getElementById(within(dialog).getByLabelText('Valid to').getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent,
    ).toBe('Valid to (2001-01-01) must be after valid from (2002-12-19).');
  });
});
