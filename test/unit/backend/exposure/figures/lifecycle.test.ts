import { describe, expect, it } from 'vitest';
import { drill } from '../../../../../electron/backend/exposure/drill';
import { tradesBehind } from '../../../../../electron/backend/exposure/trades';
import { actionTypeRules, actionTypes, actionTypesOf } from '../../../../../shared/domain/lifecycle';
import { findings, freshDb, importHandMade, LEI, trade } from './handMade';

const uti = (n: string) => `${LEI.usDealer}${n}`;
const t = (n: string, notional: number, over: Record<string, string | number> = {}) =>
  trade({ uti: uti(n), reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional, ...over });

/**
 * Issue 10, item 4 (and the matured part of item 8): which reports are outstanding. Each trade
 * has its own power-of-two notional so the market's gross names exactly the trades counted.
 */
describe('the effect of each action type on the trade state', () => {
  it('EMIR: TERM, EROR, POSC and matured trades carry no exposure', async () => {
    const db = await freshDb();
    const { snapshotId } = await importHandMade(db, {
      trades: [
        t('NEWT', 1_000_000),
        t('MODI', 2_000_000, { action_type: 'MODI' }),
        // A position component: the position it is part of is reported separately (level PSTN).
        t('POSC', 4_000_000, { action_type: 'POSC' }),
        t('TERM', 8_000_000, { action_type: 'TERM' }),
        t('EROR', 16_000_000, { action_type: 'EROR' }),
        // Expired the day before the snapshot: matured, no longer outstanding.
        t('MATURED', 32_000_000, { expiration_date: '2026-06-29' }),
        // Expires on the as-of day: still outstanding that day.
        t('LASTDAY', 64_000_000, { expiration_date: '2026-06-30' }),
        t('POSN', 128_000_000, { level: 'PSTN', action_type: 'NEWT' }),
        t('VALU', 256_000_000, { action_type: 'VALU' }),
        t('REVI', 512_000_000, { action_type: 'REVI' }),
      ],
    });
    expect(findings(db, snapshotId)).toEqual([]);
    const market = drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).totals;
    // 1 + 2 + 64 + 128 + 256 + 512 million: NEWT, MODI, the last-day trade, the position, VALU, REVI.
    expect(market.grossNotionalUsd).toBe(963_000_000);
    expect(market.tradeCount).toBe(6);
    expect(
      tradesBehind(db, { snapshotId, path: [], at: [], filters: [], columnFilters: {}, sort: [], startRow: 0, endRow: 100 }).total,
    ).toBe(6);
    expect(db.prepare(`SELECT state, reports, trades FROM trade_state_count WHERE snapshot_id = ? ORDER BY state`).all(snapshotId)).toEqual(
      [
        { state: 'error', reports: 1, trades: 1 },
        { state: 'in-position', reports: 1, trades: 1 },
        { state: 'matured', reports: 1, trades: 1 },
        { state: 'outstanding', reports: 6, trades: 6 },
        { state: 'terminated', reports: 1, trades: 1 },
      ],
    );
  });

  it('CFTC: a trade ported out (PRTO) is no longer at this repository; a margin update (MARU) is', async () => {
    const db = await freshDb();
    const { snapshotId } = await importHandMade(db, {
      regime: 'CFTC',
      trades: [t('NEWT', 1_000_000), t('PRTO', 2_000_000, { action_type: 'PRTO' }), t('MARU', 4_000_000, { action_type: 'MARU' })],
    });
    expect(findings(db, snapshotId)).toEqual([]);
    expect(drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [] }).totals.grossNotionalUsd).toBe(5_000_000);
  });

  it('refuses an action type the regime does not have (PRTO and MARU under EMIR, POSC under CFTC)', async () => {
    const emir = await freshDb();
    const e = await importHandMade(emir, {
      trades: [t('A', 1, { action_type: 'PRTO' }), t('B', 2, { action_type: 'MARU' }), t('C', 4)],
    });
    expect(findings(emir, e.snapshotId)).toEqual(['ERROR:EMIR_VR_2151:action_type', 'ERROR:EMIR_VR_2151:action_type']);
    expect(e.rejected).toBe(2);
    const cftc = await freshDb();
    const c = await importHandMade(cftc, { regime: 'CFTC', trades: [t('A', 1, { action_type: 'POSC' }), t('C', 4)] });
    expect(findings(cftc, c.snapshotId)).toEqual(['ERROR:CDE_2_107:action_type']);
    const message = (cftc.prepare(`SELECT message FROM validation_issue`).get() as { message: string }).message;
    expect(message).toBe(
      'action_type POSC (Position component) is not an action type under CFTC; it accepts NEWT, MODI, CORR, EROR, TERM, REVI, PRTO, VALU, MARU.',
    );
  });

  it('states one effect per code, and each regime accepts the codes its rules list', () => {
    expect(actionTypes.filter((a) => actionTypeRules[a].effect === 'outstanding')).toEqual([
      'NEWT',
      'MODI',
      'CORR',
      'REVI',
      'VALU',
      'MARU',
    ]);
    expect(actionTypesOf('EMIR')).toEqual(['NEWT', 'MODI', 'CORR', 'EROR', 'TERM', 'REVI', 'VALU', 'POSC']);
    expect(actionTypesOf('UKEMIR')).toEqual(actionTypesOf('EMIR'));
    expect(actionTypesOf('CFTC')).toEqual(['NEWT', 'MODI', 'CORR', 'EROR', 'TERM', 'REVI', 'PRTO', 'VALU', 'MARU']);
    expect(actionTypesOf('JFSA')).toEqual(actionTypesOf('CFTC'));
  });
});
