import type { Migration } from './migration';
import { initialSchema } from './0001-initial-schema';
import { snapshotSources } from './0002-snapshot-sources';

/** Ordered, append-only. Never edit a shipped migration: add the next one. */
export const migrations: readonly Migration[] = [initialSchema, snapshotSources];

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
