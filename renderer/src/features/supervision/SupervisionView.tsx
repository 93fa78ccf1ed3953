import { useAppStore } from '../../stores/StoresContext';
import { AlertsPanel } from './AlertsPanel';
import { MarginPanel } from './MarginPanel';
import { StressPanel } from './StressPanel';

/** Supervision analytics on the open snapshot: margin against the harmonised schedule, and stress cascades. */
export function SupervisionView() {
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const refreshAlerts = useAppStore((s) => s.refreshAlertCount);
  return (
    <section className="view supervision-view" data-testid="supervision-view">
      <header className="view-header">
        <h1>Supervision</h1>
      </header>
      {snapshotId === undefined ? (
        <p className="muted">No snapshot is open: import one, or wait for the demo data to load.</p>
      ) : (
        <>
          <AlertsPanel snapshotId={snapshotId} onChanged={() => void refreshAlerts()} />
          <MarginPanel snapshotId={snapshotId} />
          <StressPanel snapshotId={snapshotId} />
        </>
      )}
    </section>
  );
}
