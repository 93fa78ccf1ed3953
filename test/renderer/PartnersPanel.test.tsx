import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsView } from '../../renderer/src/features/settings/SettingsView';
import { createStores, StoresProvider } from '../../renderer/src/stores/StoresContext';
import { ContractError, type InputOf, type KeyCard, type PartnerKey, type WorkstationInfo } from '../../shared/contract';
import { fakeApi } from './fakeApi';

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

const identity: WorkstationInfo = {
  keyId: 'c9a1ad78fbd80011',
  fingerprint: `sha256:c9a1ad78fbd80011${'2'.repeat(48)}`,
  name: 'CFTC examiner',
  authority: 'CFTC',
  signingKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
  createdAt: '2026-12-01T09:00:00Z',
  secretStorage: 'a file readable by this user only',
  ageRecipient: `age1${'q'.repeat(58)}`,
};
const card: KeyCard = {
  v: 1,
  authority: 'CFTC',
  name: identity.name,
  signingKey: identity.signingKey,
  ageRecipient: identity.ageRecipient!,
  fingerprint: identity.fingerprint,
};
const fcaKey: PartnerKey = {
  fingerprint: `sha256:ab12${'3'.repeat(60)}`,
  authority: 'FCA',
  name: 'FCA desk',
  signingKey: identity.signingKey,
  ageRecipient: identity.ageRecipient,
  status: 'unverified',
  source: 'card',
  addedAt: '2026-12-02T10:00:00Z',
  trustedAt: null,
  revokedAt: null,
  revokedReason: null,
};

function renderSettings(start: PartnerKey[]) {
  let partners = start;
  const { api, calls } = fakeApi({
    'keys.identity': identity,
    'keys.card': card,
    'keys.partners': () => partners,
    'keys.importCard': ({ card: raw }: InputOf<'keys.importCard'>) => {
      if ((raw as { v?: number }).v !== 1)
        throw new ContractError('INVALID_INPUT', 'The key card is not valid: Card format version: invalid input: expected 1.');
      partners = [...partners, fcaKey];
      return fcaKey;
    },
    'keys.trust': ({ fingerprint }: InputOf<'keys.trust'>) => {
      partners = partners.map((p) => (p.fingerprint === fingerprint ? { ...p, status: 'trusted' as const } : p));
      return partners.find((p) => p.fingerprint === fingerprint)!;
    },
  });
  render(
    <StoresProvider stores={createStores(api)}>
      <SettingsView />
    </StoresProvider>,
  );
  return calls;
}

describe('Settings: keys for case bundles', () => {
  it('shows this workstation’s key card with its fingerprint grouped for reading aloud', async () => {
    renderSettings([]);
    const panel = await screen.findByTestId('partners');
    await waitFor(() =>
      expect(within(panel).getByLabelText("This workstation's key card")).toHaveProperty('value', JSON.stringify(card, null, 2)),
    );
    expect(panel.textContent).toContain('c9a1 ad78 fbd8 0011');
    expect(panel.textContent).toContain('No partner keys yet');
  });

  it('adds a pasted card as unverified, says to compare the fingerprint, and trusts it on request', async () => {
    const calls = renderSettings([]);
    const panel = await screen.findByTestId('partners');
    const box = within(panel).getByLabelText('A partner’s key card');
    fireEvent.change(box, { target: { value: 'not json' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Add key card' }));
    expect(await within(panel).findByText(/This is not a key card/)).toBeTruthy();
    fireEvent.change(box, { target: { value: JSON.stringify({ ...card, v: 2 }) } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Add key card' }));
    expect(await within(panel).findByText(/Card format version: invalid input/)).toBeTruthy();
    fireEvent.change(box, { target: { value: JSON.stringify(card) } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Add key card' }));
    expect((await within(panel).findByRole('status')).textContent).toMatch(
      /Added FCA as unverified\. Compare this fingerprint with FCA by telephone/,
    );
    const row = await within(panel).findByRole('row', { name: /FCA desk/ });
    expect(row.textContent).toContain('unverified');
    fireEvent.click(within(row).getByRole('button', { name: 'Fingerprint checked: trust' }));
    await waitFor(() => expect(within(panel).getByRole('row', { name: /FCA desk/ }).textContent).toContain('trusted'));
    expect(calls.filter((c) => c.method === 'keys.trust')).toEqual([{ method: 'keys.trust', input: { fingerprint: fcaKey.fingerprint } }]);
  });
});
