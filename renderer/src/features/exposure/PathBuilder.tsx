import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { dimensions, type Dimension } from '../../../../shared/contract';
import { dimensionNames } from '../../../../shared/domain/dimensionNames';

/**
 * Chooses and orders the drill dimensions: drag a chip onto another to move it there, or with
 * the keyboard, focus a chip and press Shift+← / Shift+→ to move it and Delete to remove it
 * (its ‹ › × buttons do the same).
 */
export function PathBuilder({ path, onChange }: { path: Dimension[]; onChange: (path: Dimension[]) => void }) {
  const [dragging, setDragging] = useState<Dimension>();
  const [over, setOver] = useState<Dimension>();
  /** The chip to focus after a keyboard move (React moves the element, which loses focus). */
  const refocus = useRef<Dimension | undefined>(undefined);
  const group = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!refocus.current) return;
    group.current?.querySelector<HTMLElement>(`[data-dimension="${refocus.current}"]`)?.focus();
    refocus.current = undefined;
  }, [path]);

  const moveTo = (d: Dimension, to: number) => {
    const from = path.indexOf(d);
    if (from < 0 || to < 0 || to >= path.length || to === from) return;
    const next = path.filter((x) => x !== d);
    next.splice(to, 0, d);
    onChange(next);
  };
  const remove = (d: Dimension) => path.length > 1 && onChange(path.filter((x) => x !== d));
  const onChipKey = (e: KeyboardEvent<HTMLSpanElement>, d: Dimension, i: number) => {
    if (e.target !== e.currentTarget) return;
    if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      refocus.current = d;
      moveTo(d, i + (e.key === 'ArrowLeft' ? -1 : 1));
    } else if (e.key === 'Delete') {
      e.preventDefault();
      remove(d);
    }
  };
  const unused = dimensions.filter((d) => !path.includes(d));
  return (
    <div ref={group} className="path-builder" role="group" aria-label="Drill path">
      <span className="muted small" id="path-builder-help">
        Drill path
      </span>
      {path.map((d, i) => (
        <span
          key={d}
          className={`chip${dragging === d ? ' dragging' : ''}${over === d && dragging !== d ? ' drop-target' : ''}`}
          data-testid={`path-${d}`}
          data-dimension={d}
          tabIndex={0}
          role="group"
          aria-roledescription="movable dimension"
          aria-label={`${dimensionNames[d]}, level ${i + 1} of ${path.length}. Shift+Left or Shift+Right moves it, Delete removes it.`}
          draggable
          onKeyDown={(e) => onChipKey(e, d, i)}
          onDragStart={(e) => {
            setDragging(d);
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', d);
          }}
          onDragEnd={() => {
            setDragging(undefined);
            setOver(undefined);
          }}
          onDragOver={(e) => {
            if (!dragging) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
            setOver(d);
          }}
          onDragLeave={() => setOver((o) => (o === d ? undefined : o))}
          onDrop={(e) => {
            e.preventDefault();
            const moved = (dragging ?? e.dataTransfer.getData('text/plain')) as Dimension;
            setDragging(undefined);
            setOver(undefined);
            if (path.includes(moved)) moveTo(moved, i);
          }}
        >
          {i > 0 && <span aria-hidden="true">→ </span>}
          {dimensionNames[d]}
          <button type="button" aria-label={`Move ${dimensionNames[d]} earlier`} disabled={i === 0} onClick={() => moveTo(d, i - 1)}>
            ‹
          </button>
          <button
            type="button"

            aria-label={`Move ${dimensionNames[d]} later`}
            disabled={i === path.length - 1}
            onClick={() => moveTo(d, i + 1)}
          >
            ›
          </button>
          <button type="button" aria-label={`Remove ${dimensionNames[d]}`} disabled={path.length === 1} onClick={() => remove(d)}>
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
