import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../../electron/backend/backend';
import { inProcessExecutor, workerExecutor } from '../../../electron/backend/jobs/executors';
import type { EventEnvelope, JobDone } from '../../../shared/contract';
import { tempDir } from '../../helpers/tempDir';

const root = path.resolve(__dirname, '..', '..', '..');

function collect(backend: Backend) {
  const events: EventEnvelope[] = [];
  backend.onEvent((e) => events.push(e));
  return events;
}

describe('Backend', () => {
  it('loads the demo snapshot on first start, reporting progress, and not on the next start', async () => {
    const dataDir = tempDir();
    const backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, demoTrades: 1500 });
    const events = collect(backend);
    expect(backend.demoJob).toBeDefined();
    expect(backend.info().demoLoading).toBe(true);
    const info = await backend.jobs.wait(backend.demoJob!);
    expect(info.state).toBe('succeeded');
    expect(backend.info().demoLoading).toBe(false);
    const phases = new Set(events.filter((e) => e.event === 'job.progress').map((e) => (e.payload as { phase: string }).phase));
    expect([...phases]).toEqual(expect.arrayContaining(['generate', 'trades', 'rollups']));
    const done = events.find((e) => e.event === 'job.done')!.payload as JobDone;
    expect(done).toMatchObject({ kind: 'demo.load', state: 'succeeded' });
    const snapshots = (await backend.call('snapshots.list', {})) as { isDemo: boolean; tradeRows: number }[];
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.isDemo).toBe(true);
    await backend.close();

    const again = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, demoTrades: 1500 });
    expect(again.demoJob).toBeUndefined();
    await again.close();
  });

  it('cancels a running job: the job ends cancelled and nothing of it is visible', async () => {
    const backend = await Backend.open({ dataDir: tempDir(), mode: 'cli', version: 't', executor: inProcessExecutor, demoTrades: 200_000 });
    const jobId = backend.demoJob!;
    await new Promise((r) => setTimeout(r, 50));
    await expect(backend.call('jobs.cancel', { jobId })).resolves.toEqual({ cancelled: true });
    const info = await backend.jobs.wait(jobId);
    expect(info.state).toBe('cancelled');
    expect(await backend.call('snapshots.list', {})).toEqual([]);
    expect((backend.db.prepare('SELECT count(*) AS n FROM trade_state').get() as { n: number }).n).toBe(0);
    await expect(backend.call('jobs.cancel', { jobId })).resolves.toEqual({ cancelled: false });
    await backend.close();
  });

  it('turns bad input into INVALID_INPUT and unknown methods into NOT_FOUND', async () => {
    const backend = await Backend.open({
      dataDir: tempDir(),
      mode: 'cli',
      version: 't',
      executor: inProcessExecutor,
      loadDemoOnFirstStart: false,
    });
    await expect(backend.call('exposure.drill', { snapshotId: -1, path: ['jurisdiction'] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(backend.call('exposure.drill', { snapshotId: 1, path: ['jurisdiction'], extra: true })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(backend.call('jobs.cancel', { jobId: 'drop table' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(backend.call('__proto__', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await backend.close();
  });
});

describe('worker-thread executor', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, 'electron/scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'ignore' });
  }, 120_000);

  it('runs the demo load in a worker while the calling thread keeps answering', async () => {
    const executor = workerExecutor(path.join(root, 'out/node/jobWorker.cjs'));
    const backend = await Backend.open({ dataDir: tempDir(), mode: 'cli', version: 't', executor, demoTrades: 20_000 });
    let answered = 0;
    const ticker = setInterval(() => void backend.call('app.info', {}).then(() => answered++), 20);
    const info = await backend.jobs.wait(backend.demoJob!);
    clearInterval(ticker);
    expect(info.state).toBe('succeeded');
    expect(answered).toBeGreaterThan(5);
    expect(((await backend.call('snapshots.list', {})) as unknown[]).length).toBe(1);
    await backend.close();
  });
});

describe('a write while another connection holds the write lock', () => {
  it('is refused as UNAVAILABLE with a plain message after the busy timeout, and nothing is written', async () => {
    const dataDir = tempDir();
    const backend = await Backend.open({ dataDir, mode: 'cli', version: 't', executor: inProcessExecutor, loadDemoOnFirstStart: false });
    const other = new Database(path.join(dataDir, 'concordat.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(
        backend.call('views.setColumns', { grid: 'drill', columns: [{ colId: 'tradeCount', hide: true }] }),
      ).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('busy finishing a long write'),
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await backend.call('views.getColumns', { grid: 'drill' })).toEqual({ columns: [] });
  }, 20_000);
});
