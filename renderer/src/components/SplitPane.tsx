import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

export interface SplitPaneProps {
  /** The upper pane (the table). */
  top: ReactNode;
  /** The lower pane (the charts); without one the upper pane takes the whole height (and is not remounted). */
  bottom?: ReactNode;
  /** The upper pane's share of the height, 0.2–0.85. */
  fraction: number;
  onFraction: (fraction: number) => void;
  /** Names the separator for screen readers ("Resize the table and the charts"). */
  label: string;
}

const MIN = 0.2;
const MAX = 0.85;
const STEP = 0.05;
const clamp = (f: number) => Math.min(MAX, Math.max(MIN, f));

/**
 * Two panes one above the other with a separator between them that a mouse drags and a keyboard
 * moves (↑/↓ by 5 %, Home/End to the limits), as the WAI-ARIA window splitter pattern asks.
 */
export function SplitPane({ top, bottom, fraction, onFraction, label }: SplitPaneProps) {
  const box = useRef<HTMLDivElement>(null);
  const share = clamp(fraction);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!e.currentTarget.hasPointerCapture(e.pointerId) || !box.current) return;
    const rect = box.current.getBoundingClientRect();
    if (rect.height > 0) onFraction(clamp((e.clientY - rect.top) / rect.height));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next =
      e.key === 'ArrowUp'
        ? share - STEP
        : e.key === 'ArrowDown'
          ? share + STEP
          : e.key === 'Home'
            ? MIN
            : e.key === 'End'
              ? MAX
              : undefined;
    if (next === undefined) return;
    e.preventDefault();
    onFraction(clamp(Math.round(next * 100) / 100));
  };
  return (
    <div className="split-pane" ref={box}>
      <div className="split-pane-part" style={{ flex: bottom === undefined ? '1 1 0' : `${share} 1 0` }}>
        {top}
      </div>
      {bottom !== undefined && (
        <>
          <div
            className="split-pane-separator"
            role="separator"
            tabIndex={0}
            aria-orientation="horizontal"
            aria-label={label}
            aria-valuemin={MIN * 100}
            aria-valuemax={MAX * 100}
            aria-valuenow={Math.round(share * 100)}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onKeyDown={onKeyDown}
            data-testid="split-separator"
          />
          <div className="split-pane-part" style={{ flex: `${1 - share} 1 0` }}>
            {bottom}
          </div>
        </>
      )}
    </div>
  );
}
