import { useCallback, useEffect, useId, useState } from 'react';
import type { StressScenario, StressScenarioInput } from '../../../../shared/contract';
import { ErrorLine } from '../../components/ErrorLine';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';

/**
 * Named stress scenarios (issue 14 §4): choose one to fill the form, or save the form's scenario under a name
 * (the same list as `concordat stress scenarios`). `current` gives the form's scenario, or a message on what to fix.
 */
export function SavedScenarios({
  current,
  onChoose,
}: {
  current: () => Omit<StressScenarioInput, 'name'> | string;
  onChoose: (s: StressScenario) => void;
}) {
  const api = useApi();
  const id = useId();
  const [list, setList] = useState<StressScenario[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const load = useCallback(async () => {
    try {
      setList(await api.call('stress.scenarios', {}));
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api]);
  useEffect(() => void load(), [load]);
  const save = async () => {
    setError(undefined);
    setStatus(undefined);
    const scenario = current();
    if (typeof scenario === 'string') return setError(scenario);
    if (!name.trim()) return setError('Name the scenario before saving it, such as “BTC crash 2022”.');
    try {
      const saved = await api.call('stress.saveScenario', { scenario: { ...scenario, name } });
      setStatus(`${saved.replaced ? 'Replaced' : 'Saved'} scenario “${saved.name}”.`);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div className="filters" data-testid="saved-scenarios">
      <label>
        Saved scenario{' '}
        <select
          value=""
          onChange={(e) => {
            const chosen = list.find((s) => s.name === e.target.value);
            if (chosen) {
              onChoose(chosen);
              setName(chosen.name);
              setStatus(`Loaded scenario “${chosen.name}”.`);
            }
          }}
        >
          <option value="">{list.length === 0 ? 'none saved yet' : 'choose…'}</option>
          {list.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-name`}>Scenario name</label>
      <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} size={20} />
      <button type="button" onClick={() => void save()}>
        Save scenario
      </button>
      <span role="status" className="muted small">
        {status}
      </span>
      <ErrorLine message={error} />
    </div>
  );
}
