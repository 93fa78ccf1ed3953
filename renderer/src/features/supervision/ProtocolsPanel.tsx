import { useCallback, useEffect, useId, useState, type ChangeEvent } from 'react';
import type { ProtocolAuditState, ProtocolRiskResult, ProtocolVersion } from '../../../../shared/contract';
import { formatUsd } from '../../../../shared/domain/format';
import { ErrorLine } from '../../components/ErrorLine';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { ProtocolForm } from './ProtocolForm';

type Listed = ProtocolVersion & { audit: ProtocolAuditState };

const ratio = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

/**
 * The protocol audit register (issue 14 §3): each protocol with its latest audit, open critical and high findings,
 * insurance fund and, on the open snapshot, its insolvency buffer; add or edit one, or import a register file.
 * A change re-runs the alert rules on the open snapshot (`onChanged`), so a protocol risk shows at once.
 */
export function ProtocolsPanel({ snapshotId, onChanged }: { snapshotId: number; onChanged: () => void }) {
  const api = useApi();
  const id = useId();
  const [list, setList] = useState<Listed[]>();
  const [risk, setRisk] = useState<ProtocolRiskResult>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [editing, setEditing] = useState<Listed | 'new'>();
  const load = useCallback(async () => {
    try {
      const [protocols, buffers] = await Promise.all([api.call('protocols.list', {}), api.call('protocols.risk', { snapshotId })]);
      setList(protocols);
      setRisk(buffers);
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, snapshotId]);
  useEffect(() => void load(), [load]);

  const changed = async (message: string) => {
    setStatus(message);
    await load();
    onChanged();
  };
  const importFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(undefined);
    setStatus(undefined);
    let register: unknown;
    try {
      register = JSON.parse(await file.text());
    } catch {
      return setError(`${file.name} is not JSON: choose a register file ({"v": 1, "protocols": [...]}).`);
    }
    try {
      const r = await api.call('protocols.import', { register });
      await changed(`${file.name}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged.`);
    } catch (err) {
      setError(`${file.name}: ${messageOf(err)}`);
    }
  };
  const buffer = (protocolId: string) => risk?.protocols.find((p) => p.protocolId === protocolId);

  return (
    <section aria-labelledby={`${id}-title`} data-testid="protocols-panel">
      <h2 id={`${id}-title`}>Protocol audit register</h2>
      <ErrorLine message={error} />
      {list && list.length === 0 && (
        <p className="muted">
          No protocols yet. Add one, or import a register file, to check exposure through DeFi protocols against their audits.
        </p>
      )}
      {list && list.length > 0 && (
        <table className="data-table" aria-label="Protocols">
          <thead>
            <tr>
              <th scope="col">Protocol</th>
              <th scope="col">Venues</th>
              <th scope="col">Latest audit</th>
              <th scope="col">Open critical / high</th>
              <th scope="col">Insurance fund</th>
              <th scope="col">Open interest</th>
              <th scope="col" title={risk?.formula}>
                Buffer ratio
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name} <span className="muted small">v{p.version}</span>
                </td>
                <td className="mono">{p.venues.join(', ') || '—'}</td>
                <td>{p.audit.latestAuditDate ?? 'none'}</td>
                <td className="num">
                  {p.audit.openCritical} / {p.audit.openHigh}
                </td>
                <td className="num">{formatUsd(p.insuranceFundUsd)}</td>
                <td className="num">{formatUsd(buffer(p.id)?.openInterestUsd ?? 0)}</td>
                <td className="num">{ratio(buffer(p.id)?.bufferRatio)}</td>
                <td>
                  <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <ProtocolForm
          key={editing === 'new' ? 'new' : `${editing.id}-${editing.version}`}
          {...(editing === 'new' ? {} : { initial: editing })}
          onCancel={() => setEditing(undefined)}
          onSaved={(p) => {
            setEditing(undefined);
            void changed(`Saved ${p.name}, version ${p.version}.`);
          }}
        />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setEditing('new')}>
            Add protocol
          </button>
          <label>
            Import a register file (JSON) <input type="file" accept=".json,application/json" onChange={(e) => void importFile(e)} />
          </label>
        </div>
      )}
      <p role="status" className="muted small">
        {status}
      </p>
    </section>
  );
}
