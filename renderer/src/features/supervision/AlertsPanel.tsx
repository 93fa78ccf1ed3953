import { useCallback, useEffect, useId, useState } from 'react';
import type { Alert, AlertStatus, Dimension } from '../../../../shared/contract';
import { formatAlertValue } from '../../../../shared/domain/alertValues';
import { dimensionName } from '../../../../shared/domain/dimensionNames';
import { ErrorLine } from '../../components/ErrorLine';
import { messageOf } from '../../stores/cases.store';
import { useApi, useAppStore, useExposureStore } from '../../stores/StoresContext';
import { AddToCase } from '../cases/AddToCase';

const statusLabels: Record<AlertStatus, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  dismissed: 'Dismissed',
};

/**
 * The alerts of the open snapshot, most severe first: each with its value against the threshold, its status, and
 * what to do with it: open it in the drill, acknowledge, dismiss (with a reason), or escalate it to a case.
 */
export function AlertsPanel({ snapshotId, onChanged }: { snapshotId: number; onChanged: () => void }) {
  const api = useApi();
  const id = useId();
  const [alerts, setAlerts] = useState<Alert[]>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<AlertStatus | ''>('new');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    try {
      setAlerts(await api.call('alerts.list', { snapshotId, ...(status ? { status } : {}) }));
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, snapshotId, status]);
  useEffect(() => void load(), [load]);
  const runNow = async () => {
    setBusy(true);
    try {
      await api.call('alerts.run', { snapshotId });
      await load();
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const change = async (alert: Alert, next: 'acknowledged' | 'escalated' | 'dismissed', reason?: string) => {
    try {
      await api.call('alerts.setStatus', { alertId: alert.alertId, status: next, ...(reason ? { reason } : {}) });
      await load();
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const shown = alerts?.slice(0, 100) ?? [];
  return (
    <section aria-labelledby={`${id}-title`} data-testid="alerts-panel">
      <h2 id={`${id}-title`}>Alerts</h2>
      <div className="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as AlertStatus | '')}>
            <option value="">All</option>
            {(Object.keys(statusLabels) as AlertStatus[]).map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void runNow()} disabled={busy}>
          {busy ? 'Running the rules…' : 'Run the rules now'}
        </button>
        <span className="muted small" role="status">
          {alerts ? `${alerts.length} alert(s)${alerts.length > shown.length ? `, the first ${shown.length} shown` : ''}` : 'Loading…'}
        </span>
      </div>
      <ErrorLine message={error} />
      {alerts && alerts.length === 0 && (
        <p className="muted">No alerts {status ? `with status “${statusLabels[status]}”` : ''} for this snapshot.</p>
      )}
      {shown.length > 0 && (
        <table className="data-table" aria-label="Alerts">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Rule</th>
              <th scope="col">Subject</th>
              <th scope="col">Value vs threshold</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <AlertRow key={a.alertId} alert={a} change={change} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AlertRow({
  alert: a,
  change,
}: {
  alert: Alert;
  change: (a: Alert, next: 'acknowledged' | 'escalated' | 'dismissed', reason?: string) => Promise<void>;
}) {
  const api = useApi();
  const applyView = useExposureStore((s) => s.applyView);
  const selectSnapshot = useAppStore((s) => s.selectSnapshot);
  const setView = useAppStore((s) => s.setView);
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const openInDrill = async () => {
    const path = a.drill.path as Dimension[];
    // The breadcrumb names each key as the drill does ("Alpha Bank plc (LEI)", "Cross-border"): asked level by level.
    const labels = await Promise.all(
      a.drill.at.map((key, i) =>
        api
          .call('exposure.drill', {
            snapshotId: a.snapshotId,
            path: path.slice(0, i + 1),
            at: a.drill.at.slice(0, i),
            ...(key ? { search: key } : {}),
            limit: 50,
          })
          .then((level) => level.rows.find((r) => r.key === key)?.label ?? key ?? 'Not reported')
          .catch(() => key ?? 'Not reported'),
      ),
    );
    selectSnapshot(a.snapshotId);
    void applyView({
      snapshotId: a.snapshotId,
      path,
      at: a.drill.at.map((key, i) => ({ key, label: labels[i]! })),
      filters: [],
      sort: { by: 'grossNotionalUsd', direction: 'desc' },
    });
    setView('exposure');
  };
  return (
    <tr data-testid="alert-row">
      <td>{a.severity.charAt(0).toUpperCase() + a.severity.slice(1)}</td>
      <td title={a.ruleId}>{a.title}</td>
      <td className="mono small">{a.subject}</td>
      <td className="num">
        {formatAlertValue(a.unit, a.value)} vs {formatAlertValue(a.unit, a.threshold)}
      </td>
      <td>
        {statusLabels[a.status]}
        {a.statusReason ? <div className="muted small">{a.statusReason}</div> : null}
      </td>
      <td>
        <button type="button" className="link" onClick={() => void openInDrill()}>
          Open in drill ›
        </button>{' '}
        {a.status === 'new' && (
          <button type="button" onClick={() => void change(a, 'acknowledged')}>
            Acknowledge
          </button>
        )}{' '}
        {a.status !== 'dismissed' && a.status !== 'escalated' && !dismissing && (
          <button type="button" onClick={() => setDismissing(true)}>
            Dismiss…
          </button>
        )}
        {dismissing && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim()) void change(a, 'dismissed', reason.trim());
            }}
          >
            <input aria-label={`Why alert ${a.alertId} is dismissed`} value={reason} onChange={(e) => setReason(e.target.value)} required />
            <button type="submit">Dismiss</button>
          </form>
        )}
        {a.status !== 'escalated' && (
          <AddToCase
            label="Escalate to case"
            what="this alert"
            add={async (caseNumber) => {
              const item = await api.call('cases.addNote', {
                caseNumber,
                title: `Alert: ${a.title} — ${a.subject}`,
                markdown: `${a.title} (${a.ruleId} v${a.ruleVersion}, ${a.severity}) on snapshot ${a.snapshotId}: ${a.subject}, value ${formatAlertValue(a.unit, a.value)} against the threshold ${formatAlertValue(a.unit, a.threshold)}. Drill: ${a.drill.path.map(dimensionName).join(' › ')} at ${a.drill.at.join(' › ')}.`,
                category: 'transaction_records',
              });
              await change(a, 'escalated', `Escalated to ${caseNumber}, item #${item.itemId}`);
              return item;
            }}
          />
        )}
      </td>
    </tr>
  );
}
