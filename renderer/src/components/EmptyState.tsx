import type { OverlayType } from 'ag-grid-community';
import type { ReactNode } from 'react';

/**
 * What an empty list says, above its grid: why it is empty and what to do next. Kept outside the
 * grid because ag-grid reads its overlay text once (a "Loading…" overlay stayed for ever once).
 */
export function EmptyState({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <div className="empty-state" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

/** A grid whose empty list an EmptyState explains shows none of ag-grid's own empty overlays ("No Rows To Show"). */
export const emptyOverlaysSuppressed: OverlayType[] = ['noRows', 'noMatchingRows'];
