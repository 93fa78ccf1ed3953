import { useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  refusalGrounds,
  requestEventKinds,
  type AckDeadline,
  type InputOf,
  type RefusalGround,
  type RequestDetail,
  type RequestEvent,
} from '../../../../shared/contract';
import { ackStateLabels, localToday } from '../../../../shared/domain/requestDeadlines';
import type { FieldErrors } from '../../stores/requests.store';
import { useRequestsStore } from '../../stores/StoresContext';
import { IsoDateInput } from '../../components/IsoDateInput';
import {
  acfitLabels,
  changeValueText,
  directionLabels,
  eventLabels,
  fieldLabels,
  refusalGroundLabels,
  statusLabels,
  typeLabels,
  urgencyLabels,
} from './requestLabels';

type EventKind = (typeof requestEventKinds)[number];

/**
 * The acknowledgement deadline: the date, its state in words, the rule with its source, and the
 * holiday calendar the working days were counted on (or that there was none: weekends only).
 */
function DeadlineBox({ deadline }: { deadline: AckDeadline }) {
  const cal = deadline.calendar;
  return (
    <div className={`deadline-box ack-${deadline.state}`} data-testid="ack-deadline">
      <div>
        <strong>Acknowledgement due: </strong>
        <span data-testid="ack-due" title={cal.note}>
          {deadline.ackDueAt ?? '—'}
        </span>{' '}
        <span className={`ack-state ack-${deadline.state}`} data-testid="ack-state">
          {ackStateLabels[deadline.state]}
        </span>
      </div>
      <p className="small">{deadline.note}</p>
      <p className="small">
        Rule: <strong>{deadline.ruleLabel}</strong>
        {deadline.workingDays !== null &&
          ` · ${deadline.workingDays} working days from the ${deadline.clockField === 'receivedAt' ? 'received' : 'sent'} date (${deadline.clockStart ?? 'not yet known'})`}
        . {deadline.ruleText}
      </p>
      <p className="muted small">
        Source: {deadline.source}
        {deadline.sourceUrl && (
          <>
            {' · '}
            <span className="mono">{deadline.sourceUrl}</span>
          </>
        )}
        .
      </p>
      <p className={cal.basis === 'holiday_calendar' ? 'small' : 'small flag-warn'} data-testid="ack-calendar">
        {cal.note}
        {cal.basis !== 'holiday_calendar' &&
          ' The due date may come earlier than the authority’s own count, when a holiday it observes falls in the period.'}
      </p>
      {cal.calendarName && (
        <p className="muted small" data-testid="ack-calendar-source">
          {cal.standsInFor && <>{cal.standsInFor} </>}
          Holidays from{' '}
          {cal.sourceUrls.map((url, i) => (
            <span key={url}>
              {i > 0 && ', '}
              <span className="mono">{url}</span>
            </span>
          ))}
          {cal.checkedOn && `, checked ${cal.checkedOn}`}
          {cal.years && `; covers ${cal.years.from}–${cal.years.to}`}.
        </p>
      )}
    </div>
  );
}

function Facts({ r }: { r: RequestDetail }) {
  const rows: Array<[string, ReactNode]> = [
    ['Direction', directionLabels[r.direction]],
    ['Status', statusLabels[r.status]],
    ['Our reference', r.ourRef],
    ['Their reference', r.theirRef ?? '—'],
    ['Requesting authority', `${r.requestingAuthority} · ${r.direction === 'incoming' ? r.counterpartAuthorityName : r.ourAuthorityName}`],
    ['Requested authority', `${r.requestedAuthority} · ${r.direction === 'incoming' ? r.ourAuthorityName : r.counterpartAuthorityName}`],
    [
      'Legal basis',
      r.instrument
        ? `${r.instrument}${r.instrumentTitle ? ` (${r.instrumentTitle})` : ''}${r.provisionKey ? ` · ${r.provisionKey}` : ''}`
        : '—',
    ],
    ['Type', `${typeLabels[r.requestType]}${r.acfitPower ? ` · ${acfitLabels[r.acfitPower]}` : ''}`],
    ['Urgency', `${urgencyLabels[r.urgency]}${r.urgencyReason ? `: ${r.urgencyReason}` : ''}`],
    ['Subject', r.subject],
    ['Purpose', r.purpose],
    ['Facts', r.factsSummary ?? '—'],
    [
      'Entities',
      r.entities.length === 0 ? (
        '—'
      ) : (
        <ul className="plain">
          {r.entities.map((e, i) => (
            <li key={i}>
              {e.kind === 'lei' ? 'LEI' : e.kind === 'wallet' ? 'Wallet' : 'Name'}:{' '}
              <span className={e.kind === 'name' ? '' : 'mono'}>{e.value}</span>
            </li>
          ))}
        </ul>
      ),
    ],
    ['Sent', r.sentAt ?? '—'],
    ['Received', r.receivedAt ?? '—'],
    ['Acknowledged', r.acknowledgedAt ?? '—'],
    ['Estimated response', r.estimatedResponseAt ?? '—'],
    ['Refusal', r.refusalGround ? `${refusalGroundLabels[r.refusalGround]}: ${r.refusalReason ?? ''}` : '—'],
    ['Closed', r.closedAt ?? '—'],
  ];
  return (
    <dl className="request-facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function EventItem({ e }: { e: RequestEvent }) {
  return (
    <li data-testid="request-event">
      <span className="event-at">{e.at}</span> <strong>{eventLabels[e.kind] ?? e.kind}</strong>
      {e.refusalGround && <span> · {refusalGroundLabels[e.refusalGround] ?? e.refusalGround}</span>}
      {e.estimatedResponseAt && <span> · estimate {e.estimatedResponseAt}</span>}
      {e.reason && <span> · reason: {e.reason}</span>}
      {e.text && <span> · {e.text}</span>}
      {e.changes && (
        <ul className="plain small">
          {e.changes.map((c, i) => (
            <li key={i}>
              {fieldLabels[c.field] ?? c.field}: {changeValueText(c.field, c.from)} → {changeValueText(c.field, c.to)}
            </li>
          ))}
        </ul>
      )}
      <span className="muted small"> (entered {e.recordedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})</span>
    </li>
  );
}

/** What each kind of event asks for. */
const needs: Record<EventKind, { estimate?: 'optional' | 'required'; reason?: boolean; ground?: boolean; text?: 'optional' | 'required' }> =
  {
    acknowledged: { estimate: 'optional', text: 'optional' },
    revised_estimate: { estimate: 'required', reason: true },
    partial_response: { text: 'optional' },
    consultation: { text: 'required' },
    consent_received: { text: 'required' },
    refused: { ground: true, reason: true },
    answered: { text: 'optional' },
    withdrawn: { reason: true },
    closed: { text: 'optional' },
    note: { text: 'required' },
  };

/** "Add event": the kind, its date (today by default) and what that kind needs; the contract's messages appear by the fields. */
function AddEventForm({ request }: { request: RequestDetail }) {
  const addEvent = useRequestsStore((s) => s.addEvent);
  const id = useId();
  const [kind, setKind] = useState<EventKind>(request.acknowledgedAt ? 'note' : 'acknowledged');
  const [at, setAt] = useState(localToday());
  const [estimate, setEstimate] = useState('');
  const [reason, setReason] = useState('');
  const [ground, setGround] = useState<RefusalGround | ''>('');
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();
  const [status, setStatus] = useState<string>();
  const need = needs[kind];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: Record<string, unknown> = { requestId: request.requestId, kind, at };
    if (need.estimate && (estimate !== '' || need.estimate === 'required')) input.estimatedResponseAt = estimate || undefined;
    if (need.reason) input.reason = reason;
    if (need.ground) input.refusalGround = ground || undefined;
    if (need.text && (text.trim() !== '' || need.text === 'required')) input.text = text;
    const outcome = await addEvent(input as InputOf<'requests.addEvent'>);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setMessage(outcome.message);
      setStatus(undefined);
      return;
    }
    setErrors({});
    setMessage(undefined);
    setStatus(`${eventLabels[kind]} recorded.`);
    setEstimate('');
    setReason('');
    setGround('');
    setText('');
  };

  const fid = (name: string) => `${id}-${name}`;
  const aria = (name: string) => ({
    id: fid(name),
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${fid(name)}-error` : undefined,
  });
  const field = (name: string, label: string, control: ReactNode) => (
    <div className="form-field">
      <label htmlFor={fid(name)}>{label}</label>
      {control}
      {errors[name] && (
        <span id={`${fid(name)}-error`} className="error small field-error">
          {errors[name]}
        </span>
      )}
    </div>
  );

  return (
    <form className="add-event" aria-label="Add event" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Add event</h3>
      {message && (
        <p className="error small" role="alert">
          {message}
        </p>
      )}
      <div className="form-grid">
        {field(
          'kind',
          'Event',
          <select
            {...aria('kind')}
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as EventKind);
              setErrors({});
              setMessage(undefined);
            }}
          >
            {requestEventKinds.map((k) => (
              <option key={k} value={k}>
                {eventLabels[k]}
              </option>
            ))}
          </select>,
        )}
        {field('at', 'Date', <IsoDateInput {...aria('at')} value={at} onChange={(value) => setAt(value)} />)}
        {need.estimate &&
          field(
            'estimatedResponseAt',
            need.estimate === 'required' ? 'New estimated response' : 'Estimated response (optional)',
            <IsoDateInput {...aria('estimatedResponseAt')} value={estimate} onChange={(value) => setEstimate(value)} />,
          )}
        {need.ground &&
          field(
            'refusalGround',
            'Refusal ground',
            <select {...aria('refusalGround')} value={ground} onChange={(e) => setGround(e.target.value as RefusalGround | '')}>
              <option value="">Choose…</option>
              {refusalGrounds.map((g) => (
                <option key={g} value={g}>
                  {refusalGroundLabels[g]}
                </option>
              ))}
            </select>,
          )}
      </div>
      {need.reason &&
        field(
          'reason',
          'Reason',
          <input {...aria('reason')} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />,
        )}
      {need.text &&
        field(
          'text',
          need.text === 'required' ? 'Details' : 'Details (optional)',
          <textarea {...aria('text')} value={text} rows={2} maxLength={4000} onChange={(e) => setText(e.target.value)} />,
        )}
      <div className="actions">
        <button type="submit">Add event</button>
      </div>
      <p className="visually-hidden" role="status">
        {status}
      </p>
    </form>
  );
}

/** Small status moves that are not events: send a draft (with its date), set a request in progress. */
function StatusActions({ request, onEdit }: { request: RequestDetail; onEdit: () => void }) {
  const update = useRequestsStore((s) => s.update);
  const [sentAt, setSentAt] = useState(localToday());
  const [message, setMessage] = useState<string>();
  const id = useId();
  const run = async (input: InputOf<'requests.update'>) => {
    const outcome = await update(input);
    setMessage(outcome.ok ? undefined : outcome.message);
  };
  const canProgress = ['sent', 'received', 'acknowledged', 'partially_answered'].includes(request.status);
  return (
    <div className="request-actions">
      {request.status !== 'closed' && (
        <button type="button" onClick={onEdit}>
          Edit…
        </button>
      )}
      {request.status === 'draft' && (
        <span className="inline-form">
          <label htmlFor={`${id}-sent`}>Sent on</label>
          <IsoDateInput id={`${id}-sent`} value={sentAt} onChange={(value) => setSentAt(value)} />
          <button type="button" onClick={() => void run({ requestId: request.requestId, status: 'sent', sentAt })}>
            Mark as sent
          </button>
        </span>
      )}
      {canProgress && (
        <button type="button" onClick={() => void run({ requestId: request.requestId, status: 'in_progress' })}>
          Set in progress
        </button>
      )}
      {message && (
        <span className="error small" role="alert">
          {message}
        </span>
      )}
    </div>
  );
}

/** The request page: every field, the acknowledgement deadline with its rule, the events, and "Add event". */
export function RequestPage({ request, onClose, onEdit }: { request: RequestDetail; onClose: () => void; onEdit: () => void }) {
  const id = useId();
  return (
    <section className="detail request-page" aria-labelledby={`${id}-title`} data-testid="request-page">
      <header className="view-header">
        <h2 id={`${id}-title`}>
          Request {request.ourRef}
          {request.theirRef ? ` · their ref ${request.theirRef}` : ''} · {statusLabels[request.status]}
        </h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </header>
      <StatusActions request={request} onEdit={onEdit} />
      <DeadlineBox deadline={request.deadline} />
      <div className="request-columns">
        <Facts r={request} />
        <div>
          <h3>Events</h3>
          <ol className="timeline" aria-label="Events, oldest first">
            {request.events.map((e) => (
              <EventItem key={e.eventId} e={e} />
            ))}
          </ol>
          <AddEventForm key={request.requestId} request={request} />
        </div>
      </div>
    </section>
  );
}
