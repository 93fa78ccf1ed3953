import { useEffect, useId, useState, type FormEvent } from 'react';
import { marginDimensions, type MarginDimension, type MarginResult, type MarginScheduleVersion } from '../../../../shared/contract';
import { formatUsd } from '../../../../shared/domain/format';
import { ErrorLine } from '../../components/ErrorLine';
import { described, Field } from '../cooperation/parts';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { ScheduleEditor } from './ScheduleEditor';

const dimensionLabels: Record<MarginDimension, string> = {
  nettingSet: 'Netting set',
  holder: 'Holder',
  counterparty: 'Counterparty',
  group: 'Group',
  jurisdiction: 'Jurisdiction',
  venue: 'Venue (allocated)',
};

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/**
 * Required initial margin under the harmonised schedule in effect vs what was posted, by a dimension, ranked by
 * shortfall; the formula in the column headers' tooltips; a new schedule version pasted as JSON.
 */
export function MarginPanel({ snapshotId }: { snapshotId: number }) {
  const api = useApi();
  const id = useId();
  const [by, setBy] = useState<MarginDimension>('holder');
  const [result, setResult] = useState<MarginResult>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    api.call('margin.compute', { snapshotId, by: [by] }).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [api, snapshotId, by, version]);
  const rows = result?.rows.slice(0, 50) ?? [];
  return (
    <section aria-labelledby={`${id}-title`} data-testid="margin-panel">
      <h2 id={`${id}-title`}>Margin against the harmonised schedule</h2>
      {result && (
        <p className="small">
          Schedule “{result.schedule.name}”, effective {result.schedule.effectiveFrom}
          {result.schedule.illustrative ? ' (illustrative rates)' : ''}. <span className="muted">{result.schedule.source}</span>
        </p>
      )}
      <label>
        By{' '}
        <select value={by} onChange={(e) => setBy(e.target.value as MarginDimension)}>
          {marginDimensions.map((d) => (
            <option key={d} value={d}>
              {dimensionLabels[d]}
            </option>
          ))}
        </select>
      </label>
      <ErrorLine message={error} />
      {result && (
        <>
          <p className="small" data-testid="margin-total">
            Total: required {formatUsd(result.total.requiredUsd)}, posted {formatUsd(result.total.postedUsd)}, coverage{' '}
            {pct(result.total.coverage)}, shortfall {formatUsd(result.total.shortfallUsd)} over {result.total.nettingSets} netting sets (
            {result.total.unreported} with no margin report).
          </p>
          <table className="data-table" aria-label={`Margin by ${dimensionLabels[by].toLowerCase()}`}>
            <thead>
              <tr>
                <th scope="col">{dimensionLabels[by]}</th>
                <th scope="col" title={result.formula}>
                  Required
                </th>
                <th scope="col">Posted</th>
                <th scope="col" title="IM posted / required">
                  Coverage
                </th>
                <th scope="col" title="Σ over netting sets of max(0, required − posted)">
                  Shortfall
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={JSON.stringify(r.key)}>
                  <td className="mono">{r.key[0] ?? '(none)'}</td>
                  <td className="num">{formatUsd(r.requiredUsd)}</td>
                  <td className="num">{formatUsd(r.postedUsd)}</td>
                  <td className="num">{pct(r.coverage)}</td>
                  <td className="num">{formatUsd(r.shortfallUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.rows.length > rows.length && <p className="muted small">The 50 largest shortfalls of {result.rows.length}.</p>}
        </>
      )}
      {result && <EditSchedule scheduleId={result.schedule.scheduleId} onSaved={() => setVersion((v) => v + 1)} />}
      <ScheduleForm onLoaded={() => setVersion((v) => v + 1)} />
    </section>
  );
}

/** The schedule in effect, opened in the editor on demand; saving adds a new version. */
function EditSchedule({ scheduleId, onSaved }: { scheduleId: number; onSaved: () => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [base, setBase] = useState<MarginScheduleVersion>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const toggle = async () => {
    if (open) return setOpen(false);
    setStatus(undefined);
    try {
      setBase((await api.call('margin.schedules', {})).find((v) => v.scheduleId === scheduleId));
      setOpen(true);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div className="schedule-edit">
      <button type="button" aria-expanded={open} onClick={() => void toggle()}>
        Edit the schedule…
      </button>
      <ErrorLine message={error} />
      <span role="status" className="muted small">
        {status}
      </span>
      {open && base && (
        <ScheduleEditor
          key={base.scheduleId}
          base={base}
          onSaved={(v) => {
            setOpen(false);
            setStatus(`Saved “${v.name}”, effective ${v.effectiveFrom}.`);
            onSaved();
          }}
        />
      )}
    </div>
  );
}

/** A schedule version pasted as JSON (the format `concordat margin import-schedule` reads), checked whole. */
function ScheduleForm({ onLoaded }: { onLoaded: () => void }) {
  const api = useApi();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    let schedule: unknown;
    try {
      schedule = JSON.parse(text);
    } catch {
      return setError('This is not JSON: paste the whole schedule file, from { to }.');
    }
    try {
      const loaded = await api.call('margin.importSchedule', { schedule });
      setStatus(`Loaded “${loaded.name}”, effective ${loaded.effectiveFrom}.`);
      setText('');
      onLoaded();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <details>
      <summary>Load a schedule version…</summary>
      <form onSubmit={(e) => void submit(e)} noValidate className="request-form">
        <Field id={`${id}-schedule`} label="Schedule (JSON)" error={error}>
          <textarea
            {...described(`${id}-schedule`, error)}
            rows={8}
            className="mono"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit">Load schedule</button>
          <span role="status" className="muted small">
            {status}
          </span>
        </div>
      </form>
    </details>
  );
}
