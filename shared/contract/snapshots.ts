import { z } from 'zod';
import { method } from './method';

export const regimes = ['EMIR', 'UKEMIR', 'CFTC', 'JFSA', 'ASIC', 'MAS', 'HKMA', 'CSA', 'OTHER'] as const;
export type Regime = (typeof regimes)[number];

/** A TR snapshot: (source TR, regime, as-of date, version). */
export interface SnapshotSummary {
  snapshotId: number;
  sourceName: string;
  trLei: string;
  regime: Regime;
  asOfDate: string;
  version: number;
  importedAt: string;
  tradeRows: number;
  rejectedRows: number;
  warningRows: number;
  isDemo: boolean;
}

export const snapshotIdSchema = z.number().int().positive();

export const snapshotsMethods = {
  'snapshots.list': method<SnapshotSummary[]>()(z.object({}).strict()),
};
