import type { SnapshotSummary } from '../../../../shared/contract';

/** A snapshot as the pickers name it: source, regime, as-of date and version. */
export const snapshotLabel = (s: Pick<SnapshotSummary, 'sourceName' | 'regime' | 'asOfDate' | 'version'>): string =>
  `${s.sourceName} · ${s.regime} · as of ${s.asOfDate} · v${s.version}`;
