import type { SnapshotSummary } from '../../../../shared/contract';
import { formatDate } from '../../../../shared/domain/dateFormat';
import { currentDateFormat } from '../../stores/preferences';

/** A snapshot as the pickers name it: source, regime, as-of date and version. */
export const snapshotLabel = (s: Pick<SnapshotSummary, 'sourceName' | 'regime' | 'asOfDate' | 'version'>): string =>
  `${s.sourceName} · ${s.regime} · as of ${formatDate(s.asOfDate, currentDateFormat())} · v${s.version}`;
