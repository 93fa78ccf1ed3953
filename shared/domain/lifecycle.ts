/**
 * What each action type of a trade report means for the trade's state in a snapshot: whether the
 * trade is outstanding at this repository (and so part of every exposure figure) or not. One table,
 * read by the importer (which codes a regime accepts), the rollups (which reports count) and the
 * README. A trade-state report carries the latest action applied to the trade.
 *
 * Sources: CDE Technical Guidance 2.107 (action type) and JFSA Attachment 1 item 101 for the
 * CFTC/JFSA list; ESMA EMIR Refit validation rule EMIR_VR_2151 and the Refit reporting guidelines
 * (action types, position components) for the EMIR list; CFTC Part 45 Appendix 1 element 26.
 */
import type { Regime } from '../contract/snapshots';

export const actionTypes = ['NEWT', 'MODI', 'CORR', 'EROR', 'TERM', 'REVI', 'PRTO', 'VALU', 'MARU', 'POSC'] as const;
export type ActionType = (typeof actionTypes)[number];

/** Why a trade is not outstanding (or that it is). */
export type TradeStateEffect = 'outstanding' | 'terminated' | 'error' | 'in-position' | 'ported-out';

export interface ActionTypeRule {
  code: ActionType;
  name: string;
  effect: TradeStateEffect;
  /** What the report does to the trade, in a sentence for the README and the findings grid. */
  meaning: string;
  /** The regimes whose validation rules list the code. */
  regimes: 'all' | 'EMIR-like' | 'CDE';
}

export const actionTypeRules: { readonly [C in ActionType]: ActionTypeRule } = {
  NEWT: { code: 'NEWT', name: 'New', effect: 'outstanding', meaning: 'First report of a new trade.', regimes: 'all' },
  MODI: { code: 'MODI', name: 'Modify', effect: 'outstanding', meaning: 'The terms of the trade changed.', regimes: 'all' },
  CORR: {
    code: 'CORR',
    name: 'Correct',
    effect: 'outstanding',
    meaning: 'Earlier reported details were wrong and are corrected.',
    regimes: 'all',
  },
  VALU: { code: 'VALU', name: 'Valuation', effect: 'outstanding', meaning: 'A valuation update of an outstanding trade.', regimes: 'all' },
  REVI: {
    code: 'REVI',
    name: 'Revive',
    effect: 'outstanding',
    meaning: 'A trade wrongly terminated or cancelled is outstanding again.',
    regimes: 'all',
  },
  MARU: {
    code: 'MARU',
    name: 'Margin update',
    effect: 'outstanding',
    // CDE 2.107 / CFTC element 26; EMIR reports margin in its own message (Table 3), so VR2151 has no MARU.
    meaning: 'A collateral update of an outstanding trade (CFTC, JFSA and other CDE regimes; not EMIR).',
    regimes: 'CDE',
  },
  TERM: {
    code: 'TERM',
    name: 'Terminate',
    effect: 'terminated',
    meaning: 'The trade ended early (termination, exercise, compression): no longer outstanding.',
    regimes: 'all',
  },
  EROR: {
    code: 'EROR',
    name: 'Error',
    effect: 'error',
    meaning: 'The trade was reported by mistake and never existed: no exposure.',
    regimes: 'all',
  },
  POSC: {
    code: 'POSC',
    name: 'Position component',
    effect: 'in-position',
    // EMIR Refit: a new trade included the same day in a separately reported position (level PSTN);
    // counting both would count the exposure twice.
    meaning: 'A trade included in a position reported separately: the position carries its exposure (EMIR only).',
    regimes: 'EMIR-like',
  },
  PRTO: {
    code: 'PRTO',
    name: 'Transfer out',
    effect: 'ported-out',
    // CDE 2.107 "Transfer out"; CFTC element 26: the trade is now reported to another repository.
    meaning: 'The trade was ported to another repository: no longer held here (CFTC, JFSA and other CDE regimes; not EMIR).',
    regimes: 'CDE',
  },
};

/** The action types whose trades carry no exposure in the snapshot. */
export const notOutstandingActionTypes: readonly ActionType[] = actionTypes.filter((a) => actionTypeRules[a].effect !== 'outstanding');

const emirLike = (regime: Regime) => regime === 'EMIR' || regime === 'UKEMIR';

/** The action types a regime's validation rules accept ('OTHER' accepts every code of the table). */
export function actionTypesOf(regime: Regime): ActionType[] {
  if (regime === 'OTHER') return [...actionTypes];
  return actionTypes.filter((a) => {
    const r = actionTypeRules[a].regimes;
    return r === 'all' || (r === 'EMIR-like' ? emirLike(regime) : !emirLike(regime));
  });
}

/**
 * Is a trade whose expiration date is `expiration` still outstanding on the as-of date? A trade
 * expiring on the as-of day is outstanding that day; one that expired before is matured. No
 * expiration (a CFD, a perpetual) never matures.
 */
export function isMatured(expiration: string | null | undefined, asOfDate: string): boolean {
  return typeof expiration === 'string' && expiration.length >= 10 && expiration.slice(0, 10) < asOfDate;
}
