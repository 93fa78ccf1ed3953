import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { ENTITIES, freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 7: "Find in this level" filters rows; the Total must describe those rows.
 * The four trades of the HHI case, by counterparty, searching "fund" (GB Fund, KY Fund):
 *   GB fund: T1 1,000,000 + T3 300,000 = 1,300,000;  KY fund: T3 300,000.
 *   Matching rows' trades: T1 and T3, T3 once although both its sides match: 2 trades, 1,300,000.
 * Before: the Total stayed the level's, 4 trades and 2,000,000, beside two rows.
 */
let db: Db;
let snapshotId: number;
let compareId: number;
beforeAll(async () => {
  db = await freshDb();
  const trades = [
    trade({ uti: `${LEI.usDealer}T1`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 1_000_000 }),
    trade({ uti: `${LEI.usDealer}T2`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.usBank, notional: 500_000 }),
    trade({ uti: `${LEI.gbFund}T3`, reporting_lei: LEI.gbFund, other_cpty_id: LEI.kyFund, notional: 300_000 }),
    trade({ uti: `${LEI.frBank}T4`, reporting_lei: LEI.frBank, other_cpty_id: LEI.deBank, notional: 200_000 }),
  ];
  snapshotId = (await importHandMade(db, { trades, entities: ENTITIES })).snapshotId;
  // The day before: T3 was 100,000 only.
  compareId = (
    await importHandMade(db, {
      asOfDate: '2026-06-29',
      trades: trades.map((t) => (String(t.uti).endsWith('T3') ? { ...t, notional: 100_000 } : t)),
    })
  ).snapshotId;
});

describe('totals under a search', () => {
  it('are the matching rows’ totals, each trade once, and say so', () => {
    const level = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], search: 'fund' });
    expect(level.rows.map((r) => r.key).sort()).toEqual([LEI.gbFund, LEI.kyFund].sort());
    expect(level.totalsOf).toBe('matching');
    expect(level.totals).toMatchObject({ tradeCount: 2, grossNotionalUsd: 1_300_000, counterpartyCount: 2 });
    // The rows add up to more (T3 is in both): 1,600,000; the total counts it once.
    expect(level.rows.reduce((a, r) => a + r.grossNotionalUsd, 0)).toBe(1_600_000);
    // HHI of the matching rows: 1.3² + 0.3² over 1.6², × 10,000.
    expect(level.totals.concentrationHhi).toBeCloseTo(((1.69 + 0.09) / 2.56) * 10_000, 6);
  });

  it('without a search are the level’s', () => {
    const level = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [] });
    expect(level.totalsOf).toBe('level');
    expect(level.totals).toMatchObject({ tradeCount: 4, grossNotionalUsd: 2_000_000 });
  });

  it('compared: the other snapshot’s totals cover the same matching rows', () => {
    const level = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], search: 'fund', compareTo: compareId });
    // The day before: T1 1,000,000 + T3 100,000.
    expect(level.compare!.totals).toMatchObject({ tradeCount: 2, grossNotionalUsd: 1_100_000 });
  });
});
