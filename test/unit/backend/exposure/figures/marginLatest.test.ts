import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { findings, freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 3: margin is a stock. The US dealer reports portfolio PF1 (facing the GB fund)
 * three times: IM 80,000 on 06-20, 100,000 on 06-29 and 500,000 on 07-02, after the snapshot
 * date. It also reports per-trade margin for T2 twice on the same timestamp (a resend: the later
 * row wins). Amounts are totals, not changes (CDE 2.31–2.46), so the snapshot as of 06-30 holds:
 *   PF1: 100,000 (not 80,000 + 100,000 = 180,000, nor 680,000 with the future report)
 *   T2:   40,000 (the resend; not 30,000 + 40,000)
 *   US dealer IM posted = 140,000; VM posted = 7,000 (PF1 of 06-29) + 2,000 (T2) = 9,000.
 */
let db: Db;
let snapshotId: number;
const portfolio = (ts: string, im: number, vm: number) => ({
  reporting_lei: LEI.usDealer,
  other_cpty_id: LEI.gbFund,
  collateral_portfolio_code: 'PF1',
  collateralisation_category: 'FLCL',
  im_posted: im,
  im_posted_ccy: 'USD',
  vm_posted: vm,
  vm_posted_ccy: 'USD',
  collateral_ts: ts,
});
beforeAll(async () => {
  db = await freshDb();
  snapshotId = (
    await importHandMade(db, {
      trades: [
        trade({
          uti: `${LEI.usDealer}T1`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 2_000_000,
          collateral_portfolio_code: 'PF1',
        }),
        trade({ uti: `${LEI.usDealer}T2`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.kyFund, notional: 1_000_000 }),
      ],
      margins: [
        portfolio('2026-06-20T18:00:00Z', 80_000, 5_000),
        portfolio('2026-06-29T18:00:00Z', 100_000, 7_000),
        portfolio('2026-07-02T18:00:00Z', 500_000, 9_000),
        ...[30_000, 40_000].map((im) => ({
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.kyFund,
          uti: `${LEI.usDealer}T2`,
          collateralisation_category: 'OWP1',
          im_posted: im,
          im_posted_ccy: 'USD',
          vm_posted: 2_000,
          vm_posted_ccy: 'USD',
          collateral_ts: '2026-06-30T17:00:00Z',
        })),
      ],
    })
  ).snapshotId;
});

describe('margin as of the snapshot', () => {
  it('takes the latest report per portfolio and side, not the sum of its reports', () => {
    const dealer = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [] }).rows.find((r) => r.key === LEI.usDealer)!;
    expect(dealer.imPostedUsd).toBe(140_000);
    expect(dealer.vmPostedUsd).toBe(9_000);
    // Coverage over the dealer's two margined positions (3,000,000): 140,000 ÷ 3,000,000.
    expect(dealer.marginCoverage).toBeCloseTo(140_000 / 3_000_000, 12);
    expect(drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).rows.find((r) => r.key === 'US')!.imPostedUsd).toBe(
      140_000,
    );
  });

  it('keeps a report dated after the snapshot, flagged and unused', () => {
    expect(findings(db, snapshotId)).toEqual(['WARN:CNC_MARGIN_AFTER_AS_OF:collateral_ts']);
    expect((db.prepare(`SELECT count(*) AS n FROM margin_state WHERE snapshot_id = ?`).get(snapshotId) as { n: number }).n).toBe(5);
  });

  it('takes the collateralisation category of the netting set from the report in effect', () => {
    const level = drill(db, { snapshotId, path: ['collateralisation'], at: [], filters: [] });
    expect(Object.fromEntries(level.rows.map((r) => [r.key, r.tradeCount]))).toEqual({ FLCL: 1, OWP1: 1 });
  });
});
