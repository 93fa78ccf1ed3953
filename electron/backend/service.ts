import type { MethodName, OutputOf, ParsedInputOf } from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/app';
import type { Db } from './db/openDatabase';
import { drill } from './exposure/drill';
import { tradesBehind } from './exposure/trades';
import { createFeedHandlers } from './feeds/feeds.service';
import type { JobManager } from './jobs/jobManager';
import { exportIssuesCsv, getRejectedRow, listIssues, listSnapshotFiles, summariseIssues } from './snapshots/issues.repo';
import { listSnapshots } from './snapshots/snapshots.repo';
import { startImport } from './snapshots/startImport';

/** One handler per contract method, typed from the contract: a missing or mistyped one fails the typecheck. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInputOf<M>) => OutputOf<M> | Promise<OutputOf<M>>;
};

export interface ServiceContext {
  db: Db;
  dbFile: string;
  dataDir: string;
  info: () => AppInfo;
  jobs: JobManager;
}

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    'app.info': () => ctx.info(),
    'snapshots.list': () => listSnapshots(ctx.db),
    'snapshots.files': (input) => listSnapshotFiles(ctx.db, input.snapshotId),
    'snapshots.import': (input) => startImport(ctx, input),
    'snapshots.issues': ({ startRow, endRow, ...filter }) => listIssues(ctx.db, filter, startRow, endRow),
    'snapshots.issueSummary': (input) => summariseIssues(ctx.db, input.snapshotId),
    'snapshots.exportIssues': (input) => exportIssuesCsv(ctx.db, input),
    'snapshots.rejectedRow': (input) => getRejectedRow(ctx.db, input.snapshotId, input.file, input.line),
    'exposure.drill': (input) => drill(ctx.db, input),
    'exposure.trades': (input) => tradesBehind(ctx.db, input),
    'jobs.list': () => ctx.jobs.list(),
    'jobs.cancel': (input) => ({ cancelled: ctx.jobs.cancel(input.jobId) }),
    ...createFeedHandlers(ctx),
  } satisfies Handlers;
}
