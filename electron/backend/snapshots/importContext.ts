import type { Regime } from '../../../shared/contract/snapshots';

/** What row checks need to know about the snapshot being imported. */
export interface ImportContext {
  regime: Regime;
  /** YYYY-MM-DD */
  asOfDate: string;
  /** GLEIF registration status by LEI, from the snapshot's entity data (read before the trades). */
  entityStatus?: ReadonlyMap<string, string>;
}

/** EMIR-style regimes, where some codes allowed elsewhere are errors (BILT, cleared I, …). */
export const isEmirLike = (regime: Regime): boolean => regime === 'EMIR' || regime === 'UKEMIR';
