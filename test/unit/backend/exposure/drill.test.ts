import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../../../electron/backend/demo/generateDemo';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';
import { tradesBehind } from '../../../../electron/backend/exposure/trades';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { Dimension } from '../../../../shared/contract/exposure';
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
  dims: Record<Dimension, string | null>;
}

function model(db: Db, snapshotId: number): Position[] {
  const trades = db
    .prepare(`SELECT * FROM trade_state WHERE snapshot_id = ? AND coalesce(action_type, '') NOT IN ('TERM', 'EROR')`)
    .all(snapshotId) as Array<Record<string, string | number | null>>;
  const entities = new Map(
    (
      db.prepare(`SELECT lei, legal_country, ultimate_parent_lei FROM entity WHERE snapshot_id = ?`).all(snapshotId) as Array<{
        lei: string;
        legal_country: string | null;
        ultimate_parent_lei: string | null;
      }>
    ).map((e) => [e.lei, e]),
  );
  const margins = db
    .prepare(
      `SELECT reporting_lei, other_cpty_id, collateral_portfolio_code, uti, collateralisation_cat FROM margin_state WHERE snapshot_id = ?`,
    )
    .all(snapshotId) as Array<Record<string, string | null>>;
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
    positions.push({
      uti: t.uti as string,
      holder: rep,
      sign,
      notional: n,
      valuation: v,
      dims: { ...common, jurisdiction: j1, otherJurisdiction: j2, group: g1, counterparty: rep },
    });
    positions.push({
      uti: t.uti as string,
      holder: other,
      sign: -sign,
      notional: n,
      valuation: v === null ? null : -v,
      dims: { ...common, jurisdiction: j2, otherJurisdiction: j1, group: g2, counterparty: other },
    });
  }
  return positions;
}

function aggregate(positions: Position[]) {
  const utis = new Map<string, number | null>();
  for (const p of positions) utis.set(p.uti, p.notional);
  return {
    tradeCount: utis.size,
    counterpartyCount: new Set(positions.map((p) => p.holder)).size,
    grossNotionalUsd: [...utis.values()].reduce<number>((a, n) => a + (n ?? 0), 0),
    netNotionalUsd: positions.reduce((a, p) => a + p.sign * (p.notional ?? 0), 0),
    mtmValuationUsd: positions.reduce((a, p) => a + (p.valuation ?? 0), 0),
  };
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
  const expectedTotals = aggregate(inScope);
  for (const [k, v] of Object.entries(expectedTotals))
    expect(result.totals[k as keyof typeof expectedTotals], `totals.${k}`).toBeCloseTo(v, 2);
  const dim = path[at.length]!;
  const keys = new Set(inScope.map((p) => p.dims[dim]));
  expect(result.rows.map((r) => r.key).sort()).toEqual([...keys].sort());
  for (const row of result.rows) {
    const expected = aggregate(inScope.filter((p) => p.dims[dim] === row.key));
    for (const [k, v] of Object.entries(expected)) expect(row[k as keyof typeof expected], `${dim}=${row.key} ${k}`).toBeCloseTo(v, 2);
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
        .prepare(`SELECT count(*) AS n FROM trade_state WHERE snapshot_id = ? AND coalesce(action_type, '') NOT IN ('TERM', 'EROR')`)
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
    expect(l1.totals.initialMarginPostedUsd).not.toBeNull();
  });

  it('venue → contract type → counterparty, with a filter on cleared', () => {
    const path: Dimension[] = ['venue', 'contractType', 'counterparty'];
    const filters = [{ dimension: 'cleared' as Dimension, value: 'uncleared' }];
    const l1 = expectLevel(path, [], filters);
    const l2 = expectLevel(path, [l1.rows[0]!.key], filters);
    expectLevel(path, [l1.rows[0]!.key, l2.rows[0]!.key], filters);
    // Margin cannot be split by venue: not shown, never zero.
    expect(l1.rows[0]!.initialMarginPostedUsd).toBeNull();
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
