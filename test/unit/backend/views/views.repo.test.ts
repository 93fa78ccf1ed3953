import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import type { SavedView, ViewState } from '../../../../shared/contract';
import { tempDir } from '../../../helpers/tempDir';

const state = (over: Partial<ViewState> = {}): ViewState => ({
  snapshotId: 1,
  path: ['jurisdiction', 'venue', 'underlier'],
  at: [{ key: 'US', label: 'United States (US)' }],
  filters: [{ dimension: 'cleared', value: 'uncleared' }],
  sort: { by: 'grossNotionalUsd', direction: 'desc' },
  columns: [
    { colId: 'label', width: 220, pinned: 'left' },
    { colId: 'tradeCount', hide: false },
    { colId: 'grossNotionalUsd', width: 180 },
    { colId: 'mtmValuationUsd', hide: true },
  ],
  ...over,
});

let backend: Backend;
let dataDir: string;

beforeEach(async () => {
  dataDir = tempDir();
  backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  const insert = backend.db.prepare(
    `INSERT INTO snapshot (source_name, tr_lei, regime, as_of_date, version, source_sha256, imported_at, status)
       VALUES ('TR', NULL, 'EMIR', ?, 1, 'x', 'now', 'active')`,
  );
  insert.run('2026-06-29'); // snapshot 1
  insert.run('2026-06-30'); // snapshot 2
});

afterEach(async () => {
  await backend.close();
});

const call = <T>(method: string, input: unknown) => backend.call(method, input) as Promise<T>;

describe('saved views (on a real SQLite file)', () => {
  it('saves, lists by name, reads back exactly the state saved, and survives reopening the database', async () => {
    const saved = await call<SavedView>('views.save', { name: '  US venues  ', state: state() });
    expect(saved).toMatchObject({ viewId: expect.any(Number), name: 'US venues', state: state() });
    expect(saved.createdAt).toBe(saved.updatedAt);
    await call('views.save', { name: 'all jurisdictions', state: state({ at: [], compareTo: 2 }) });
    await call('views.save', { name: 'Zed', state: state({ path: ['group'], at: [], filters: [] }) });

    const list = await call<SavedView[]>('views.list', {});
    expect(list.map((v) => v.name)).toEqual(['all jurisdictions', 'US venues', 'Zed']);
    expect(list[0]!.state.compareTo).toBe(2);
    expect(list[1]!.state).toEqual(state());

    await backend.close();
    expect(fs.existsSync(path.join(dataDir, 'concordat.db'))).toBe(true);
    backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, loadDemoOnFirstStart: false });
    expect(await call<SavedView[]>('views.list', {})).toEqual(list);
  });

  it('saving under an existing name (any case) replaces that view and keeps its id and creation time', async () => {
    const first = await call<SavedView>('views.save', { name: 'Desk view', state: state() });
    await new Promise((r) => setTimeout(r, 5));
    const second = await call<SavedView>('views.save', { name: 'DESK VIEW', state: state({ sort: { by: 'label', direction: 'asc' } }) });
    expect(second.viewId).toBe(first.viewId);
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(second.name).toBe('DESK VIEW');
    const list = await call<SavedView[]>('views.list', {});
    expect(list).toHaveLength(1);
    expect(list[0]!.state.sort).toEqual({ by: 'label', direction: 'asc' });
  });

  it('removes a view by id, and says so only once', async () => {
    const v = await call<SavedView>('views.save', { name: 'gone soon', state: state() });
    await expect(call('views.remove', { viewId: v.viewId })).resolves.toEqual({ removed: true });
    await expect(call('views.remove', { viewId: v.viewId })).resolves.toEqual({ removed: false });
    expect(await call('views.list', {})).toEqual([]);
  });

  it('refuses a view of a snapshot that does not exist', async () => {
    await expect(call('views.save', { name: 'x', state: state({ snapshotId: 99 }) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('views.save', { name: 'x', state: state({ compareTo: 98 }) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await call('views.list', {})).toEqual([]);
  });

  it('a row corrupted in the database fails clearly when read, naming the view', async () => {
    const v = await call<SavedView>('views.save', { name: 'tampered', state: state() });
    backend.db
      .prepare(`UPDATE saved_view SET state_json = ? WHERE view_id = ?`)
      .run(JSON.stringify({ ...state(), path: ['nonsense'] }), v.viewId);
    const error = await call('views.list', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTEGRITY', details: { viewId: v.viewId, name: 'tampered' } });
    expect((error as Error).message).toMatch(/^The saved view "tampered" \(id \d+\) cannot be read \(path\.0: /);
    // The database refuses text that is not JSON at all.
    expect(() => backend.db.prepare(`UPDATE saved_view SET state_json = '{' WHERE view_id = ?`).run(v.viewId)).toThrow(/CHECK/);
    // It can still be removed, after which the list reads again.
    await call('views.remove', { viewId: v.viewId });
    expect(await call('views.list', {})).toEqual([]);
  });
});

describe('bad input is rejected by the contract', () => {
  const cases: Array<[string, string, unknown]> = [
    ['an empty name', 'views.save', { name: '   ', state: state() }],
    ['a name too long', 'views.save', { name: 'x'.repeat(121), state: state() }],
    ['an unknown dimension', 'views.save', { name: 'a', state: { ...state(), path: ['planet'] } }],
    ['at as long as the path', 'views.save', { name: 'a', state: state({ path: ['venue'], at: [{ key: 'X', label: 'X' }] }) }],
    ['an unknown sort key', 'views.save', { name: 'a', state: { ...state(), sort: { by: 'DROP TABLE', direction: 'asc' } } }],
    ['an extra field in the state', 'views.save', { name: 'a', state: { ...state(), sql: 'x' } }],
    ['a negative snapshot id', 'views.save', { name: 'a', state: state({ snapshotId: -3 }) }],
    ['a column width out of range', 'views.save', { name: 'a', state: state({ columns: [{ colId: 'a', width: 5 }] }) }],
    ['no state', 'views.save', { name: 'a' }],
    ['an unknown grid', 'views.getColumns', { grid: 'secrets' }],
    ['too many columns', 'views.setColumns', { grid: 'drill', columns: Array.from({ length: 81 }, (_, i) => ({ colId: `c${i}` })) }],
    ['an empty column id', 'views.setColumns', { grid: 'drill', columns: [{ colId: '' }] }],
    ['a view id that is not a positive integer', 'views.remove', { viewId: 0 }],
  ];
  it.each(cases)('%s', async (_what, method, input) => {
    await expect(call(method, input)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(backend.db.prepare('SELECT count(*) AS n FROM saved_view').get()).toEqual({ n: 0 });
  });

  it('an empty name says so in the message the UI shows', async () => {
    await expect(call('views.save', { name: '', state: state() })).rejects.toThrow('Name: a view needs a name.');
  });
});

describe('grid column layouts', () => {
  it('are empty until saved, then read back per grid; saving again replaces', async () => {
    expect(await call('views.getColumns', { grid: 'drill' })).toEqual({ columns: [] });
    const columns = [{ colId: 'label', width: 240, pinned: 'left' as const }, { colId: 'tradeCount', hide: true }, { colId: 'x' }];
    await expect(call('views.setColumns', { grid: 'drill', columns })).resolves.toEqual({ saved: true });
    expect(await call('views.getColumns', { grid: 'drill' })).toEqual({ columns });
    expect(await call('views.getColumns', { grid: 'trades' })).toEqual({ columns: [] });
    await call('views.setColumns', { grid: 'drill', columns: [{ colId: 'label' }] });
    expect(await call('views.getColumns', { grid: 'drill' })).toEqual({ columns: [{ colId: 'label' }] });
  });

  it('a layout corrupted in the database fails clearly', async () => {
    backend.db.prepare(`INSERT INTO grid_columns (grid, columns_json, updated_at) VALUES ('trades', '[{"colId":7}]', 'now')`).run();
    await expect(call('views.getColumns', { grid: 'trades' })).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringContaining('The column layout of the trades grid cannot be read'),
    });
  });
});
