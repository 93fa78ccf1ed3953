import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import { ruleContext } from '../../../../electron/backend/supervision/alertRules';
import { cooperation } from '../../../../electron/backend/supervision/alertRules/arbitrage';
import { workingDaysAfter } from '../../../../electron/backend/supervision/alertRules/valuation';
import { previousSnapshotOf } from '../../../../electron/backend/supervision/alerts.service';
import type { Alert, AlertRunResult } from '../../../../shared/contract/alerts';
import { groupSnapshots, NP1, P1, P2, P3, Q, R } from './groupSnapshots';

/**
 * The rules of issue 14 §2 (2, 4, 5, 6) on the two snapshots of groupSnapshots.ts, worked by hand. Schedule: 10 % of
 * |net| for everything (all BTC). Home authority: CFTC (US). Each trade counts once where the drill counts it once.
 *
 * LEVERAGE_ABOVE (> 10×) = notional of the positions with margin reported ÷ (IM posted + excess posted):
 *   P1: G1 1,000,000 (PF-1) + G4 500,000 (per-trade report) = 1,500,000 (G8's P1 side has no margin report) ÷ 150,000
 *       = 10.0×: not above 10.
 *   P2: G2 1,000,000 + G7 250,000 (PF-2) = 1,250,000 ÷ 62,500 = 20×.
 *   P3: G3 2,000,000 (PF-3) ÷ (50,000 IM + 100,000 excess) = 13.33× (IM alone would give 40×).
 *   Q, R and the natural persons report no margin: no figure.
 * COVERAGE_FALLING (fall > 0.25), Σ IM ÷ Σ R over the holder's netting sets with a margin report:
 *   compare: P1 (120,000 + 50,000) ÷ (100,000 + 50,000) = 1.1333; P2 125,000 ÷ 125,000 = 1; P3 50,000 ÷ 50,000 = 1
 *            (G3 was 500,000 then: R 50,000).
 *   current: P1 150,000 ÷ 150,000 = 1 (fall 0.1333: no); P2 62,500 ÷ 125,000 = 0.5 (fall 0.5); P3 50,000 ÷ 200,000
 *            = 0.25 (fall 0.75; excess collateral is not IM).
 * STALE_VALUATION (> 2 working days, Mon–Fri, before Tue 2026-06-30), per reporting counterparty:
 *   P1: G1 Fri 06-26 → Mon 29, Tue 30 = 2 (4 calendar days): fresh; G4 Thu 06-25 → 3: stale; G8 no valuation but
 *       executed Mon 06-29 → 1: not yet. → 1 trade, 500,000.
 *   P2: G2 Mon 06-29 → 1: fresh; G7 no valuation, executed 05-04: stale. → 1 trade, 250,000.
 *   P3: G3 Fri 06-19 → 7: stale. → 1 trade, 2,000,000.   Q: G5, G6 valued 06-30 → 0.
 * Cooperation basis with CFTC (the MoU engine, transaction records, supervision or enforcement): GB (FCA), KY (CIMA),
 *   FR (AMF-FR) are verified IOSCO MMoU parties: basis. SC: no authority party to any instrument: none. VG (BVI FSC):
 *   status not verified → NEEDS_REVIEW → counts as none (fail closed). US: home. Venues: XCME (US) and CRYP (GB) have
 *   MICs; OKX has none (unregistered); ZZZZ is in no reference (unregistered).
 * ARBITRAGE_SHARE (> 0.25), gross beyond reach ÷ group gross:
 *   Group P1: G1 1,000,000 ok; G2 1,000,000 ok (KY, CRYP); G3 2,000,000 beyond (SC, OKX); G4 500,000 ok; G7 250,000
 *     beyond (ZZZZ); G8 in-group 400,000 counted once: P1's half ok, P3's half 200,000 beyond (SC)
 *     → 2,450,000 ÷ 5,150,000 = 0.475728.
 *   Group Q: G3 2,000,000 + G7 250,000 beyond, of 1,000,000 + 1,000,000 + 2,000,000 + 250,000 + 1,500,000 + 500,000
 *     → 2,250,000 ÷ 6,250,000 = 0.36.
 *   Group R: G4 500,000 on XCME, but R is in VG → 1.0.   NP1, NP2 (FR, bilateral): 0.
 * ARBITRAGE_SHIFT (> 0.10): compare P1 (500,000 + 250,000) ÷ (1,000,000 + 1,000,000 + 500,000 + 500,000 + 250,000)
 *   = 750,000 ÷ 3,250,000 = 0.230769 → +0.244959; Q 750,000 ÷ 4,750,000 = 0.157895 → +0.202105; R 1 → 1: 0.
 * OFFSHORE_LOWER_COVERAGE (gap > 0), group P1: onshore (US) PF-1 100,000 ÷ 100,000 and P1↔R 50,000 ÷ 50,000 → 1;
 *   offshore PF-2 62,500 ÷ 125,000 and PF-3 50,000 ÷ 200,000 → 112,500 ÷ 325,000 = 0.346154; gap 0.653846.
 * LEI_INVALID (> 1,000,000): NP1 1,500,000; NP2 500,000 is below.   LEI_LAPSED: Q (LAPSED), gross 6,250,000.
 * UNKNOWN_VENUE: ZZZZ, G7 250,000 (each trade once).
 */

let backend: Backend;
let compareId: number;
let currentId: number;

const list = async (rule: string) =>
  Object.fromEntries(
    ((await backend.call('alerts.list', { snapshotId: currentId, rule })) as Alert[]).map((a) => [a.subject, Number(a.value.toFixed(6))]),
  );

beforeAll(async () => {
  ({ backend, compareId, currentId } = await groupSnapshots());
});
afterAll(() => backend.close());

describe('alert rules on groups, jurisdictions and two snapshots (worked by hand above)', () => {
  it('without a home authority the arbitrage rules are skipped and say why; the others run', async () => {
    const run = (await backend.call('alerts.run', { snapshotId: currentId, compareSnapshotId: compareId })) as AlertRunResult;
    expect(run.homeAuthority).toBeNull();
    const skipped = Object.fromEntries(run.rules.filter((r) => r.skipped).map((r) => [r.id, r.skipped]));
    expect(Object.keys(skipped)).toEqual(['ARBITRAGE_SHARE', 'ARBITRAGE_SHIFT', 'OFFSHORE_LOWER_COVERAGE']);
    expect(skipped.ARBITRAGE_SHARE).toMatch(/no(ne)? .*authority|keys init --authority/);
    expect(await list('ARBITRAGE_SHARE')).toEqual({});
    expect(await list('LEVERAGE_ABOVE')).toEqual({ [P2]: 20, [P3]: 13.333333 });
  });

  it('with the workstation authority (CFTC) and a compare snapshot, every rule finds what was worked by hand', async () => {
    await backend.call('keys.setProfile', { name: 'Test supervisor', authority: 'CFTC' });
    const run = (await backend.call('alerts.run', { snapshotId: currentId, compareSnapshotId: compareId })) as AlertRunResult;
    expect(run).toMatchObject({ compareSnapshotId: compareId, homeAuthority: 'CFTC' });
    expect(run.rules.filter((r) => r.skipped)).toEqual([]);
    const stored = backend.db
      .prepare(`SELECT compare_snapshot_id, home_authority, registry_sha256 FROM alert_run WHERE run_id = ?`)
      .get(run.runId) as Record<string, unknown>;
    expect(stored).toMatchObject({
      compare_snapshot_id: compareId,
      home_authority: 'CFTC',
      registry_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    expect(await list('LEVERAGE_ABOVE')).toEqual({ [P2]: 20, [P3]: 13.333333 });
    expect(await list('COVERAGE_FALLING')).toEqual({ [P2]: 0.5, [P3]: 0.75 });
    expect(await list('STALE_VALUATION')).toEqual({ [P1]: 1, [P2]: 1, [P3]: 1 });
    const stale = (await backend.call('alerts.list', { snapshotId: currentId, rule: 'STALE_VALUATION' })) as Alert[];
    expect(stale.map((a) => [a.subject, a.rank])).toEqual([
      [P3, 2_000_000],
      [P1, 500_000],
      [P2, 250_000],
    ]);
    expect(await list('ARBITRAGE_SHARE')).toEqual({ [P1]: 0.475728, [Q]: 0.36, [R]: 1 });
    expect(await list('ARBITRAGE_SHIFT')).toEqual({ [P1]: 0.244959, [Q]: 0.202105 });
    expect(await list('OFFSHORE_LOWER_COVERAGE')).toEqual({ [P1]: 0.653846 });
    expect(await list('LEI_INVALID')).toEqual({ [NP1]: 1_500_000 });
    expect(await list('LEI_LAPSED')).toEqual({ [Q]: 6_250_000 });
    expect(await list('UNKNOWN_VENUE')).toEqual({ ZZZZ: 250_000 });

    const all = (await backend.call('alerts.list', { snapshotId: currentId })) as Alert[];
    const one = (rule: string) => all.find((a) => a.ruleId === rule)!;
    expect(one('ARBITRAGE_SHARE')).toMatchObject({
      unit: 'ratio',
      compareSnapshotId: compareId,
      drill: { path: ['group', 'jurisdiction', 'venue'] },
    });
    expect(one('LEVERAGE_ABOVE')).toMatchObject({ unit: 'multiple', drill: { path: ['group', 'counterparty'], at: [P1] } });
    expect(one('COVERAGE_FALLING')).toMatchObject({ unit: 'points', drill: { path: ['group', 'counterparty'], at: [P1] } });
    expect(one('OFFSHORE_LOWER_COVERAGE').drill).toEqual({ path: ['group', 'jurisdiction', 'counterparty'], at: [P1] });
    expect(one('UNKNOWN_VENUE')).toMatchObject({ unit: 'usd', drill: { path: ['venue', 'counterparty'], at: ['ZZZZ'] } });
    expect(one('STALE_VALUATION')).toMatchObject({ unit: 'count', drill: { path: ['counterparty', 'underlier'], at: [P3] } });
  });

  it('a run without a compare snapshot skips the two-snapshot rules and keeps what they raised before', async () => {
    const run = (await backend.call('alerts.run', { snapshotId: currentId })) as AlertRunResult;
    expect(run.compareSnapshotId).toBeNull();
    expect(run.rules.filter((r) => r.skipped).map((r) => r.id)).toEqual(['COVERAGE_FALLING', 'ARBITRAGE_SHIFT']);
    expect(run.rules.find((r) => r.id === 'COVERAGE_FALLING')!.skipped).toMatch(/no compare snapshot/);
    expect(await list('COVERAGE_FALLING')).toEqual({ [P2]: 0.5, [P3]: 0.75 });
    expect(await list('ARBITRAGE_SHIFT')).toEqual({ [P1]: 0.244959, [Q]: 0.202105 });
    await expect(backend.call('alerts.run', { snapshotId: currentId, compareSnapshotId: currentId })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(backend.call('alerts.run', { snapshotId: currentId, compareSnapshotId: 999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('asks the MoU engine per country, failing closed', () => {
    const coop = cooperation(ruleContext(backend.db, currentId, { homeAuthority: 'CFTC' }));
    const on = '2026-06-30';
    expect(coop.homeCountry).toBe('US');
    expect(['US', 'GB', 'KY', 'FR'].map((c) => coop.hasBasis(c, on))).toEqual([true, true, true, true]);
    // SC: no instrument; VG: status not verified; BS: SCB may neither request nor receive (Appendix B); unknown.
    expect(['SC', 'VG', 'BS', 'ZZ'].map((c) => coop.hasBasis(c, on))).toEqual([false, false, false, false]);
    expect(coop.hasBasis(null, on)).toBe(false);
  });

  it('finds the previous snapshot of the same source for the run after an import', () => {
    expect(previousSnapshotOf(backend.db, currentId)).toBe(compareId);
    expect(previousSnapshotOf(backend.db, compareId)).toBeUndefined();
  });
});

describe('working days', () => {
  it('counts Monday to Friday after the first date up to and including the second', () => {
    expect(workingDaysAfter('2026-06-26', '2026-06-30')).toBe(2); // Fri → Tue
    expect(workingDaysAfter('2026-06-25', '2026-06-30')).toBe(3); // Thu → Tue
    expect(workingDaysAfter('2026-06-19', '2026-06-30')).toBe(7);
    expect(workingDaysAfter('2026-06-27', '2026-06-29')).toBe(1); // Sat → Mon
    expect(workingDaysAfter('2026-06-01', '2026-06-30')).toBe(21);
    expect(workingDaysAfter('2026-06-30', '2026-06-30')).toBe(0);
    expect(workingDaysAfter('2026-07-01', '2026-06-30')).toBe(0);
  });
});
