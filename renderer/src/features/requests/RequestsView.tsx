import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef } from 'ag-grid-community';
import { useEffect, useId, useState } from 'react';
import { requestStatuses, type RequestDirection, type RequestStatus, type RequestSummary } from '../../../../shared/contract';
import { ackStateLabels, countedOnLabel } from '../../../../shared/domain/requestDeadlines';
import { emptyOverlaysSuppressed } from '../../components/EmptyState';
import { gridTheme } from '../../components/gridTheme';
import { useRequestsStore } from '../../stores/StoresContext';
import { RequestForm } from './RequestForm';
import { RequestPage } from './RequestPage';
import { directionLabels, statusLabels, typeLabels, urgencyLabels } from './requestLabels';

/** "2026-01-16 · overdue": the date and the state in words, so nothing rests on colour. */
export const ackText = (r: Pick<RequestSummary, 'ackDueAt' | 'ackState'>) =>
  r.ackDueAt ? `${r.ackDueAt} · ${ackStateLabels[r.ackState]}` : ackStateLabels[r.ackState];

const columns: ColDef<RequestSummary>[] = [
  { field: 'ourRef', headerName: 'Our ref', width: 140, pinned: 'left' },
  { field: 'theirRef', headerName: 'Their ref', width: 130 },
  { field: 'direction', headerName: 'Direction', width: 110, valueFormatter: (p) => (p.data ? directionLabels[p.data.direction] : '') },
  {
    field: 'counterpartAuthority',
    headerName: 'Counterpart',
    width: 130,
    headerTooltip: 'The requesting authority of an incoming request, the requested one of an outgoing request',
  },
  { field: 'status', headerName: 'Status', width: 150, valueFormatter: (p) => (p.data ? statusLabels[p.data.status] : '') },
  {
    colId: 'ack',
    headerName: 'Acknowledgement due',
    width: 220,
    valueGetter: (p) => (p.data ? ackText(p.data) : ''),
    headerTooltip:
      "Computed from the request's deadline rule, in working days of the authority that must act (the requested one): " +
      'weekends and the holidays of its calendar (see “Counted on”).',
    tooltipValueGetter: (p) => p.data?.ackCalendar.note,
    cellClassRules: {
      'ack-overdue': (p) => p.data?.ackState === 'overdue',
      'ack-due_soon': (p) => p.data?.ackState === 'due_soon',
      'ack-late': (p) => p.data?.ackState === 'late',
      'ack-met': (p) => p.data?.ackState === 'met',
    },
  },
  {
    colId: 'ackCalendar',
    headerName: 'Counted on',
    width: 230,
    valueGetter: (p) => (p.data ? countedOnLabel(p.data.ackCalendar) : ''),
    headerTooltip: 'The holiday calendar the working days are counted on, or “weekends only” when the requested authority has none',
    tooltipValueGetter: (p) => p.data?.ackCalendar.note,
    cellClassRules: { 'flag-warn': (p) => p.data !== undefined && p.data.ackCalendar.basis !== 'holiday_calendar' },
  },
  { field: 'requestType', headerName: 'Type', width: 180, valueFormatter: (p) => (p.data ? typeLabels[p.data.requestType] : '') },
  {
    field: 'urgency',
    headerName: 'Urgency',
    width: 100,
    valueFormatter: (p) => (p.data ? urgencyLabels[p.data.urgency] : ''),
    cellClassRules: { 'flag-warn': (p) => p.value === 'urgent' },
  },
  { field: 'subject', headerName: 'Subject', flex: 1, minWidth: 220, tooltipField: 'subject' },
  { field: 'estimatedResponseAt', headerName: 'Est. response', width: 130 },
  { field: 'receivedAt', headerName: 'Received', width: 120 },
  { field: 'sentAt', headerName: 'Sent', width: 120 },
];

/** Requests for assistance: the log with due and overdue acknowledgements, filters, "New request…" and the request page. */
export function RequestsView() {
  const s = useRequestsStore((x) => x);
  const { load, loadRegistry, open } = s;
  const [form, setForm] = useState<'new' | 'edit' | undefined>();
  const id = useId();

  useEffect(() => {
    void load();
    void loadRegistry();
  }, [load, loadRegistry]);

  const onKey = (e: CellKeyDownEvent<RequestSummary>) => {
    if ((e.event as KeyboardEvent | undefined)?.key === 'Enter' && e.data) void open(e.data.requestId);
  };
  const overdue = s.rows.filter((r) => r.ackState === 'overdue').length;
  const filtered = s.filters.direction !== undefined || s.filters.status !== undefined || s.filters.overdueOnly;

  return (
    <section className="view requests-view" data-testid="requests-view">
      <header className="view-header">
        <h1>Requests for assistance</h1>
        <button type="button" onClick={() => setForm('new')}>
          New request…
        </button>
      </header>
      <div className="filters" role="group" aria-label="Filter requests">
        <label htmlFor={`${id}-direction`}>Direction</label>
        <select
          id={`${id}-direction`}
          value={s.filters.direction ?? ''}
          onChange={(e) => void s.setFilters({ direction: (e.target.value || undefined) as RequestDirection | undefined })}
        >
          <option value="">All</option>
          <option value="incoming">Incoming</option>
          <option value="outgoing">Outgoing</option>
        </select>
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={s.filters.status ?? ''}
          onChange={(e) => void s.setFilters({ status: (e.target.value || undefined) as RequestStatus | undefined })}
        >
          <option value="">All</option>
          {requestStatuses.map((st) => (
            <option key={st} value={st}>
              {statusLabels[st]}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={s.filters.overdueOnly} onChange={(e) => void s.setFilters({ overdueOnly: e.target.checked })} />{' '}
          Overdue acknowledgements only
        </label>
        <span className="muted small" data-testid="requests-count" role="status">
          {s.loaded ? `${s.rows.length} request${s.rows.length === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} overdue` : ''}` : 'Loading…'}
        </span>
      </div>
      {s.error && (
        <p className="error" role="alert">
          {s.error}
        </p>
      )}
      <p className="muted small">
        Select a request (click, or Enter on a row) to open it. Due dates count working days on the holiday calendar of the authority that
        must act (the requested one); “Counted on” names it, or says weekends only when that authority has none.
      </p>
      {s.loaded && !s.error && s.rows.length === 0 && (
        // The grid's own overlay text is read once at mount ("Loading…" stayed): the empty list says so here.
        <div className="empty-state" role="status" data-testid="requests-empty">
          {filtered ? (
            <p>No request matches these filters. Choose “All” to see every request.</p>
          ) : (
            <p>
              No requests yet.{' '}
              <button type="button" className="link" onClick={() => setForm('new')}>
                Record a request another authority sent you, or prepare one to send
              </button>
            </p>
          )}
        </div>
      )}
      <div className="grid short requests-grid" data-testid="requests-grid">
        <AgGridReact<RequestSummary>
          theme={gridTheme}
          rowData={s.rows}
          columnDefs={columns}
          getRowId={(p) => String(p.data.requestId)}
          rowClassRules={{ 'row-overdue': (p) => p.data?.ackState === 'overdue' }}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          onRowClicked={(e) => e.data && void open(e.data.requestId)}
          onCellKeyDown={onKey}
          enableCellTextSelection
          // A dozen columns: all rendered, so every cell is there for screen readers and find-in-page.
          suppressColumnVirtualisation
          tooltipShowDelay={300}
          suppressOverlays={emptyOverlaysSuppressed}
        />
      </div>
      {s.selectedId !== undefined && s.detailError && (
        <p className="error" role="alert">
          {s.detailError}
        </p>
      )}
      {s.detail && <RequestPage request={s.detail} onClose={s.close} onEdit={() => setForm('edit')} />}
      {form === 'new' && (
        <RequestForm defaultOurAuthority={s.rows[0]?.ourAuthority} onCancel={() => setForm(undefined)} onDone={() => setForm(undefined)} />
      )}
      {form === 'edit' && s.detail && (
        <RequestForm request={s.detail} onCancel={() => setForm(undefined)} onDone={() => setForm(undefined)} />
      )}
    </section>
  );
}
