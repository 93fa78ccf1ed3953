import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { Alert } from '../../../../shared/contract/alerts';
import type { MarginResult } from '../../../../shared/contract/margin';
import { fileTempDir } from '../../../helpers/tempDir';
import { A, B, openTestBackend } from './handSnapshot';

/**
 * Both counterparties report each trade (EMIR two-sided reporting), each naming its own collateral portfolio: the
 * position of the side whose report is not the canonical one (B's LEI sorts first, so B's reports are canonical and
 * A holds side 2) must take its netting set and its valuation date from A's own report, not from B's. As of Tue
 * 2026-06-30, schedule BTC 10 %, ETH 20 %:
 *
 *   T1 BTC future 1,000,000: A buys in portfolio PF-AB (no valuation), B sells in PF-BA (valued Mon 06-29).
 *   T2 ETH forward  200,000: A buys, B sells, neither names a portfolio (B values it 06-29; A does not).
 *   Margin in effect: A on PF-AB 30,000; B on PF-BA 40,000; B on T2 alone 5,000.
 *
 *   A ↔ B · PF-AB  +1,000,000 BTC → R 100,000, posted 30,000     B ↔ A · PF-BA  −1,000,000 BTC → R 100,000, posted 40,000
 *   A ↔ B          +200,000 ETH   → R  40,000, nothing reported  B ↔ A          −200,000 ETH   → R  40,000, posted 5,000
 *
 * STALE_VALUATION (> 2 working days): A's two positions date from A's execution on Mon 06-01 (A reported no
 * valuation): stale; B's date from B's valuations of 06-29: fresh.
 */

let backend: Backend;
let snapshotId: number;

function writeCsv(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  backend = await openTestBackend();
  const dir = fileTempDir();
  const head =
    'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,direction,contract_type,underlier_symbol,cleared,notional,notional_ccy,price,price_ccy,effective_date,expiration_date,execution_ts,reporting_ts,action_type,level,collateral_portfolio_code,valuation_amount,valuation_ccy,valuation_ts,valuation_method';
  const report = (n: number, reporter: string, other: string, dir: string, kind: string, und: string, notional: number, code: string) =>
    `${A}T000${n},${reporter},${other},true,${dir},${kind},${und},N,${notional},USD,100000,USD,2026-06-01,2026-12-31,2026-06-01T10:00:00Z,2026-06-30T18:00:00Z,NEWT,TCTN,${code},` +
    (reporter === B ? '1000,USD,2026-06-29T18:00:00Z,MTMA' : ',,,');
  const files = [
    writeCsv(dir, 'trades.csv', [
      head,
      report(1, A, B, 'BYER', 'FUTR', 'BTC', 1_000_000, 'PF-AB'),
      report(1, B, A, 'SLLR', 'FUTR', 'BTC', 1_000_000, 'PF-BA'),
      report(2, A, B, 'BYER', 'FORW', 'ETH', 200_000, ''),
      report(2, B, A, 'SLLR', 'FORW', 'ETH', 200_000, ''),
    ]),
    writeCsv(dir, 'margins.csv', [
      'reporting_lei,other_cpty_id,collateral_portfolio_code,uti,collateralisation_category,im_posted,im_posted_ccy,collateral_ts',
      `${A},${B},PF-AB,,FLCL,30000,USD,2026-06-29T17:00:00Z`,
      `${B},${A},PF-BA,,FLCL,40000,USD,2026-06-29T17:00:00Z`,
      `${B},${A},,${A}T0002,FLCL,5000,USD,2026-06-29T17:00:00Z`,
    ]),
    writeCsv(dir, 'entities.csv', [
      'lei,legal_name,legal_country,legal_jurisdiction,entity_category,nature,parent_lei,ultimate_parent_lei,registration_status',
      `${A},Alpha Dealer Inc.,US,US-DE,GENERAL,F,,,ISSUED`,
      `${B},Bravo Fund Ltd,GB,GB,FUND,F,,,ISSUED`,
    ]),
  ];
  ({ snapshotId } = await importSnapshot(backend.db, { files, sourceName: 'Two-sided TR', regime: 'EMIR', asOfDate: '2026-06-30' }));
  expect(backend.db.prepare(`SELECT file, line, message FROM validation_issue WHERE severity = 'ERROR'`).all()).toEqual([]);
  // B's reports are the canonical ones: A holds side 2 of both trades (else this would not test the other side).
  expect(backend.db.prepare(`SELECT DISTINCT side FROM exposure_position WHERE holder = ?`).pluck().all(A)).toEqual([2]);
  await backend.call('margin.importSchedule', {
    schedule: {
      v: 1,
      name: 'BTC 10 %, ETH 20 %',
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
afterAll(() => backend.close());

describe('two-sided reports: each side nets and dates from its own report', () => {
  it('puts each side in the netting set its own report names, with its own margin', async () => {
    const { rows } = (await backend.call('margin.compute', { snapshotId, by: ['nettingSet'] })) as MarginResult;
    const sets = Object.fromEntries(rows.map((r) => [r.key[0], [Math.round(r.requiredUsd), Math.round(r.postedUsd ?? 0), r.unreported]]));
    expect(sets).toEqual({
      [`${A} ↔ ${B} · PF-AB`]: [100_000, 30_000, 0],
      [`${B} ↔ ${A} · PF-BA`]: [100_000, 40_000, 0],
      [`${A} ↔ ${B}`]: [40_000, 0, 1],
      [`${B} ↔ ${A}`]: [40_000, 5_000, 0],
    });
  });

  it('dates each side’s valuation from its own report', async () => {
    await backend.call('alerts.run', { snapshotId });
    const stale = (await backend.call('alerts.list', { snapshotId, rule: 'STALE_VALUATION' })) as Alert[];
    expect(stale.map((a) => [a.subject, a.value])).toEqual([[A, 2]]);
  });
});
