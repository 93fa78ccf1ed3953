import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotsView } from '../../renderer/src/features/snapshots/SnapshotsView';
import { IssuesGrid } from '../../renderer/src/features/snapshots/IssuesGrid';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { fakeApi, type FakeAnswers } from './fakeApi';

beforeAll(() => ModuleRegistry.registerModules([AllCommunityModule]));
afterEach(cleanup);

function renderWith(answers: FakeAnswers, view: React.ReactNode) {
  const { api } = fakeApi(answers);
  const stores = createStores(api);
  render(<StoresProvider stores={stores}>{view}</StoresProvider>);
  return stores;
}

describe('empty lists say why and what to do next', () => {
  it('Feeds & snapshots before anything was imported: sync a feed or import files; no grid overlay beside it', async () => {
    renderWith({ 'feeds.list': [] }, <SnapshotsView />);
    expect((await screen.findByTestId('snapshots-empty')).textContent).toBe(
      'No snapshot yet: sync a feed above, or import the files a trade repository delivered with “Import file…”.',
    );
    expect(await screen.findByText('No feed yet.')).toBeTruthy();
    expect(screen.queryByText('No Rows To Show')).toBeNull();
  });

  it('a snapshot without findings, and findings filtered to nothing, are told apart', async () => {
    renderWith({ 'snapshots.issues': { rows: [], total: 0 } }, <IssuesGrid snapshotId={1} filters={{}} />);
    expect((await screen.findByTestId('issues-empty')).textContent).toBe('No findings: every row of this snapshot passed validation.');
    cleanup();
    renderWith({ 'snapshots.issues': { rows: [], total: 0 } }, <IssuesGrid snapshotId={1} filters={{ severity: 'ERROR' }} />);
    expect((await screen.findByTestId('issues-empty')).textContent).toMatch(/^No finding matches these filters/);
  });
});
