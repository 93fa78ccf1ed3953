import { describe, expect, it } from 'vitest';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { isCalendarDate, isUtcTimestamp } from '../../../../../shared/contract/calendarDate';
import { importInput } from '../../../../../shared/contract/snapshots';
import { ENTITIES, findings, freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, item 8: impossible dates, missing valuations and lapsed LEIs. (Regime-dependent
 * action types and matured trades: lifecycle.test.ts.)
 */
describe('dates that never existed', () => {
  it('are refused, where Date.parse rolled them over to another day', () => {
    expect(Number.isNaN(Date.parse('2025-02-30'))).toBe(false); // the old check: it passed
    for (const bad of ['2025-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-06-00'])
      expect(isCalendarDate(bad), bad).toBe(false);
    for (const good of ['2024-02-29', '2000-02-29', '2026-12-31']) expect(isCalendarDate(good), good).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isUtcTimestamp('2026-02-29T10:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-06-30T24:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-06-30T23:59:59Z')).toBe(true);
    expect(importInput.safeParse({ files: [{ path: '/x' }], sourceName: 'TR', regime: 'EMIR', asOfDate: '2026-02-30' }).success).toBe(
      false,
    );
  });

  it('reject the report that carries one, naming the field', async () => {
    const db = await freshDb();
    const { snapshotId, rejected, loaded } = await importHandMade(db, {
      trades: [
        trade({
          uti: `${LEI.usDealer}T1`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 1,
          expiration_date: '2025-02-30',
        }),
        trade({
          uti: `${LEI.usDealer}T2`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 2,
          execution_ts: '2026-02-29T10:00:00Z',
        }),
        trade({ uti: `${LEI.usDealer}T3`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 4 }),
      ],
    });
    expect(findings(db, snapshotId)).toEqual(['ERROR:CNC_DATE:expiration_date', 'ERROR:CNC_TIMESTAMP:execution_ts']);
    expect(rejected).toBe(2);
    expect(drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).totals.grossNotionalUsd).toBe(4);
    expect(loaded).toBeGreaterThan(0);
  });
});

describe('a missing valuation', () => {
  it('is flagged once the trade is more than 14 days old (auth.106), and only for outstanding trades', async () => {
    const db = await freshDb();
    const old = { execution_ts: '2026-06-10T10:00:00Z', reporting_ts: '2026-06-10T11:00:00Z' };
    const { snapshotId } = await importHandMade(db, {
      trades: [
        // 20 days old, no valuation: WARN.
        trade({ uti: `${LEI.usDealer}T1`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 1, ...old }),
        // 20 days old, valued: nothing.
        trade({
          uti: `${LEI.usDealer}T2`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 1,
          ...old,
          valuation_amount: 10,
          valuation_ccy: 'USD',
          valuation_ts: '2026-06-29T18:00:00Z',
        }),
        // 5 days old, no valuation yet: nothing.
        trade({ uti: `${LEI.usDealer}T3`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 1 }),
        // Terminated: needs no valuation.
        trade({
          uti: `${LEI.usDealer}T4`,
          reporting_lei: LEI.usDealer,
          other_cpty_id: LEI.gbFund,
          notional: 1,
          ...old,
          action_type: 'TERM',
        }),
      ],
    });
    expect(findings(db, snapshotId)).toEqual(['WARN:CNC_VALUATION_MISSING:valuation_amount']);
  });
});

describe('GLEIF registration status', () => {
  it('warns about a lapsed LEI in the entity data and on the trades it is party to', async () => {
    const db = await freshDb();
    const entities = ENTITIES.map((e) =>
      e.lei === LEI.gbFund
        ? { ...e, registration_status: 'LAPSED' }
        : e.lei === LEI.kyFund
          ? { ...e, registration_status: 'RETIRED' }
          : { ...e, registration_status: 'ISSUED' },
    );
    const { snapshotId, loaded } = await importHandMade(db, {
      entities,
      trades: [
        trade({ uti: `${LEI.usDealer}T1`, reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 1 }),
        trade({ uti: `${LEI.kyFund}T2`, reporting_lei: LEI.kyFund, other_cpty_id: LEI.usDealer, notional: 1 }),
      ],
    });
    expect(findings(db, snapshotId)).toEqual([
      'WARN:CNC_LEI_LAPSED:registration_status',
      'WARN:EMIR_VR_1009:registration_status',
      'WARN:CNC_LEI_LAPSED:other_cpty_id',
      'WARN:EMIR_VR_1009:reporting_lei',
    ]);
    // Warnings, not rejections: both trades count.
    expect(drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).totals.tradeCount).toBe(2);
    expect(loaded).toBe(2 + entities.length + 1);
  });
});
