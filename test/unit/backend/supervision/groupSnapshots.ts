import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Backend } from '../../../../electron/backend/backend';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { makeLei } from '../../../../shared/domain/identifiers';
import { fileTempDir } from '../../../helpers/tempDir';
import { openTestBackend } from './handSnapshot';

/**
 * A second hand-worked example for the alert rules that need groups, jurisdictions, venues and two snapshots
 * (alertRulesGroups.test.ts works the figures). One source ("Group TR", EMIR), two snapshots: the compare one as of
 * Friday 2026-05-29 and the current one as of Tuesday 2026-06-30. Every trade is BTC, so with a schedule of 10 % for
 * everything R = 0.1 × |net| per netting set.
 *
 * Entities: group P (ultimate parent P1, US) with P2 (KY) and P3 (SC); Q, a dealer in GB whose LEI has LAPSED; R, a
 * fund in VG; and two natural persons in FR, NP1 and NP2 (not LEIs).
 * Venues (venues.csv): XCME (MIC, US), CRYP (MIC, GB), OKX (no MIC, SC); ZZZZ is a MIC in no reference.
 */
export const P1 = makeLei('5493001PARENTUSP01');
export const P2 = makeLei('5493002CAYMANKYP02');
export const P3 = makeLei('5493003SEYCHSCP03X');
export const Q = makeLei('2138004DEALERGBQ04');
export const R = makeLei('5493005FUNDVGRR05X');
export const NP1 = 'FRPERSON0001';
export const NP2 = 'FRPERSON0002';

export const uti = (reporter: string, n: number) => `${reporter}G${String(n).padStart(3, '0')}`;

interface Trade {
  n: number;
  reporter: string;
  direction: 'BYER' | 'SLLR';
  notional: number;
  other: string;
  /** venue_id, or platform_mic when it starts with "mic:". */
  venue?: string;
  code?: string;
  execution: string;
  valuationTs?: string;
}

function write(dir: string, name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

function files(asOf: string, trades: Trade[], margins: string[]): string[] {
  const dir = fileTempDir();
  const head =
    'uti,reporting_lei,other_cpty_id,other_cpty_is_lei,other_cpty_country,direction,contract_type,underlier_symbol,cleared,notional,notional_ccy,price,price_ccy,platform_mic,venue_id,effective_date,expiration_date,execution_ts,reporting_ts,action_type,level,collateral_portfolio_code,valuation_amount,valuation_ccy,valuation_ts,valuation_method';
  const row = (t: Trade) => {
    const person = t.other.startsWith('FRPERSON');
    const mic = t.venue?.startsWith('mic:') ? t.venue.slice(4) : '';
    const venueId = t.venue && !t.venue.startsWith('mic:') ? t.venue : '';
    const valuation = t.valuationTs ? `1000,USD,${t.valuationTs}T18:00:00Z,MTMA` : ',,,';
    return [
      uti(t.reporter, t.n),
      t.reporter,
      t.other,
      person ? 'false' : 'true',
      person ? 'FR' : '',
      t.direction,
      'FUTR',
      'BTC',
      'N',
      t.notional,
      'USD',
      '100000',
      'USD',
      mic,
      venueId,
      t.execution,
      '2026-12-31',
      `${t.execution}T10:00:00Z`,
      `${asOf}T18:00:00Z`,
      'NEWT',
      'TCTN',
      t.code ?? '',
      valuation,
    ].join(',');
  };
  return [
    write(dir, 'trades.csv', [head, ...trades.map(row)]),
    write(dir, 'margins.csv', [
      'reporting_lei,other_cpty_id,collateral_portfolio_code,uti,collateralisation_category,im_posted,im_posted_ccy,excess_posted,excess_posted_ccy,collateral_ts',
      ...margins,
    ]),
    write(dir, 'entities.csv', [
      'lei,legal_name,legal_country,legal_jurisdiction,entity_category,nature,parent_lei,ultimate_parent_lei,registration_status',
      `${P1},Papa Holdings Inc.,US,US-DE,GENERAL,F,,,ISSUED`,
      `${P2},Papa Cayman Ltd,KY,KY,GENERAL,F,${P1},${P1},ISSUED`,
      `${P3},Papa Seychelles Ltd,SC,SC,GENERAL,F,${P1},${P1},ISSUED`,
      `${Q},Quebec Dealer plc,GB,GB,GENERAL,F,,,LAPSED`,
      `${R},Romeo Fund,VG,VG,FUND,F,,,ISSUED`,
    ]),
    write(dir, 'venues.csv', [
      'venue_id,mic,name,country,operator_lei,regulatory_status',
      'XCME,XCME,Chicago Mercantile Exchange,US,,CFTC DCM',
      'CRYP,CRYP,Crypto Facilities Ltd,GB,,FCA MTF',
      'OKX,,OKX,SC,,Offshore no MIC',
    ]),
  ];
}

/**
 * Current snapshot (2026-06-30), trades (each reported by the first party named; P's entities post the margin):
 *   G1 P1 buys  1,000,000 vs Q   on XCME, PF-1          valued Fri 06-26
 *   G2 P2 buys  1,000,000 vs Q   on CRYP, PF-2          valued Mon 06-29
 *   G3 P3 buys  2,000,000 vs Q   on OKX,  PF-3          valued Fri 06-19
 *   G4 P1 sells   500,000 vs R   on XCME, per trade     valued Thu 06-25
 *   G5 Q  sells 1,500,000 vs NP1 bilateral              valued 06-30
 *   G6 Q  sells   500,000 vs NP2 bilateral              valued 06-30
 *   G7 P2 buys    250,000 vs Q   on ZZZZ (MIC), PF-2    no valuation
 *   G8 P1 buys    400,000 vs P3  bilateral (in-group)   no valuation, executed Mon 06-29 (G1–G7 on 05-04)
 * Margin (IM posted, in effect): PF-1 100,000; G4 50,000; PF-2 62,500; PF-3 50,000 plus excess collateral 100,000.
 * The compare snapshot (2026-05-29) has G1–G7 (valued 05-28), G3 of 500,000 there, and PF-1 120,000, PF-2 125,000,
 * PF-3 50,000 (no excess).
 */
export function groupFiles(which: 'compare' | 'current'): string[] {
  const current = which === 'current';
  const asOf = current ? '2026-06-30' : '2026-05-29';
  const v = (d: string) => (current ? d : '2026-05-28');
  const trades: Trade[] = [
    {
      n: 1,
      reporter: P1,
      direction: 'BYER',
      notional: 1_000_000,
      other: Q,
      venue: 'XCME',
      code: 'PF-1',
      execution: '2026-05-04',
      valuationTs: v('2026-06-26'),
    },
    {
      n: 2,
      reporter: P2,
      direction: 'BYER',
      notional: 1_000_000,
      other: Q,
      venue: 'CRYP',
      code: 'PF-2',
      execution: '2026-05-04',
      valuationTs: v('2026-06-29'),
    },
    {
      n: 3,
      reporter: P3,
      direction: 'BYER',
      notional: current ? 2_000_000 : 500_000,
      other: Q,
      venue: 'OKX',
      code: 'PF-3',
      execution: '2026-05-04',
      valuationTs: v('2026-06-19'),
    },
    {
      n: 4,
      reporter: P1,
      direction: 'SLLR',
      notional: 500_000,
      other: R,
      venue: 'XCME',
      execution: '2026-05-04',
      valuationTs: v('2026-06-25'),
    },
    { n: 5, reporter: Q, direction: 'SLLR', notional: 1_500_000, other: NP1, execution: '2026-05-04', valuationTs: v('2026-06-30') },
    { n: 6, reporter: Q, direction: 'SLLR', notional: 500_000, other: NP2, execution: '2026-05-04', valuationTs: v('2026-06-30') },
    { n: 7, reporter: P2, direction: 'BYER', notional: 250_000, other: Q, venue: 'mic:ZZZZ', code: 'PF-2', execution: '2026-05-04' },
  ];
  if (current) trades.push({ n: 8, reporter: P1, direction: 'BYER', notional: 400_000, other: P3, execution: '2026-06-29' });
  const ts = current ? '2026-06-29T17:00:00Z' : '2026-05-28T17:00:00Z';
  const margins = [
    `${P1},${Q},PF-1,,FLCL,${current ? 100_000 : 120_000},USD,,,${ts}`,
    `${P1},${R},,${uti(P1, 4)},FLCL,50000,USD,,,${ts}`,
    `${P2},${Q},PF-2,,FLCL,${current ? 62_500 : 125_000},USD,,,${ts}`,
    `${P3},${Q},PF-3,,FLCL,50000,USD,${current ? '100000,USD' : ','},${ts}`,
  ];
  return files(asOf, trades, margins);
}

/** Both snapshots imported into one fresh backend (compare first), with a schedule of 10 % for everything. */
export async function groupSnapshots(): Promise<{ backend: Backend; compareId: number; currentId: number }> {
  const backend = await openTestBackend();
  const load = (which: 'compare' | 'current', asOfDate: string) =>
    importSnapshot(backend.db, { files: groupFiles(which), sourceName: 'Group TR', regime: 'EMIR', asOfDate });
  const { snapshotId: compareId } = await load('compare', '2026-05-29');
  const { snapshotId: currentId } = await load('current', '2026-06-30');
  expect(backend.db.prepare(`SELECT file, line, message FROM validation_issue WHERE severity = 'ERROR'`).all()).toEqual([]);
  await backend.call('margin.importSchedule', {
    schedule: { v: 1, name: 'Flat 10 %', effectiveFrom: '2026-01-01', source: 'test', illustrative: true, defaultRate: 0.1, rules: [] },
  });
  return { backend, compareId, currentId };
}
