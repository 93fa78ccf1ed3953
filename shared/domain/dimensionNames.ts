import type { Dimension } from '../contract/exposure';

/** Column header and path-builder name of each drill dimension. */
export const dimensionNames: Readonly<Record<Dimension, string>> = {
  jurisdiction: 'Jurisdiction',
  group: 'Group (ultimate parent)',
  counterparty: 'Counterparty',
  otherJurisdiction: 'Other side\u2019s jurisdiction',
  underlier: 'Underlier',
  contractType: 'Contract type',
  venue: 'Venue',
  cleared: 'Cleared',
  ccp: 'CCP',
  collateralisation: 'Collateralisation',
  crossBorder: 'Cross-border',
};

/** A dimension's name from a stored or received value (a name this version does not know is returned as it is). */
export const dimensionName = (d: string): string => (Object.hasOwn(dimensionNames, d) ? dimensionNames[d as Dimension] : d);
