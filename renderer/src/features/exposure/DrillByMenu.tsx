import { useEffect, useRef } from 'react';
import { dimensions, type Dimension } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';

/**
 * At the last level of a path, Enter or a double-click on a row asks which dimension to drill it by (the path gains
 * it): without this, the first double-click on the default one-dimension path did nothing. The dimensions already in
 * the path are not offered. Escape or Cancel closes it; focus starts on the first choice.
 */
export function DrillByMenu(props: { rowLabel: string; path: readonly Dimension[]; onChoose(d: Dimension): void; onClose(): void }) {
  const { rowLabel, path, onChoose, onClose } = props;
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const remaining = dimensions.filter((d) => !path.includes(d));
  return (
    <div
      className="drill-by"
      role="dialog"
      aria-label={`Drill ${rowLabel} by`}
      data-testid="drill-by"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <p>
        Drill <strong>{rowLabel}</strong> by…
      </p>
      <ul>
        {remaining.map((d, i) => (
          <li key={d}>
            <button type="button" ref={i === 0 ? first : undefined} onClick={() => onChoose(d)}>
              {dimensionNames[d]}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="link" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}
