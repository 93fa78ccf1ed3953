import { useRef, useState, type ReactNode } from 'react';
import type { ShareDecision } from '../../../../shared/contract';
import type { CategoryResult } from '../../stores/cooperation.store';
import { decisionText, label, outcomeMeaning, outcomeText, stepNames, words } from './labels';

/** The outcome as a badge whose text says it all (colour only repeats it). */
export function OutcomeBadge({ decision }: { decision: ShareDecision }) {
  return (
    <span
      className={`outcome outcome-${decision.outcome.toLowerCase().replace(/_/g, '-')}`}
      data-testid="outcome"
      data-outcome={decision.outcome}
      title={outcomeMeaning[decision.outcome]}
    >
      {decisionText(decision)}
    </span>
  );
}

/** The legend to stamp on the export, in a block that can be copied. */
function Legend({ text }: { text: string }) {
  const block = useRef<HTMLPreElement>(null);
  const [status, setStatus] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Legend copied.');
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const range = document.createRange();
      if (block.current) {
        range.selectNodeContents(block.current);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      setStatus('The clipboard is not available here: the legend is selected, press Ctrl+C to copy it.');
    }
  };
  return (
    <div className="legend-block">
      <pre ref={block} className="legend" data-testid="legend">
        {text}
      </pre>
      <div className="legend-actions">
        <button type="button" onClick={() => void copy()}>
          Copy legend
        </button>
        <span role="status" className="muted small">
          {status}
        </span>
      </div>
    </div>
  );
}

/**
 * One category's answer, for a lawyer to read: the outcome, the instruments that carry it and
 * the provisions they rest on, the conditions, the legend, advice, and the engine's reasoning
 * step by step.
 */
export function DecisionCard({ result, actions }: { result: CategoryResult; actions?: ReactNode }) {
  const { category, decision, error } = result;
  const headingId = `decision-${category}-title`;
  return (
    <article className="decision" data-testid={`decision-${category}`} aria-labelledby={headingId}>
      <header className="decision-header">
        <h3 id={headingId}>{label(category)}</h3>
        {decision && <OutcomeBadge decision={decision} />}
        {decision && actions}
      </header>
      {error && (
        <p className="error" role="alert">
          The check failed: {error}
        </p>
      )}
      {decision && (
        <>
          <p className="small">{outcomeMeaning[decision.outcome]}</p>
          <section aria-label="Bases">
            <h4>Bases</h4>
            {decision.bases.length === 0 ? (
              <p className="muted small">No instrument carries this sharing.</p>
            ) : (
              <ul className="bases" data-testid="bases">
                {decision.bases.map((b) => (
                  <li key={b.instrument}>
                    <strong>{b.instrumentTitle}</strong> (<span className="mono">{b.instrument}</span>): {outcomeText(b.outcome)}
                    {b.provisionKeys.length > 0 && (
                      <>
                        {' '}
                        — rests on{' '}
                        {b.provisionKeys.map((k, i) => (
                          <span key={`${i}-${k}`}>
                            {i > 0 && ', '}
                            <span className="mono">{k}</span>
                          </span>
                        ))}
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-label="Conditions">
            <h4>Conditions</h4>
            {decision.conditions.length === 0 ? (
              <p className="muted small">None.</p>
            ) : (
              <ul className="conditions" data-testid="conditions">
                {decision.conditions.map((c, i) => (
                  <li key={i}>
                    {c.text}
                    <span className="muted small">
                      {' '}
                      ({words(c.kind)}
                      {c.authority ? `; ${c.authority}` : ''}
                      {c.provisionKey ? '; ' : ''}
                      {c.provisionKey && <span className="mono">{c.provisionKey}</span>})
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {decision.legend && (
            <section aria-label="Legend to stamp">
              <h4>Legend to stamp</h4>
              <Legend text={decision.legend} />
            </section>
          )}
          {decision.advice.length > 0 && (
            <section aria-label="Advice">
              <h4>Advice</h4>
              <ul data-testid="advice">
                {decision.advice.map((a, i) => (
                  <li key={i}>{a}</li>
                ))}
              </ul>
            </section>
          )}
          <section aria-label="Reasoning">
            <h4>Reasoning, step by step</h4>
            <ol className="trace" data-testid="trace">
              {decision.trace.map((t, i) => (
                <li key={i} data-step={t.step}>
                  <strong className="trace-step">{stepNames[t.step]}.</strong> {t.text}
                  {(t.instrument || t.provisionKey) && (
                    <span className="muted small">
                      {' '}
                      ({t.instrument && <span className="mono">{t.instrument}</span>}
                      {t.instrument && t.provisionKey ? ', ' : ''}
                      {t.provisionKey && <span className="mono">{t.provisionKey}</span>})
                    </span>
                  )}
                  <span className={t.outcome ? 'trace-effect has-effect' : 'trace-effect'}>
                    {' '}
                    Effect: {t.outcome ? outcomeText(t.outcome) : 'none'}.
                  </span>
                </li>
              ))}
            </ol>
          </section>
          <p className="muted small decision-meta">
            Engine {decision.engineVersion} · registry SHA-256 <span className="mono">{decision.registrySha256.slice(0, 12)}</span>
            {decision.decisionId !== undefined && (
              <>
                {' '}
                ·{' '}
                <strong data-testid="decision-id" className="recorded">
                  Recorded as decision #{decision.decisionId}
                </strong>
              </>
            )}
          </p>
        </>
      )}
    </article>
  );
}
