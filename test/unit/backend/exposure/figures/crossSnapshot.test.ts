import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../electron/backend/db/openDatabase';
import { CROSS_SNAPSHOT_FILE } from '../../../../../electron/backend/snapshots/crossSnapshotRules';
import { listIssues, summariseIssues } from '../../../../../electron/backend/snapshots/issues.repo';
import { freshDb, importHandMade, LEI, trade } from './handMade';

/**
 * Issue 10, "Missing rules": rules across snapshots of the same source. Snapshot of 06-29, then
 * of 06-30 (the TR's next delivery):
 *   A  outstanding, MODI on 06-30                        → nothing
 *   B  outstanding, no report on 06-30                  → CNC_XS_VANISHED
 *   C  outstanding, gone; C2 new with the same parties and execution time, no prior UTI
 *                                                       → CNC_XS_UTI_CHANGED on C2 (C not also "vanished")
 *   D  matured 06-29 (expiring that day), gone          → nothing (it ended by maturity)
 *   E  execution time 06-20 on 06-29, 06-21 on 06-30    → CNC_XS_EXECUTION_CHANGED
 *   T  terminated on 06-29, gone                        → nothing
 *   F  CORR on 06-30, never reported before             → CNC_XS_CORR_WITHOUT_PRIOR
 *   G  new, prior UTI A, while A is still outstanding   → CNC_XS_PRIOR_UTI_OUTSTANDING
 *   H  new, prior UTI nobody has                        → CNC_XS_PRIOR_UTI_UNKNOWN
 */
const u = (n: string) => `${LEI.usDealer}X${n}`;
const t = (n: string, over: Record<string, string | number> = {}) =>
  trade({ uti: u(n), reporting_lei: LEI.usDealer, other_cpty_id: LEI.gbFund, notional: 100, ...over });

let db: Db;
let first: number;
let second: number;
beforeAll(async () => {
  db = await freshDb();
  first = (
    await importHandMade(db, {
      asOfDate: '2026-06-29',
      trades: [
        t('A'),
        t('B', { execution_ts: '2026-06-24T08:00:00Z', reporting_ts: '2026-06-24T09:00:00Z' }),
        t('C', { other_cpty_id: LEI.kyFund, execution_ts: '2026-06-22T09:30:00Z', reporting_ts: '2026-06-22T10:00:00Z' }),
        t('D', { expiration_date: '2026-06-29' }),
        t('E', { execution_ts: '2026-06-20T10:00:00Z', reporting_ts: '2026-06-20T11:00:00Z' }),
        t('T', { action_type: 'TERM' }),
      ],
    })
  ).snapshotId;
  second = (
    await importHandMade(db, {
      trades: [
        t('A', { action_type: 'MODI' }),
        t('C2', { other_cpty_id: LEI.kyFund, execution_ts: '2026-06-22T09:30:00Z', reporting_ts: '2026-06-22T10:00:00Z' }),
        t('E', { execution_ts: '2026-06-21T10:00:00Z', reporting_ts: '2026-06-21T11:00:00Z' }),
        t('F', { action_type: 'CORR' }),
        t('G', { prior_uti: u('A') }),
        t('H', { prior_uti: u('NOBODY') }),
      ],
    })
  ).snapshotId;
});

describe('cross-snapshot rules', () => {
  it('find nothing in the first snapshot of a source', () => {
    expect(listIssues(db, { snapshotId: first }, 0, 100).total).toBe(0);
  });

  it('flag each case of the next delivery, once, with where it is', () => {
    const rows = listIssues(db, { snapshotId: second }, 0, 100).rows.map((r) => ({
      rule: r.ruleId,
      severity: r.severity,
      file: r.file,
      line: r.line,
      location: r.location,
    }));
    expect(rows).toEqual([
      { rule: 'CNC_XS_VANISHED', severity: 'WARN', file: CROSS_SNAPSHOT_FILE, line: null, location: `UTI ${u('B')}` },
      { rule: 'CNC_XS_UTI_CHANGED', severity: 'WARN', file: 'trades.csv', line: 3, location: `line 3, UTI ${u('C2')}` },
      { rule: 'CNC_XS_EXECUTION_CHANGED', severity: 'WARN', file: 'trades.csv', line: 4, location: `line 4, UTI ${u('E')}` },
      { rule: 'CNC_XS_CORR_WITHOUT_PRIOR', severity: 'WARN', file: 'trades.csv', line: 5, location: `line 5, UTI ${u('F')}` },
      { rule: 'CNC_XS_PRIOR_UTI_OUTSTANDING', severity: 'WARN', file: 'trades.csv', line: 6, location: `line 6, UTI ${u('G')}` },
      { rule: 'CNC_XS_PRIOR_UTI_UNKNOWN', severity: 'WARN', file: 'trades.csv', line: 7, location: `line 7, UTI ${u('H')}` },
    ]);
    const byRule = Object.fromEntries(listIssues(db, { snapshotId: second }, 0, 100).rows.map((r) => [r.ruleId, r.message]));
    expect(byRule.CNC_XS_VANISHED).toContain(`Outstanding in snapshot ${first} (as of 2026-06-29, version 1)`);
    expect(byRule.CNC_XS_UTI_CHANGED).toContain(`Same counterparties and execution time as ${u('C')}`);
    expect(byRule.CNC_XS_EXECUTION_CHANGED).toContain('was 2026-06-20T10:00:00Z');
  });

  it('are filtered and summarised like the row rules (the findings grid reads these)', () => {
    expect(listIssues(db, { snapshotId: second, ruleId: 'CNC_XS_VANISHED' }, 0, 100).total).toBe(1);
    expect(listIssues(db, { snapshotId: second, file: CROSS_SNAPSHOT_FILE }, 0, 100).total).toBe(1);
    expect(
      summariseIssues(db, second)
        .map((s) => s.ruleId)
        .sort(),
    ).toEqual([
      'CNC_XS_CORR_WITHOUT_PRIOR',
      'CNC_XS_EXECUTION_CHANGED',
      'CNC_XS_PRIOR_UTI_OUTSTANDING',
      'CNC_XS_PRIOR_UTI_UNKNOWN',
      'CNC_XS_UTI_CHANGED',
      'CNC_XS_VANISHED',
    ]);
  });

  it('refuse a trade that names itself as its prior UTI (EMIR_VR_2001)', async () => {
    const other = await freshDb();
    const s = await importHandMade(other, { trades: [t('S', { prior_uti: u('S') })] });
    expect(s.rejected).toBe(1);
    expect(listIssues(other, { snapshotId: s.snapshotId }, 0, 10).rows.map((r) => r.ruleId)).toEqual(['EMIR_VR_2001']);
  });
});
