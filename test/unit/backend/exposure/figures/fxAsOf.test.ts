import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { findings, freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 2: FX at the as-of date. fx.csv carries three days of EUR (06-27 1.05, 06-30
 * 1.10, 07-01 1.20), GBP only on 06-27 (1.25) and CHF only on 07-01 (0.90). The snapshot is as of
 * 2026-06-30. Before, the first row per currency won and the others were rejected as duplicates:
 * 1,000,000 EUR became 1,050,000 USD.
 *   T1 1,000,000 EUR × 1.10 (the as-of rate)                        = 1,100,000
 *   T2   100,000 GBP × 1.25 (latest on or before, 3 days stale)    =   125,000, flagged
 *   T3    50,000 CHF: only a later rate, never used                  → not converted, flagged
 * Market: 1,225,000 USD and 1 amount not converted.
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
          other_cpty_id: LEI.frBank,
          notional: 1_000_000,
          notional_ccy: 'EUR',
        }),
        trade({ uti: `${LEI.usDealer}T2`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 100_000, notional_ccy: 'GBP' }),
        trade({ uti: `${LEI.usDealer}T3`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.deBank, notional: 50_000, notional_ccy: 'CHF' }),
      ],
      fx: [
        { as_of_date: '2026-06-27', ccy: 'EUR', usd_per_unit: 1.05 },
        { as_of_date: '2026-06-30', ccy: 'EUR', usd_per_unit: 1.1 },
        { as_of_date: '2026-07-01', ccy: 'EUR', usd_per_unit: 1.2 },
        { as_of_date: '2026-06-27', ccy: 'GBP', usd_per_unit: 1.25 },
        { as_of_date: '2026-07-01', ccy: 'CHF', usd_per_unit: 0.9 },
        { as_of_date: '2026-06-30', ccy: 'USD', usd_per_unit: 1 },
      ],
    })
  ).snapshotId;
});

describe('FX conversion as of the snapshot date', () => {
  it('converts each amount at the as-of rate, else the latest earlier one, never a later one', () => {
    const byCounterparty = Object.fromEntries(
      drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [] }).rows.map((r) => [r.key, r]),
    );
    expect(byCounterparty[LEI.frBank]!.grossNotionalUsd).toBeCloseTo(1_100_000, 6);
    expect(byCounterparty[LEI.gbFund]!.grossNotionalUsd).toBeCloseTo(125_000, 6);
    expect(byCounterparty[LEI.deBank]!.grossNotionalUsd).toBe(0);
    expect(byCounterparty[LEI.deBank]!.unconvertedCount).toBe(1);
    const market = drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).totals;
    expect(market.grossNotionalUsd).toBeCloseTo(1_225_000, 6);
    expect(market.unconvertedCount).toBe(1);
  });

  it('keeps every day’s rate, and records the rate applied with its date', () => {
    expect((db.prepare(`SELECT count(*) AS n FROM fx_rate WHERE snapshot_id = ?`).get(snapshotId) as { n: number }).n).toBe(6);
    expect(db.prepare(`SELECT ccy, usd_per_unit, rate_date FROM snapshot_fx WHERE snapshot_id = ? ORDER BY ccy`).all(snapshotId)).toEqual([
      { ccy: 'EUR', usd_per_unit: 1.1, rate_date: '2026-06-30' },
      { ccy: 'GBP', usd_per_unit: 1.25, rate_date: '2026-06-27' },
      { ccy: 'USD', usd_per_unit: 1, rate_date: '2026-06-30' },
    ]);
  });

  it('warns where no rate of the as-of day exists, naming the date used', () => {
    expect(findings(db, snapshotId)).toEqual(['WARN:CNC_FX_STALE:as_of_date', 'WARN:CNC_FX_AFTER_AS_OF:as_of_date']);
    const messages = (
      db.prepare(`SELECT message FROM validation_issue WHERE snapshot_id = ? ORDER BY rule_id`).all(snapshotId) as Array<{
        message: string;
      }>
    ).map((m) => m.message);
    expect(messages[0]).toContain('CHF has rates only after the snapshot date 2026-06-30');
    expect(messages[1]).toBe(
      'No GBP rate for the snapshot date 2026-06-30: GBP amounts are converted at the rate of 2026-06-27 (3 days earlier).',
    );
  });

  it('refuses the same currency twice on one day as a duplicate', async () => {
    const other = await freshDb();
    const { snapshotId: id } = await importHandMade(other, {
      trades: [
        trade({ uti: `${LEI.usDealer}T1`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.frBank, notional: 10, notional_ccy: 'EUR' }),
      ],
      fx: [
        { as_of_date: '2026-06-30', ccy: 'EUR', usd_per_unit: 1.1 },
        { as_of_date: '2026-06-30', ccy: 'EUR', usd_per_unit: 1.3 },
      ],
    });
    expect(findings(other, id)).toEqual(['ERROR:CNC_DUPLICATE:']);
    expect(drill(other, { snapshotId: id, path: ['jurisdiction'], at: [], filters: [] }).totals.grossNotionalUsd).toBeCloseTo(11, 9);
  });
});
