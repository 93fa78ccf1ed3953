import { useId, useState, type FormEvent } from 'react';
import { stressChannels, type StressRunResult, type StressScenario, type StressTotalRow } from '../../../../shared/contract';
import { formatUsd } from '../../../../shared/domain/format';
import { ErrorLine } from '../../components/ErrorLine';
import { messageOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { AddToCase } from '../cases/AddToCase';
import { CascadeChart } from './CascadeChart';
import { SavedScenarios } from './SavedScenarios';
import { resultSha256, stressNoteMarkdown } from './stressNote';

/** "BTC=-0.30, ETH=-0.40" as shocks; a message naming the first part that is not UNDERLIER=MOVE. */
export function parseShocks(text: string): Record<string, number> | string {
  const shocks: Record<string, number> = {};
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return 'Give at least one shock, such as BTC=-0.30 (BTC −30 %).';
  for (const part of parts) {
    const [u, x] = part.split('=').map((s) => s.trim());
    const value = Number(x);
    if (!u || !x || !Number.isFinite(value)) return `“${part}” is not UNDERLIER=MOVE, such as BTC=-0.30.`;
    shocks[u] = value;
  }
  return shocks;
}

const pctMove = (m: number) => `${m > 0 ? '+' : ''}${(m * 100).toFixed(3)} %`;

/** A price-shock scenario run as a liquidation cascade on the open snapshot, round by round, with a chart. */
export function StressPanel({ snapshotId }: { snapshotId: number }) {
  const api = useApi();
  const id = useId();
  const [shocks, setShocks] = useState('BTC=-0.30, ETH=-0.40');
  const [volShock, setVolShock] = useState('');
  const [rounds, setRounds] = useState('10');
  const [channels, setChannels] = useState<string[]>([...stressChannels]);
  const [result, setResult] = useState<StressRunResult>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** The form as a scenario, or what to fix. */
  const scenario = () => {
    const parsed = parseShocks(shocks);
    if (typeof parsed === 'string') return parsed;
    return {
      shocks: parsed,
      rounds: Number(rounds),
      channels: channels as Array<(typeof stressChannels)[number]>,
      ...(volShock.trim() ? { volShock: Number(volShock) } : {}),
    };
  };
  const choose = (s: StressScenario) => {
    setShocks(
      Object.entries(s.shocks)
        .map(([u, x]) => `${u}=${x}`)
        .join(', '),
    );
    setVolShock(s.volShock === undefined ? '' : String(s.volShock));
    setRounds(String(s.rounds));
    setChannels([...s.channels]);
  };
  const run = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = scenario();
    if (typeof parsed === 'string') return setError(parsed);
    setError(undefined);
    setBusy(true);
    try {
      setResult(await api.call('stress.run', { snapshotId, ...parsed }));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`} data-testid="stress-panel">
      <h2 id={`${id}-title`}>Stress test and liquidation cascade</h2>
      <SavedScenarios current={scenario} onChoose={choose} />
      <form onSubmit={(e) => void run(e)} noValidate className="filters">
        <label>
          Shocks <input value={shocks} onChange={(e) => setShocks(e.target.value)} aria-describedby={`${id}-hint`} size={28} />
        </label>
        <span id={`${id}-hint`} className="muted small">
          underlier=relative move, e.g. BTC=-0.30
        </span>
        <label>
          Volatility shock{' '}
          <input value={volShock} onChange={(e) => setVolShock(e.target.value)} placeholder="e.g. 0.2" size={6} inputMode="decimal" />
        </label>
        <label>
          Rounds at most{' '}
          <input type="number" min={1} max={50} value={rounds} onChange={(e) => setRounds(e.target.value)} style={{ width: '5em' }} />
        </label>
        {stressChannels.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={channels.includes(c)}
              onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))}
            />{' '}
            {c === 'price' ? 'Price channel' : 'Counterparty channel'}
          </label>
        ))}
        <button type="submit" disabled={busy}>
          {busy ? 'Running…' : 'Run scenario'}
        </button>
      </form>
      <ErrorLine message={error} />
      {result && (
        <div data-testid="stress-result">
          <p className="small">
            {result.positions.toLocaleString('en-US')} positions.{' '}
            {result.rounds.length === 0
              ? 'No holder defaults.'
              : `${result.rounds.reduce((s, r) => s + r.defaults.length, 0)} defaults over ${result.rounds.length} round(s).`}
            {result.unmatchedShocks.length > 0 && ` No position has ${result.unmatchedShocks.join(', ')}: those shocks changed nothing.`}
            {result.unvalued > 0 && ` ${result.unvalued} option position(s) could not be valued and are left out.`}
          </p>
          <AddToCase
            what="this stress result"
            add={async (caseNumber) =>
              api.call('cases.addNote', {
                caseNumber,
                title: `Stress: ${Object.entries(result.scenario.shocks)
                  .map(([u, x]) => `${u} ${(x * 100).toFixed(0)} %`)
                  .join(', ')} on snapshot ${result.snapshotId}`,
                markdown: stressNoteMarkdown(result, await resultSha256(result)),
                category: 'transaction_records',
              })
            }
          />
          {result.rounds.length > 0 && (
            <>
              <CascadeChart result={result} />
              <table className="data-table" aria-label="Cascade rounds">
                <thead>
                  <tr>
                    <th scope="col">Round</th>
                    <th scope="col">Defaults</th>
                    <th scope="col">Uncovered loss</th>
                    <th scope="col">Liquidated</th>
                    <th scope="col">Price moves into the next round</th>
                    <th scope="col">Charged to counterparties</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rounds.map((r) => (
                    <tr key={r.round}>
                      <td className="num">{r.round}</td>
                      <td className="num">{r.defaults.length}</td>
                      <td className="num">{formatUsd(r.uncoveredUsd)}</td>
                      <td className="num">{formatUsd(r.liquidatedNotionalUsd)}</td>
                      <td>
                        {Object.entries(r.priceMoves)
                          .map(([u, m]) => `${u} ${pctMove(m)}`)
                          .join(', ') || '—'}
                        {r.noDepth.length > 0 && <span className="muted small"> (no depth: {r.noDepth.join(', ')})</span>}
                      </td>
                      <td className="num">{formatUsd(r.chargedUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <details>
                <summary>Totals by jurisdiction, group, venue and CCP</summary>
                <StressTotals
                  title="Jurisdiction"
                  rows={result.byJurisdiction.map((j) => ({
                    key: j.jurisdiction ?? '(unknown)',
                    defaults: j.defaults,
                    uncoveredUsd: j.uncoveredUsd,
                  }))}
                />
                <StressTotals title="Group" rows={result.totals.group} />
                <StressTotals title="Venue" rows={result.totals.venue} />
                <StressTotals title="CCP" rows={result.totals.ccp} />
                <p className="muted small">
                  A holder&apos;s uncovered loss goes to its group whole, and to venues and CCPs by its share of gross notional on each.
                </p>
              </details>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** One dimension of the cascade's totals: defaults and uncovered loss, largest first. */
function StressTotals({ title, rows }: { title: string; rows: StressTotalRow[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="data-table" aria-label={`Defaults by ${title.toLowerCase()}`}>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col">Defaults</th>
          <th scope="col">Uncovered loss</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="mono">{r.key}</td>
            <td className="num">{r.defaults}</td>
            <td className="num">{formatUsd(r.uncoveredUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
