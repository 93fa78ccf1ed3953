import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from '../../../../electron/backend/backend';
import { databaseFileName } from '../../../../electron/backend/db/openDatabase';
import { inProcessExecutor } from '../../../../electron/backend/jobs/executors';
import { importSnapshot } from '../../../../electron/backend/snapshots/importSnapshot';
import type { Alert } from '../../../../shared/contract/alerts';
import type { MarginResult } from '../../../../shared/contract/margin';
import { fileTempDir } from '../../../helpers/tempDir';
import { handFiles } from './handSnapshot';

/**
 * Snapshot digests (migration 0020): the margin basis and the alert rules' position sums are written by the first
 * computation and read by the next process on the same data directory, never when they are not this snapshot's
 * (source), not this code's (format) or damaged. The figures are the hand example's (requiredMargin.test.ts).
 */

const open: Backend[] = [];
async function backendOn(dataDir: string): Promise<Backend> {
  const backend = await Backend.open({ dataDir, mode: 'cli', version: 'test', executor: inProcessExecutor, loadDemoOnFirstStart: false });
  open.push(backend);
  return backend;
}
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

async function importedDataDir(): Promise<{ dataDir: string; snapshotId: number; first: Backend }> {
  const dataDir = fileTempDir();
  const first = await backendOn(dataDir);
  const { snapshotId } = await importSnapshot(first.db, {
    files: handFiles(),
    sourceName: 'Hand TR',
    regime: 'EMIR',
    asOfDate: '2026-06-30',
  });
  await first.call('margin.importSchedule', {
    schedule: {
      v: 1,
      name: 'Test schedule',
      effectiveFrom: '2026-01-01',
      source: 'Worked example of requiredMargin.test.ts',
      illustrative: true,
      defaultRate: 0.5,
      rules: [
        { underlier: 'BTC', rate: 0.1 },
        { underlier: 'ETH', rate: 0.2 },
      ],
    },
  });
  return { dataDir, snapshotId, first };
}

const margin = (b: Backend, snapshotId: number) => b.call('margin.compute', { snapshotId, by: ['nettingSet'] }) as Promise<MarginResult>;
const digests = (dataDir: string) => {
  const db = new Database(path.join(dataDir, databaseFileName), { readonly: true });
  try {
    return db.prepare(`SELECT snapshot_id AS snapshotId, kind, format, bytes, file FROM snapshot_digest ORDER BY kind`).all() as Array<{
      snapshotId: number;
      kind: string;
      format: number;
      bytes: number;
      file: string | null;
    }>;
  } finally {
    db.close();
  }
};
/** Edits the stored digests from outside, as another process (or a damaged file) would. */
const tamper = (dataDir: string, sql: string) => {
  const db = new Database(path.join(dataDir, databaseFileName));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
};
const findings = async (b: Backend, snapshotId: number) =>
  ((await b.call('alerts.list', { snapshotId })) as Alert[]).map((a) => [a.ruleId, a.subject, a.value]).sort();
const netted = (r: MarginResult) => r.rows.map((row) => [row.key[0], row.requiredUsd, row.postedUsd, row.shortfallUsd]);

describe('snapshot digests', () => {
  it('are written by the first computation and read by the next process, with the same figures', async () => {
    const { dataDir, snapshotId, first } = await importedDataDir();
    const before = await margin(first, snapshotId);
    // A↔B·PF-AB R 100,000 posted 70,000; A↔C R 80,000 posted 90,000; B↔A 100,000; C↔A 80,000 (worked by hand).
    expect(before.total.requiredUsd).toBeCloseTo(360_000, 6);
    expect(before.total.shortfallUsd).toBeCloseTo(210_000, 6);
    await first.call('alerts.run', { snapshotId });
    expect(digests(dataDir).map((d) => [d.snapshotId, d.kind])).toEqual([
      [snapshotId, 'alert-cells'],
      [snapshotId, 'alert-positions'],
      [snapshotId, 'margin-basis'],
    ]);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await backendOn(dataDir);
    expect(netted(await margin(second, snapshotId))).toEqual(netted(before));
  });

  it('reads what is stored: a figure changed in the stored basis shows in the next process', async () => {
    const { dataDir, snapshotId, first } = await importedDataDir();
    await margin(first, snapshotId);
    await first.close();
    open.splice(open.indexOf(first), 1);
    // setPosted is the basis's column of posted amounts, one per set: double each in the stored file, in place.
    const db = new Database(path.join(dataDir, databaseFileName));
    const row = db.prepare(`SELECT layout, file FROM snapshot_digest WHERE kind = 'margin-basis'`).get() as {
      layout: string;
      file: string;
    };
    db.close();
    const file = path.join(dataDir, 'digests', row.file);
    const payload = fs.readFileSync(file);
    const column = (JSON.parse(row.layout) as { columns: Array<{ name: string; offset: number; length: number }> }).columns.find(
      (c) => c.name === 'setPosted',
    )!;
    for (let i = 0; i < column.length; i++) payload.writeDoubleLE(payload.readDoubleLE(column.offset + 8 * i) * 2, column.offset + 8 * i);
    fs.writeFileSync(file, payload);
    const second = await backendOn(dataDir);
    expect((await margin(second, snapshotId)).total.postedUsd).toBeCloseTo(2 * 160_000, 6);
  });

  /** Cuts every stored payload file to 16 bytes. */
  const cutFiles = (dataDir: string) => {
    const folder = path.join(dataDir, 'digests');
    for (const name of fs.readdirSync(folder)) fs.truncateSync(path.join(folder, name), 16);
  };
  it.each([
    ['of another snapshot (source)', `UPDATE snapshot_digest SET source = 'other'`],
    ['of another code version (format)', `UPDATE snapshot_digest SET format = format + 100`],
    ['cut short', cutFiles],
    ['gone', (dataDir: string) => fs.rmSync(path.join(dataDir, 'digests'), { recursive: true })],
    ['with a damaged layout', `UPDATE snapshot_digest SET layout = '{}'`],
  ])('are rebuilt, not read, when %s', async (_what, damage) => {
    const { dataDir, snapshotId, first } = await importedDataDir();
    const before = await margin(first, snapshotId);
    await first.call('alerts.run', { snapshotId });
    const alertsBefore = await findings(first, snapshotId);
    expect(alertsBefore.length).toBeGreaterThan(0);
    await first.close();
    open.splice(open.indexOf(first), 1);
    if (typeof damage === 'string') tamper(dataDir, damage);
    else damage(dataDir);
    const second = await backendOn(dataDir);
    expect(netted(await margin(second, snapshotId))).toEqual(netted(before));
    await second.call('alerts.run', { snapshotId });
    expect(await findings(second, snapshotId)).toEqual(alertsBefore);
    // Written again as this code and this snapshot have them.
    const again = digests(dataDir);
    expect(again.map((d) => d.kind)).toEqual(['alert-cells', 'alert-positions', 'margin-basis']);
    // The two column digests have payloads (in files of their length); the cell sums are all in the layout's JSON.
    expect(again.map((d) => d.format < 100 && (d.kind === 'alert-cells' || d.bytes > 16))).toEqual([true, true, true]);
    for (const d of again) if (d.kind !== 'alert-cells') expect(fs.statSync(path.join(dataDir, 'digests', d.file!)).size).toBe(d.bytes);
    expect(again.find((d) => d.kind === 'alert-cells')!.file).toBeNull();
  });

  it('go with their snapshot when it is removed, files too at the next start', async () => {
    const { dataDir, snapshotId, first } = await importedDataDir();
    await margin(first, snapshotId);
    expect(digests(dataDir)).toHaveLength(1);
    expect(fs.readdirSync(path.join(dataDir, 'digests'))).toEqual([digests(dataDir)[0]!.file]);
    first.db.prepare(`DELETE FROM snapshot WHERE snapshot_id = ?`).run(snapshotId);
    expect(digests(dataDir)).toEqual([]);
    await first.close();
    open.splice(open.indexOf(first), 1);
    await backendOn(dataDir);
    expect(fs.readdirSync(path.join(dataDir, 'digests'))).toEqual([]);
  });

  it('leave only the current file of a digest once it is written again', async () => {
    const { dataDir, snapshotId, first } = await importedDataDir();
    await margin(first, snapshotId);
    await first.close();
    open.splice(open.indexOf(first), 1);
    tamper(dataDir, `UPDATE snapshot_digest SET format = format + 100`);
    // The row now names a file of another format: rebuilt under this format's name, the old file swept.
    const second = await backendOn(dataDir);
    await margin(second, snapshotId);
    expect(fs.readdirSync(path.join(dataDir, 'digests'))).toEqual([digests(dataDir)[0]!.file]);
  });
});
