// Synthetic TR generator (handbook domain-trade-data.md §5): determinism, file layout, identifier validity,
// two-sided pairs, FX coverage, deliberate defects, abort. Small runs only, in temp dirs.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  DEMO_DEFECT_DESCRIPTIONS,
  DEMO_DEFECT_KINDS,
  ENTITIES_COLUMNS,
  FX_COLUMNS,
  MARGINS_COLUMNS,
  PRICES_COLUMNS,
  TRADES_COLUMNS,
  VENUES_COLUMNS,
  demoInvalidRowCount,
  generateDemoData,
} from '../../../../electron/backend/demo/generateDemo';
import type { DemoResult } from '../../../../electron/backend/demo/generateDemo';
import { Rng, weightedTable } from '../../../../electron/backend/demo/random';
import {
  countryIssues,
  dtiIssues,
  isIsoCountry,
  isIsoCurrency,
  isValidLei,
  upiIssues,
  utiIssues,
} from '../../../../shared/domain/identifiers';

type Row = Record<string, string>;
const FILE_KEYS = ['trades', 'margins', 'entities', 'venues', 'prices', 'fx'] as const;

const tmpDirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'concordat-demo-'));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function readCsv(file: string): { header: string[]; rows: Row[]; raw: string } {
  const raw = readFileSync(file, 'utf8');
  const records = parse(raw, { relax_column_count: false }) as string[][];
  const header = records[0] ?? [];
  const rows = records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  return { header, rows, raw };
}

const get = (r: Row, k: string): string => r[k] ?? '';
const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DEC_RE = /^-?\d+(\.\d{1,5})?$/;

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const sa = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(sa);
    expect(new Rng('x').next()).toBe(new Rng('x').next());
  });

  it('helpers stay in range and respect weights roughly', () => {
    const r = new Rng(99);
    let calls = 0;
    const t = weightedTable(['a', 'b', 'c'], [1, 0, 3]);
    const n: Record<string, number> = { a: 0, b: 0, c: 0 };
    let [intMin, intMax, fMin, fMax, parMin, logMin] = [Infinity, -Infinity, Infinity, -Infinity, Infinity, Infinity];
    for (let i = 0; i < 20_000; i++) {
      const x = r.int(3, 7);
      intMin = Math.min(intMin, x);
      intMax = Math.max(intMax, x);
      const f = r.float(-1, 1);
      fMin = Math.min(fMin, f);
      fMax = Math.max(fMax, f);
      parMin = Math.min(parMin, r.pareto(2, 1.5));
      logMin = Math.min(logMin, r.lognormal(0, 1));
      const k = r.pickFrom(t);
      n[k] = (n[k] ?? 0) + 1;
      if (r.chance(0.25)) calls++;
    }
    expect([intMin, intMax]).toEqual([3, 7]);
    expect(fMin).toBeGreaterThanOrEqual(-1);
    expect(fMax).toBeLessThan(1);
    expect(parMin).toBeGreaterThanOrEqual(2);
    expect(logMin).toBeGreaterThan(0);
    expect(n.b).toBe(0);
    expect((n.c ?? 0) / (n.a ?? 1)).toBeGreaterThan(2.5);
    expect((n.c ?? 0) / (n.a ?? 1)).toBeLessThan(3.5);
    expect(calls / 20_000).toBeGreaterThan(0.23);
    expect(calls / 20_000).toBeLessThan(0.27);
    expect(r.weighted(['x', 'y'], [0, 1])).toBe('y');
    expect(['p', 'q']).toContain(r.pick(['p', 'q']));
  });
});

describe('generateDemoData', () => {
  const N = 4000;
  const SEED = 20260630;
  let dirA = '';
  let resA: DemoResult;
  let trades: Row[] = [];
  let margins: Row[] = [];
  let entities: Row[] = [];
  let venues: Row[] = [];
  let prices: Row[] = [];
  let fx: Row[] = [];
  const progress: [number, number][] = [];

  beforeAll(async () => {
    dirA = tmp();
    resA = await generateDemoData({ trades: N, seed: SEED, outDir: dirA, onProgress: (d, t) => progress.push([d, t]) });
    trades = readCsv(resA.files.trades).rows;
    margins = readCsv(resA.files.margins).rows;
    entities = readCsv(resA.files.entities).rows;
    venues = readCsv(resA.files.venues).rows;
    prices = readCsv(resA.files.prices).rows;
    fx = readCsv(resA.files.fx).rows;
  });

  it('is byte-identical for the same seed and options, and differs for another seed', async () => {
    const dirB = tmp();
    const resB = await generateDemoData({ trades: N, seed: SEED, outDir: dirB });
    for (const k of FILE_KEYS) {
      expect(readFileSync(resB.files[k]).equals(readFileSync(resA.files[k])), k).toBe(true);
    }
    expect(resB.counts).toEqual(resA.counts);
    expect(resB.defects).toEqual(resA.defects);

    const dirC = tmp();
    const resC = await generateDemoData({ trades: N, seed: SEED + 1, outDir: dirC });
    expect(readFileSync(resC.files.trades).equals(readFileSync(resA.files.trades))).toBe(false);
    expect(readFileSync(resC.files.entities).equals(readFileSync(resA.files.entities))).toBe(false);
  });

  it('writes the exact headers, LF line endings and the promised row counts', () => {
    const expected: Record<(typeof FILE_KEYS)[number], readonly string[]> = {
      trades: TRADES_COLUMNS,
      margins: MARGINS_COLUMNS,
      entities: ENTITIES_COLUMNS,
      venues: VENUES_COLUMNS,
      prices: PRICES_COLUMNS,
      fx: FX_COLUMNS,
    };
    for (const k of FILE_KEYS) {
      const { header, raw } = readCsv(resA.files[k]);
      expect(header, k).toEqual([...expected[k]]);
      expect(raw.includes('\r'), k).toBe(false);
      expect(raw.endsWith('\n'), k).toBe(true);
      expect(path.dirname(resA.files[k])).toBe(dirA);
    }
    expect(readCsv(resA.files.trades).raw.split('\n')[0]).toBe(
      'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,other_cpty_country,direction,upi,contract_type,asset_class,underlier_dti,underlier_symbol,perpetual,option_type,option_style,strike,strike_ccy,cleared,ccp_lei,platform_mic,venue_id,execution_ts,effective_date,expiration_date,notional,notional_ccy,quantity,price,price_ccy,valuation_amount,valuation_ccy,valuation_ts,valuation_method,delta,collateral_portfolio_code,action_type,level,reporting_ts,prior_uti',
    );
    expect(trades).toHaveLength(N);
    expect(resA.counts.tradeRows).toBe(N);
    expect(resA.counts.marginRows).toBe(margins.length);
    expect(resA.counts.entities).toBe(entities.length);
    expect(resA.counts.venues).toBe(venues.length);
    expect(resA.counts.utis).toBe(new Set(trades.map((r) => get(r, 'uti'))).size);
  });

  it('reports progress periodically, not per row, ending at the total', () => {
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.length).toBeLessThan(200);
    expect(progress.at(-1)).toEqual([N, N]);
    for (let i = 1; i < progress.length; i++)
      expect((progress[i] as [number, number])[0]).toBeGreaterThan((progress[i - 1] as [number, number])[0]);
  });

  it('makes the invalid-row count deterministic and about invalidShare × rows, with one defect each', () => {
    const n = demoInvalidRowCount(N, 0.002);
    expect(n).toBe(8);
    expect(resA.counts.invalidRows).toBe(n);
    const sum = Object.values(resA.defects).reduce((a, b) => a + b, 0);
    expect(sum).toBe(n);
    expect(Object.keys(resA.defects).sort()).toEqual([...DEMO_DEFECT_KINDS].sort());
    for (const k of DEMO_DEFECT_KINDS) expect(DEMO_DEFECT_DESCRIPTIONS[k]).toBeTruthy();
    // every defect kind that fired affects a distinct kind of check: at most ~n / kinds + 1 each
    for (const v of Object.values(resA.defects)) expect(v).toBeLessThanOrEqual(2);
  });

  it('uses valid LEIs everywhere except the deliberately invalid rows', () => {
    let badTradeRows = 0;
    for (const r of trades) {
      const leis = [get(r, 'reporting_lei')];
      if (get(r, 'other_cpty_is_lei') === 'true') leis.push(get(r, 'other_cpty_id'));
      if (get(r, 'ccp_lei')) leis.push(get(r, 'ccp_lei'));
      const bad = leis.filter((l) => !isValidLei(l)).length;
      expect(bad).toBeLessThanOrEqual(1);
      badTradeRows += bad;
    }
    expect(badTradeRows).toBe(resA.defects.BAD_LEI_CHECK_DIGITS + resA.defects.PLACEHOLDER_LEI);
    for (const m of margins) {
      expect(isValidLei(get(m, 'reporting_lei'))).toBe(true);
      const other = get(m, 'other_cpty_id');
      if (other.length === 20) expect(isValidLei(other)).toBe(true);
    }
    const leiSet = new Set(entities.map((e) => get(e, 'lei')));
    expect(leiSet.size).toBe(entities.length);
    for (const e of entities) {
      expect(isValidLei(get(e, 'lei'))).toBe(true);
      for (const k of ['parent_lei', 'ultimate_parent_lei']) {
        const v = get(e, k);
        if (v) {
          expect(isValidLei(v)).toBe(true);
          expect(leiSet.has(v)).toBe(true);
        }
      }
    }
    for (const v of venues) expect(isValidLei(get(v, 'operator_lei'))).toBe(true);
    // the real venue / CCP LEIs of handbook §2 are present
    for (const real of ['LCZ7XYGSLJUHFXXNXD88', '98450096938F91115592', '529900RLNSGA90UPEH54', 'SNZ2OJLFK8MNNCLQOF39']) {
      expect(leiSet.has(real)).toBe(true);
    }
    // LEI-identified counterparties of trades are all known entities (bar the placeholder defect)
    const unknown = trades.filter((r) => get(r, 'other_cpty_is_lei') === 'true' && !leiSet.has(get(r, 'other_cpty_id')));
    expect(unknown.length).toBe(resA.defects.PLACEHOLDER_LEI);
  });

  it('reports two-sided trades as two rows with opposite directions and opposite-sign valuations', () => {
    const byUti = new Map<string, Row[]>();
    for (const r of trades) {
      const list = byUti.get(get(r, 'uti'));
      if (list) list.push(r);
      else byUti.set(get(r, 'uti'), [r]);
    }
    let pairs = 0;
    let singles = 0;
    for (const rows of byUti.values()) {
      expect(rows.length).toBeLessThanOrEqual(2);
      if (rows.length === 1) {
        singles++;
        continue;
      }
      pairs++;
      const [a, b] = rows as [Row, Row];
      expect(new Set([get(a, 'direction'), get(b, 'direction')])).toEqual(new Set(['BYER', 'SLLR']));
      expect(get(a, 'reporting_lei')).toBe(get(b, 'other_cpty_id'));
      expect(get(b, 'reporting_lei')).toBe(get(a, 'other_cpty_id'));
      expect(Number(get(a, 'valuation_amount')) * Number(get(b, 'valuation_amount'))).toBeLessThanOrEqual(0);
      expect(get(a, 'execution_ts')).toBe(get(b, 'execution_ts'));
      expect(get(a, 'upi')).toBe(get(b, 'upi'));
    }
    expect(pairs).toBeGreaterThan(N * 0.03); // EMIR style
    expect(singles).toBeGreaterThan(N * 0.3); // CFTC style
  });

  it('has an FX rate for every currency used (USD = 1) and a price for every underlier', () => {
    const rates = new Map(fx.map((r) => [get(r, 'ccy'), Number(get(r, 'usd_per_unit'))]));
    expect(rates.get('USD')).toBe(1);
    for (const r of fx) expect(get(r, 'as_of_date')).toBe('2026-06-30');
    let missing = 0;
    for (const r of trades) {
      for (const k of ['notional_ccy', 'price_ccy', 'strike_ccy', 'valuation_ccy']) {
        const c = get(r, k);
        if (c && !rates.has(c)) missing++;
      }
    }
    expect(missing).toBe(resA.defects.CRYPTO_CURRENCY_CODE);
    for (const m of margins) {
      for (const k of MARGINS_COLUMNS.filter((c) => c.endsWith('_ccy'))) {
        const c = get(m, k);
        if (c) expect(rates.has(c)).toBe(true);
      }
    }
    const priced = new Set(prices.map((p) => get(p, 'underlier_dti')));
    let unpriced = 0;
    for (const r of trades) if (!priced.has(get(r, 'underlier_dti'))) unpriced++;
    expect(unpriced).toBe(resA.defects.MALFORMED_DTI);
    expect(priced).toEqual(new Set(['4H95J0R2X', 'X9J9K872S', '20J63Z4N3', '85MP572L7', 'J9K583ZGG', 'JW7SD9THP']));
  });

  it('writes margins with exactly one of portfolio code and UTI, joinable to trades', () => {
    const keys = new Set<string>();
    const utis = new Set<string>();
    let negative = 0;
    const badAmounts: string[] = [];
    const categories = new Set<string>();
    for (const m of margins) {
      const code = get(m, 'collateral_portfolio_code');
      const uti = get(m, 'uti');
      if (!(code === '' ? uti !== '' : uti === '')) badAmounts.push(`code/uti: ${code}/${uti}`);
      if (code) keys.add(`${get(m, 'reporting_lei')}|${get(m, 'other_cpty_id')}|${code}`);
      else utis.add(uti);
      for (const k of ['im_posted', 'vm_posted', 'excess_posted', 'im_collected', 'vm_collected', 'excess_collected']) {
        const v = get(m, k);
        if (v.startsWith('-')) negative++;
        const ok = v ? DEC_RE.test(v) && /^[A-Z]{3}$/.test(get(m, `${k}_ccy`)) : get(m, `${k}_ccy`) === '';
        if (!ok) badAmounts.push(`${k}=${v} ${get(m, `${k}_ccy`)}`);
      }
      if (!TS_RE.test(get(m, 'collateral_ts'))) badAmounts.push(`collateral_ts=${get(m, 'collateral_ts')}`);
      categories.add(get(m, 'collateralisation_category'));
    }
    expect(badAmounts).toEqual([]);
    expect(negative).toBe(resA.defects.NEGATIVE_MARGIN);
    for (const c of categories) expect(['UNCL', 'PRC1', 'PRC2', 'PRCL', 'OWP1', 'OWP2', 'OWC1', 'OWC2', 'OWCL', 'FLCL']).toContain(c);
    let unjoined = 0;
    for (const r of trades) {
      const code = get(r, 'collateral_portfolio_code');
      const ok = code ? keys.has(`${get(r, 'reporting_lei')}|${get(r, 'other_cpty_id')}|${code}`) : utis.has(get(r, 'uti'));
      if (!ok) unjoined++;
    }
    // only rows whose key fields were deliberately broken fail to join
    expect(unjoined).toBeLessThanOrEqual(resA.defects.BAD_LEI_CHECK_DIGITS + resA.defects.PLACEHOLDER_LEI + resA.defects.MALFORMED_UTI);
    const cats = new Set(margins.map((m) => get(m, 'collateralisation_category')));
    for (const c of ['FLCL', 'OWC1', 'UNCL']) expect(cats.has(c)).toBe(true);
  });

  it('models the market mix, network and entities of handbook §5', () => {
    const venueById = new Map(venues.map((v) => [get(v, 'venue_id'), v]));
    for (const id of ['DERIBIT', 'BINANCE', 'OKX', 'BYBIT']) expect(get(venueById.get(id) ?? {}, 'mic')).toBe('');
    for (const id of ['XCME', 'FREX', 'XCBF']) expect(get(venueById.get(id) ?? {}, 'mic')).toBe(id);

    const listed = trades.filter((r) => ['XCME', 'FREX', 'XCBF'].includes(get(r, 'venue_id')));
    expect(listed.length).toBeGreaterThan(0);
    for (const r of listed) {
      expect(get(r, 'contract_type')).toBe('FUTR');
      expect(get(r, 'cleared')).toBe('Y');
    }
    const cme = listed.filter((r) => get(r, 'venue_id') === 'XCME' && get(r, 'ccp_lei') !== '');
    expect(new Set(cme.map((r) => get(r, 'ccp_lei')))).toEqual(new Set(['SNZ2OJLFK8MNNCLQOF39']));
    // CME contract sizes: quantities are multiples of 0.1 (BTC 5 / 0.1, ETH 50 / 0.1)
    for (const r of cme) expect(Math.abs(Number(get(r, 'quantity')) * 10 - Math.round(Number(get(r, 'quantity')) * 10))).toBeLessThan(1e-6);

    const offshore = trades.filter((r) => ['DERIBIT', 'BINANCE', 'OKX', 'BYBIT'].includes(get(r, 'venue_id')));
    expect(offshore.length).toBeGreaterThan(0);
    for (const r of offshore) {
      expect(get(r, 'cleared')).toBe('N');
      expect(['XOFF', 'XXXX', 'BILT']).toContain(get(r, 'platform_mic'));
      expect(get(r, 'collateral_portfolio_code')).toBe('');
    }
    expect(offshore.some((r) => get(r, 'perpetual') === 'true')).toBe(true);

    const np = trades.filter((r) => get(r, 'other_cpty_is_lei') === 'false');
    expect(np.length).toBeGreaterThan(0);
    for (const r of np) {
      expect(get(r, 'other_cpty_id').length).toBeLessThanOrEqual(72);
      expect(isValidLei(get(r, 'other_cpty_id'))).toBe(false);
      expect(get(r, 'other_cpty_country')).toMatch(/^[A-Z]{2}$/);
    }
    const contractTypes = new Set(trades.map((r) => get(r, 'contract_type')));
    for (const ct of ['FUTR', 'OPTN', 'SWAP', 'CFDS', 'FORW']) expect(contractTypes.has(ct)).toBe(true);
    const options = trades.filter((r) => get(r, 'contract_type') === 'OPTN');
    expect(options.some((r) => get(r, 'delta') === '')).toBe(true);
    expect(options.filter((r) => get(r, 'delta') !== '').length).toBeGreaterThan(options.length * 0.8);
    const actions = new Set(trades.map((r) => get(r, 'action_type')));
    for (const a of ['NEWT', 'MODI', 'CORR', 'VALU', 'TERM', 'POSC']) expect(actions.has(a)).toBe(true);
    const ccys = new Set(trades.map((r) => get(r, 'notional_ccy')));
    for (const c of ['USD', 'EUR']) expect(ccys.has(c)).toBe(true);
    const stale = trades.filter((r) => get(r, 'valuation_ts') < '2026-06-16');
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.length).toBeLessThan(N * 0.05);

    // core–periphery: a few counterparties face many
    const byCp = new Map<string, number>();
    for (const r of trades) byCp.set(get(r, 'other_cpty_id'), (byCp.get(get(r, 'other_cpty_id')) ?? 0) + 1);
    const top = [...byCp.values()].sort((a, b) => b - a);
    expect(top.slice(0, 10).reduce((a, b) => a + b, 0) / N).toBeGreaterThan(0.25);
    expect(byCp.size).toBeGreaterThan(100);

    // heavy-tailed notionals
    const usd = trades
      .filter((r) => get(r, 'notional_ccy') === 'USD')
      .map((r) => Number(get(r, 'notional')))
      .sort((a, b) => a - b);
    const q = (p: number) => usd[Math.floor(p * (usd.length - 1))] as number;
    expect(q(0.99) / q(0.5)).toBeGreaterThan(20);

    // entities across many countries, with branches and funds managed from abroad
    const countries = new Set(entities.map((e) => get(e, 'legal_country')));
    expect(countries.size).toBeGreaterThanOrEqual(15);
    for (const c of ['US', 'GB', 'KY', 'SG', 'HK', 'CH', 'DE', 'IE', 'LU']) expect(countries.has(c)).toBe(true);
    const byLei = new Map(entities.map((e) => [get(e, 'lei'), e]));
    const abroad = (cat: string) =>
      entities.filter(
        (e) =>
          get(e, 'entity_category') === cat &&
          get(byLei.get(get(e, 'parent_lei')) ?? {}, 'legal_country') !== '' &&
          get(byLei.get(get(e, 'parent_lei')) ?? {}, 'legal_country') !== get(e, 'legal_country'),
      );
    expect(abroad('BRANCH').length).toBeGreaterThan(0);
    expect(abroad('FUND').length).toBeGreaterThan(0);
    expect(entities.some((e) => get(e, 'ultimate_parent_lei') !== '' && get(e, 'ultimate_parent_lei') !== get(e, 'parent_lei'))).toBe(true);
    for (const e of entities) {
      expect(isIsoCountry(get(e, 'legal_country'))).toBe(true);
      expect(['GENERAL', 'BRANCH', 'FUND', 'SOLE_PROPRIETOR']).toContain(get(e, 'entity_category'));
      expect(['F', 'N', 'C', 'O']).toContain(get(e, 'nature'));
    }
    // RFC 4180: names with commas are quoted and parse back
    expect(entities.some((e) => get(e, 'legal_name').includes(','))).toBe(true);
  });

  it('emits only well-formed values when invalidShare is 0', async () => {
    const dir = tmp();
    const res = await generateDemoData({ trades: 3000, seed: 5, outDir: dir, invalidShare: 0, asOfDate: '2025-12-31' });
    expect(res.counts.invalidRows).toBe(0);
    const rows = readCsv(res.files.trades).rows;
    const asOfEnd = '2025-12-31T23:59:59Z';
    // Collect violations and assert once: thousands of expect() calls would make the test slow.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, r: Row) => {
      if (!ok && problems.length < 20) problems.push(`${what}: ${get(r, 'uti')}`);
    };
    const oneOf = (v: string, allowed: readonly string[]) => allowed.includes(v);
    for (const r of rows) {
      const at = (k: string) => get(r, k);
      check(isValidLei(at('reporting_lei')), 'reporting_lei', r);
      check(
        utiIssues(at('uti'), { actionType: at('action_type') }).every((i) => i.level !== 'ERROR'),
        'uti',
        r,
      );
      check(upiIssues(at('upi')).length === 0, 'upi', r);
      check(dtiIssues(at('underlier_dti')).length === 0, 'dti', r);
      check(oneOf(at('direction'), ['BYER', 'SLLR']), 'direction', r);
      check(oneOf(at('contract_type'), ['FUTR', 'OPTN', 'SWAP', 'CFDS', 'FORW', 'OTHR']), 'contract_type', r);
      check(at('asset_class') === 'OTHR', 'asset_class', r);
      check(oneOf(at('other_cpty_is_lei'), ['true', 'false']), 'other_cpty_is_lei', r);
      check(oneOf(at('perpetual'), ['true', 'false']), 'perpetual', r);
      check(oneOf(at('cleared'), ['Y', 'N', 'I']), 'cleared', r);
      check(oneOf(at('level'), ['TCTN', 'PSTN']), 'level', r);
      check(oneOf(at('action_type'), ['NEWT', 'MODI', 'CORR', 'VALU', 'POSC', 'TERM']), 'action_type', r);
      // EMIR Refit: POSC is a trade (level TCTN) included in a separately reported position.
      check(at('action_type') !== 'POSC' || at('level') === 'TCTN', 'POSC needs TCTN', r);
      check(oneOf(at('valuation_method'), ['MTMA', 'MTMO', 'CCPV']), 'valuation_method', r);
      if (at('other_cpty_is_lei') === 'true') {
        check(isValidLei(at('other_cpty_id')), 'other_cpty_id', r);
        check(at('other_cpty_country') === '', 'country for LEI cpty', r);
      } else {
        check(
          countryIssues(at('other_cpty_country')).every((i) => i.level !== 'ERROR'),
          'np country',
          r,
        );
      }
      if (at('cleared') === 'Y') {
        check(isValidLei(at('ccp_lei')), 'ccp_lei', r);
        check(at('valuation_method') === 'CCPV', 'CCPV', r);
      } else {
        check(at('ccp_lei') === '', 'ccp_lei when not cleared', r);
        check(at('valuation_method') !== 'CCPV', 'CCPV when not cleared', r);
      }
      if (at('contract_type') === 'OPTN') {
        check(oneOf(at('option_type'), ['CALL', 'PUTO']), 'option_type', r);
        check(oneOf(at('option_style'), ['AMER', 'EURO']), 'option_style', r);
        check(DEC_RE.test(at('strike')) && at('strike_ccy') !== '', 'strike', r);
        check(at('delta') === '' || Math.abs(Number(at('delta'))) <= 1, 'delta', r);
      } else {
        check(at('option_type') + at('option_style') + at('strike') + at('delta') === '', 'option fields on non-option', r);
      }
      if (at('contract_type') === 'FUTR' || at('contract_type') === 'CFDS') check(at('price') !== '', 'price', r);
      if (at('contract_type') !== 'CFDS') check(DATE_RE.test(at('expiration_date')), 'expiration_date', r);
      if (at('expiration_date')) check(at('expiration_date') >= at('effective_date'), 'expiration >= effective', r);
      check(oneOf(at('platform_mic'), ['XCME', 'FREX', 'XCBF', 'CRYP', 'XOFF', 'XXXX']), 'platform_mic', r);
      for (const k of ['execution_ts', 'valuation_ts', 'reporting_ts']) {
        check(TS_RE.test(at(k)) && at(k) <= asOfEnd, k, r);
      }
      check(at('effective_date') === at('execution_ts').slice(0, 10), 'effective_date', r);
      check(at('reporting_ts') >= at('execution_ts'), 'reporting after execution', r);
      for (const k of ['notional', 'quantity', 'valuation_amount', 'price', 'strike', 'delta']) {
        if (at(k)) check(DEC_RE.test(at(k)), k, r);
      }
      check(Number(at('notional')) >= 0, 'notional >= 0', r);
      for (const k of ['notional_ccy', 'valuation_ccy', 'price_ccy', 'strike_ccy']) {
        if (at(k)) check(isIsoCurrency(at(k)), k, r);
      }
    }
    expect(problems).toEqual([]);
    const m = readCsv(res.files.margins).rows;
    for (const row of m)
      for (const k of ['im_posted', 'vm_posted', 'im_collected', 'vm_collected']) expect(get(row, k).startsWith('-')).toBe(false);
  });

  it('handles edge sizes: 0 rows (headers only) and 1 row', async () => {
    const d0 = tmp();
    const r0 = await generateDemoData({ trades: 0, seed: 1, outDir: d0 });
    expect(readFileSync(r0.files.trades, 'utf8')).toBe(`${TRADES_COLUMNS.join(',')}\n`);
    expect(r0.counts.tradeRows).toBe(0);
    const d1 = tmp();
    const r1 = await generateDemoData({ trades: 1, seed: 1, outDir: d1, invalidShare: 1 });
    expect(readCsv(r1.files.trades).rows).toHaveLength(1);
    expect(r1.counts.invalidRows).toBe(1);
  });

  it('rejects bad options', async () => {
    const d = tmp();
    await expect(generateDemoData({ trades: -1, seed: 1, outDir: d })).rejects.toThrow(RangeError);
    await expect(generateDemoData({ trades: 10, seed: 1, outDir: d, asOfDate: '2026-02-30' })).rejects.toThrow(RangeError);
    await expect(generateDemoData({ trades: 10, seed: 1, outDir: d, invalidShare: 2 })).rejects.toThrow(RangeError);
  });

  it('honours an AbortSignal: rejects with AbortError and removes partial files', async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(generateDemoData({ trades: 10, seed: 1, outDir: tmp(), signal: pre.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });

    const dir = tmp();
    const ac = new AbortController();
    let calls = 0;
    const p = generateDemoData({
      trades: 60_000,
      seed: 3,
      outDir: dir,
      signal: ac.signal,
      onProgress: () => {
        calls++;
        if (calls === 2) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBeLessThan(10);
    for (const f of ['trades.csv', 'margins.csv', 'entities.csv', 'venues.csv', 'prices.csv', 'fx.csv']) {
      expect(existsSync(path.join(dir, f))).toBe(false);
    }
  });
});
