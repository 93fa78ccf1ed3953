import { isValidLei } from '../../../../shared/domain/identifiers';
import { knownMics } from '../../../../shared/domain/micCodes';
import { cellDigestOf } from './cellDigest';
import { param, type Evaluator, type RuleContext } from './types';

/** Per holder: its group and gross notional as the drill's counterparty row has it (a trade with itself counts once). */
function holderGross(ctx: RuleContext): Array<{ holder: string; group: string | null; gross: number }> {
  return ctx.memo(`holderGross:${ctx.snapshotId}`, () =>
    cellDigestOf(ctx, ctx.snapshotId).holders.map(([holder, group, gross]) => ({ holder, group, gross })),
  );
}

/** GLEIF registration statuses of an LEI that is no longer kept current: lapsed (not renewed) or ended. */
const NOT_CURRENT = ['LAPSED', 'RETIRED', 'ANNULLED', 'MERGED', 'DUPLICATE'];

const holderDrill = (holder: string) => ({ path: ['counterparty', 'underlier'], at: [holder] });

export const identityRules: Record<string, Evaluator> = {
  /**
   * Counterparties whose identifier is not a valid LEI (ISO 17442 pattern and MOD 97-10 check digits,
   * shared/domain/identifiers.ts): in practice the other counterparties reported as natural persons or by another
   * code. Value = the holder's gross notional, above the parameter.
   */
  LEI_INVALID: {
    run: (ctx, p) => {
      const notionalAbove = param(p, 'notionalAbove');
      return holderGross(ctx)
        .filter((h) => !isValidLei(h.holder) && h.gross > notionalAbove)
        .map((h) => ({ subject: h.holder, value: h.gross, threshold: notionalAbove, rank: h.gross, drill: holderDrill(h.holder) }));
    },
  },

  /**
   * Counterparties whose LEI registration, in the snapshot's entity reference data (GLEIF Registration.RegistrationStatus),
   * is lapsed or ended (RETIRED, ANNULLED, MERGED, DUPLICATE). Value = the holder's gross notional, above the parameter.
   */
  LEI_LAPSED: {
    run: (ctx, p) => {
      const notionalAbove = param(p, 'notionalAbove');
      const notCurrent = new Set(
        (
          ctx.db
            .prepare(
              `SELECT lei FROM entity WHERE snapshot_id = ? AND upper(registration_status) IN (${NOT_CURRENT.map(() => '?').join(', ')})`,
            )
            .all(ctx.snapshotId, ...NOT_CURRENT) as Array<{ lei: string }>
        ).map((e) => e.lei),
      );
      if (notCurrent.size === 0) return [];
      return holderGross(ctx)
        .filter((h) => notCurrent.has(h.holder) && h.gross > notionalAbove)
        .map((h) => ({ subject: h.holder, value: h.gross, threshold: notionalAbove, rank: h.gross, drill: holderDrill(h.holder) }));
    },
  },

  /**
   * Venues of positions that neither the snapshot's venue reference (venues.csv, by venue id or MIC) nor Concordat's
   * MIC list (shared/domain/micCodes.ts) knows. Bilateral trades (no venue, XOFF, XXXX, BILT) have none. Value = the
   * gross notional of the trades on it (each trade once), above the parameter.
   */
  UNKNOWN_VENUE: {
    run: (ctx, p) => {
      const notionalAbove = param(p, 'notionalAbove');
      const known = new Set<string>();
      for (const v of ctx.db
        .prepare(`SELECT venue_id, mic FROM venue WHERE snapshot_id = ?`)
        .raw()
        .iterate(ctx.snapshotId) as IterableIterator<[string, string | null]>) {
        known.add(v[0]);
        if (v[1] !== null) known.add(v[1]);
      }
      const rows = cellDigestOf(ctx, ctx.snapshotId).venues.map(([venue, gross]) => ({ venue, gross }));
      return rows
        .filter((v) => !known.has(v.venue) && knownMics[v.venue] === undefined && v.gross > notionalAbove)
        .map((v) => ({
          subject: v.venue,
          value: v.gross,
          threshold: notionalAbove,
          rank: v.gross,
          drill: { path: ['venue', 'counterparty'], at: [v.venue] },
        }));
    },
  },
};
