import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import type { DrillResult } from '../../../../shared/contract/exposure';
import type { MarginResult, MarginScheduleVersion } from '../../../../shared/contract/margin';
import { A, B, C, handSnapshot } from './handSnapshot';

/**
 * Issue 14 §1 worked by hand on five trades, all reported by A (so B and C have no reports of their own):
 *
 * Schedule in effect on 2026-06-30 (loaded, effective 2026-01-01): BTC 10 %, ETH 20 %, anything else 50 %.
 * A later version (effective 2026-07-01, BTC 99 %) must not apply.
 *
 *   T1  A buys  BTC future  1,000,000  vs B, A's portfolio PF-AB
 *   T2  A sells BTC future    400,000  vs B, PF-AB
 *   T3  A buys  ETH forward   200,000  vs B, PF-AB
 *   T4  A buys  BTC future    300,000  vs C, no portfolio (per-trade margin)
 *   T5  A sells SOL swap      100,000  vs C, no portfolio (per-trade margin)
 *
 * Netting sets and R = Σ_u r_u × |net_u|:
 *   A↔B·PF-AB: BTC +600,000 × 0.10 = 60,000; ETH +200,000 × 0.20 = 40,000           → R 100,000
 *   A↔C:       BTC +300,000 × 0.10 = 30,000; SOL −100,000 → 100,000 × 0.50 = 50,000 → R  80,000
 *   B↔A:       BTC −600,000 → 60,000; ETH −200,000 → 40,000                          → R 100,000
 *   C↔A:       BTC −300,000 → 30,000; SOL +100,000 → 50,000                          → R  80,000
 * IM posted (A's reports in effect on 2026-06-30):
 *   PF-AB: 70,000 (dated 06-29; the 06-01 report of 10,000 is superseded, the 07-02 one of 500,000 not yet in effect)
 *   T4: 20,000, T5: 70,000 → A↔C 90,000
 * So: A↔B coverage 0.7, shortfall 30,000; A↔C coverage 1.125, shortfall 0; B and C posted nothing (unreported).
 * By holder: A R 180,000, posted 160,000, coverage 0.8889, shortfall 30,000 (A↔C's surplus does not cover A↔B);
 * B 100,000 / 0 / 100,000; C 80,000 / 0 / 80,000. Total R 360,000, posted 160,000, shortfall 210,000.
 */

let backend: Backend;
let snapshotId: number;

beforeAll(async () => {
  ({ backend, snapshotId } = await handSnapshot());
  const schedule = (effectiveFrom: string, btc: number) => ({
    v: 1,
    name: `Test schedule ${effectiveFrom}`,
    effectiveFrom,
    source: 'Worked example of the test file',
    illustrative: true,
    defaultRate: 0.5,
    rules: [
      { underlier: 'BTC', rate: btc },
      { underlier: 'ETH', rate: 0.2 },
    ],
  });
  await backend.call('margin.importSchedule', { schedule: schedule('2026-01-01', 0.1) });
  await backend.call('margin.importSchedule', { schedule: schedule('2026-07-01', 0.99) });
});

const compute = (by: string[]) => backend.call('margin.compute', { snapshotId, by }) as Promise<MarginResult>;
const near = (value: number | null, expected: number) => expect(value).toBeCloseTo(expected, 6);

describe('required margin per netting set (worked by hand above)', () => {
  it('uses the schedule in effect at the as-of date', async () => {
    const result = await compute(['holder']);
    expect(result.schedule).toMatchObject({ effectiveFrom: '2026-01-01', illustrative: true });
    expect(result.unpriced).toBe(0);
    expect(result.formula).toMatch(/r × \|Σ signed delta-adjusted notional/);
  });

  it('nets within an underlier and grosses across, per netting set, with posted margin in effect', async () => {
    const { rows } = await compute(['nettingSet']);
    const set = (label: string) => rows.find((r) => r.key[0] === label)!;
    const ab = set(`${A} ↔ ${B} · PF-AB`);
    near(ab.requiredUsd, 100_000);
    near(ab.postedUsd, 70_000);
    near(ab.coverage, 0.7);
    near(ab.shortfallUsd, 30_000);
    expect(ab.positions).toBe(3);
    const ac = set(`${A} ↔ ${C}`);
    near(ac.requiredUsd, 80_000);
    near(ac.postedUsd, 90_000);
    near(ac.coverage, 1.125);
    near(ac.shortfallUsd, 0);
    const ba = set(`${B} ↔ ${A}`);
    near(ba.requiredUsd, 100_000);
    near(ba.postedUsd, 0);
    expect(ba.unreported).toBe(1);
    near(set(`${C} ↔ ${A}`).requiredUsd, 80_000);
    expect(rows).toHaveLength(4);
  });

  it('rolls up to holders: shortfalls add per netting set, a surplus never covers another set', async () => {
    const { rows, total } = await compute(['holder']);
    const holder = (lei: string) => rows.find((r) => r.key[0] === lei)!;
    near(holder(A).requiredUsd, 180_000);
    near(holder(A).postedUsd, 160_000);
    near(holder(A).coverage, 160_000 / 180_000);
    near(holder(A).shortfallUsd, 30_000);
    expect(holder(A).nettingSets).toBe(2);
    near(holder(B).shortfallUsd, 100_000);
    near(holder(C).shortfallUsd, 80_000);
    near(total.requiredUsd, 360_000);
    near(total.postedUsd, 160_000);
    near(total.shortfallUsd, 210_000);
    expect(total.unreported).toBe(2);
    // Ranked by shortfall.
    expect(rows.map((r) => r.key[0])).toEqual([B, C, A]);
  });

  it('rolls up by jurisdiction of the holder', async () => {
    const { rows } = await compute(['jurisdiction']);
    expect(Object.fromEntries(rows.map((r) => [r.key[0], Math.round(r.requiredUsd)]))).toEqual({ US: 180_000, GB: 100_000, KY: 80_000 });
  });

  it('refuses a schedule that is not valid, naming where, and loads nothing', async () => {
    const before = ((await backend.call('margin.schedules', {})) as MarginScheduleVersion[]).length;
    const bad = backend.call('margin.importSchedule', {
      schedule: { v: 1, name: 'x', effectiveFrom: '2026-02-30', source: 's', illustrative: false, defaultRate: 0.5, rules: [] },
    });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/effectiveFrom: a date that exists/) });
    const tooHigh = backend.call('margin.importSchedule', {
      schedule: {
        v: 1,
        name: 'x',
        effectiveFrom: '2026-03-01',
        source: 's',
        illustrative: false,
        defaultRate: 0.5,
        rules: [{ rate: 1.5 }],
      },
    });
    await expect(tooHigh).rejects.toMatchObject({ message: expect.stringMatching(/rules\.0\.rate: a rate from 0 to 1/) });
    const twice = backend.call('margin.importSchedule', {
      schedule: { v: 1, name: 'x', effectiveFrom: '2026-01-01', source: 's', illustrative: false, defaultRate: 0.5, rules: [] },
    });
    await expect(twice).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(((await backend.call('margin.schedules', {})) as MarginScheduleVersion[]).length).toBe(before);
  });
});

describe('required margin as drill metrics (the same worked example)', () => {
  const drill = (input: Record<string, unknown>) => backend.call('exposure.drill', { snapshotId, ...input }) as Promise<DrillResult>;
  const byKey = (result: DrillResult) => new Map(result.rows.map((r) => [r.key, r]));

  it('sums the holders’ netting sets per row and in the total, when asked for', async () => {
    const result = await drill({ path: ['jurisdiction'], harmonisedMargin: true });
    const rows = byKey(result);
    // US is A: R 180,000, posted 160,000 → 88.9 %, shortfall 30,000 (A↔C's surplus covers nothing of A↔B's gap).
    near(rows.get('US')!.requiredMarginUsd, 180_000);
    near(rows.get('US')!.requiredMarginCoverage, 160_000 / 180_000);
    near(rows.get('US')!.marginShortfallUsd, 30_000);
    // GB is B: nothing posted.
    near(rows.get('GB')!.requiredMarginUsd, 100_000);
    near(rows.get('GB')!.requiredMarginCoverage, 0);
    near(rows.get('KY')!.marginShortfallUsd, 80_000);
    near(result.totals.requiredMarginUsd, 360_000);
    near(result.totals.requiredMarginCoverage, 160_000 / 360_000);
    near(result.totals.marginShortfallUsd, 210_000);
  });

  it('agrees with margin --by counterparty one level down, and is left out where not asked or not a set of counterparties', async () => {
    const us = await drill({ path: ['jurisdiction', 'counterparty'], at: ['US'], harmonisedMargin: true });
    expect(us.rows.map((r) => [r.key, Math.round(r.requiredMarginUsd!), Math.round(r.marginShortfallUsd!)])).toEqual([
      [A, 180_000, 30_000],
    ]);
    const notAsked = await drill({ path: ['jurisdiction'] });
    expect(notAsked.rows.every((r) => r.requiredMarginUsd === null && r.marginShortfallUsd === null)).toBe(true);
    expect(notAsked.totals.requiredMarginCoverage).toBeNull();
    const byUnderlier = await drill({ path: ['underlier'], harmonisedMargin: true });
    expect(byUnderlier.rows.every((r) => r.requiredMarginUsd === null)).toBe(true);
    // Sorting by one of them asks for them.
    const sorted = await drill({ path: ['jurisdiction'], sort: { by: 'marginShortfallUsd', direction: 'desc' } });
    expect(sorted.rows.map((r) => r.key)).toEqual(['GB', 'KY', 'US']);
  });

  it('follows a schedule edit at once (the version in effect at the as-of date changes)', async () => {
    // Effective 2026-06-15, BTC 20 %: A↔B 600,000 × 0.2 + 40,000 = 160,000 (short 90,000); A↔C 300,000 × 0.2 + 50,000
    // = 110,000 (short 20,000). A: R 270,000, shortfall 110,000.
    const before = await drill({ path: ['jurisdiction'], harmonisedMargin: true });
    near(byKey(before).get('US')!.requiredMarginUsd, 180_000);
    await backend.call('margin.importSchedule', {
      schedule: {
        v: 1,
        name: 'Edited mid-June',
        effectiveFrom: '2026-06-15',
        source: 'Worked example of the test file',
        illustrative: true,
        defaultRate: 0.5,
        rules: [
          { underlier: 'BTC', rate: 0.2 },
          { underlier: 'ETH', rate: 0.2 },
        ],
      },
    });
    const after = byKey(await drill({ path: ['jurisdiction'], harmonisedMargin: true })).get('US')!;
    near(after.requiredMarginUsd, 270_000);
    near(after.marginShortfallUsd, 110_000);
    near(after.requiredMarginCoverage, 160_000 / 270_000);
  });
});
