import { codeLabel } from '../../../../shared/domain/codeLabels';
import { useId, useState, type FormEvent } from 'react';
import type { MarginScheduleVersion } from '../../../../shared/contract';
import { ErrorLine } from '../../components/ErrorLine';
import { failureOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { described, Field } from '../cooperation/parts';

interface RuleDraft {
  assetClass: string;
  contractType: string;
  underlier: string;
  /** Percent, as typed. */
  rate: string;
  note: string;
}

const contractTypes = ['', 'CFDS', 'FRAS', 'FUTR', 'FORW', 'OPTN', 'SPDB', 'SWAP', 'SWPT', 'OTHR', 'PERP'] as const;
const percentOf = (rate: number) => String(Math.round(rate * 1e8) / 1e6);
const today = () => new Date().toISOString().slice(0, 10);

/**
 * A new version of the harmonised margin schedule, edited in place from the version in effect: name, the date it
 * takes effect, its source, the default rate and each rule's rate (in percent). Saved as a new version; the older
 * one stays in the history and keeps applying to snapshots before the new effective date.
 */
export function ScheduleEditor({ base, onSaved }: { base: MarginScheduleVersion; onSaved: (v: MarginScheduleVersion) => void }) {
  const api = useApi();
  const id = useId();
  const [name, setName] = useState(`${base.name} (edited)`);
  const [effectiveFrom, setEffectiveFrom] = useState(today());
  const [source, setSource] = useState(base.source);
  const [illustrative, setIllustrative] = useState(base.illustrative);
  const [defaultRate, setDefaultRate] = useState(percentOf(base.defaultRate));
  const [rules, setRules] = useState<RuleDraft[]>(
    base.rules.map((r) => ({
      assetClass: r.assetClass ?? '',
      contractType: r.contractType ?? '',
      underlier: r.underlier ?? '',
      rate: percentOf(r.rate),
      note: r.note ?? '',
    })),
  );
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const setRule = (i: number, patch: Partial<RuleDraft>) => setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const errors: Record<string, string> = {};
    const rate = (text: string, key: string) => {
      const x = Number(text.replace(',', '.'));
      if (text.trim() === '' || !Number.isFinite(x) || x < 0 || x > 100) errors[key] = 'a rate from 0 to 100 %';
      return x / 100;
    };
    const schedule = {
      v: 1,
      name: name.trim(),
      effectiveFrom: effectiveFrom.trim(),
      source: source.trim(),
      illustrative,
      defaultRate: rate(defaultRate, 'defaultRate'),
      rules: rules.map((r, i) => ({
        ...(r.assetClass.trim() ? { assetClass: r.assetClass.trim() } : {}),
        ...(r.contractType ? { contractType: r.contractType } : {}),
        ...(r.underlier.trim() ? { underlier: r.underlier.trim() } : {}),
        rate: rate(r.rate, `rules.${i}.rate`),
        ...(r.note.trim() ? { note: r.note.trim() } : {}),
      })),
      marketDepth: base.marketDepth,
    };
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return setError('Some rates are not percentages from 0 to 100: see the marked fields.');
    try {
      onSaved(await api.call('margin.importSchedule', { schedule }));
    } catch (err) {
      const failure = failureOf(err);
      setFieldErrors(failure.fieldErrors);
      setError(failure.message);
    }
  };

  const f = (key: string) => `${id}-${key.replace(/\./g, '-')}`;
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="request-form schedule-editor" aria-label="Edit the margin schedule">
      <Field id={f('name')} label="Version name" error={fieldErrors.name}>
        <input {...described(f('name'), fieldErrors.name)} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field
        id={f('effectiveFrom')}
        label="Effective from"
        error={fieldErrors.effectiveFrom}
        hint="yyyy-mm-dd; applies to snapshots as of that date or later"
      >
        <input
          {...described(f('effectiveFrom'), fieldErrors.effectiveFrom, true)}
          inputMode="numeric"
          placeholder="yyyy-mm-dd"
          value={effectiveFrom}
          onChange={(e) => setEffectiveFrom(e.target.value)}
        />
      </Field>
      <Field id={f('source')} label="Source" error={fieldErrors.source} hint="Where the rates come from">
        <textarea
          {...described(f('source'), fieldErrors.source, true)}
          rows={2}
          value={source}
          onChange={(e) => setSource(e.target.value)}
        />
      </Field>
      <label className="inline">
        <input type="checkbox" checked={illustrative} onChange={(e) => setIllustrative(e.target.checked)} /> Illustrative rates (not an
        adopted policy)
      </label>
      <Field id={f('defaultRate')} label="Default rate (%)" error={fieldErrors.defaultRate} hint="For positions no rule names">
        <input
          {...described(f('defaultRate'), fieldErrors.defaultRate, true)}
          inputMode="decimal"
          value={defaultRate}
          onChange={(e) => setDefaultRate(e.target.value)}
        />
      </Field>
      <table className="data-table" aria-label="Schedule rules">
        <thead>
          <tr>
            <th scope="col">Asset class</th>
            <th scope="col">Contract type</th>
            <th scope="col">Underlier</th>
            <th scope="col">Rate (%)</th>
            <th scope="col">Note</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => {
            const label = [r.assetClass, r.contractType, r.underlier].filter(Boolean).join(' ') || `rule ${i + 1}`;
            const rateError = fieldErrors[`rules.${i}.rate`];
            return (
              <tr key={i}>
                <td>
                  <input
                    aria-label={`Rule ${i + 1} asset class`}
                    size={6}
                    value={r.assetClass}
                    onChange={(e) => setRule(i, { assetClass: e.target.value })}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Rule ${i + 1} contract type`}
                    value={r.contractType}
                    onChange={(e) => setRule(i, { contractType: e.target.value })}
                  >
                    {contractTypes.map((c) => (
                      <option key={c} value={c}>
                        {c ? `${codeLabel('contractType', c)} (${c})` : 'any'}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Rule ${i + 1} underlier`}
                    size={10}
                    value={r.underlier}
                    onChange={(e) => setRule(i, { underlier: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Rate for ${label} (%)`}
                    aria-invalid={rateError ? true : undefined}
                    title={rateError}
                    inputMode="decimal"
                    size={6}
                    value={r.rate}
                    onChange={(e) => setRule(i, { rate: e.target.value })}
                  />
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} note`} value={r.note} onChange={(e) => setRule(i, { note: e.target.value })} />
                </td>
                <td>
                  <button type="button" onClick={() => setRules((rs) => rs.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() => setRules((rs) => [...rs, { assetClass: '', contractType: '', underlier: '', rate: '', note: '' }])}
      >
        Add rule
      </button>
      <ErrorLine message={error} />
      <div className="actions">
        <button type="submit">Save as a new version</button>
      </div>
    </form>
  );
}
