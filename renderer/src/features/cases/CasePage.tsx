import { useState } from 'react';
import type { CaseDetail } from '../../../../shared/contract';
import { countOf } from '../../../../shared/domain/format';
import { caseTabs, type CaseTab } from '../../stores/cases.store';
import { useCasesStore } from '../../stores/StoresContext';
import { TabPanel, Tabs } from '../cooperation/parts';
import { AuditPanel } from './AuditPanel';
import { CaseForm } from './CaseForm';
import { statusLabels, tabLabels, when } from './caseLabels';
import { ClassificationBanner, TlpBadge } from './Classification';
import { DossierButton } from './DossierButton';
import { ExportWizard } from './ExportWizard';
import { ItemPage } from './ItemPage';
import { ItemsPanel } from './ItemsPanel';
import { ReceivedProvenancePanel } from './ReceivedProvenancePanel';
import { SearchPanel } from './SearchPanel';
import { SubjectsPanel } from './SubjectsPanel';
import { TasksPanel } from './TasksPanel';
import { TimelinePanel } from './TimelinePanel';

/** The tab's label with what it holds: "Items (12)", "Tasks (3 open, 1 overdue)". */
function tabLabel(tab: CaseTab, d: CaseDetail, items: number): string {
  if (tab === 'items') return `${tabLabels.items} (${items})`;
  if (tab === 'subjects') return `${tabLabels.subjects} (${d.subjects.filter((s) => !s.withdrawn).length})`;
  if (tab === 'tasks') {
    const open = d.tasks.filter((t) => t.status === 'open').length;
    const overdue = d.tasks.filter((t) => t.overdue).length;
    return `${tabLabels.tasks} (${open}${overdue > 0 ? `, ${overdue} overdue` : ''})`;
  }
  return tabLabels[tab];
}

/** The header's facts: who leads, for which authority, since when, tagged how, at which version. */
function CaseFacts({ detail }: { detail: CaseDetail }) {
  const h = detail.header;
  return (
    <div className="case-facts">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {statusLabels[h.status]}
          {h.closedAt ? ` since ${h.closedAt}` : ''}
        </dd>
        <dt>Classification</dt>
        <dd>
          <TlpBadge tlp={h.classification} />
          {h.handlingCaveat ? ` · ${h.handlingCaveat}` : ''}
        </dd>
        <dt>Lead investigator</dt>
        <dd>{h.leadInvestigator ?? '—'}</dd>
        <dt>Owning authority</dt>
        <dd>{h.owningAuthority ?? '—'}</dd>
        <dt>Opened</dt>
        <dd>{h.openedAt}</dd>
        <dt>Tags</dt>
        <dd>{h.tags.length > 0 ? h.tags.join(', ') : '—'}</dd>
        <dt>Version</dt>
        <dd>
          {h.version}, updated {when(h.updatedAt)}
        </dd>
        <dt>Audit</dt>
        <dd>
          {countOf(detail.audit.entries, 'entry', 'entries')}
          {detail.audit.lastSignature ? `, head signed at entry ${detail.audit.lastSignature.seq}` : ''}
        </dd>
      </dl>
      {h.summary && <p className="case-summary">{h.summary}</p>}
      {h.closingNote && (
        <p className="case-summary">
          <strong>Closing note:</strong> {h.closingNote}
        </p>
      )}
    </div>
  );
}

/** A case: its classification banner, header (with Edit and Dossier), and tabs for items, subjects, tasks, timeline, search, audit. */
export function CasePage() {
  const route = useCasesStore((s) => s.route);
  const detail = useCasesStore((s) => s.detail);
  const detailError = useCasesStore((s) => s.detailError);
  const itemsCount = useCasesStore((s) => s.itemsTotal);
  const items = useCasesStore((s) => s.items);
  const navigate = useCasesStore((s) => s.navigate);
  const reloadCase = useCasesStore((s) => s.reloadCase);
  const [editing, setEditing] = useState(false);
  const [exporting, setExporting] = useState(false);
  const caseNumber = route.caseNumber!;
  const back = (
    <button type="button" className="link" onClick={() => void navigate({ tab: 'items' })}>
      ‹ All cases
    </button>
  );
  if (!detail || detail.header.caseNumber !== caseNumber)
    return (
      <section className="view">
        {back}
        {detailError ? (
          <p className="error" role="alert">
            {detailError}{' '}
            <button type="button" onClick={() => void reloadCase()}>
              Retry
            </button>
          </p>
        ) : (
          <p className="muted">Loading {caseNumber}…</p>
        )}
      </section>
    );
  const h = detail.header;
  const writable = !h.received && (h.status === 'open' || h.status === 'suspended');
  const tabs = caseTabs.map((t) => ({ id: t, label: tabLabel(t, detail, itemsCount) }));
  return (
    <section className="case-page" aria-labelledby="case-title" data-testid="case-page">
      <ClassificationBanner header={h} />
      {back}
      <header className="view-header case-header">
        <h1 id="case-title">
          <span className="mono">{h.caseNumber}</span> · {h.title}
        </h1>
        <span className={`badge status-${h.status}`}>{statusLabels[h.status]}</span>
        {!h.received && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit…
          </button>
        )}
        <DossierButton caseNumber={h.caseNumber} />
        <button type="button" onClick={() => setExporting(true)}>
          Export bundle…
        </button>
      </header>
      {h.received && <ReceivedProvenancePanel caseNumber={h.caseNumber} />}
      {!writable && !h.received && (
        <p className="notice small">
          This case is {statusLabels[h.status].toLowerCase()}: nothing can be added or changed until it is reopened (Edit… → Status).
        </p>
      )}
      <CaseFacts detail={detail} />
      <Tabs label="Case" tabs={tabs} selected={route.tab} onSelect={(tab) => void navigate({ caseNumber, tab })} idPrefix="case" />
      <TabPanel idPrefix="case" id={route.tab}>
        {route.itemId !== undefined ? (
          <ItemPage caseNumber={caseNumber} writable={writable} />
        ) : (
          <>
            {route.tab === 'items' && <ItemsPanel caseNumber={caseNumber} writable={writable} />}
            {route.tab === 'subjects' && <SubjectsPanel subjects={detail.subjects} caseNumber={caseNumber} writable={writable} />}
            {route.tab === 'tasks' && <TasksPanel tasks={detail.tasks} items={items} caseNumber={caseNumber} writable={writable} />}
            {route.tab === 'timeline' && <TimelinePanel caseNumber={caseNumber} />}
            {route.tab === 'search' && <SearchPanel caseNumber={caseNumber} />}
            {route.tab === 'audit' && <AuditPanel detail={detail} />}
          </>
        )}
      </TabPanel>
      {exporting && <ExportWizard caseNumber={h.caseNumber} onClose={() => setExporting(false)} />}
      {editing && <CaseForm header={h} onCancel={() => setEditing(false)} onDone={() => setEditing(false)} />}
    </section>
  );
}
