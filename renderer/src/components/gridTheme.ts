import { themeQuartz } from 'ag-grid-community';

/** One grid theme for every view: compact rows for dense supervisory tables. */
export const gridTheme = themeQuartz.withParams({ fontSize: 13, rowHeight: 28, headerHeight: 36 });
