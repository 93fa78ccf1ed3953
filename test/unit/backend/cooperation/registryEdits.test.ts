import { describe, expect, it } from 'vitest';
import shipped from '../../../../resources/cooperation/registry.json';
import { createCooperationHandlers } from '../../../../electron/backend/cooperation/cooperation.service';
import { ensureShippedRegistry, loadRegistry, validateRegistry } from '../../../../electron/backend/cooperation/registryLoader';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { partyEditInput, type InstrumentParty, type RegistryEdit } from '../../../../shared/contract/cooperation';
import { fileTempDir } from '../../../helpers/tempDir';

/**
 * Registry edits keep their audit: a supervisor's local correction of a party row (who, when, before, after, why)
 * survives a registry update, from a feed (loadRegistry) or a newer shipped registry (ensureShippedRegistry).
 */
type Registry = typeof shipped & { asOf: string };
const withAsOf = (asOf: string, edit: (r: Registry) => void = () => {}): Registry => {
  const r = structuredClone(shipped) as Registry;
  r.asOf = asOf;
  edit(r);
  return r;
};
const mmouParty = (r: Registry, authority: string) =>
  r.instruments.find((i) => i.code === 'IOSCO_MMOU')!.parties.find((p) => p.authority === authority)! as Record<string, unknown>;

async function withEditedMas() {
  const db = (await openDatabase(fileTempDir())).db;
  ensureShippedRegistry(db, withAsOf('2026-11-01'));
  const handlers = createCooperationHandlers({ db });
  const mas = partyOf(db, 'MAS');
  expect(mas.status).toBe('unknown');
  const edited = (await handlers['cooperation.editParty'](
    partyEditInput.parse({
      partyId: mas.partyId,
      tier: 'A',
      canRequest: true,
      canReceive: true,
      validFrom: '2005-01-01',
      status: 'verified',
      sourceUrl: 'https://example.org/mas-mmou-letter',
      reason: 'Confirmed by MAS in writing.',
    }),
  )) as InstrumentParty;
  return { db, handlers, edited };
}

function partyOf(db: Db, authority: string): InstrumentParty {
  const handlers = createCooperationHandlers({ db });
  const detail = handlers['cooperation.instrument']({ code: 'IOSCO_MMOU' }) as { partyRows: InstrumentParty[] };
  const rows = detail.partyRows.filter((p) => p.authority === authority);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

const edits = (db: Db) => (createCooperationHandlers({ db })['cooperation.edits']({}) as RegistryEdit[]).reverse();

describe('local party edits across a registry update', () => {
  it('a newer shipped registry is loaded, and the correction it left untouched is carried over with its audit', async () => {
    const { db, edited } = await withEditedMas();
    ensureShippedRegistry(db, withAsOf('2026-12-06'));
    const loads = db.prepare(`SELECT as_of FROM registry_load ORDER BY load_id`).pluck().all();
    expect(loads).toEqual(['2026-11-01', '2026-12-06']);
    // The correction stands on the new row.
    const mas = partyOf(db, 'MAS');
    expect(mas).toMatchObject({ tier: 'A', status: 'verified', validFrom: '2005-01-01', sourceUrl: 'https://example.org/mas-mmou-letter' });
    // The original edit is still there, whole, and a second entry says it was carried over, and why.
    const [original, carried] = edits(db);
    expect(original).toMatchObject({ entity: 'instrument_party', reason: 'Confirmed by MAS in writing.' });
    expect(original!.before).toMatchObject({ status: 'unknown', validFrom: '0001-01-01' });
    expect(original!.after).toMatchObject({ partyId: edited.partyId, status: 'verified' });
    expect(carried).toMatchObject({ editedBy: 'registry update', entityKey: `IOSCO_MMOU MAS (party #${mas.partyId})` });
    expect(carried!.before).toMatchObject({ status: 'unknown' });
    expect(carried!.after).toMatchObject({ status: 'verified', validFrom: '2005-01-01' });
    expect(carried!.reason).toMatch(/carried over onto the registry from shipped \(as of 2026-12-06\).*Confirmed by MAS in writing/);

    // A further update (from a feed) carries it again: the carried-over row is itself a live edit.
    loadRegistry(db, validateRegistry(withAsOf('2026-12-07'), 'feed'), 'feed "tr"');
    expect(partyOf(db, 'MAS')).toMatchObject({ status: 'verified', validFrom: '2005-01-01' });
    expect(edits(db).at(-1)!.reason).toMatch(/carried over onto the registry from feed "tr" \(as of 2026-12-07\)/);
  });

  it('where the update changed the edited row, its status applies and the superseded correction is recorded', async () => {
    const { db } = await withEditedMas();
    const changed = withAsOf('2026-12-06', (r) =>
      Object.assign(mmouParty(r, 'MAS'), {
        tier: 'B',
        role: 'committed',
        canRequest: false,
        canReceive: false,
        validFrom: '2010-06-01',
        status: 'verified',
        sourceUrl: 'https://example.org/iosco-list',
      }),
    );
    loadRegistry(db, validateRegistry(changed, 'feed'), 'feed "tr"');
    expect(partyOf(db, 'MAS')).toMatchObject({ tier: 'B', validFrom: '2010-06-01', sourceUrl: 'https://example.org/iosco-list' });
    const all = edits(db);
    expect(all).toHaveLength(2);
    expect(all[0]!.reason).toBe('Confirmed by MAS in writing.');
    const superseded = all[1]!;
    expect(superseded.editedBy).toBe('registry update');
    expect(superseded.before).toMatchObject({ tier: 'A', status: 'verified', sourceUrl: 'https://example.org/mas-mmou-letter' });
    expect(superseded.after).toEqual([expect.objectContaining({ tier: 'B', validFrom: '2010-06-01' })]);
    expect(superseded.reason).toMatch(/superseded: the registry from feed "tr" \(as of 2026-12-06\) changed this row/);
  });

  it('an older or equal shipped registry never replaces the one in use, edits or not', async () => {
    const { db } = await withEditedMas();
    ensureShippedRegistry(db, withAsOf('2026-11-01'));
    expect(db.prepare(`SELECT count(*) FROM registry_load`).pluck().get()).toBe(1);
    expect(partyOf(db, 'MAS')).toMatchObject({ status: 'verified' });
    expect(edits(db)).toHaveLength(1);
  });
});
