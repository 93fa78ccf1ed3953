import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { fileTempDir } from '../../../helpers/tempDir';

/**
 * The five-trade snapshot the supervision tests work by hand (see requiredMargin.test.ts for the figures), imported
 * for real into a fresh data directory, all reported by A (B and C have no reports of their own).
 */
export const A = '5493001USDEALERA0095';
export const B = '2138003GBFUNDBBB0049';
export const C = '5493004KYFUNDCCC0020';

function csv(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/** The example's CSV files (trades, margins, entities), written to a fresh folder. */
export function handFiles(): string[] {
  const dir = fileTempDir();
  const head =
    'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,direction,contract_type,underlier_symbol,cleared,notional,notional_ccy,price,price_ccy,effective_date,expiration_date,execution_ts,reporting_ts,action_type,level,collateral_portfolio_code';
  const trade = (n: number, dir: string, kind: string, und: string, notional: number, cpty: string, code: string) =>
    `${A}T000${n},${A},${cpty},true,${dir},${kind},${und},N,${notional},USD,100000,USD,2026-06-01,2026-12-31,2026-06-01T10:00:00Z,2026-06-30T18:00:00Z,NEWT,TCTN,${code}`;
  return [
    csv(dir, 'trades.csv', [
      head,
      trade(1, 'BYER', 'FUTR', 'BTC', 1_000_000, B, 'PF-AB'),
      trade(2, 'SLLR', 'FUTR', 'BTC', 400_000, B, 'PF-AB'),
      trade(3, 'BYER', 'FORW', 'ETH', 200_000, B, 'PF-AB'),
      trade(4, 'BYER', 'FUTR', 'BTC', 300_000, C, ''),
      trade(5, 'SLLR', 'SWAP', 'SOL', 100_000, C, ''),
    ]),
    csv(dir, 'margins.csv', [
      'reporting_lei,other_cpty_id,collateral_portfolio_code,uti,collateralisation_category,im_posted,im_posted_ccy,collateral_ts',
      `${A},${B},PF-AB,,FLCL,10000,USD,2026-06-01T17:00:00Z`,
      `${A},${B},PF-AB,,FLCL,70000,USD,2026-06-29T17:00:00Z`,
      `${A},${B},PF-AB,,FLCL,500000,USD,2026-07-02T17:00:00Z`,
      `${A},${C},,${A}T0004,FLCL,20000,USD,2026-06-29T17:00:00Z`,
      `${A},${C},,${A}T0005,FLCL,70000,USD,2026-06-29T17:00:00Z`,
    ]),
    csv(dir, 'entities.csv', [
      'lei,legal_name,legal_country,legal_jurisdiction,entity_category,nature,parent_lei,ultimate_parent_lei,registration_status',
      `${A},Alpha Dealer Inc.,US,US-DE,GENERAL,F,,,ISSUED`,
      `${B},Bravo Fund Ltd,GB,GB,FUND,F,,,ISSUED`,
      `${C},Charlie Fund SPC,KY,KY,FUND,F,,,ISSUED`,
    ]),
  ];
}

/** A real backend on a fresh data directory (jobs in this process, no demo). */
export function openTestBackend(): Promise<Backend> {
  return Backend.open({ dataDir: fileTempDir(), mode: 'cli', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
}

export async function handSnapshot(): Promise<{ backend: Backend; snapshotId: number }> {
  const backend = await openTestBackend();
  const files = handFiles();
  const { snapshotId } = await importSnapshot(backend.db, { files, sourceName: 'Hand TR', regime: 'EMIR', asOfDate: '2026-06-30' });
  // Every trade and margin report of the example was accepted (else the figures below would test nothing).
  expect(backend.db.prepare(`SELECT file, line, message FROM validation_issue WHERE severity = 'ERROR'`).all()).toEqual([]);
  return { backend, snapshotId };
}
