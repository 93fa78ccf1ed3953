import type { Dimension } from '../../../shared/contract/exposure';

/**
 * The exposure_position column behind each dimension. Fixed here, never taken from input,
 * so a column name can be placed in SQL while every value travels as a bound parameter.
 */
export const dimensionColumn: Readonly<Record<Dimension, string>> = {
  jurisdiction: 'jurisdiction',
  group: 'group_id',
  counterparty: 'holder',
  otherJurisdiction: 'other_jurisdiction',
  underlier: 'underlier',
  contractType: 'contract_kind',
  venue: 'venue',
  cleared: 'cleared',
  ccp: 'ccp',
  collateralisation: 'collateralisation',
  crossBorder: 'cross_border',
};

/**
 * Dimensions that describe the holder of a position. Margin is reported per counterparty
 * (and netting set), so it can be shown only where every dimension in play is one of these.
 */
export const holderDimensions: ReadonlySet<Dimension> = new Set(['jurisdiction', 'group', 'counterparty']);

/**
 * Dimensions whose value can differ between a trade's two positions (its holder's side and the other side). Every
 * other dimension (underlier, contract type, venue, clearing, CCP, collateralisation, cross-border) is the trade's
 * own, the same on both positions, so one position per trade (side 1) finds each trade once.
 */
export const sideDimensions: ReadonlySet<Dimension> = new Set(['jurisdiction', 'group', 'counterparty', 'otherJurisdiction']);
