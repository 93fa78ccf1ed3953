import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { formatMetric } from '../../../../../shared/domain/metrics';
import { freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 5: not reported is not zero. One-sided reports by the US dealer:
 *   T1 vs GB fund 1,000,000 in portfolio PF1, for which the dealer reports IM 50,000;
 *   T2 vs KY fund 3,000,000, no portfolio and no margin report.
 * Neither fund reports anything. Four positions, one with margin (the dealer's side of T1).
 * Before: the funds showed IM 0 and coverage 0.0 %, and the dealer 50,000 ÷ 4,000,000 = 1.25 %.
 * Now:
 *   US dealer: IM 50,000, 1 position without margin, coverage 50,000 ÷ 1,000,000 = 5 %, leverage 20×
 *   GB fund, KY fund: IM "—", 1 position without margin each, coverage "—"
 *   Total: IM 50,000, 3 positions without margin, coverage 5 %.
 */
let db: Db;
let snapshotId: number;
beforeAll(async () => {
  db = await freshDb();
  snapshotId = (
    await importHandMade(db, {
      trades: [
        trade({
          uti: `${LEI.usDealer}T1`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 1_000_000,
          collateral_portfolio_code: 'PF1',
        }),
        trade({ uti: `${LEI.usDealer}T2`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.kyFund, notional: 3_000_000 }),
      ],
      margins: [
        {
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          collateral_portfolio_code: 'PF1',
          collateralisation_category: 'OWP1',
          im_posted: 50_000,
          im_posted_ccy: 'USD',
          collateral_ts: '2026-06-30T17:00:00Z',
        },
      ],
    })
  ).snapshotId;
});

describe('unreported margin', () => {
  it('shows "—" for a counterparty without a margin report, and counts its positions', () => {
    const rows = Object.fromEntries(drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [] }).rows.map((r) => [r.key, r]));
    expect(rows[LEI.usDealer]).toMatchObject({ imPostedUsd: 50_000, positionsWithoutMarginCount: 1, effectiveLeverage: 20 });
    expect(rows[LEI.usDealer]!.marginCoverage).toBeCloseTo(0.05, 12);
    for (const fund of [LEI.gbFund, LEI.kyFund]) {
      expect(rows[fund]).toMatchObject({
        imPostedUsd: null,
        vmPostedUsd: null,
        marginCoverage: null,
        effectiveLeverage: null,
        positionsWithoutMarginCount: 1,
      });
      expect(formatMetric('imPostedUsd', rows[fund]!.imPostedUsd)).toBe('\u2014');
      expect(formatMetric('marginCoverage', rows[fund]!.marginCoverage)).toBe('\u2014');
    }
  });

  it('computes coverage over what was reported only, at every level that shows margin', () => {
    const byJurisdiction = drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] });
    expect(byJurisdiction.totals).toMatchObject({ imPostedUsd: 50_000, positionsWithoutMarginCount: 3 });
    expect(byJurisdiction.totals.marginCoverage).toBeCloseTo(0.05, 12);
    expect(byJurisdiction.rows.find((r) => r.key === 'US')!.marginCoverage).toBeCloseTo(0.05, 12);
    expect(byJurisdiction.rows.find((r) => r.key === 'KY')!.marginCoverage).toBeNull();
    // A level that cuts across netting sets shows no margin at all, and counts nothing.
    const byVenue = drill(db, { snapshotId, path: ['venue'], at: [], filters: [] });
    expect(byVenue.totals).toMatchObject({ imPostedUsd: null, positionsWithoutMarginCount: null, marginCoverage: null });
  });
});
