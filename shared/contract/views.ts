import { z } from 'zod';
import { dimensionFilterSchema, dimensions, drillSortSchema } from './exposure';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';

/** The grids whose column layout is remembered. */
export const gridIds = ['drill', 'trades'] as const;
export type GridId = (typeof gridIds)[number];

/** One column's layout, in the shape of ag-grid's ColumnState (the array order is the column order). */
export const columnStateSchema = z
  .object({
    colId: z.string().min(1).max(80),
    hide: z.boolean().optional(),
    width: z.number().int().min(20).max(4000).optional(),
    pinned: z.enum(['left', 'right']).nullable().optional(),
  })
  .strict();
export type ColumnState = z.infer<typeof columnStateSchema>;
const columnsSchema = z.array(columnStateSchema).max(80);

/** Everything that reproduces what an exposure view shows. */
export const viewStateSchema = z
  .object({
    snapshotId: snapshotIdSchema,
    path: z.array(z.enum(dimensions)).min(1).max(dimensions.length),
    /** The keys chosen on the way down, with the labels the breadcrumb shows. */
    at: z.array(z.object({ key: z.string().max(120).nullable(), label: z.string().max(300) }).strict()).max(dimensions.length - 1),
    filters: z.array(dimensionFilterSchema).max(dimensions.length),
    sort: drillSortSchema,
    compareTo: snapshotIdSchema.optional(),
    columns: columnsSchema,
  })
  .strict()
  .refine((v) => v.at.length < v.path.length, { message: 'at must choose fewer keys than the path has levels', path: ['at'] });
export type ViewState = z.infer<typeof viewStateSchema>;

export interface SavedView {
  viewId: number;
  name: string;
  state: ViewState;
  createdAt: string;
  updatedAt: string;
}

const viewName = z.string().trim().min(1, 'a view needs a name').max(120, 'a view name has at most 120 characters');

export const viewsMethods = {
  /** Saved views, by name. */
  'views.list': method<SavedView[]>()(z.object({}).strict()),
  /** Saves a view under a name; saving under an existing name replaces that view. */
  'views.save': method<SavedView>()(z.object({ name: viewName, state: viewStateSchema }).strict()),
  'views.remove': method<{ removed: boolean }>()(z.object({ viewId: z.number().int().positive() }).strict()),
  /** The column layout last used in a grid (empty when none was saved). */
  'views.getColumns': method<{ columns: ColumnState[] }>()(z.object({ grid: z.enum(gridIds) }).strict()),
  'views.setColumns': method<{ saved: true }>()(z.object({ grid: z.enum(gridIds), columns: columnsSchema }).strict()),
};
