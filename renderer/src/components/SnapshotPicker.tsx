import { formatDate } from '../../../shared/domain/dateFormat';
import { usePreferences } from '../stores/preferences';
import { useAppStore } from '../stores/StoresContext';

/** Chooses the snapshot every view works on. */
export function SnapshotPicker() {
  const snapshots = useAppStore((s) => s.snapshots);
  const selected = useAppStore((s) => s.selectedSnapshotId);
  const select = useAppStore((s) => s.selectSnapshot);
  const dateFormat = usePreferences((s) => s.dateFormat);
  if (snapshots.length === 0) return <span className="muted">No snapshot yet</span>;
  return (
    <label className="snapshot-picker">
      Snapshot{' '}
      <select value={selected ?? ''} onChange={(e) => select(Number(e.target.value))} data-testid="snapshot-picker">
        {snapshots.map((s) => (
          <option key={s.snapshotId} value={s.snapshotId}>
            {s.sourceName} · {s.regime} · as of {formatDate(s.asOfDate, dateFormat)} · v{s.version}
            {s.isDemo ? ' (demo data)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
