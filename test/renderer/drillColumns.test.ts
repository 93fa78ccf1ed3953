import { describe, expect, it } from 'vitest';
import {
  defaultLayout,
  deltaColId,
  layoutFromGrid,
  resolveLayout,
  setHidden,
  visibleMetrics,
} from '../../renderer/src/features/exposure/drillColumns';
import { exposureColumns } from '../../shared/domain/exposureColumns';

describe('drill grid column layout', () => {
  it('by default: the label pinned left, then every metric in display order, those not shown by default hidden', () => {
    const layout = defaultLayout();
    expect(layout[0]).toEqual({ colId: 'label', hide: false, pinned: 'left' });
    expect(layout.slice(1).map((c) => c.colId)).toEqual(exposureColumns.map((c) => c.field));
    expect(visibleMetrics(layout)).toEqual(exposureColumns.filter((c) => c.shownByDefault).map((c) => c.field));
    expect(layout.find((c) => c.colId === 'vmPostedUsd')?.hide).toBe(true);
  });

  it('completes a partial or stale layout: unknown columns dropped, duplicates once, missing ones where they belong', () => {
    const layout = resolveLayout([
      { colId: 'tradeCount', width: 99 },
      { colId: 'nonsense' },
      { colId: 'grossNotionalUsd', hide: true },
      { colId: 'tradeCount', width: 300 },
      { colId: 'label', pinned: null },
    ]);
    const ids = layout.map((c) => c.colId);
    expect(ids[0]).toBe('tradeCount');
    // A missing column follows the column it follows by default.
    expect(ids.indexOf('netNotionalUsd')).toBe(ids.indexOf('grossNotionalUsd') + 1);
    expect(ids).not.toContain('nonsense');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(1 + exposureColumns.length);
    expect(layout.find((c) => c.colId === 'tradeCount')).toEqual({ colId: 'tradeCount', hide: false, width: 99 });
    expect(layout.find((c) => c.colId === 'label')).toEqual({ colId: 'label', hide: false, pinned: null });
    expect(visibleMetrics(layout)[0]).toBe('tradeCount');
  });

  it('takes the grid’s order, widths and pinning, keeping Δ widths while they are not shown', () => {
    const previous = resolveLayout([
      { colId: 'label' },
      { colId: 'grossNotionalUsd' },
      { colId: deltaColId('grossNotionalUsd', 'delta'), width: 180 },
    ]);
    expect(previous[2]).toEqual({ colId: 'grossNotionalUsdDelta', width: 180 });
    const grid = [
      { colId: 'label', width: 250.4, pinned: 'left' as const, hide: false },
      { colId: 'netNotionalUsd', width: 140, pinned: null, hide: false },
      { colId: 'grossNotionalUsd', width: 170, pinned: 'right' as const, hide: null },
      { colId: 'trades', width: 90, pinned: 'right' as const },
    ];
    const layout = layoutFromGrid(grid, previous);
    const at = (id: string) => layout.findIndex((c) => c.colId === id);
    expect(layout[at('label')]).toEqual({ colId: 'label', hide: false, width: 250, pinned: 'left' });
    expect(layout[at('netNotionalUsd')]).toEqual({ colId: 'netNotionalUsd', hide: false, width: 140 });
    expect(layout[at('grossNotionalUsd')]).toEqual({ colId: 'grossNotionalUsd', hide: false, width: 170, pinned: 'right' });
    expect(at('label')).toBeLessThan(at('netNotionalUsd'));
    expect(at('netNotionalUsd')).toBeLessThan(at('grossNotionalUsd'));
    expect(layout[at('grossNotionalUsd') + 1]).toEqual({ colId: 'grossNotionalUsdDelta', width: 180 });
    expect(layout.some((c) => c.colId === 'trades')).toBe(false);
    // Pinned right shows last.
    expect(visibleMetrics(layout).at(-1)).toBe('grossNotionalUsd');
  });

  it('shows and hides metric columns, never the label', () => {
    const layout = setHidden(setHidden(defaultLayout(), 'vmPostedUsd', false), 'label', true);
    expect(layout.find((c) => c.colId === 'vmPostedUsd')?.hide).toBe(false);
    expect(layout.find((c) => c.colId === 'label')?.hide).toBe(false);
  });
});
