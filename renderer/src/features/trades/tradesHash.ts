import { z } from 'zod';
import { dimensionFilterSchema, dimensions } from '../../../../shared/contract';
import type { TradesScope } from '../../stores/app.store';

/**
 * The Trades view as a URL fragment: the snapshot and, for the trades behind a drill cell, its path, keys, the
 * drill's filters and its breadcrumb, e.g. `#trades?snapshot=4&path=jurisdiction,group&at=["US","5493…"]&label=…`.
 * So the trades behind a figure have an address: a reload shows them again and Back returns to the drill.
 */
const prefix = '#trades?';

export function tradesToHash(snapshotId: number | undefined, scope: TradesScope | undefined): string {
  if (snapshotId === undefined) return '#trades';
  const params = new URLSearchParams();
  params.set('snapshot', String(snapshotId));
  if (scope) {
    params.set('path', scope.path.join(','));
    params.set('at', JSON.stringify(scope.at));
    if (scope.filters && scope.filters.length > 0) params.set('filters', JSON.stringify(scope.filters));
    params.set('label', scope.label);
    if (scope.from) params.set('from', scope.from);
  }
  return prefix + params.toString();
}

const scopeSchema = z
  .object({
    path: z.array(z.enum(dimensions)).min(1).max(dimensions.length),
    at: z.array(z.string().max(120).nullable()).min(1).max(dimensions.length),
    filters: z.array(dimensionFilterSchema).max(dimensions.length).optional(),
    label: z.string().max(2000),
    from: z.string().startsWith('#exposure?').max(8000).optional(),
  })
  .strict()
  .refine((s) => s.at.length === s.path.length, { message: 'a key for each dimension of the path' });

export type TradesReading = { snapshotId: number; scope?: TradesScope } | { error: string };

/** Reads `#trades?…`: undefined for anything else (plain `#trades` included: the view as it is). */
export function hashToTrades(hash: string): TradesReading | undefined {
  if (!hash.startsWith(prefix)) return undefined;
  try {
    const params = new URLSearchParams(hash.slice(prefix.length));
    const snapshotId = Number(params.get('snapshot'));
    if (!Number.isSafeInteger(snapshotId) || snapshotId <= 0) return { error: 'it names no snapshot' };
    if (params.get('path') === null) return { snapshotId };
    const filters = params.get('filters');
    const from = params.get('from');
    const parsed = scopeSchema.safeParse({
      path: (params.get('path') ?? '').split(',').filter((d) => d !== ''),
      at: JSON.parse(params.get('at') ?? '[]') as unknown,
      ...(filters === null ? {} : { filters: JSON.parse(filters) as unknown }),
      label: params.get('label') ?? '',
      ...(from === null ? {} : { from }),
    });
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'it is not a drill cell' };
    return { snapshotId, scope: parsed.data };
  } catch {
    return { error: 'it is not a drill cell' };
  }
}
