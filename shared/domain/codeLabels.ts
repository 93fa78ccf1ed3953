import { actionTypeRules, type ActionType } from './lifecycle';

/**
 * Words for the codes trade reports carry, so a supervisor reads "Option", "Buyer", "New", "Off-venue" and sees the
 * code on hover. Shared by the drill's labels (backend) and the Trades grid (renderer). A code not listed is shown
 * as it is.
 */

/** EMIR Refit / CFTC contract types (and PERP, the perpetual futures of crypto venues). */
export const contractTypeNames: Readonly<Record<string, string>> = {
  FUTR: 'Future',
  PERP: 'Perpetual',
  OPTN: 'Option',
  SWAP: 'Swap',
  CFDS: 'CFD',
  FORW: 'Forward',
  SWPT: 'Swaption',
  SPDB: 'Spreadbet',
  FRAS: 'FRA',
  OTHR: 'Other',
};

/** Direction (EMIR Refit 2.17) and direction of leg 1 (2.18: the payer or the receiver of leg 1). */
export const directionNames: Readonly<Record<string, string>> = {
  BYER: 'Buyer',
  SLLR: 'Seller',
  MAKE: 'Payer of leg 1',
  TAKE: 'Receiver of leg 1',
};

/** Venue codes that are not venues: ISO 10383's segment codes for trades off any venue. */
export const venueCodeNames: Readonly<Record<string, string>> = {
  XXXX: 'Off-venue',
  XOFF: 'Off-venue (instrument listed on a venue)',
  'OFF-VENUE': 'Off-venue',
};

/** EMIR Refit collateralisation categories (2.11): who posts initial (IM) and variation margin (VM). */
export const collateralisationNames: Readonly<Record<string, string>> = {
  UNCL: 'Uncollateralised',
  PRC1: 'Partially collateralised: counterparty 1 only (VM)',
  PRC2: 'Partially collateralised: counterparty 2 only (VM)',
  PRCL: 'Partially collateralised: both (VM)',
  OWC1: 'One-way collateralised: counterparty 1 only',
  OWC2: 'One-way collateralised: counterparty 2 only',
  OWP1: 'One-way/partially collateralised: counterparty 1 posts IM and VM',
  OWP2: 'One-way/partially collateralised: counterparty 2 posts IM and VM',
  OWCL: 'One-way collateralised',
  FLCL: 'Fully collateralised (IM and VM both ways)',
};

/** Cleared (EMIR Refit 2.31): Y, N, or I for an intent to clear. */
export const clearedNames: Readonly<Record<string, string>> = { Y: 'Cleared', N: 'Not cleared', I: 'Intent to clear' };

export type CodeKind = 'contractType' | 'direction' | 'actionType' | 'venue' | 'collateralisation' | 'cleared';

/** A table's own entry (never a prototype member such as "toString", which a report could carry as a code). */
const own = (table: Readonly<Record<string, string>>, code: string) => (Object.hasOwn(table, code) ? table[code] : undefined);

/** The words for a code of a kind, or the code itself when there are none. */
export function codeLabel(kind: CodeKind, code: string): string {
  switch (kind) {
    case 'contractType':
      return own(contractTypeNames, code) ?? code;
    case 'direction':
      return own(directionNames, code) ?? code;
    case 'actionType':
      return Object.hasOwn(actionTypeRules, code) ? actionTypeRules[code as ActionType].name : code;
    case 'venue':
      return own(venueCodeNames, code) ?? code;
    case 'collateralisation':
      return own(collateralisationNames, code) ?? code;
    case 'cleared':
      return own(clearedNames, code) ?? code;
  }
}
