import { databaseBusyError, isDatabaseBusy } from './db/writeWhenFree';
import { runAlertsAfter } from './supervision/alertsAfterImport';
import { cubeOf } from './exposure/cube';
import shippedRegistry from '../../resources/cooperation/registry.json';
import { ensureShippedRegistry } from './cooperation/registryLoader';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ZodError } from 'zod';
import {
  contract,
  ContractError,
  isMethodName,
  type EventEnvelope,
  type EventName,
  type Events,
  type MethodName,
} from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/app';
import { openDatabase, type Db } from './db/openDatabase';
import { latestSchemaVersion } from './db/migrations';
import { JobManager } from './jobs/jobManager';
import type { TaskExecutor } from './jobs/jobTask';
import { demoSnapshot, type DemoLoadParams, type DrillRebuildParams } from './jobs/tasks';
import { discardStagingSnapshots } from './snapshots/importSnapshot';
import { sweepEvidenceLeftovers } from './cases/evidence';
import type { Handlers } from './context';
import { createHandlers } from './service';
import {
  ensureAgeIdentity,
  loadOrCreateIdentity,
  updateIdentityProfile,
  type KeySecretStore,
  type WorkstationIdentity,
} from './keys/workstationIdentity';
import { sweepUploads } from './uploads/uploadStore';
import { sweepDigestFiles } from './supervision/snapshotDigest';
import { staleSnapshots } from './snapshots/drillRebuild';
import { invalidFieldMessage } from '../../shared/domain/fieldLabels';

export interface BackendOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
  executor: TaskExecutor;
  /** Load the built-in demo snapshot when the data directory is new (default true). */
  loadDemoOnFirstStart?: boolean;
  /** Size of the demo snapshot (tests use a small one). */
  demoTrades?: number;
  /** Where the secret of the workstation key lives (the desktop app hands in safeStorage's); default a 0600 file. */
  keySecret?: KeySecretStore;
}

export type EventListener = (envelope: EventEnvelope) => void;

/**
 * The backend: owns the database connection and the jobs, and answers contract calls.
 * Every transport (MessagePort, HTTP, CLI) goes through `call`, which parses the input with
 * the method's zod schema and turns every failure into the one serialisable error shape.
 */
export class Backend {
  private readonly listeners = new Set<EventListener>();
  private readonly handlers: Handlers;
  readonly jobs: JobManager;
  private demoJobId: string | undefined;
  private drillRebuildJobId: string | undefined;

  private constructor(
    readonly db: Db,
    readonly dbFile: string,
    private readonly options: BackendOptions,
  ) {
    this.jobs = new JobManager(options.executor, {
      progress: (p) => this.emit('job.progress', p),
      done: (d) => {
        this.emit('job.done', d);
        // The new snapshot's drill cube is built and stored too: the first drill then reads it instead of every cell.
        runAlertsAfter(d, db, this.jobs, (snapshotId) => cubeOf(db, snapshotId));
      },
    });
    let identity: WorkstationIdentity | undefined;
    const loadIdentity = () => (identity ??= loadOrCreateIdentity(options.dataDir, options.keySecret));
    this.handlers = createHandlers({
      db,
      dbFile,
      dataDir: options.dataDir,
      info: () => this.info(),
      jobs: this.jobs,
      mode: options.mode,
      identity: loadIdentity,
      setIdentityProfile: (profile) => (identity = updateIdentityProfile(options.dataDir, profile, options.keySecret)),
      initKeys: async (profile) => {
        updateIdentityProfile(options.dataDir, profile, options.keySecret);
        return (identity = await ensureAgeIdentity(options.dataDir, options.keySecret));
      },
      actor: () => {
        const id = loadIdentity();
        return { name: id.name, workstationKeyId: id.keyId };
      },
    });
  }

  static async open(options: BackendOptions): Promise<Backend> {
    const { db, file, migration } = await openDatabase(options.dataDir);
    const backend = new Backend(db, file, options);
    // An import killed mid-way leaves a staging snapshot that no reader ever saw: drop it.
    discardStagingSnapshots(db);
    // Evidence an attach killed mid-way left (temporary or pending blobs of a process now gone).
    sweepEvidenceLeftovers(db, options.dataDir);
    // Browser-mode uploads no import took within 24 h, and partial ones a stopped process left: remove them.
    sweepUploads(options.dataDir);
    // Snapshot digest files of snapshots removed since (their rows went with them).
    sweepDigestFiles(db);
    // The MoU registry this version ships, unless the database holds a newer or locally edited one.
    ensureShippedRegistry(db, shippedRegistry);
    // A schema change left drill data to rebuild: a background job does it, snapshot by snapshot; opening never waits.
    if (staleSnapshots(db).length > 0) backend.startDrillRebuild();
    if ((options.loadDemoOnFirstStart ?? true) && migration.from === 0) backend.startDemoLoad();
    return backend;
  }

  /** Starts rebuilding the drill data a schema change marked stale (the job of a later start takes up what is left). */
  startDrillRebuild(): string {
    const params: DrillRebuildParams = { dbFile: this.dbFile };
    this.drillRebuildJobId = this.jobs.start('drill.rebuild', 'drill.rebuild', params).jobId;
    return this.drillRebuildJobId;
  }

  /** The drill-data rebuild started at opening, if one was needed. */
  get drillRebuildJob(): string | undefined {
    return this.drillRebuildJobId;
  }

  /** Starts loading the demo snapshot (first start of an empty data directory). */
  startDemoLoad(): string {
    const workDir = path.join(this.options.dataDir, 'tmp');
    fs.mkdirSync(workDir, { recursive: true });
    const params: DemoLoadParams = {
      dbFile: this.dbFile,
      workDir,
      trades: this.options.demoTrades ?? demoTradesFromEnvironment() ?? demoSnapshot.trades,
      seed: demoSnapshot.seed,
    };
    this.demoJobId = this.jobs.start('demo.load', 'demo.load', params).jobId;
    return this.demoJobId;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  get demoJob(): string | undefined {
    return this.demoJobId;
  }

  info(): AppInfo {
    return {
      name: 'Concordat',
      version: this.options.version,
      mode: this.options.mode,
      dataDir: this.options.dataDir,
      schemaVersion: latestSchemaVersion,
      sqliteVersion: (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      demoLoading: this.jobs.isRunning('demo.load'),
    };
  }

  async call(method: string, input: unknown): Promise<unknown> {
    try {
      if (!isMethodName(method)) throw new ContractError('NOT_FOUND', `There is no method named "${method}".`, { method });
      const parsed = contract[method].input.parse(input ?? {});
      const handler = this.handlers[method] as (input: unknown) => unknown;
      return await handler(parsed);
    } catch (error) {
      throw toContractError(error);
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    const envelope = { event, payload } as EventEnvelope;
    for (const listener of this.listeners) listener(envelope);
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
    this.db.close();
  }
}

/** CONCORDAT_DEMO_TRADES: a smaller (or larger) demo for tests and demonstrations. */
function demoTradesFromEnvironment(): number | undefined {
  const value = Number(process.env.CONCORDAT_DEMO_TRADES);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Maps anything thrown inside the backend onto the contract's error shape. */
export function toContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  if (error instanceof ZodError) {
    const first = error.issues[0];
    // The field in the user's words; the contract's path stays in `issues` for the form to mark it.
    return new ContractError('INVALID_INPUT', invalidFieldMessage(first?.path ?? [], first?.message ?? 'not what was expected'), {
      issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  if (error instanceof Database.SqliteError) {
    // A long write elsewhere (an import or a feed sync making its snapshot visible) holds SQLite's
    // single write lock for longer than the busy timeout: say so, rather than "database is locked".
    if (isDatabaseBusy(error)) return databaseBusyError(error.code);
    // The SQLite code and text stay in the message: they are what a support engineer needs.
    return new ContractError(
      'INTERNAL',
      `The database could not complete this action (${error.code}: ${error.message}). Try again; if it happens again, note the time and this message for your support team.`,
    );
  }
  return new ContractError('INTERNAL', error instanceof Error ? error.message : String(error));
}

export type { MethodName };
