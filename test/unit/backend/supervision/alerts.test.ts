import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import type { Alert, AlertRunResult } from '../../../../shared/contract/alerts';
import { A, B, C, handSnapshot } from './handSnapshot';

/**
 * The built-in alert rules on the five-trade snapshot, worked by hand, with the schedule of requiredMargin.test.ts
 * (BTC 10 %, ETH 20 %, else 50 %):
 *
 * MARGIN_BELOW_THRESHOLD (coverage < 1.0), ranked by shortfall: A↔B·PF-AB 0.7 (30,000); A↔C covers 1.125: no alert.
 *   B↔A and C↔A have no margin report (coverage 0, shortfall 100,000 and 80,000): a reporting gap, left out by default.
 * CONCENTRATION_HHI (> 2,500) of holders' gross notional per underlier (both sides of each trade count):
 *   BTC: A 1,700,000, B 1,400,000, C 300,000 of 3,400,000 → 50² + (1,400/34)² + (300/34)² = 2,500 + 1,695.50 + 77.85
 *        = 4,273.36; ETH: A, B 200,000 each → 5,000; SOL: A, C 100,000 each → 5,000. Three alerts.
 * DOMINANT_HOLDER (> 25 % of open interest = Σ net longs): BTC A +900,000, B −600,000, C −300,000, OI 900,000 →
 *   A 100 %, B 66.7 %, C 33.3 %; ETH A +200,000, B −200,000 → both 100 %; SOL C +100,000, A −100,000 → both 100 %.
 * LEVERAGE_ABOVE (> 10×): A's positions all have margin reported (PF-AB; T4 and T5 per trade): 2,000,000 ÷ IM posted
 *   (70,000 + 20,000 + 70,000 = 160,000, no excess collateral) = 12.5×. B and C report no margin: no figure.
 * STALE_VALUATION (> 2 working days): A's five reports carry no valuation and were executed Mon 2026-06-01, 21 working
 *   days before Tue 06-30: one alert for A, 5 trades, 2,000,000. (B and C have no reports of their own.)
 * No alert: LEI_INVALID (all LEIs), LEI_LAPSED (all ISSUED), UNKNOWN_VENUE (all bilateral). Skipped, with the reason
 *   in the run: COVERAGE_FALLING and ARBITRAGE_SHIFT (no compare snapshot); ARBITRAGE_SHARE, ARBITRAGE_SHIFT and
 *   OFFSHORE_LOWER_COVERAGE (the test workstation has no authority). Hand-worked in alertRulesGroups.test.ts.
 * So 1 + 1 + 3 + 7 + 1 = 13 alerts.
 */

let backend: Backend;
let snapshotId: number;
const list = (input: Record<string, unknown> = {}) => backend.call('alerts.list', { snapshotId, ...input }) as Promise<Alert[]>;

beforeAll(async () => {
  ({ backend, snapshotId } = await handSnapshot());
  await backend.call('margin.importSchedule', {
    schedule: {
      v: 1,
      name: 'Test schedule',
      effectiveFrom: '2026-01-01',
      source: 'test',
      illustrative: true,
      defaultRate: 0.5,
      rules: [
        { underlier: 'BTC', rate: 0.1 },
        { underlier: 'ETH', rate: 0.2 },
      ],
    },
  });
});

describe('alerts', () => {
  it('raises what each rule finds, with its value, threshold and drill coordinates', async () => {
    const run = (await backend.call('alerts.run', { snapshotId })) as AlertRunResult;
    expect(run.rules.map((r) => r.id)).toEqual([
      'MARGIN_BELOW_THRESHOLD',
      'LEVERAGE_ABOVE',
      'COVERAGE_FALLING',
      'CONCENTRATION_HHI',
      'DOMINANT_HOLDER',
      'STALE_VALUATION',
      'ARBITRAGE_SHARE',
      'ARBITRAGE_SHIFT',
      'OFFSHORE_LOWER_COVERAGE',
      'LEI_INVALID',
      'LEI_LAPSED',
      'UNKNOWN_VENUE',
      // The register is empty here: the protocol rules run and find nothing (test/unit/backend/protocols).
      'PROTOCOL_UNAUDITED',
      'PROTOCOL_AUDIT_STALE',
      'PROTOCOL_OPEN_FINDINGS',
      'PROTOCOL_UNCOVERED_CONTRACT',
    ]);
    expect(run.rules.filter((r) => r.skipped).map((r) => r.id)).toEqual([
      'COVERAGE_FALLING',
      'ARBITRAGE_SHARE',
      'ARBITRAGE_SHIFT',
      'OFFSHORE_LOWER_COVERAGE',
    ]);
    expect(run.alerts).toBe(1 + 1 + 3 + 7 + 1);
    expect(run.newAlerts).toBe(13);

    const leverage = await list({ rule: 'LEVERAGE_ABOVE' });
    expect(leverage.map((a) => [a.subject, a.value, a.unit])).toEqual([[A, 12.5, 'multiple']]);
    const stale = await list({ rule: 'STALE_VALUATION' });
    expect(stale.map((a) => [a.subject, a.value, a.rank, a.unit])).toEqual([[A, 5, 2_000_000, 'count']]);

    const margin = await list({ rule: 'MARGIN_BELOW_THRESHOLD' });
    expect(margin.map((a) => [a.subject, Math.round(a.rank), a.value])).toEqual([[`${A} ↔ ${B} · PF-AB`, 30_000, expect.closeTo(0.7, 9)]]);
    expect(margin[0]!.drill).toEqual({ path: ['counterparty', 'underlier'], at: [A] });
    expect(margin[0]!.severity).toBe('high');

    const hhi = await list({ rule: 'CONCENTRATION_HHI' });
    const bySubject = Object.fromEntries(hhi.map((a) => [a.subject, a.value]));
    expect(bySubject.BTC).toBeCloseTo(2500 + (1400 / 34) ** 2 + (300 / 34) ** 2, 6);
    expect(bySubject.BTC).toBeCloseTo(4273.356, 2);
    expect(bySubject.ETH).toBeCloseTo(5000, 6);
    expect(bySubject.SOL).toBeCloseTo(5000, 6);
    for (const a of hhi) expect(a.value).toBeLessThanOrEqual(10_000);

    const dominant = await list({ rule: 'DOMINANT_HOLDER' });
    expect(Object.fromEntries(dominant.map((a) => [a.subject, Number(a.value.toFixed(4))]))).toEqual({
      [`${A} in BTC`]: 1,
      [`${B} in BTC`]: 0.6667,
      [`${C} in BTC`]: 0.3333,
      [`${A} in ETH`]: 1,
      [`${B} in ETH`]: 1,
      [`${A} in SOL`]: 1,
      [`${C} in SOL`]: 1,
    });
    expect(dominant.find((a) => a.subject === `${C} in BTC`)!.drill).toEqual({
      path: ['underlier', 'counterparty', 'venue'],
      at: ['BTC', C],
    });
  });

  it('a status a supervisor gave survives a new run; dismissing needs a reason', async () => {
    const [first] = await list({ rule: 'MARGIN_BELOW_THRESHOLD' });
    await expect(backend.call('alerts.setStatus', { alertId: first!.alertId, status: 'dismissed' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/reason is required/),
    });
    await backend.call('alerts.setStatus', {
      alertId: first!.alertId,
      status: 'dismissed',
      reason: 'B is a fund under a margin exemption.',
    });
    const again = (await backend.call('alerts.run', { snapshotId })) as AlertRunResult;
    expect(again.newAlerts).toBe(0);
    expect(again.alerts).toBe(13);
    const [kept] = (await list({ rule: 'MARGIN_BELOW_THRESHOLD' })).filter((a) => a.alertId === first!.alertId);
    expect(kept).toMatchObject({ status: 'dismissed', statusReason: 'B is a fund under a margin exemption.' });
    expect(await list({ status: 'new', rule: 'MARGIN_BELOW_THRESHOLD' })).toHaveLength(0);
    expect(await list({ status: 'dismissed' })).toHaveLength(1);
    // Each run is kept with the rules and parameters it used.
    const runs = backend.db.prepare(`SELECT rules_json FROM alert_run WHERE snapshot_id = ?`).all(snapshotId) as Array<{
      rules_json: string;
    }>;
    expect(runs).toHaveLength(2);
    expect(JSON.parse(runs[0]!.rules_json)[0]).toEqual({
      id: 'MARGIN_BELOW_THRESHOLD',
      version: 1,
      parameters: { coverageBelow: 1, includeUnreported: 0 },
    });
  });
});
