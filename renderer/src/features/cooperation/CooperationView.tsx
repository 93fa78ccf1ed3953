import { useEffect } from 'react';
import type { RegistryInfo } from '../../../../shared/contract';
import type { CooperationPage, RegistryTab } from '../../stores/cooperation.store';
import { useCooperationStore } from '../../stores/StoresContext';
import { AuthoritiesGrid } from './AuthoritiesGrid';
import { EditsList } from './EditsList';
import { InstrumentPage } from './InstrumentPage';
import { InstrumentsGrid } from './InstrumentsGrid';
import { when } from './labels';
import { ShareCheckView } from './ShareCheckView';
import { TabPanel, Tabs } from './parts';

/** Where the registry came from: origin, as-of date, digest and how many local edits it carries. */
function RegistryLine({ info }: { info: RegistryInfo }) {
  return (
    <p className="muted small registry-line" data-testid="registry-info">
      Registry: {info.origin} · as of {info.asOf} · SHA-256{' '}
      <span className="mono" title={info.sha256}>
        {info.sha256.slice(0, 12)}…
      </span>{' '}
      · {info.authorities} authorities, {info.instruments} instruments ·{' '}
      <span className={info.localEdits > 0 ? 'flag-warn' : ''}>
        {info.localEdits === 1 ? '1 local edit' : `${info.localEdits} local edits`}
      </span>{' '}
      · loaded {when(info.loadedAt)}
    </p>
  );
}

const pages: ReadonlyArray<{ id: CooperationPage; label: string }> = [
  { id: 'registry', label: 'Registry' },
  { id: 'check', label: 'Can I share?' },
];

/** The MoUs view: the registry of authorities and instruments (with local edits), and the "Can I share?" check. */
export function CooperationView() {
  const s = useCooperationStore((x) => x);
  const { load } = s;
  useEffect(() => {
    void load();
  }, [load]);

  const registryTabs: ReadonlyArray<{ id: RegistryTab; label: string }> = [
    { id: 'instruments', label: `Instruments (${s.instruments.length})` },
    { id: 'authorities', label: `Authorities (${s.authorities.length})` },
    { id: 'edits', label: `Local edits (${s.edits.length})` },
  ];

  return (
    <section className="view coop-view" data-testid="mous-view">
      <header className="view-header">
        <h1>MoUs</h1>
        <Tabs label="MoUs" tabs={pages} selected={s.page} onSelect={s.setPage} idPrefix="coop" />
      </header>
      {s.info && <RegistryLine info={s.info} />}
      {s.error && (
        <p className="error" role="alert">
          {s.error}{' '}
          <button type="button" onClick={() => void load(true)}>
            Retry
          </button>
        </p>
      )}
      {s.loading && !s.loaded && <p className="muted">Loading the registry…</p>}
      {s.page === 'registry' && (
        <TabPanel idPrefix="coop" id="registry">
          {s.instrumentCode !== undefined ? (
            s.instrument ? (
              <InstrumentPage instrument={s.instrument} onBack={s.closeInstrument} />
            ) : (
              <div>
                <button type="button" className="link" onClick={s.closeInstrument}>
                  ‹ All instruments
                </button>
                {s.instrumentError ? (
                  <p className="error" role="alert">
                    {s.instrumentCode}: {s.instrumentError}
                  </p>
                ) : (
                  <p className="muted">Loading {s.instrumentCode}…</p>
                )}
              </div>
            )
          ) : (
            <>
              <Tabs label="Registry" tabs={registryTabs} selected={s.registryTab} onSelect={s.setRegistryTab} idPrefix="registry" />
              <TabPanel idPrefix="registry" id={s.registryTab}>
                {s.registryTab === 'instruments' && (
                  <InstrumentsGrid instruments={s.instruments} authorities={s.authorities} onOpen={(code) => void s.openInstrument(code)} />
                )}
                {s.registryTab === 'authorities' && <AuthoritiesGrid authorities={s.authorities} instruments={s.instruments} />}
                {s.registryTab === 'edits' && <EditsList edits={s.edits} />}
              </TabPanel>
            </>
          )}
        </TabPanel>
      )}
      {s.page === 'check' && (
        <TabPanel idPrefix="coop" id="check">
          <ShareCheckView />
        </TabPanel>
      )}
    </section>
  );
}
