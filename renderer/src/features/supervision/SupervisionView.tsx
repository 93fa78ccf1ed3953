import { useState } from 'react';
import { useApi, useAppStore } from '../../stores/StoresContext';
import { ErrorLine } from '../../components/ErrorLine';
import { messageOf } from '../../stores/cases.store';
import { AlertsPanel } from './AlertsPanel';
import { MarginPanel } from './MarginPanel';
import { ProtocolsPanel } from './ProtocolsPanel';
import { StressPanel } from './StressPanel';

/** Supervision analytics on the open snapshot: alerts, margin against the harmonised schedule, stress cascades, protocols. */
export function SupervisionView() {
  const snapshotId = useAppStore((s) => s.selectedSnapshotId);
  const refreshAlerts = useAppStore((s) => s.refreshAlertCount);
  const api = useApi();
  // Bumped when the register changes: the alert rules re-run on the open snapshot and the alerts panel reloads.
  const [alertsVersion, setAlertsVersion] = useState(0);
  const [runError, setRunError] = useState<string>();
  const registerChanged = async (id: number) => {
    setRunError(undefined);
    try {
      await api.call('alerts.run', { snapshotId: id });
    } catch (e) {
      setRunError(`The alert rules could not run after the change: ${messageOf(e)}`);
    }
    setAlertsVersion((v) => v + 1);
    void refreshAlerts();
  };
  return (
    <section className="view supervision-view" data-testid="supervision-view">
      <header className="view-header">
        <h1>Supervision</h1>
      </header>
      {snapshotId === undefined ? (
        <p className="muted">No snapshot is open: import one, or wait for the demo data to load.</p>
      ) : (
        <>
          <ErrorLine message={runError} />
          <AlertsPanel key={alertsVersion} snapshotId={snapshotId} onChanged={() => void refreshAlerts()} />
          <MarginPanel snapshotId={snapshotId} />
          <StressPanel snapshotId={snapshotId} />
          <ProtocolsPanel snapshotId={snapshotId} onChanged={() => void registerChanged(snapshotId)} />
        </>
      )}
    </section>
  );
}
