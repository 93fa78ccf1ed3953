import { useEffect } from 'react';
import { JobsBar } from './components/JobsBar';
import { NavBar } from './components/NavBar';
import { SnapshotPicker } from './components/SnapshotPicker';
import { CasesView } from './features/cases/CasesView';
import { CooperationView } from './features/cooperation/CooperationView';
import { ExposureView } from './features/exposure/ExposureView';
import { RequestsView } from './features/requests/RequestsView';
import { SettingsView } from './features/settings/SettingsView';
import { SnapshotsView } from './features/snapshots/SnapshotsView';
import { SupervisionView } from './features/supervision/SupervisionView';
import { TradesView } from './features/trades/TradesView';
import { useAppStore } from './stores/StoresContext';

/** The app shell: navigation, snapshot picker, job progress, and the current view. */
export function App() {
  const init = useAppStore((s) => s.init);
  const view = useAppStore((s) => s.view);
  const info = useAppStore((s) => s.info);
  const error = useAppStore((s) => s.error);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="shell">
      <NavBar />
      <div className="main">
        <header className="topbar">
          <SnapshotPicker />
          <span className="muted small">{info ? `v${info.version} · ${info.mode === 'browser' ? 'browser mode' : info.mode}` : ''}</span>
        </header>
        <JobsBar />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <main>
          {view === 'exposure' && <ExposureView />}
          {view === 'feeds' && <SnapshotsView />}
          {view === 'trades' && <TradesView />}
          {view === 'mous' && <CooperationView />}
          {view === 'requests' && <RequestsView />}
          {view === 'cases' && <CasesView />}
          {view === 'supervision' && <SupervisionView />}
          {view === 'settings' && <SettingsView />}
        </main>
      </div>
    </div>
  );
}
