import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../electron/backend/db/openDatabase';
import { drill } from '../../../../electron/backend/exposure/drill';
import { exposureSeries } from '../../../../electron/backend/exposure/series';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import { seriesInput, type DimensionFilter, type Series } from '../../../../shared/contract/exposure';
import { ContractError } from '../../../../shared/contract/errors';
import type { Regime } from '../../../../shared/contract/snapshots';
import { fileTempDir, fixturesDir } from '../../../helpers/tempDir';

/**
 * Six snapshots of the hand-made fixture, each with its own edit to trades.csv (so each has its
 * own bytes and its own figures), imported out of date order:
 * - Series TR / EMIR on 06-30 (version 1, then a corrected version 2), 06-28 and 06-29;
 * - the same source under another regime, and another source, both on 06-29: never in the series.
 */
let db: Db;
const ids: Record<'jun30v1' | 'jun30v2' | 'jun28' | 'jun29' | 'otherSource' | 'otherRegime', number> = {
  jun30v1: 0,
  jun30v2: 0,
  jun28: 0,
  jun29: 0,
  otherSource: 0,
  otherRegime: 0,
};

async function importVariant(
  sourceName: string,
  regime: Regime,
  asOfDate: string,
  edit: (trades: string) => string,
): Promise<{ snapshotId: number; version: number }> {
  const dir = fileTempDir();
  const src = path.join(fixturesDir, 'snapshot-small');
  const files = fs
    .readdirSync(src)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => {
      const text = fs.readFileSync(path.join(src, f), 'utf8');
      // Rates and margin of the snapshot's own day: a rate or margin report dated after the
      // as-of date is never used.
      const dated = f === 'fx.csv' || f === 'margins.csv' ? text.replaceAll('2026-06-30', asOfDate) : text;
      fs.writeFileSync(path.join(dir, f), f === 'trades.csv' ? edit(text) : dated);
      return path.join(dir, f);
    });
  const summary = await importSnapshot(db, { files, sourceName, trLei: '9845005CCPXXXXXX0005', regime, asOfDate });
  expect(summary.alreadyImported).toBe(false);
  return summary;
}

beforeAll(async () => {
  db = (await openDatabase(fileTempDir())).db;
  // Trade T0001 (US buyer, GB seller, both sides reported), T0002 (500,000 EUR, US–KY), T0004 (US–US).
  const t1 = (n: string) => (t: string) => t.replaceAll(',1000000,USD,', `,${n},USD,`);
  const v1 = await importVariant('Series TR', 'EMIR', '2026-06-30', t1('1100000'));
  const v2 = await importVariant('Series TR', 'EMIR', '2026-06-30', t1('3000000'));
  expect([v1.version, v2.version]).toEqual([1, 2]);
  ids.jun30v1 = v1.snapshotId;
  ids.jun30v2 = v2.snapshotId;
  ids.jun28 = (await importVariant('Series TR', 'EMIR', '2026-06-28', (t) => t)).snapshotId;
  ids.jun29 = (await importVariant('Series TR', 'EMIR', '2026-06-29', (t) => t.replace(',500000,EUR,', ',700000,EUR,'))).snapshotId;
  ids.otherSource = (
    await importVariant('Other TR', 'EMIR', '2026-06-29', (t) => t.replace(',300000.00,USD,', ',900000.00,USD,'))
  ).snapshotId;
  ids.otherRegime = (
    await importVariant('Series TR', 'CFTC', '2026-06-29', (t) => t.replace(',300000.00,USD,', ',400000.00,USD,'))
  ).snapshotId;
}, 60_000);

/** The series as the service calls it: the input parsed by the contract's schema first. */
const series = (input: unknown): Series => exposureSeries(db, seriesInput.parse(input));

/**
 * An independent reading of one cell from the raw reports: the live trades (one canonical report
 * per UTI, the lowest reporting LEI) with a side in `jurisdiction` and, optionally, of one
 * contract type. Jurisdiction is the entity's legal country, or the reported country of a
 * counterparty without an LEI.
 */
function independentCell(snapshotId: number, jurisdiction?: string, contractType?: string) {
  const trades = db
    .prepare(
      `SELECT uti, min(reporting_lei) AS reporting_lei, other_cpty_id, other_cpty_is_lei, other_cpty_country, contract_type, notional_usd
         FROM trade_state WHERE snapshot_id = ? AND coalesce(action_type, '') NOT IN ('TERM', 'EROR') GROUP BY uti`,
    )
    .all(snapshotId) as Array<{
    uti: string;
    reporting_lei: string;
    other_cpty_id: string;
    other_cpty_is_lei: number;
    other_cpty_country: string | null;
    contract_type: string | null;
    notional_usd: number | null;
  }>;
  const country = new Map(
    (
      db.prepare(`SELECT lei, legal_country FROM entity WHERE snapshot_id = ?`).all(snapshotId) as Array<{
        lei: string;
        legal_country: string;
      }>
    ).map((e) => [e.lei, e.legal_country]),
  );
  const inCell = trades.filter((t) => {
    const sides = [country.get(t.reporting_lei), t.other_cpty_is_lei ? country.get(t.other_cpty_id) : t.other_cpty_country];
    return (jurisdiction === undefined || sides.includes(jurisdiction)) && (contractType === undefined || t.contract_type === contractType);
  });
  return {
    tradeCount: inCell.length,
    grossNotionalUsd: inCell.reduce((a, t) => a + (t.notional_usd ?? 0), 0),
  };
}

const drillTotals = (snapshotId: number, filters: DimensionFilter[]) =>
  drill(db, { snapshotId, path: ['jurisdiction'], at: [], filters, sort: { by: 'grossNotionalUsd', direction: 'desc' } }).totals;

describe('exposure.series', () => {
  it('follows the source and regime: one active snapshot per as-of date, its latest version, oldest first', () => {
    const expected = [
      { snapshotId: ids.jun28, asOfDate: '2026-06-28', version: 1 },
      { snapshotId: ids.jun29, asOfDate: '2026-06-29', version: 1 },
      { snapshotId: ids.jun30v2, asOfDate: '2026-06-30', version: 2 },
    ];
    // Whichever snapshot of the series it starts from, even the superseded version.
    for (const start of [ids.jun30v1, ids.jun30v2, ids.jun28, ids.jun29]) {
      const { points } = series({ snapshotId: start });
      expect(
        points.map(({ snapshotId, asOfDate, version }) => ({ snapshotId, asOfDate, version })),
        `from ${start}`,
      ).toEqual(expected);
    }
    // The other source and the other regime are series of their own.
    expect(series({ snapshotId: ids.otherSource }).points.map((p) => p.snapshotId)).toEqual([ids.otherSource]);
    expect(series({ snapshotId: ids.otherRegime }).points.map((p) => p.snapshotId)).toEqual([ids.otherRegime]);
  });

  it('gives the whole market of each snapshot: the drill totals, and the sums of the raw reports', () => {
    const { points } = series({ snapshotId: ids.jun30v1 });
    for (const p of points) {
      expect(p.metrics, `snapshot ${p.snapshotId}`).toEqual(drillTotals(p.snapshotId, []));
      const raw = independentCell(p.snapshotId);
      expect(p.metrics.tradeCount).toBe(raw.tradeCount);
      expect(p.metrics.grossNotionalUsd).toBeCloseTo(raw.grossNotionalUsd, 6);
    }
    // By hand: 2,050,000 in the fixture; 06-29 has T0002 at 700,000 EUR (+200,000 × 1.1);
    // 06-30 version 2 has T0001 at 3,000,000 (+2,000,000), and version 1 (1,100,000) is not used.
    expect(points.map((p) => Math.round(p.metrics.grossNotionalUsd))).toEqual([2_050_000, 2_270_000, 4_050_000]);
  });

  it('follows one cell: the keys chosen along the path and the filters, in every snapshot', () => {
    const input = {
      snapshotId: ids.jun29,
      path: ['jurisdiction'],
      at: ['US'],
      filters: [{ dimension: 'contractType', value: 'FORW' }],
    };
    const { points } = series(input);
    expect(points).toHaveLength(3);
    for (const p of points) {
      const cell: DimensionFilter[] = [
        { dimension: 'contractType', value: 'FORW' },
        { dimension: 'jurisdiction', value: 'US' },
      ];
      expect(p.metrics, `snapshot ${p.snapshotId}`).toEqual(drillTotals(p.snapshotId, cell));
      const raw = independentCell(p.snapshotId, 'US', 'FORW');
      expect(p.metrics.tradeCount).toBe(raw.tradeCount);
      expect(p.metrics.grossNotionalUsd).toBeCloseTo(raw.grossNotionalUsd, 6);
    }
    // US forwards by hand: T0001 + T0002 + T0004 = 1,000,000 + 550,000 + 300,000, then the edits above.
    expect(points.map((p) => Math.round(p.metrics.grossNotionalUsd))).toEqual([1_850_000, 2_070_000, 3_850_000]);
    expect(points.map((p) => p.metrics.tradeCount)).toEqual([3, 3, 3]);
    // Margin cannot be split by contract type: withheld (null), never zero.
    for (const p of points) expect(p.metrics.imPostedUsd).toBeNull();

    // A deeper cell: the GB fund, the only GB entity, in T0001 and T0003.
    const gb = series({ snapshotId: ids.jun28, path: ['jurisdiction', 'counterparty'], at: ['GB', '2138003GBFUNDBBB0049'] });
    expect(gb.points.map((p) => p.metrics.tradeCount)).toEqual([2, 2, 2]);
    for (const p of gb.points) {
      expect(p.metrics).toEqual(
        drillTotals(p.snapshotId, [
          { dimension: 'jurisdiction', value: 'GB' },
          { dimension: 'counterparty', value: '2138003GBFUNDBBB0049' },
        ]),
      );
      expect(p.metrics.grossNotionalUsd).toBeCloseTo(independentCell(p.snapshotId, 'GB').grossNotionalUsd, 6);
      // Every dimension in play describes the holder, so its margin is shown: 20,000 EUR at 1.1 (margins.csv).
      expect(p.metrics.imPostedUsd).toBeCloseTo(22_000, 6);
    }
  });

  it('refuses an unknown snapshot and a cell without a key for every dimension', () => {
    const error = (() => {
      try {
        series({ snapshotId: 987_654 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('NOT_FOUND');
    expect(seriesInput.safeParse({ snapshotId: ids.jun28, path: ['jurisdiction'], at: [] }).success).toBe(false);
  });
});
