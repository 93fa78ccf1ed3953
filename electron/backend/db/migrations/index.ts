import type { Migration } from './migration';
import { initialSchema } from './0001-initial-schema';
import { snapshotSources } from './0002-snapshot-sources';
import { feeds } from './0003-feeds';
import { tradeStateRowid } from './0004-trade-state-rowid';
import { exposurePositions } from './0005-exposure-positions';
import { exposureCells } from './0006-exposure-cells';
import { savedViews } from './0007-saved-views';
import { cooperation } from './0008-cooperation';
import { figuresAsOf } from './0009-figures-as-of';
import { rejectedRowLocationKey } from './0010-rejected-row-location-key';
import { importLeases } from './0011-import-leases';
import { cases } from './0012-cases';
import { partnersAndBundles } from './0013-partners-and-bundles';
import { workstationSettings } from './0014-workstation-settings';
import { marginSchedule } from './0015-margin-schedule';
import { alerts } from './0016-alerts';
import { alertCompare } from './0017-alert-compare';
import { protocols } from './0018-protocols';
import { stressScenarios } from './0019-stress-scenarios';
import { snapshotDigests } from './0020-snapshot-digests';
import { drillRebuildQueue } from './0021-drill-rebuild-queue';

/** Ordered, append-only. Never edit a shipped migration: add the next one. */
export const migrations: readonly Migration[] = [
  initialSchema,
  snapshotSources,
  feeds,
  tradeStateRowid,
  exposurePositions,
  exposureCells,
  savedViews,
  cooperation,
  figuresAsOf,
  rejectedRowLocationKey,
  importLeases,
  cases,
  partnersAndBundles,
  workstationSettings,
  marginSchedule,
  alerts,
  alertCompare,
  protocols,
  stressScenarios,
  snapshotDigests,
  drillRebuildQueue,
];

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
