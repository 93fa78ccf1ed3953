import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../../../electron/backend/demo/generateDemo';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';
import { tradesBehind } from '../../../../electron/backend/exposure/trades';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { Dimension } from '../../../../shared/contract/exposure';
import { blackScholesDelta, yearsBetween } from '../../../../shared/domain/blackScholes';
import { fileTempDir } from '../../../helpers/tempDir';

/**
 * An independent model of the drill, written in JavaScript from the raw report rows: it picks
 * one report per UTI, builds both sides' positions and aggregates them, so every figure of
 * the SQL drill is checked against code that shares none of its queries.
 */
interface Position {
  uti: string;
  holder: string;
  sign: number;
  notional: number | null;
  valuation: number | null;
  /** Delta-adjusted notional from this holder's side; null when no delta can be had. */
  delta: number | null;
  deltaModelled: boolean;
  /** The holder reported margin for this side. */
  margined: boolean;
  dims: Record<Dimension, string | null>;
}

interface HolderMargin {
  imPosted: number | null;
  vmPosted: number | null;
  excessPosted: number | null;
  imCollected: number | null;
  vmCollected: number | null;
  excessCollected: number | null;
  unconverted: number;
}
let holderMargins: Map<string, HolderMargin>;
/** The (UTI, holder) pairs whose holder reported margin for them. */
let marginedSides: Set<string>;

/** Rates as of a date: per currency the rate of that day, else the latest earlier one (never a later one). */
function ratesAsOf(db: Db, snapshotId: number, asOf: string): Map<string, number> {
  const rows = db
    .prepare(`SELECT ccy, as_of_date, usd_per_unit FROM fx_rate WHERE snapshot_id = ? ORDER BY as_of_date`)
    .all(snapshotId) as Array<{ ccy: string; as_of_date: string; usd_per_unit: number }>;
  const rates = new Map<string, number>([['USD', 1]]);
  for (const r of rows) if (r.as_of_date <= asOf) rates.set(r.ccy, r.usd_per_unit);
  return rates;
}

/**
 * The margin reports in effect: per (reporter, other counterparty, portfolio, UTI) the latest by
 * collateral timestamp on or before the as-of date (undated ones oldest; ties: the later row).
 */
function marginInEffect(db: Db, snapshotId: number, asOf: string): Array<Record<string, string | null>> {
  const all = db.prepare(`SELECT rowid AS r, * FROM margin_state WHERE snapshot_id = ? ORDER BY rowid`).all(snapshotId) as Array<
    Record<string, string | null>
  >;
  const latest = new Map<string, Record<string, string | null>>();
  for (const m of all) {
    if (m.collateral_ts !== null && m.collateral_ts!.slice(0, 10) > asOf) continue;
    const key = JSON.stringify([m.reporting_lei, m.other_cpty_id, m.collateral_portfolio_code, m.uti]);
    const seen = latest.get(key);
    if (!seen || (m.collateral_ts ?? '') >= (seen.collateral_ts ?? '')) latest.set(key, m);
  }
  return [...latest.values()];
}

/** Each reporting counterparty's margin in USD: every amount with its own currency's rate; null where nobody reported it. */
function marginModel(reports: Array<Record<string, string | null>>, fx: Map<string, number>): Map<string, HolderMargin> {
  const out = new Map<string, HolderMargin>();
  for (const m of reports) {
    const h = out.get(m.reporting_lei!) ?? {
      imPosted: null,
      vmPosted: null,
      excessPosted: null,
      imCollected: null,
      vmCollected: null,
      excessCollected: null,
      unconverted: 0,
    };
    const add = (field: Exclude<keyof HolderMargin, 'unconverted'>, column: string) => {
      const amount = m[column];
      if (amount === null || amount === undefined) return;
      const rate = fx.get(m[`${column}_ccy`] ?? '');
      if (rate === undefined) h.unconverted++;
      else h[field] = (h[field] ?? 0) + Number(amount) * rate;
    };
    add('imPosted', 'im_posted');
    add('vmPosted', 'vm_posted');
    add('excessPosted', 'excess_posted');
    add('imCollected', 'im_collected');
    add('vmCollected', 'vm_collected');
    add('excessCollected', 'excess_collected');
    out.set(m.reporting_lei!, h);
  }
  return out;
}

function model(db: Db, snapshotId: number): Position[] {
  const asOf = (db.prepare(`SELECT as_of_date FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { as_of_date: string }).as_of_date;
  // Outstanding: not terminated, erroneous, a position component or ported out, and not matured.
  const allReports = db.prepare(`SELECT * FROM trade_state WHERE snapshot_id = ?`).all(snapshotId) as Array<
    Record<string, string | number | null>
  >;
  const trades = allReports.filter(
    (t) =>
      !['TERM', 'EROR', 'POSC', 'PRTO'].includes(String(t.action_type)) &&
      !(t.expiration_date !== null && String(t.expiration_date).slice(0, 10) < asOf),
  );
  const entities = new Map(
    (
      db.prepare(`SELECT lei, legal_country, ultimate_parent_lei FROM entity WHERE snapshot_id = ?`).all(snapshotId) as Array<{
        lei: string;
        legal_country: string | null;
        ultimate_parent_lei: string | null;
      }>
    ).map((e) => [e.lei, e]),
  );
  const prices = new Map(
    (
      db.prepare(`SELECT underlier_dti, price_usd, volatility FROM underlier_price WHERE snapshot_id = ?`).all(snapshotId) as Array<{
        underlier_dti: string;
        price_usd: number;
        volatility: number | null;
      }>
    ).map((p) => [p.underlier_dti, p]),
  );
  const fx = ratesAsOf(db, snapshotId, asOf);
  const margins = marginInEffect(db, snapshotId, asOf);
  holderMargins = marginModel(margins, fx);
  // A side has margin reported when its reporter's margin covers the trade, or the netting set
  // its own report of the trade names.
  marginedSides = new Set();
  const portfolios = new Set(
    margins
      .filter((m) => m.collateral_portfolio_code !== null)
      .map((m) => `${m.reporting_lei}|${m.other_cpty_id}|${m.collateral_portfolio_code}`),
  );
  for (const t of allReports)
    if (portfolios.has(`${t.reporting_lei}|${t.other_cpty_id}|${t.collateral_portfolio_code}`))
      marginedSides.add(`${t.uti}|${t.reporting_lei}`);
  for (const m of margins) if (m.uti !== null) marginedSides.add(`${m.uti}|${m.reporting_lei}`);
  const canonical = new Map<string, Record<string, string | number | null>>();
  for (const t of trades) {
    const seen = canonical.get(t.uti as string);
    if (!seen || (t.reporting_lei as string) < (seen.reporting_lei as string)) canonical.set(t.uti as string, t);
  }
  const positions: Position[] = [];
  for (const t of canonical.values()) {
    const rep = t.reporting_lei as string;
    const other = t.other_cpty_id as string;
    const otherIsLei = t.other_cpty_is_lei === 1;
    const j1 = entities.get(rep)?.legal_country ?? null;
    const j2 = otherIsLei ? (entities.get(other)?.legal_country ?? null) : ((t.other_cpty_country as string | null) ?? null);
    const g1 = entities.get(rep)?.ultimate_parent_lei ?? rep;
    const g2 = otherIsLei ? (entities.get(other)?.ultimate_parent_lei ?? other) : other;
    const sign = t.direction === 'BYER' ? 1 : t.direction === 'SLLR' ? -1 : 0;
    const mic = t.platform_mic as string | null;
    const cats = margins
      .filter(
        (m) =>
          m.reporting_lei === rep &&
          ((m.uti !== null && m.uti === t.uti) ||
            (m.collateral_portfolio_code !== null &&
              m.other_cpty_id === other &&
              m.collateral_portfolio_code === t.collateral_portfolio_code)),
      )
      .map((m) => m.collateralisation_cat as string)
      .sort();
    const perTrade = margins
      .filter((m) => m.reporting_lei === rep && m.uti === t.uti)
      .map((m) => m.collateralisation_cat as string)
      .sort();
    const common = {
      underlier: (t.underlier_dti as string | null) ?? (t.underlier_symbol as string | null),
      contractType: t.perpetual === 1 ? 'PERP' : ((t.contract_type as string | null) ?? 'OTHR'),
      venue: (t.venue_id as string | null) ?? (mic === null || ['XOFF', 'XXXX', 'BILT'].includes(mic) ? 'OFF-VENUE' : mic),
      cleared: t.cleared === 'Y' ? 'cleared' : 'uncleared',
      ccp: (t.ccp_lei as string | null) ?? 'NONE',
      collateralisation: perTrade[0] ?? cats[0] ?? 'NONE',
      crossBorder: j1 === null || j2 === null ? 'unknown' : j1 !== j2 ? 'cross-border' : 'domestic',
    };
    const n = t.notional_usd as number | null;
    const v = t.valuation_usd as number | null;
    // Delta from the reporting side: 1 × direction for non-options, the reported delta, or a modelled one.
    let delta: number | null = sign;
    let deltaModelled = false;
    if (t.contract_type === 'OPTN') {
      if (t.delta !== null) delta = Number(t.delta);
      else {
        const price = prices.get(t.underlier_dti as string);
        const rate = fx.get(t.strike_ccy as string);
        const modelled = blackScholesDelta({
          optionType: t.option_type as 'CALL' | 'PUTO',
          spot: price?.price_usd ?? NaN,
          strike: rate === undefined ? NaN : Number(t.strike) * rate,
          yearsToExpiry: yearsBetween(asOf, String(t.expiration_date).slice(0, 10)),
          volatility: price?.volatility ?? NaN,
        });
        delta = Number.isFinite(modelled) ? modelled * sign : null;
        deltaModelled = delta !== null;
      }
    }
    const d = delta === null || n === null ? null : delta * n;
    positions.push({
      uti: t.uti as string,
      holder: rep,
      sign,
      notional: n,
      valuation: v,
      delta: d,
      deltaModelled,
      margined: marginedSides.has(`${t.uti}|${rep}`),
      dims: { ...common, jurisdiction: j1, otherJurisdiction: j2, group: g1, counterparty: rep },
    });
    positions.push({
      uti: t.uti as string,
      holder: other,
      sign: -sign,
      notional: n,
      valuation: v === null ? null : -v,
      delta: d === null ? null : -d,
      deltaModelled,
      margined: marginedSides.has(`${t.uti}|${other}`),
      dims: { ...common, jurisdiction: j2, otherJurisdiction: j1, group: g2, counterparty: other },
    });
  }
  return positions;
}

function aggregate(positions: Position[], marginShown = false) {
  const utis = new Map<string, Position>();
  for (const p of positions) utis.set(p.uti, p);
  const trades = [...utis.values()];
  const holders = new Set(positions.map((p) => p.holder));
  const gross = trades.reduce<number>((a, p) => a + (p.notional ?? 0), 0);
  const crossBorder = trades.filter((p) => p.dims.crossBorder === 'cross-border').reduce<number>((a, p) => a + (p.notional ?? 0), 0);
  // Reported margin: null unless some holder of the row reported the amount.
  const margin = (field: Exclude<keyof HolderMargin, 'unconverted'>) => {
    if (!marginShown) return null;
    const reported = [...holders].map((h) => holderMargins.get(h)?.[field] ?? null).filter((v): v is number => v !== null);
    return reported.length === 0 ? null : reported.reduce((a, v) => a + v, 0);
  };
  const margined = positions.filter((p) => p.margined);
  const marginedNotional = margined.reduce<number>((a, p) => a + (p.notional ?? 0), 0);
  const im = margin('imPosted');
  const excess = margin('excessPosted');
  const posted = im === null ? null : im + (excess ?? 0);
  return {
    tradeCount: utis.size,
    counterpartyCount: holders.size,
    grossNotionalUsd: gross,
    netNotionalUsd: positions.reduce((a, p) => a + p.sign * (p.notional ?? 0), 0),
    mtmValuationUsd: positions.reduce((a, p) => a + (p.valuation ?? 0), 0),
    deltaAdjustedNotionalUsd: positions.reduce((a, p) => a + (p.delta ?? 0), 0),
    modelledDeltaCount: trades.filter((p) => p.deltaModelled).length,
    crossBorderShare: gross > 0 ? crossBorder / gross : null,
    imPostedUsd: im,
    vmPostedUsd: margin('vmPosted'),
    imCollectedUsd: margin('imCollected'),
    vmCollectedUsd: margin('vmCollected'),
    excessCollateralUsd: excess,
    positionsWithoutMarginCount: marginShown ? positions.length - margined.length : null,
    marginCoverage: im === null || !(marginedNotional > 0) ? null : im / marginedNotional,
    effectiveLeverage: posted === null || !(posted > 0) || !(marginedNotional > 0) ? null : marginedNotional / posted,
    unconvertedCount:
      trades.filter((p) => p.notional === null).length +
      (marginShown ? [...holders].reduce((a, h) => a + (holderMargins.get(h)?.unconverted ?? 0), 0) : 0),
  };
}

const holderDims = new Set<Dimension>(['jurisdiction', 'group', 'counterparty']);

/**
 * HHI (0–10,000) of the children of a set of positions along a dimension, from the model: each
 * child's share is its gross over the sum of the children's gross (shares add up to 1).
 */
function childHhi(scope: Position[], dim: Dimension): number | null {
  const keys = new Set(scope.map((p) => p.dims[dim]));
  const grosses = [...keys].map((k) => aggregate(scope.filter((p) => p.dims[dim] === k)).grossNotionalUsd);
  const sum = grosses.reduce((a, g) => a + g, 0);
  if (!(sum > 0)) return null;
  return grosses.reduce((a, g) => a + ((g / sum) * 100) ** 2, 0);
}

function expectMetrics(actual: Record<string, unknown>, expected: Record<string, number | null>, where: string) {
  for (const [k, v] of Object.entries(expected)) {
    if (v === null) expect(actual[k], `${where} ${k}`).toBeNull();
    else if (Math.abs(v) > 1e6) expect((actual[k] as number) / v, `${where} ${k}`).toBeCloseTo(1, 9);
    else expect(actual[k], `${where} ${k}`).toBeCloseTo(v, 4);
  }
}

let db: Db;
let snapshotId: number;
let positions: Position[];

beforeAll(async () => {
  const data = fileTempDir();
  const demo = await generateDemoData({ trades: 6000, seed: 42, outDir: data });
  db = (await openDatabase(fileTempDir())).db;
  snapshotId = (
    await importSnapshot(db, { files: Object.values(demo.files), sourceName: 'Drill TR', regime: 'EMIR', asOfDate: '2026-06-30' })
  ).snapshotId;
  positions = model(db, snapshotId);
}, 60_000);

function expectLevel(path: Dimension[], at: (string | null)[], filters: Array<{ dimension: Dimension; value: string | null }> = []) {
  const result = drill(db, { snapshotId, path, at, filters });
  const inScope = positions.filter(
    (p) => at.every((v, i) => p.dims[path[i]!] === v) && filters.every((f) => p.dims[f.dimension] === f.value),
  );
  const dim = path[at.length]!;
  const child = path[at.length + 1];
  const marginShown = [dim, ...path.slice(0, at.length), ...filters.map((f) => f.dimension)].every((d) => holderDims.has(d));
  const expectedTotals = aggregate(inScope, marginShown);
  expectMetrics(result.totals as unknown as Record<string, unknown>, expectedTotals, 'totals');
  const keys = new Set(inScope.map((p) => p.dims[dim]));
  expect(result.rows.map((r) => r.key).sort()).toEqual([...keys].sort());
  expect(result.totals.concentrationHhi).toBeCloseTo(childHhi(inScope, dim) ?? NaN, 6);
  for (const row of result.rows) {
    const rowScope = inScope.filter((p) => p.dims[dim] === row.key);
    const expected = aggregate(rowScope, marginShown);
    expectMetrics(row as unknown as Record<string, unknown>, expected, `${dim}=${row.key}`);
    expect(row.shareOfParent, `${dim}=${row.key} share`).toBeCloseTo(expected.grossNotionalUsd / expectedTotals.grossNotionalUsd, 9);
    if (child) expect(row.concentrationHhi, `${dim}=${row.key} HHI`).toBeCloseTo(childHhi(rowScope, child) ?? NaN, 6);
    else expect(row.concentrationHhi).toBeNull();
  }
  return result;
}

describe('drill-down levels equal an independent computation over the raw reports', () => {
  it('counts the whole market once, whatever the first dimension', () => {
    const market = aggregate(positions);
    for (const dim of ['jurisdiction', 'venue', 'contractType', 'underlier', 'crossBorder'] as Dimension[]) {
      const level = expectLevel([dim], []);
      expect(level.totals.tradeCount).toBe(market.tradeCount);
      expect(level.totals.grossNotionalUsd).toBeCloseTo(market.grossNotionalUsd, 2);
    }
    // Two-sided reports: the market has as many trades as distinct live UTIs, not report rows.
    const reports = (
      db
        .prepare(
          `SELECT count(*) AS n FROM trade_state WHERE snapshot_id = ? AND coalesce(action_type, '') NOT IN ('TERM', 'EROR', 'POSC')`,
        )
        .get(snapshotId) as { n: number }
    ).n;
    expect(market.tradeCount).toBeLessThan(reports);
  });

  it('jurisdiction → group → counterparty → underlier, three levels down the largest rows', () => {
    const path: Dimension[] = ['jurisdiction', 'group', 'counterparty', 'underlier'];
    const l1 = expectLevel(path, []);
    const l2 = expectLevel(path, [l1.rows[0]!.key]);
    const l3 = expectLevel(path, [l1.rows[0]!.key, l2.rows[0]!.key]);
    expectLevel(path, [l1.rows[0]!.key, l2.rows[0]!.key, l3.rows[0]!.key]);
    expect(l1.totals.imPostedUsd).not.toBeNull();
  });

  it('venue → contract type → counterparty, with a filter on cleared', () => {
    const path: Dimension[] = ['venue', 'contractType', 'counterparty'];
    const filters = [{ dimension: 'cleared' as Dimension, value: 'uncleared' }];
    const l1 = expectLevel(path, [], filters);
    const l2 = expectLevel(path, [l1.rows[0]!.key], filters);
    expectLevel(path, [l1.rows[0]!.key, l2.rows[0]!.key], filters);
    // Margin cannot be split by venue: not shown, never zero.
    expect(l1.rows[0]!.imPostedUsd).toBeNull();
  });

  it('other side\u2019s jurisdiction, CCP and collateralisation, and a null key', () => {
    expectLevel(['otherJurisdiction', 'ccp'], []);
    expectLevel(['collateralisation', 'crossBorder'], ['NONE']);
    const withNull = positions.find((p) => p.dims.jurisdiction === null);
    if (withNull) expectLevel(['jurisdiction', 'counterparty'], [null]);
  });
});

describe('the trades behind a cell', () => {
  const base: {
    columnFilters: Record<string, never>;
    sort: Array<{ colId: 'notionalUsd'; sort: 'asc' | 'desc' }>;
    startRow: number;
    endRow: number;
  } = { columnFilters: {}, sort: [], startRow: 0, endRow: 1000 };

  it('are exactly the cell\u2019s trades: their count and notional match the drill figures', () => {
    const path: Dimension[] = ['jurisdiction', 'counterparty'];
    const l1 = drill(db, { snapshotId, path, at: [], filters: [] });
    const row = l1.rows[1]!;
    const page = tradesBehind(db, { ...base, snapshotId, path, at: [row.key], filters: [] });
    expect(page.total).toBe(row.tradeCount);
    const all = tradesBehind(db, { ...base, snapshotId, path, at: [row.key], filters: [], endRow: Math.max(1, row.tradeCount) });
    const gross = all.rows.reduce((a, r) => a + ((r.notionalUsd as number | null) ?? 0), 0);
    expect(gross).toBeCloseTo(row.grossNotionalUsd, 2);
    expect(new Set(all.rows.map((r) => r.uti)).size).toBe(all.rows.length);
    // The whole market: every live UTI once.
    expect(tradesBehind(db, { ...base, snapshotId, path: [], at: [], filters: [], endRow: 1 }).total).toBe(l1.totals.tradeCount);
  });

  it('name each party beside its identifier from the snapshot’s entity data, and filter and sort by name', () => {
    const page = tradesBehind(db, { ...base, snapshotId, path: [], at: [], filters: [], endRow: 300 });
    const nameOf = db.prepare('SELECT legal_name FROM entity WHERE snapshot_id = ? AND lei = ?').pluck();
    let named = 0;
    for (const r of page.rows) {
      expect(r.reportingName).toBe(nameOf.get(snapshotId, r.reportingLei) ?? null);
      expect(r.otherCptyName).toBe(nameOf.get(snapshotId, r.otherCptyId) ?? null);
      expect(r.ccpName).toBe(r.ccpLei === null ? null : (nameOf.get(snapshotId, r.ccpLei) ?? null));
      if (r.reportingName !== null) named++;
    }
    expect(named).toBeGreaterThan(0);
    const someone = page.rows.find((r) => typeof r.reportingName === 'string')!.reportingName as string;
    const theirs = tradesBehind(db, {
      ...base,
      snapshotId,
      path: [],
      at: [],
      filters: [],
      columnFilters: { reportingName: { filterType: 'text', type: 'equals', filter: someone } },
      endRow: 100_000,
    } as Parameters<typeof tradesBehind>[1]);
    const expected = db
      .prepare(
        `SELECT count(DISTINCT t.uti) FROM trade_state t JOIN entity e ON e.snapshot_id = t.snapshot_id AND e.lei = t.reporting_lei
          WHERE t.snapshot_id = ? AND e.legal_name = ? AND t.rowid IN (SELECT trade_row FROM exposure_position WHERE snapshot_id = ?)`,
      )
      .pluck()
      .get(snapshotId, someone, snapshotId);
    expect(theirs.total).toBe(expected);
    expect(theirs.rows.every((r) => r.reportingName === someone)).toBe(true);
    const byName = tradesBehind(db, {
      ...base,
      snapshotId,
      path: [],
      at: [],
      filters: [],
      sort: [{ colId: 'otherCptyName', sort: 'asc' }],
      endRow: 200,
    } as Parameters<typeof tradesBehind>[1]);
    const names = byName.rows.map((r) => r.otherCptyName).filter((n): n is string => typeof n === 'string');
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('of the trade\u2019s own dimensions (one position per trade, in table order) are every trade with a position in the cell, in the same order', () => {
    // Independently: every position matching the cell, each trade once, sorted the same way.
    const expected = (where: string, values: unknown[]) =>
      (
        db
          .prepare(
            `SELECT t.uti FROM (SELECT DISTINCT trade_row FROM exposure_position WHERE snapshot_id = ?${where}) k
               JOIN trade_state t ON t.rowid = k.trade_row ORDER BY t.notional_usd DESC NULLS LAST, t.uti`,
          )
          .pluck()
          .all(snapshotId, ...values) as string[]
      ).slice(0, 1000);
    const sort = [{ colId: 'notionalUsd' as const, sort: 'desc' as const }];
    const underlier = drill(db, { snapshotId, path: ['underlier'], at: [], filters: [] }).rows[0]!.key;
    const cases: Array<{
      path: Dimension[];
      at: (string | null)[];
      filters: Array<{ dimension: Dimension; value: string }>;
      where: string;
      values: unknown[];
    }> = [
      { path: [], at: [], filters: [], where: '', values: [] },
      { path: ['underlier'], at: [underlier], filters: [], where: ' AND underlier IS ?', values: [underlier] },
      {
        path: ['venue', 'contractType'],
        at: ['OFF-VENUE', 'SWAP'],
        filters: [{ dimension: 'cleared', value: 'uncleared' }],
        where: ' AND venue IS ? AND contract_kind IS ? AND cleared IS ?',
        values: ['OFF-VENUE', 'SWAP', 'uncleared'],
      },
    ];
    for (const c of cases) {
      const page = tradesBehind(db, { ...base, snapshotId, path: c.path, at: c.at, filters: c.filters, sort });
      const want = expected(c.where, c.values);
      expect(want.length, JSON.stringify(c.at)).toBeGreaterThan(0);
      expect(page.rows.map((r) => r.uti)).toEqual(want);
    }
  });

  it('sort in SQL and page consistently', () => {
    const sorted = tradesBehind(db, {
      ...base,
      snapshotId,
      path: [],
      at: [],
      filters: [],
      sort: [{ colId: 'notionalUsd', sort: 'desc' }],
      startRow: 100,
      endRow: 200,
    });
    const values = sorted.rows.map((r) => r.notionalUsd as number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const before = tradesBehind(db, {
      ...base,
      snapshotId,
      path: [],
      at: [],
      filters: [],
      sort: [{ colId: 'notionalUsd', sort: 'desc' }],
      startRow: 99,
      endRow: 100,
    });
    expect(before.rows[0]!.notionalUsd as number).toBeGreaterThanOrEqual(values[0]!);
  });

  it('filter by text, number and date, and treat hostile values as data', () => {
    const q = (columnFilters: object) =>
      tradesBehind(db, { ...base, snapshotId, path: [], at: [], filters: [], columnFilters } as Parameters<typeof tradesBehind>[1]);
    const options = q({ contractType: { filterType: 'text', type: 'equals', filter: 'OPTN' } });
    expect(options.total).toBeGreaterThan(0);
    expect(options.rows.every((r) => r.contractType === 'OPTN')).toBe(true);
    const big = q({ notionalUsd: { filterType: 'number', type: 'greaterThan', filter: 1e7 } });
    expect(big.rows.every((r) => (r.notionalUsd as number) > 1e7)).toBe(true);
    const june = q({ executionTs: { filterType: 'date', type: 'inRange', dateFrom: '2026-06-01', dateTo: '2026-06-30' } });
    expect(june.rows.every((r) => String(r.executionTs) >= '2026-06-01' && String(r.executionTs).slice(0, 10) <= '2026-06-30')).toBe(true);
    for (const filter of ["' OR 1=1 --", '%', '_'])
      expect(q({ uti: { filterType: 'text', type: 'contains', filter } }).total, filter).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM trade_state').get() as { n: number }).n).toBeGreaterThan(0);
  });
});

describe('every metric, sorting and comparing two snapshots', () => {
  it('models the delta of options reported without one, and derives the margin ratios', () => {
    const level = expectLevel(['jurisdiction'], []);
    expect(level.totals.modelledDeltaCount).toBeGreaterThan(0);
    // One side of the market (the two sides cancel in the whole): options' delta-adjusted notional is not their net notional.
    const options = expectLevel(['jurisdiction', 'contractType'], [level.rows[0]!.key]).rows.find((r) => r.key === 'OPTN')!;
    expect(options.deltaAdjustedNotionalUsd).not.toBeCloseTo(options.netNotionalUsd, 0);
    // Both ratios share the notional of the margined positions: coverage × leverage = IM ÷ (IM + excess).
    let checked = 0;
    for (const row of level.rows) {
      if (row.imPostedUsd === null || row.marginCoverage === null || row.effectiveLeverage === null) continue;
      const posted = row.imPostedUsd + (row.excessCollateralUsd ?? 0);
      expect(row.marginCoverage * row.effectiveLeverage).toBeCloseTo(row.imPostedUsd / posted, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    // Shares of the parent: the top level's total is the whole market.
    expect(level.totals.shareOfParent).toBe(1);
    const l2 = drill(db, { snapshotId, path: ['jurisdiction', 'venue'], at: [level.rows[0]!.key], filters: [] });
    expect(l2.totals.shareOfParent).toBeCloseTo(level.rows[0]!.shareOfParent!, 12);
  });

  it('sorts rows by any metric or by label, figures missing last', () => {
    const byTrades = drill(db, { snapshotId, path: ['venue'], at: [], filters: [], sort: { by: 'tradeCount', direction: 'asc' } });
    const counts = byTrades.rows.map((r) => r.tradeCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const byLabel = drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters: [], sort: { by: 'label', direction: 'desc' } });
    const labels = byLabel.rows.map((r) => r.label);
    expect(labels).toEqual([...labels].sort((a, b) => b.localeCompare(a)));
  });

  it('compares with a second snapshot: previous figures per row, appeared and vanished rows marked', async () => {
    const data = fileTempDir();
    const demo = await generateDemoData({ trades: 3000, seed: 43, outDir: data });
    const other = (
      await importSnapshot(db, { files: Object.values(demo.files), sourceName: 'Drill TR', regime: 'EMIR', asOfDate: '2026-07-31' })
    ).snapshotId;
    const path: Dimension[] = ['counterparty'];
    const compared = drill(db, { snapshotId, path, at: [], filters: [], compareTo: other });
    const now = drill(db, { snapshotId, path, at: [], filters: [] });
    const then = drill(db, { snapshotId: other, path, at: [], filters: [] });
    const thenByKey = new Map(then.rows.map((r) => [r.key, r]));
    const nowKeys = new Set(now.rows.map((r) => r.key));
    expect(compared.compare?.totals.grossNotionalUsd).toBeCloseTo(then.totals.grossNotionalUsd, 4);
    expect(compared.rows.length).toBe(new Set([...nowKeys, ...thenByKey.keys()]).size);
    const statuses = new Set<string>();
    for (const row of compared.rows) {
      const before = thenByKey.get(row.key);
      const status = !nowKeys.has(row.key) ? 'vanished' : before ? 'both' : 'appeared';
      statuses.add(status);
      expect(row.compare?.status, String(row.key)).toBe(status);
      if (before) expect(row.compare?.previous?.grossNotionalUsd).toBeCloseTo(before.grossNotionalUsd, 4);
      else expect(row.compare?.previous).toBeNull();
      if (status === 'vanished') expect(row.tradeCount).toBe(0);
    }
    // Two random markets of different sizes share some counterparties and not others.
    expect([...statuses].sort()).toEqual(['appeared', 'both', 'vanished']);
  }, 60_000);
});

describe('large levels', () => {
  it('cuts the rows to the limit in sort order, counts them all, and searches labels and keys', () => {
    const all = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], limit: 100_000 });
    expect(all.rowCount).toBe(all.rows.length);
    const top = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], limit: 25 });
    expect(top.rows).toHaveLength(25);
    expect(top.rowCount).toBe(all.rows.length);
    expect(top.rows.map((r) => r.key)).toEqual(all.rows.slice(0, 25).map((r) => r.key));
    // Totals cover every row, not only those shown.
    expect(top.totals).toEqual(all.totals);
    const named = all.rows.find((r) => r.label.includes('('))!;
    const word = named.label.split(' ')[0]!.toLowerCase();
    const found = drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], search: word, limit: 100_000 });
    const expected = all.rows.filter((r) => r.label.toLowerCase().includes(word) || (r.key ?? '').toLowerCase().includes(word));
    expect(found.rows.map((r) => r.key).sort()).toEqual(expected.map((r) => r.key).sort());
    expect(found.rowCount).toBe(expected.length);
    // The totals are those of the matching rows, each trade once (a trade between two of them too).
    const keys = new Set(expected.map((r) => r.key));
    expect(found.totalsOf).toBe('matching');
    expectMetrics(
      found.totals as unknown as Record<string, unknown>,
      aggregate(
        positions.filter((p) => keys.has(p.dims.counterparty)),
        true,
      ),
      'matching totals',
    );
    expect(drill(db, { snapshotId, path: ['counterparty'], at: [], filters: [], search: named.key! }).rows.map((r) => r.key)).toContain(
      named.key,
    );
  });
});

describe('two databases in one process', () => {
  it('keep their own cached figures, though their snapshots share an id', async () => {
    const figures = [];
    for (const trades of [1200, 2500]) {
      const data = fileTempDir();
      const demo = await generateDemoData({ trades, seed: 5, outDir: data });
      const own = (await openDatabase(fileTempDir())).db;
      const id = (await importSnapshot(own, { files: Object.values(demo.files), sourceName: 'T', regime: 'EMIR', asOfDate: '2026-06-30' }))
        .snapshotId;
      const live = (
        own
          .prepare(
            `SELECT count(DISTINCT uti) AS n FROM trade_state WHERE snapshot_id = ?
                AND coalesce(action_type, '') NOT IN ('TERM', 'EROR', 'POSC', 'PRTO')
                AND NOT coalesce(substr(expiration_date, 1, 10) < '2026-06-30', 0)`,
          )
          .get(id) as { n: number }
      ).n;
      figures.push({ own, id, live });
    }
    expect(figures[0]!.id).toBe(figures[1]!.id);
    for (const { own, id, live } of [...figures, ...figures]) {
      expect(drill(own, { snapshotId: id, path: ['venue'], at: [], filters: [] }).totals.tradeCount).toBe(live);
      const page = tradesBehind(own, {
        snapshotId: id,
        path: [],
        at: [],
        filters: [],
        columnFilters: {},
        sort: [{ colId: 'notionalUsd', sort: 'desc' }],
        startRow: 0,
        endRow: 1,
      });
      expect(page.total).toBe(live);
    }
  }, 60_000);
});
