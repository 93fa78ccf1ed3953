import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 1: HHI above 10,000. Four one-sided trades:
 *   T1 US dealer – GB fund 1,000,000 (cross-border)   T2 US dealer – US bank 500,000 (domestic)
 *   T3 GB fund – KY fund     300,000 (cross-border)   T4 FR bank – DE bank   200,000
 * The market is 2,000,000. By jurisdiction a cross-border trade is in both its rows:
 *   US 1,500,000 (T1, T2)  GB 1,300,000 (T1, T3)  KY 300,000  FR 200,000  DE 200,000: rows sum to 3,500,000.
 * Old: Σ row² ÷ market² = (2.25 + 1.69 + 0.09 + 0.04 + 0.04)e12 ÷ 4e12 × 10,000 = 10,275, impossible.
 * Now: shares of the rows' sum, which add up to 1: 4.11e12 ÷ 12.25e12 × 10,000 = 3,355.102…
 */
let db: Db;
let snapshotId: number;
beforeAll(async () => {
  db = await freshDb();
  snapshotId = (
    await importHandMade(db, {
      trades: [
        trade({ uti: `${LEI.usDealer}T1`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 1_000_000 }),
        trade({ uti: `${LEI.usDealer}T2`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.usBank, notional: 500_000 }),
        trade({ uti: `${LEI.gbFund}T3`, reporting_lei: LEI.gbFund, other_cpty_id: LEI.kyFund, notional: 300_000 }),
        trade({ uti: `${LEI.frBank}T4`, reporting_lei: LEI.frBank, other_cpty_id: LEI.deBank, notional: 200_000 }),
      ],
    })
  ).snapshotId;
});

describe('concentration (HHI)', () => {
  it('by jurisdiction: from shares of the rows that add up to 1, never above 10,000', () => {
    const level = drill(db, { snapshotId, path: ['jurisdiction', 'counterparty'], at: [], filters: [] });
    expect(Object.fromEntries(level.rows.map((r) => [r.key, r.grossNotionalUsd]))).toEqual({
      US: 1_500_000,
      GB: 1_300_000,
      KY: 300_000,
      FR: 200_000,
      DE: 200_000,
    });
    expect(level.totals.grossNotionalUsd).toBe(2_000_000);
    expect(level.totals.concentrationHhi).toBeCloseTo((4.11 / 12.25) * 10_000, 6);
  });

  it('by counterparty: each counterparty holds its whole trades, rows sum to 4,000,000', () => {
    // US dealer 1.5M, US bank 0.5M, GB fund 1.3M, KY fund 0.3M, FR bank 0.2M, DE bank 0.2M:
    // Σ² = 4.36e12, old 4.36 ÷ 4 × 10,000 = 10,900; now 4.36 ÷ 16 × 10,000 = 2,725.
    const level = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [] });
    expect(level.rows.reduce((a, r) => a + r.grossNotionalUsd, 0)).toBe(4_000_000);
    expect(level.totals.concentrationHhi).toBeCloseTo(2_725, 6);
  });

  it('of a row’s children: the US row’s two counterparties', () => {
    // Under US: US dealer 1,500,000 (T1, T2), US bank 500,000 (T2). Old: (2.25 + 0.25) ÷ 1.5² → 11,111;
    // now (2.25 + 0.25) ÷ 2.0² × 10,000 = 6,250.
    const level = drill(db, { snapshotId, path: ['jurisdiction', 'counterparty'], at: [], filters: [] });
    expect(level.rows.find((r) => r.key === 'US')!.concentrationHhi).toBeCloseTo(6_250, 6);
    // A row with one child is fully concentrated.
    expect(level.rows.find((r) => r.key === 'KY')!.concentrationHhi).toBeCloseTo(10_000, 6);
    for (const r of level.rows) expect(r.concentrationHhi!).toBeLessThanOrEqual(10_000);
  });
});
