import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import { protocolFindings } from '../../../../electron/backend/protocols/protocolAlerts';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { Alert } from '../../../../shared/contract/alerts';
import type { StressRunResult } from '../../../../shared/contract/stress';
import type { MarginResult } from '../../../../shared/contract/margin';
import type { ProtocolInput, ProtocolRiskResult, ProtocolVersion } from '../../../../shared/contract/protocols';
import { fileTempDir } from '../../../helpers/tempDir';
import { openTestBackend } from '../supervision/handSnapshot';

/**
 * A three-trade snapshot worked by hand, all reported by A (no prices file: every underlier's price index is 1, so a
 * position's units are its delta-adjusted USD notional and a −30 % shock moves it by 30 % of that):
 *   T1  A buys  BTC 1,000,000 from B on PERPX     T2  A sells BTC 400,000 to B off venue
 *   T3  A buys  ETH   200,000 from C on PERPX     A posts IM 50,000 to B and 20,000 to C: C_A = 70,000
 * Positions by holder (each side for its holder): A +1,000,000 BTC @PERPX, −400,000 BTC off, +200,000 ETH @PERPX;
 * B −1,000,000 BTC @PERPX, +400,000 BTC off; C −200,000 ETH @PERPX. B and C post nothing.
 * Protocol "perp-x" links PERPX, insurance fund 100,000.
 *   gross on PERPX: A 1,200,000 of 1,600,000 (share 0.75); B 1,000,000 of 1,400,000; C 200,000 of 200,000 → 2,400,000
 *   attributed collateral: A 70,000 × 0.75 = 52,500; B, C 0
 *   OI = Σ max(0, net per holder and underlier) = A BTC 1,000,000 + A ETH 200,000 = 1,200,000
 *   buffer ratio = (100,000 + 52,500) / 1,200,000 = 0.127083…
 * BTC −30 %: L_A = 300,000 (L_B = −300,000: a gain, counts 0) → uncovered = 300,000 − 52,500 = 247,500;
 *   fund left = 100,000 − 247,500 = −147,500 (insolvent); collateral left 0; OI after = 700,000 + 200,000 = 900,000;
 *   ratio after = (0 + 0) / 900,000 = 0.
 */
const A = '5493001USDEALERA0095';
const B = '2138003GBFUNDBBB0049';
const C = '5493004KYFUNDCCC0020';
const EVM_1 = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const EVM_2 = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';

function files(): string[] {
  const dir = fileTempDir();
  const write = (name: string, rows: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, rows.join('\n') + '\n');
    return file;
  };
  const head =
    'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,direction,contract_type,underlier_symbol,cleared,notional,notional_ccy,price,price_ccy,effective_date,expiration_date,execution_ts,reporting_ts,action_type,level,venue_id';
  const trade = (n: number, dir: string, und: string, notional: number, cpty: string, venue: string) =>
    `${A}P000${n},${A},${cpty},true,${dir},FUTR,${und},N,${notional},USD,100000,USD,2026-06-01,2026-12-31,2026-06-01T10:00:00Z,2026-06-30T18:00:00Z,NEWT,TCTN,${venue}`;
  return [
    write('trades.csv', [
      head,
      trade(1, 'BYER', 'BTC', 1_000_000, B, 'PERPX'),
      trade(2, 'SLLR', 'BTC', 400_000, B, ''),
      trade(3, 'BYER', 'ETH', 200_000, C, 'PERPX'),
    ]),
    write('margins.csv', [
      'reporting_lei,other_cpty_id,collateral_portfolio_code,uti,collateralisation_category,im_posted,im_posted_ccy,collateral_ts',
      `${A},${B},,${A}P0001,FLCL,50000,USD,2026-06-29T17:00:00Z`,
      `${A},${C},,${A}P0003,FLCL,20000,USD,2026-06-29T17:00:00Z`,
    ]),
    write('entities.csv', [
      'lei,legal_name,legal_country,legal_jurisdiction,entity_category,nature,parent_lei,ultimate_parent_lei,registration_status',
      `${A},Alpha Dealer Inc.,US,US-DE,GENERAL,F,,,ISSUED`,
      `${B},Bravo Fund Ltd,GB,GB,FUND,F,,,ISSUED`,
      `${C},Charlie Fund SPC,KY,KY,FUND,F,,,ISSUED`,
    ]),
  ];
}

const perpX = (over: Partial<ProtocolInput> = {}): ProtocolInput => ({
  id: 'perp-x',
  name: 'Perp X',
  chains: ['ethereum', 'arbitrum'],
  contracts: [
    { chain: 'ethereum', address: EVM_1.toLowerCase(), role: 'engine' },
    { chain: 'arbitrum', address: EVM_2, role: 'insurance vault' },
  ],
  venues: ['PERPX'],
  audits: [],
  upgradeability: { kind: 'proxy', admin: '3-of-5 multisig' },
  insuranceFundUsd: 100_000,
  ...over,
});

let backend: Backend;
let snapshotId: number;
beforeAll(async () => {
  backend = await openTestBackend();
  ({ snapshotId } = await importSnapshot(backend.db, { files: files(), sourceName: 'Hand TR', regime: 'EMIR', asOfDate: '2026-06-30' }));
  expect(backend.db.prepare(`SELECT file, line, message FROM validation_issue WHERE severity = 'ERROR'`).all()).toEqual([]);
});
afterAll(() => backend.close());

const save = (protocol: unknown) => backend.call('protocols.save', { protocol }) as Promise<ProtocolVersion>;
const findings = (rule: string, parameters: Record<string, number> = {}) =>
  protocolFindings(backend.db, snapshotId, rule, { minExposureUsd: 0, maxAgeMonths: 12, openAbove: 0, ...parameters });

describe('protocol register', () => {
  it('stores a protocol with its addresses in EIP-55 form, versions each change and keeps the history', async () => {
    const first = await save(perpX());
    expect(first.version).toBe(1);
    expect(first.contracts[0]!.address).toBe(EVM_1);
    expect((await save(perpX())).version).toBe(1);
    const second = await save(perpX({ insuranceFundUsd: 100_000, backstop: 'treasury' }));
    expect(second.version).toBe(2);
    const shown = (await backend.call('protocols.get', { id: 'perp-x' })) as ProtocolVersion & { history: unknown[] };
    expect(shown.backstop).toBe('treasury');
    expect(shown.history).toHaveLength(2);
    await save(perpX());
  });

  it('refuses a bad address, a contract on a chain not listed, or an unknown chain, naming where', async () => {
    const badChecksum = EVM_1.slice(0, -1) + 'D';
    await expect(save(perpX({ contracts: [{ chain: 'ethereum', address: badChecksum }] }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/at contract 1 › address: .*checksum/i),
    });
    await expect(save(perpX({ contracts: [{ chain: 'polygon', address: EVM_1 }] }))).rejects.toMatchObject({
      message: expect.stringContaining('at contract 1 › chain: a chain the protocol lists (ethereum, arbitrum)'),
    });
    await expect(save(perpX({ chains: ['solana'] }))).rejects.toMatchObject({
      message: expect.stringContaining('at chain 1: a chain: bitcoin, ethereum'),
    });
    await expect(save({ ...perpX(), id: 'Perp X' })).rejects.toMatchObject({ message: expect.stringContaining('at id') });
    expect(((await backend.call('protocols.get', { id: 'perp-x' })) as ProtocolVersion).contracts).toHaveLength(2);
  });

  it('imports a register all or nothing', async () => {
    const good = { ...perpX(), id: 'other-dex', name: 'Other DEX', venues: [] };
    await expect(
      backend.call('protocols.import', {
        register: { v: 1, protocols: [good, { ...good, id: 'third', contracts: [{ chain: 'ethereum', address: '0x12' }] }] },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('at protocol 2 › contract 1 › address') });
    expect(((await backend.call('protocols.list', {})) as ProtocolVersion[]).map((p) => p.id)).toEqual(['perp-x']);
    await expect(backend.call('protocols.import', { register: { v: 1, protocols: [good, perpX()] } })).resolves.toEqual({
      added: 1,
      updated: 0,
      unchanged: 1,
    });
  });

  it('computes the insolvency buffer before and after a shock as worked by hand', async () => {
    const risk = (await backend.call('protocols.risk', { snapshotId, shocks: { BTC: -0.3 } })) as ProtocolRiskResult;
    const p = risk.protocols.find((x) => x.protocolId === 'perp-x')!;
    expect(p.holders).toBe(3);
    expect(p.grossNotionalUsd).toBeCloseTo(2_400_000, 6);
    expect(p.collateralUsd).toBeCloseTo(52_500, 6);
    expect(p.openInterestUsd).toBeCloseTo(1_200_000, 6);
    expect(p.bufferRatio).toBeCloseTo(152_500 / 1_200_000, 12);
    expect(p.stressed).toMatchObject({ insolvent: true });
    expect(p.stressed!.uncoveredUsd).toBeCloseTo(247_500, 6);
    expect(p.stressed!.insuranceFundLeftUsd).toBeCloseTo(-147_500, 6);
    expect(p.stressed!.bufferRatio).toBe(0);
    // Other DEX links no venue: no exposure, no ratio.
    expect(risk.protocols.find((x) => x.protocolId === 'other-dex')).toMatchObject({ openInterestUsd: 0, bufferRatio: null });
    const calm = (await backend.call('protocols.risk', { snapshotId })) as ProtocolRiskResult;
    expect(calm.protocols[0]!.stressed).toBeNull();
  });
});

describe('protocol alerts', () => {
  it('raise "no audit" for a protocol with exposure, with the exposure as value, and nothing for one without', async () => {
    expect(findings('PROTOCOL_UNAUDITED')).toEqual([
      {
        subject: 'Perp X',
        value: 2_400_000,
        threshold: 0,
        rank: 2_400_000,
        drill: { path: ['venue', 'counterparty', 'underlier'], at: ['PERPX'] },
      },
    ]);
    expect(findings('PROTOCOL_UNAUDITED', { minExposureUsd: 2_400_000 })).toEqual([]);
    expect(findings('PROTOCOL_AUDIT_STALE')).toEqual([]);
    expect(findings('PROTOCOL_OPEN_FINDINGS')).toEqual([]);
  });

  it('raise a stale audit (date + 12 months before the as-of date), open critical/high findings, contracts out of scope', async () => {
    // Audited 2025-05-01: + 12 months = 2026-05-01 < 2026-06-30 → stale; age 425 days = 425 / 30.4375 = 13.963 months.
    // Findings: C-01 critical open, H-01 high resolved, H-02 high open → 2 open; scope names EVM_1 only → 1 uncovered.
    await save(
      perpX({
        audits: [
          {
            auditor: 'Example Audits LLP',
            date: '2025-05-01',
            scope: { contracts: [EVM_1.toLowerCase()], codeRef: 'a1b2c3d' },
            findings: [
              { ref: 'C-01', title: 'Oracle can be manipulated', severity: 'critical', status: 'open' },
              { ref: 'H-01', title: 'Reentrancy in withdraw', severity: 'high', status: 'resolved' },
              { ref: 'H-02', title: 'Liquidation rounding', severity: 'high', status: 'open' },
              { ref: 'M-01', title: 'Event missing', severity: 'medium', status: 'open' },
            ],
          },
        ],
      }),
    );
    expect(findings('PROTOCOL_UNAUDITED')).toEqual([]);
    const stale = findings('PROTOCOL_AUDIT_STALE', { maxAgeMonths: 12 });
    expect(stale).toHaveLength(1);
    expect(stale[0]!.value).toBeCloseTo(425 / (365.25 / 12), 9);
    expect(stale[0]!.threshold).toBe(12);
    expect(findings('PROTOCOL_OPEN_FINDINGS', { openAbove: 0 }).map((f) => f.value)).toEqual([2]);
    expect(findings('PROTOCOL_OPEN_FINDINGS', { openAbove: 2 })).toEqual([]);
    expect(findings('PROTOCOL_UNCOVERED_CONTRACT').map((f) => f.value)).toEqual([1]);
  });

  it('does not call an audit exactly 12 months old stale, and a later audit covering every contract clears the scope alert', async () => {
    await save(
      perpX({
        audits: [
          {
            auditor: 'Old',
            date: '2024-01-10',
            scope: { contracts: [] },
            findings: [{ ref: 'H-9', title: 'x', severity: 'high', status: 'open' }],
          },
          { auditor: 'New', date: '2025-06-30', scope: { contracts: [EVM_1, EVM_2] }, findings: [] },
        ],
      }),
    );
    expect(findings('PROTOCOL_AUDIT_STALE', { maxAgeMonths: 12 })).toEqual([]);
    expect(findings('PROTOCOL_UNCOVERED_CONTRACT')).toEqual([]);
    // Fail closed: the older audit's high finding was never marked resolved, so it still counts.
    expect(findings('PROTOCOL_OPEN_FINDINGS').map((f) => f.value)).toEqual([1]);
  });

  it('run as built-in alert rules with the parameters of alert-rules.json', async () => {
    await backend.call('alerts.run', { snapshotId });
    const alerts = (await backend.call('alerts.list', { snapshotId })) as Alert[];
    const mine = alerts.filter((a) => a.ruleId.startsWith('PROTOCOL_')).map((a) => [a.ruleId, a.severity, a.unit, a.subject, a.value]);
    // The last save above: audited 2025-06-30 (not stale), both contracts in scope, H-9 still open.
    expect(mine).toEqual([['PROTOCOL_OPEN_FINDINGS', 'critical', 'count', 'Perp X', 1]]);
  });
});

describe('stress totals by group, venue and CCP (the same three-trade snapshot)', () => {
  it('puts a default in its group whole and splits its uncovered loss over venues by gross notional', async () => {
    // BTC −30 %: L_A = 1,000,000 × 0.3 − 400,000 × 0.3 = 180,000 ≥ C_A = 70,000 → A defaults, U = 110,000. B gains
    // on both BTC trades; C holds only ETH. A's gross: PERPX 1,200,000, OFF-VENUE 400,000 → 82,500 and 27,500.
    const result = (await backend.call('stress.run', { snapshotId, shocks: { BTC: -0.3 } })) as StressRunResult;
    expect(result.rounds.flatMap((r) => r.defaults.map((d) => d.holder))).toEqual([A]);
    const { group, venue, ccp } = result.totals;
    expect(group).toEqual([{ key: A, defaults: 1, uncoveredUsd: expect.closeTo(110_000, 6) }]);
    expect(venue).toEqual([
      { key: 'PERPX', defaults: 1, uncoveredUsd: expect.closeTo(82_500, 6) },
      { key: 'OFF-VENUE', defaults: 1, uncoveredUsd: expect.closeTo(27_500, 6) },
    ]);
    expect(ccp).toEqual([{ key: 'uncleared', defaults: 1, uncoveredUsd: expect.closeTo(110_000, 6) }]);
  });
});

describe('margin rolled up by venue (the same three-trade snapshot, shipped schedule: BTC 40 %, ETH 45 %)', () => {
  it('splits each netting set over its venues by gross |delta| per underlier, posted and shortfall by share of R', async () => {
    // A↔B: BTC +1,000,000 @PERPX, −400,000 off → R = 0.4 × 600,000 = 240,000, posted 50,000 (A's report on T1),
    //   shortfall 190,000; PERPX gets 1/1.4 of each, OFF-VENUE 0.4/1.4. A↔C: ETH 200,000 @PERPX → R 90,000, posted
    //   20,000. B↔A: R 240,000 split as A↔B, nothing posted; C↔A: R 90,000 @PERPX, nothing posted.
    //   PERPX: R = 171,428.571 + 90,000 + 171,428.571 + 90,000 = 522,857.143; posted 35,714.286 + 20,000;
    //     shortfall 135,714.286 + 70,000 + 171,428.571 + 90,000 = 467,142.857; 4 sets (2 unreported), 4 positions.
    //   OFF-VENUE: R = 2 × 68,571.429; posted 14,285.714; shortfall 54,285.714 + 68,571.429; 2 sets, 1 unreported.
    const result = (await backend.call('margin.compute', { snapshotId, by: ['venue'] })) as MarginResult;
    const row = (venue: string) => result.rows.find((r) => r.key[0] === venue)!;
    expect(row('PERPX')).toMatchObject({ nettingSets: 4, unreported: 2, positions: 4 });
    expect(row('PERPX').requiredUsd).toBeCloseTo(180_000 + (240_000 / 1.4) * 2, 6);
    expect(row('PERPX').postedUsd).toBeCloseTo(50_000 / 1.4 + 20_000, 6);
    expect(row('PERPX').shortfallUsd).toBeCloseTo(190_000 / 1.4 + 70_000 + 240_000 / 1.4 + 90_000, 6);
    expect(row('OFF-VENUE')).toMatchObject({ nettingSets: 2, unreported: 1, positions: 2 });
    expect(row('OFF-VENUE').requiredUsd).toBeCloseTo(((240_000 * 0.4) / 1.4) * 2, 6);
    expect(row('OFF-VENUE').postedUsd).toBeCloseTo((50_000 * 0.4) / 1.4, 6);
    // The total is the sets' own, not the parts': 4 sets, R 660,000, posted 70,000.
    expect(result.total).toMatchObject({ nettingSets: 4, requiredUsd: 660_000, postedUsd: 70_000, shortfallUsd: 590_000 });
  });
});
