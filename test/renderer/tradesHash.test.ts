import { describe, expect, it } from 'vitest';
import { hashToPlace } from '../../renderer/src/features/cases/caseUrl';
import { hashToTrades, tradesToHash } from '../../renderer/src/features/trades/tradesHash';

describe('the Trades view’s address', () => {
  const scope = {
    path: ['jurisdiction' as const, 'group' as const],
    at: ['US', null],
    filters: [{ dimension: 'underlier' as const, value: 'BTC' }],
    label: 'United States (US) › (no group) · underlier BTC',
    from: '#exposure?snapshot=4&path=jurisdiction%2Cgroup&sort=grossNotionalUsd%3Adesc',
  };

  it('names the snapshot and the cell, and reads back to the same', () => {
    const hash = tradesToHash(4, scope);
    expect(hash.startsWith('#trades?snapshot=4&path=jurisdiction%2Cgroup&at=')).toBe(true);
    expect(hashToTrades(hash)).toEqual({ snapshotId: 4, scope });
    expect(hashToPlace(hash)).toEqual({ view: 'trades', trades: { snapshotId: 4, scope } });
    expect(hashToTrades(tradesToHash(4, undefined))).toEqual({ snapshotId: 4 });
    expect(hashToPlace('#trades')).toEqual({ view: 'trades' });
  });

  it('refuses what is not a drill cell, in words, without throwing', () => {
    const bad = (edit: (p: URLSearchParams) => void) => {
      const params = new URLSearchParams(tradesToHash(4, scope).slice('#trades?'.length));
      edit(params);
      return hashToTrades(`#trades?${params.toString()}`);
    };
    expect(bad((p) => p.set('snapshot', 'x'))).toEqual({ error: 'it names no snapshot' });
    expect(bad((p) => p.set('path', 'planet'))).toHaveProperty('error');
    expect(bad((p) => p.set('at', '["US"]'))).toEqual({ error: 'a key for each dimension of the path' });
    expect(bad((p) => p.set('at', '{'))).toEqual({ error: 'it is not a drill cell' });
    expect(bad((p) => p.set('from', 'https://elsewhere.example/'))).toHaveProperty('error');
    expect(hashToTrades('#exposure?snapshot=4')).toBeUndefined();
  });
});
