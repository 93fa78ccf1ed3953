import { useEffect, useId, useRef, useState } from 'react';
import type { ColumnState } from '../../../../shared/contract';
import { metricColumn, setHidden } from './drillColumns';

export interface ColumnsMenuProps {
  columns: ColumnState[];
  onChange: (columns: ColumnState[]) => void;
  onReset: () => void;
}

/**
 * "Columns": shows and hides the drill grid's metric columns (ag-grid Community has no columns
 * tool panel), in the order the grid shows them; "Reset columns" brings back the default layout.
 * Columns are moved and resized in the grid itself by dragging their headers.
 */
export function ColumnsMenu({ columns, onChange, onReset }: ColumnsMenuProps) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    panel.current?.querySelector<HTMLInputElement>('input')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const metrics = columns.filter((c) => metricColumn(c.colId));
  const shown = metrics.filter((c) => !c.hide).length;
  return (
    <div className="menu-anchor">
      <button ref={button} type="button" aria-haspopup="true" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
        Columns ({shown}/{metrics.length})
      </button>
      {open && (
        <div
          ref={panel}
          id={id}
          className="menu-panel"
          role="group"
          aria-label="Columns shown"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <ul>
            {metrics.map((c) => {
              const m = metricColumn(c.colId)!;
              return (
                <li key={c.colId}>
                  <label title={m.description}>
                    <input type="checkbox" checked={!c.hide} onChange={(e) => onChange(setHidden(columns, c.colId, !e.target.checked))} />{' '}
                    {m.header}
                  </label>
                </li>
              );
            })}
          </ul>
          <div className="menu-actions">
            <button type="button" onClick={onReset}>
              Reset columns
            </button>
            <button type="button" onClick={close}>
              Close
            </button>
          </div>
          <p className="muted small">Drag a column header to move it, its edge to resize it.</p>
        </div>
      )}
    </div>
  );
}
