import { dimensions, type Dimension } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';

/** Chooses and orders the drill dimensions with buttons (keyboard reachable), no drag needed. */
export function PathBuilder({ path, onChange }: { path: Dimension[]; onChange: (path: Dimension[]) => void }) {
  const move = (i: number, by: -1 | 1) => {
    const next = [...path];
    const [d] = next.splice(i, 1);
    next.splice(i + by, 0, d!);
    onChange(next);
  };
  const unused = dimensions.filter((d) => !path.includes(d));
  return (
    <div className="path-builder" role="group" aria-label="Drill path">
      <span className="muted small">Drill path</span>
      {path.map((d, i) => (
        <span key={d} className="chip" data-testid={`path-${d}`}>
          {i > 0 && <span aria-hidden="true">→ </span>}
          {dimensionNames[d]}
          <button type="button" aria-label={`Move ${dimensionNames[d]} earlier`} disabled={i === 0} onClick={() => move(i, -1)}>
            ‹
          </button>
          <button type="button" aria-label={`Move ${dimensionNames[d]} later`} disabled={i === path.length - 1} onClick={() => move(i, 1)}>
            ›
          </button>
          <button
            type="button"
            aria-label={`Remove ${dimensionNames[d]}`}
            disabled={path.length === 1}
            onClick={() => onChange(path.filter((x) => x !== d))}
          >
            ×
          </button>
        </span>
      ))}
      {unused.length > 0 && (
        <select aria-label="Add a dimension" value="" onChange={(e) => e.target.value && onChange([...path, e.target.value as Dimension])}>
          <option value="">+ add…</option>
          {unused.map((d) => (
            <option key={d} value={d}>
              {dimensionNames[d]}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
