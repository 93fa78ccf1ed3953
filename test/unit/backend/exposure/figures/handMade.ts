import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../../../../electron/backend/db/openDatabase';
import { importSnapshot, type ImportSummary } from '../../../../../electron/backend/snapshots/importSnapshot';
import { csvColumns, type CsvKind } from '../../../../../electron/backend/snapshots/fileKinds';
import type { Regime } from '../../../../../shared/contract/snapshots';
import { makeLei } from '../../../../../shared/domain/identifiers';
import { tempDir } from '../../../../helpers/tempDir';

/**
 * Hand-made snapshots for the "every figure right" tests: each test writes the few rows it needs
 * as real CSV files, imports them through the real importer into a real SQLite file, and checks
 * the figures against numbers worked out by hand in the test's comments.
 */

/** Valid LEIs (real MOD 97-10 check digits) for the parties of the hand-made files. */
export const LEI = {
  usDealer: makeLei('5493001USDEALERA00'),
  usBank: makeLei('5493002USBANKBBBB0'),
  gbFund: makeLei('2138003GBFUNDBBB00'),
  kyFund: makeLei('5493004KYFUNDCCC00'),
  frBank: makeLei('9695005FRBANKDDD00'),
  deBank: makeLei('5299006DEBANKEEE00'),
};

export const ENTITIES = [
  { lei: LEI.usDealer, legal_name: 'US Dealer', legal_country: 'US' },
  { lei: LEI.usBank, legal_name: 'US Bank', legal_country: 'US' },
  { lei: LEI.gbFund, legal_name: 'GB Fund', legal_country: 'GB' },
  { lei: LEI.kyFund, legal_name: 'KY Fund', legal_country: 'KY' },
  { lei: LEI.frBank, legal_name: 'FR Bank', legal_country: 'FR' },
  { lei: LEI.deBank, legal_name: 'DE Bank', legal_country: 'DE' },
];

export type Row = Record<string, string | number | undefined>;

/** A forward with everything a valid trade report needs; override what the case is about. */
export function trade(over: Row): Row {
  return {
    direction: 'BYER',
    other_cpty_is_lei: 'true',
    contract_type: 'FORW',
    cleared: 'N',
    notional_ccy: 'USD',
    effective_date: '2026-06-01',
    expiration_date: '2026-12-31',
    execution_ts: '2026-06-25T10:00:00Z',
    reporting_ts: '2026-06-25T11:00:00Z',
    action_type: 'NEWT',
    level: 'TCTN',
    ...over,
  };
}

/** The same trade as its other side reports it (two-sided reporting). */
export function otherSide(t: Row): Row {
  return { ...t, reporting_lei: t.other_cpty_id, other_cpty_id: t.reporting_lei, direction: t.direction === 'BYER' ? 'SLLR' : 'BYER' };
}

export function writeCsv(dir: string, kind: CsvKind, rows: Row[]): string {
  const columns = csvColumns[kind] as readonly string[];
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v));
  const file = path.join(dir, `${kind}.csv`);
  fs.writeFileSync(file, [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n');
  return file;
}

export interface HandMadeSnapshot {
  trades: Row[];
  margins?: Row[];
  fx?: Row[];
  entities?: Row[];
  asOfDate?: string;
  regime?: Regime;
  sourceName?: string;
}

/** Writes the files and imports them; the same database may take several snapshots. */
export async function importHandMade(db: Db, s: HandMadeSnapshot): Promise<ImportSummary> {
  const dir = tempDir();
  const asOfDate = s.asOfDate ?? '2026-06-30';
  const files = [
    writeCsv(dir, 'trades', s.trades),
    writeCsv(dir, 'entities', s.entities ?? ENTITIES),
    writeCsv(dir, 'fx', s.fx ?? [{ as_of_date: asOfDate, ccy: 'USD', usd_per_unit: 1 }]),
    ...(s.margins ? [writeCsv(dir, 'margins', s.margins)] : []),
  ];
  return importSnapshot(db, {
    files,
    sourceName: s.sourceName ?? 'Hand TR',
    regime: s.regime ?? 'EMIR',
    asOfDate,
    // Hand-made files are small and some cases are all about rejected rows.
    maxErrorRatio: 1,
  });
}

export async function freshDb(): Promise<Db> {
  return (await openDatabase(tempDir())).db;
}

/** The findings of a snapshot as "SEVERITY:RULE:field" strings, in file and line order. */
export function findings(db: Db, snapshotId: number): string[] {
  return (
    db
      .prepare(`SELECT severity, rule_id, field FROM validation_issue WHERE snapshot_id = ? ORDER BY file, line, rowid`)
      .all(snapshotId) as Array<{ severity: string; rule_id: string; field: string | null }>
  ).map((f) => `${f.severity}:${f.rule_id}:${f.field ?? ''}`);
}
