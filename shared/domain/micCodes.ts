/**
 * Market identifier codes (ISO 10383) Concordat knows, with their status: the crypto-relevant
 * rows of the ISO file named in the handbook (domain-trade-data.md §2 "MIC"), and the three
 * sentinels. The full ISO list is not shipped, so a well-formed MIC missing here is a warning,
 * never an error.
 */
export interface MicInfo {
  name: string;
  country: string;
  status: 'ACTIVE' | 'EXPIRED' | 'SENTINEL';
  operatingMic?: string;
}

export const knownMics: Readonly<Record<string, MicInfo>> = {
  XCME: { name: 'Chicago Mercantile Exchange', country: 'US', status: 'ACTIVE' },
  XCBO: { name: 'Cboe Options Exchange', country: 'US', status: 'ACTIVE' },
  XCBF: { name: 'Cboe Futures Exchange', country: 'US', status: 'ACTIVE', operatingMic: 'XCBO' },
  XCBD: { name: 'Cboe Digital Exchange', country: 'US', status: 'ACTIVE', operatingMic: 'XCBO' },
  ERIS: { name: 'Eris Exchange (former ErisX)', country: 'US', status: 'EXPIRED' },
  FREX: { name: 'Coinbase Derivatives, LLC', country: 'US', status: 'ACTIVE' },
  BTNL: { name: 'Bitnomial', country: 'US', status: 'ACTIVE' },
  BKKT: { name: 'Bakkt', country: 'US', status: 'ACTIVE' },
  LEDG: { name: 'LedgerX', country: 'US', status: 'ACTIVE' },
  FUSD: { name: 'FTX US Derivatives', country: 'US', status: 'ACTIVE', operatingMic: 'LEDG' },
  XMGE: { name: 'MIAX Futures Exchange', country: 'US', status: 'ACTIVE' },
  IFUS: { name: 'ICE Futures U.S.', country: 'US', status: 'ACTIVE' },
  CRYP: { name: 'Crypto Facilities Ltd', country: 'GB', status: 'ACTIVE' },
  D2XG: { name: 'D2X', country: 'NL', status: 'ACTIVE' },
  D2XC: { name: 'D2X – Crypto Derivatives', country: 'NL', status: 'ACTIVE', operatingMic: 'D2XG' },
  BFSD: { name: 'Bitstamp Derivatives Exchange', country: 'SI', status: 'ACTIVE' },
  XEUR: { name: 'Eurex Deutschland', country: 'DE', status: 'ACTIVE' },
  XOFF: { name: 'Listed instrument traded off-exchange', country: 'ZZ', status: 'SENTINEL' },
  XXXX: { name: 'Not listed on any venue', country: 'ZZ', status: 'SENTINEL' },
  BILT: { name: 'Bilateral: venue cannot be determined', country: 'ZZ', status: 'SENTINEL' },
};

export const MIC_RE = /^[A-Z0-9]{4}$/;
