import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RejectedRow, ValidationIssueRow } from '../../shared/contract';
import { IssuesGrid } from '../../renderer/src/features/snapshots/IssuesGrid';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { fakeApi } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(cleanup);

const stat = (n: number) => `/Document/DerivsTradStatRpt/TradData/Stat[${n}]/CtrPtySpcfcData[1]`;
const finding = (n: number): ValidationIssueRow => ({
  file: 'minified.xml',
  line: 1,
  location: stat(n),
  field: 'reporting_lei',
  ruleId: 'CNC_LEI',
  severity: 'ERROR',
  message: `Bad LEI in report ${n}.`,
  rejected: true,
});

describe('findings grid: a rejected row opens what the TR sent', () => {
  it('asks for the very report double-clicked when one line (a minified XML file) holds several', async () => {
    const { api, calls } = fakeApi({
      'snapshots.issues': { rows: [finding(4), finding(5)], total: 2 },
      'snapshots.rejectedRow': (input): RejectedRow => ({
        file: input.file,
        line: input.line,
        location: input.location ?? `line ${input.line}`,
        values: { reporting_lei: input.location === stat(5) ? 'LEI-OF-5' : 'LEI-OF-4' },
      }),
    });
    render(
      <StoresProvider stores={createStores(api)}>
        <IssuesGrid snapshotId={3} filters={{}} />
      </StoresProvider>,
    );
    const grid = screen.getByTestId('issues-grid');
    const message = (text: string) => [...grid.querySelectorAll('[col-id="message"]')].find((c) => c.textContent === text);
    await waitFor(() => expect(message('Bad LEI in report 5.')).toBeTruthy());
    fireEvent.doubleClick(message('Bad LEI in report 5.')!);
    const dialog = await screen.findByRole('dialog', { name: 'Rejected row' });
    expect(calls.filter((c) => c.method === 'snapshots.rejectedRow').map((c) => c.input)).toEqual([
      { snapshotId: 3, file: 'minified.xml', line: 1, location: stat(5) },
    ]);
    expect(within(dialog).getByText(`minified.xml · ${stat(5)}`)).toBeTruthy();
    expect(within(dialog).getByText('LEI-OF-5')).toBeTruthy();
  });
});
