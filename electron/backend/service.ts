import type { Handlers, ServiceContext } from './context';
import { createBundleHandlers } from './bundles/bundles.service';
import { createMarginHandlers } from './supervision/margin.service';
import { createProtocolHandlers } from './protocols/protocols.service';
import { createStressHandlers } from './supervision/stress.service';
import { createAlertHandlers } from './supervision/alerts.service';
import { createCaseHandlers } from './cases/cases.service';
import { createCooperationHandlers } from './cooperation/cooperation.service';
import { addRequestEvent, createRequest, getRequest, listRequests, updateRequest } from './cooperation/requests.repo';
import { drill } from './exposure/drill';
import { exposureSeries } from './exposure/series';
import { tradesBehind } from './exposure/trades';
import { createFeedHandlers } from './feeds/feeds.service';
import { createKeyHandlers } from './keys/keys.service';
import { exportIssuesCsv, getRejectedRow, listIssues, listSnapshotFiles, snapshotBasis, summariseIssues } from './snapshots/issues.repo';
import { listSnapshots } from './snapshots/snapshots.repo';
import { startImport } from './snapshots/startImport';
import { getColumns, listViews, removeView, saveView, setColumns } from './views/views.repo';

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    'app.info': () => ctx.info(),
    'snapshots.list': () => listSnapshots(ctx.db),
    'snapshots.files': (input) => listSnapshotFiles(ctx.db, input.snapshotId),
    'snapshots.basis': (input) => snapshotBasis(ctx.db, input.snapshotId),
    'snapshots.import': (input) => startImport(ctx, input),
    'snapshots.issues': ({ startRow, endRow, ...filter }) => listIssues(ctx.db, filter, startRow, endRow),
    'snapshots.issueSummary': (input) => summariseIssues(ctx.db, input.snapshotId),
    'snapshots.exportIssues': (input) => exportIssuesCsv(ctx.db, input),
    'snapshots.rejectedRow': (input) => getRejectedRow(ctx.db, input.snapshotId, input.file, input.line, input.location),
    'exposure.drill': (input) => drill(ctx.db, input),
    'exposure.trades': (input) => tradesBehind(ctx.db, input),
    'exposure.series': (input) => exposureSeries(ctx.db, input),
    'jobs.list': () => ctx.jobs.list(),
    'jobs.cancel': (input) => ({ cancelled: ctx.jobs.cancel(input.jobId) }),
    ...createFeedHandlers(ctx),
    ...createCooperationHandlers(ctx),
    ...createCaseHandlers(ctx),
    ...createKeyHandlers(ctx),
    ...createBundleHandlers(ctx),
    ...createMarginHandlers(ctx),
    ...createProtocolHandlers(ctx),
    ...createStressHandlers(ctx),
    ...createAlertHandlers(ctx),
    'views.list': () => listViews(ctx.db),
    'views.save': (input) => saveView(ctx.db, input.name, input.state),
    'views.remove': (input) => removeView(ctx.db, input.viewId),
    'views.getColumns': (input) => getColumns(ctx.db, input.grid),
    'views.setColumns': (input) => setColumns(ctx.db, input.grid, input.columns),
    'requests.list': (input) => listRequests(ctx.db, input),
    'requests.get': (input) => getRequest(ctx.db, input.requestId, input.asOf),
    'requests.create': (input) => createRequest(ctx.db, input),
    'requests.update': (input) => updateRequest(ctx.db, input),
    'requests.addEvent': (input) => addRequestEvent(ctx.db, input),
  } satisfies Handlers;
}
