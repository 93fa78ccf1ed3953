import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../renderer/src/api/client';
import { ImportDialog } from '../../renderer/src/features/snapshots/ImportDialog';
import { AttachForm } from '../../renderer/src/features/cases/AttachForm';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import type { CaseItem, FileDialogs, OpenFileRequest, SaveFileRequest } from '../../shared/contract';
import { fakeApi, type FakeAnswers } from './fakeApi';

afterEach(cleanup);

/** The desktop app's bridge: a fake of the native dialogs (main shows the real ones), recording what was asked. */
function desktopApi(answers: FakeAnswers, chosen: string[]) {
  const { api, calls } = fakeApi(answers);
  const asked: Array<OpenFileRequest | SaveFileRequest> = [];
  const dialogs: FileDialogs = {
    openFiles: async (request) => (asked.push(request), chosen),
    saveFile: async (request) => (asked.push(request), chosen[0] ?? null),
  };
  const desktop: ApiClient = { ...api, dialogs };
  return { api: desktop, calls, asked };
}

function renderWith(api: ApiClient, ui: React.ReactNode) {
  return render(<StoresProvider stores={createStores(api)}>{ui}</StoresProvider>);
}

describe('native file dialogs in the desktop app', () => {
  it('Import: files chosen in the native dialog are imported by path, with no upload', async () => {
    const { api, calls, asked } = desktopApi({ 'snapshots.import': { jobId: 'j1' } as never }, ['/data/tr/trades.csv', 'C:\\data\\fx.csv']);
    let closed = false;
    renderWith(api, <ImportDialog onClose={() => (closed = true)} />);
    expect(screen.queryByLabelText('Files')).toBeNull(); // no browser file input
    fireEvent.click(screen.getByRole('button', { name: 'Choose files…' }));
    await waitFor(() => expect(screen.getByTestId('chosen-files').textContent).toBe('trades.csv, fx.csv'));
    expect(asked).toEqual([{ purpose: 'import' }]);
    fireEvent.change(screen.getByPlaceholderText(/DTCC/), { target: { value: 'Test TR' } });
    fireEvent.change(screen.getByLabelText('As of'), { target: { value: '2026-06-30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(calls.find((c) => c.method === 'snapshots.import')?.input).toMatchObject({
      files: [{ path: '/data/tr/trades.csv' }, { path: 'C:\\data\\fx.csv' }],
      sourceName: 'Test TR',
      asOfDate: '2026-06-30',
    });
  });

  it('Import: nothing is imported while no file is chosen (the dialog was cancelled)', async () => {
    const { api, asked } = desktopApi({}, []);
    renderWith(api, <ImportDialog onClose={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Choose files…' }));
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(screen.getByTestId('chosen-files').textContent).toBe('No files chosen');
    expect((screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('Attach: the evidence file chosen is attached by path under its own name', async () => {
    const item = { itemId: 7 } as unknown as CaseItem;
    const { api, calls } = desktopApi(
      {
        'cases.attach': item,
        'cases.get': (() => {
          throw new Error('not needed');
        }) as never,
      },
      ['/home/me/Evidence/chat log.pdf'],
    );
    let done: CaseItem | undefined;
    renderWith(api, <AttachForm caseNumber="CASE-2026-001" onDone={(i) => (done = i)} onCancel={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Choose a file…' }));
    await waitFor(() => expect(screen.getByText('chat log.pdf')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Attach' }));
    await waitFor(() => expect(done).toBe(item));
    expect(calls.find((c) => c.method === 'cases.attach')?.input).toMatchObject({
      caseNumber: 'CASE-2026-001',
      source: { path: '/home/me/Evidence/chat log.pdf' },
      originalName: 'chat log.pdf',
    });
  });
});
