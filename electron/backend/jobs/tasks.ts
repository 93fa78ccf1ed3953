import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContractError } from '../../../shared/contract/errors';
import { openConnection } from '../db/openDatabase';
import { generateDemoData } from '../demo/generateDemo';
import { loadDemoThroughFeed } from '../feeds/demoFeed';
import { feedSyncTask } from '../feeds/feedTasks';
import { rebuildStaleDrillData } from '../snapshots/drillRebuild';
import { importSnapshot } from '../snapshots/importSnapshot';
import { removeUpload } from '../uploads/uploadStore';
import { regimes } from '../../../shared/contract/snapshots';
import type { TaskContext } from './jobTask';

/** The built-in demo snapshot: fixed seed, so every newcomer sees the same market. */
export const demoSnapshot = {
  trades: 50_000,
  seed: 20260630,
  asOfDate: '2026-06-30',
  sourceName: 'Concordat demo TR',
  /** A format-valid LEI of the synthetic trade repository (check digits computed, not a real entity). */
  trLei: '9845001DEM0TR0000023',
} as const;

const demoLoadParams = z.object({
  dbFile: z.string(),
  workDir: z.string(),
  trades: z.number().int().positive(),
  seed: z.number().int(),
});
export type DemoLoadParams = z.infer<typeof demoLoadParams>;

/** Generates the demo data into a scratch folder, publishes it as the signed demo feed, and syncs that feed. */
async function demoLoad(raw: unknown, ctx: TaskContext): Promise<unknown> {
  const params = demoLoadParams.parse(raw);
  const scratch = fs.mkdtempSync(path.join(params.workDir, 'demo-'));
  const db = openConnection(params.dbFile);
  try {
    await generateDemoData({
      trades: params.trades,
      seed: params.seed,
      outDir: scratch,
      asOfDate: demoSnapshot.asOfDate,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ phase: 'generate', message: 'Generating demo trades', done, total }),
    });
    // The data directory is where openDatabase keeps concordat.db.
    return await loadDemoThroughFeed(
      {
        db,
        dataDir: path.dirname(params.dbFile),
        generatedFilesDir: scratch,
        sourceName: demoSnapshot.sourceName,
        trLei: demoSnapshot.trLei,
        regime: 'EMIR',
        asOfDate: demoSnapshot.asOfDate,
      },
      { signal: ctx.signal, onProgress: ctx.progress },
    );
  } finally {
    db.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const importTaskParams = z.object({
  dbFile: z.string(),
  dataDir: z.string(),
  files: z.array(z.string()).min(1),
  uploadIds: z.array(z.string()),
  request: z.object({
    sourceName: z.string(),
    trLei: z.string().optional(),
    regime: z.enum(regimes),
    asOfDate: z.string(),
    maxErrorRatio: z.number().optional(),
  }),
});
export type ImportTaskParams = z.infer<typeof importTaskParams>;

/** Imports files as one snapshot; uploaded files are removed afterwards, whatever the outcome. */
async function importFiles(raw: unknown, ctx: TaskContext): Promise<unknown> {
  const params = importTaskParams.parse(raw);
  const db = openConnection(params.dbFile);
  try {
    return await importSnapshot(
      db,
      { ...params.request, files: params.files },
      { signal: ctx.signal, onProgress: (p) => ctx.progress({ phase: p.phase, message: p.message, done: p.done, total: p.total }) },
    );
  } finally {
    db.close();
    for (const id of params.uploadIds) removeUpload(params.dataDir, id);
  }
}

const drillRebuildParams = z.object({ dbFile: z.string() });
export type DrillRebuildParams = z.infer<typeof drillRebuildParams>;

/** Rebuilds, snapshot by snapshot, the drill data a schema change marked stale (see snapshots/drillRebuild.ts). */
async function drillRebuild(raw: unknown, ctx: TaskContext): Promise<unknown> {
  const params = drillRebuildParams.parse(raw);
  const db = openConnection(params.dbFile);
  try {
    return await rebuildStaleDrillData(db, {
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.progress({
          phase: 'rebuild',
          // As the jobs bar and the drill's refusal name it.
          message: `Rebuilding the drill data after an update: ${p.done} of ${p.total} snapshot${p.total === 1 ? '' : 's'}`,
          done: p.done,
          total: p.total,
        }),
    });
  } finally {
    db.close();
  }
}

export const tasks: Record<string, (params: unknown, ctx: TaskContext) => Promise<unknown>> = {
  'demo.load': demoLoad,
  'drill.rebuild': drillRebuild,
  'snapshots.import': importFiles,
  'feeds.sync': feedSyncTask,
};

export function runTask(task: string, params: unknown, ctx: TaskContext): Promise<unknown> {
  const fn = tasks[task];
  if (!fn) return Promise.reject(new ContractError('INTERNAL', `No task named ${task}.`));
  return fn(params, ctx);
}
