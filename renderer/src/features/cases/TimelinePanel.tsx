import { useEffect, useMemo, useState } from 'react';
import type { TimelineEntry } from '../../../../shared/contract';
import { messageOf } from '../../stores/cases.store';
import { useApi, useCasesStore } from '../../stores/StoresContext';
import { timelineSourceLabels, when } from './caseLabels';

type Source = TimelineEntry['source'];
const sources: readonly Source[] = ['item', 'request', 'task', 'audit'];

/** A date or a moment as an instant: a bare date is its start (UTC), a moment keeps its zone. */
export const instantOf = (at: string) => Date.parse(at.length === 10 ? `${at}T00:00:00Z` : at);

/**
 * The case on one line, as the backend orders it: items at their event dates, request events,
 * task due dates and (on demand) every recorded change. The list is what a supervisor reads;
 * the chart above it gives the shape (when things cluster, what lies far apart).
 */
export function TimelinePanel({ caseNumber }: { caseNumber: string }) {
  const api = useApi();
  const navigate = useCasesStore((s) => s.navigate);
  const version = useCasesStore((s) => s.detail?.audit.entries);
  const [entries, setEntries] = useState<TimelineEntry[]>();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<Record<Source, boolean>>({ item: true, request: true, task: true, audit: false });

  // Read again whenever the case changed (its audit chain grew).
  useEffect(() => {
    let live = true;
    api.call('cases.timeline', { caseNumber }).then(
      (e) => live && setEntries(e),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [api, caseNumber, version]);

  const visible = useMemo(() => (entries ?? []).filter((e) => shown[e.source]), [entries, shown]);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!entries) return <p className="muted">Loading the timeline…</p>;
  const count = (s: Source) => entries.filter((e) => e.source === s).length;
  return (
    <div className="timeline-panel" data-testid="timeline">
      <fieldset className="filters timeline-sources">
        <legend className="visually-hidden">Show on the timeline</legend>
        {sources.map((s) => (
          <label key={s}>
            <input type="checkbox" checked={shown[s]} onChange={(e) => setShown({ ...shown, [s]: e.target.checked })} />{' '}
            <span className={`dot dot-${s}`} aria-hidden="true" /> {timelineSourceLabels[s]} ({count(s)})
          </label>
        ))}
      </fieldset>
      {visible.length === 0 ? (
        <p className="muted">Nothing to show: tick a kind of entry above, or give items event dates.</p>
      ) : (
        <>
          <TimelineChart entries={visible} />
          <ol className="timeline case-timeline" aria-label="Timeline, oldest first">
            {visible.map((e, i) => (
              <li key={i} data-source={e.source}>
                <time className="event-at mono small" dateTime={e.at}>
                  {when(e.at)}
                </time>{' '}
                <span className={`badge source-${e.source}`}>{timelineSourceLabels[e.source]}</span>{' '}
                {e.itemId !== null && e.source !== 'audit' ? (
                  <button type="button" className="link" onClick={() => void navigate({ caseNumber, tab: 'items', itemId: e.itemId! })}>
                    {e.title}
                  </button>
                ) : (
                  <span>{e.title}</span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

const WIDTH = 1000;
const LANE = 28;
const LEFT = 130;
const RIGHT = 20;
const DAY = 86_400_000;

/** A horizontal time axis with one lane per kind of entry and a dot per entry (its title as a tooltip). */
export function TimelineChart({ entries }: { entries: TimelineEntry[] }) {
  const lanes = sources.filter((s) => entries.some((e) => e.source === s));
  const times = entries.map((e) => instantOf(e.at)).filter((t) => Number.isFinite(t));
  if (times.length === 0) return null;
  let from = Math.min(...times);
  let to = Math.max(...times);
  // A single moment (or one day) still gets an axis: a day either side.
  if (to - from < DAY) {
    from -= DAY;
    to += DAY;
  }
  const pad = (to - from) * 0.03;
  from -= pad;
  to += pad;
  const x = (t: number) => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const height = lanes.length * LANE + 36;
  const ticks = Array.from({ length: 5 }, (_, i) => from + ((to - from) * (i + 0.5)) / 5);
  const first = new Date(Math.min(...times)).toISOString().slice(0, 10);
  const last = new Date(Math.max(...times)).toISOString().slice(0, 10);
  return (
    <svg
      className="timeline-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Timeline chart: ${entries.length} entries from ${first} to ${last}; the list below gives each one.`}
      data-testid="timeline-chart"
    >
      {lanes.map((s, i) => (
        <g key={s}>
          <text x={8} y={i * LANE + 22} className="lane-label">
            {timelineSourceLabels[s]}
          </text>
          <line x1={LEFT} x2={WIDTH - RIGHT} y1={i * LANE + 18} y2={i * LANE + 18} className="lane-line" />
        </g>
      ))}
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={4} y2={lanes.length * LANE + 8} className="tick-line" />
          <text x={x(t)} y={lanes.length * LANE + 26} textAnchor="middle" className="tick-label">
            {new Date(t).toISOString().slice(0, 10)}
          </text>
        </g>
      ))}
      {entries.map((e, i) => {
        const t = instantOf(e.at);
        if (!Number.isFinite(t)) return null;
        return (
          <circle key={i} cx={x(t)} cy={lanes.indexOf(e.source) * LANE + 18} r={6} className={`dot-${e.source}`}>
            <title>{`${when(e.at)} · ${e.title}`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
