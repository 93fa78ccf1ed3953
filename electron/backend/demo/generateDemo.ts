// Deterministic synthetic trade-repository (TR) snapshot of crypto-asset derivatives.
//
// Why: no public sample of a crypto derivative in TR format exists (handbook domain-trade-data.md §3, last bullet), so
// this generator fills the gap (§5). It writes six CSV files (trades, margins, entities, venues, prices, fx) whose
// columns mirror the CDE / EMIR Refit elements of §1. Same seed + options ⇒ byte-identical files.
//
// Performance: rows are streamed to disk in ~1 MB chunks with backpressure; only entities, venues, natural persons and
// netting sets live in memory, so 5,000,000 rows run in bounded memory.

import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { DTI_ALPHABET, makeLei, makeUpi } from '../../../shared/domain/identifiers';
import { EMIR_AREA_COUNTRIES } from '../../../shared/domain/isoCodes';
import { Rng, weightedTable } from './random';
import type { WeightedTable } from './random';
import { csvColumns } from '../snapshots/fileKinds';

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

/** Options for generateDemoData. `trades` counts ROWS of trades.csv (a two-sided trade is two rows). */
export interface DemoOptions {
  trades: number;
  seed: number;
  outDir: string;
  /** Snapshot date, YYYY-MM-DD; default '2026-06-30'. */
  asOfDate?: string;
  /** Share of deliberately invalid rows, each with exactly one defect; default 0.002. */
  invalidShare?: number;
  /** Called periodically (about every 1% of rows) and once at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops generation, removes the partial files and rejects with an AbortError DOMException. */
  signal?: AbortSignal;
}

/** Paths of the written files and row counts. `defects` counts the deliberately invalid rows per kind. */
export interface DemoResult {
  files: { trades: string; margins: string; entities: string; venues: string; prices: string; fx: string };
  counts: { tradeRows: number; utis: number; marginRows: number; entities: number; venues: number; invalidRows: number };
  defects: Record<DemoDefectKind, number>;
}

/** trades.csv columns, in order. */
export const TRADES_COLUMNS = csvColumns.trades;

/** margins.csv columns, in order. Exactly one of collateral_portfolio_code and uti is set per row. */
export const MARGINS_COLUMNS = csvColumns.margins;

/** entities.csv columns, in order (GLEIF Level-1 style, handbook §2). */
export const ENTITIES_COLUMNS = csvColumns.entities;

/** venues.csv columns, in order; `mic` is empty for MIC-less offshore venues (handbook §2 "MIC"). */
export const VENUES_COLUMNS = csvColumns.venues;

/** prices.csv columns, in order. */
export const PRICES_COLUMNS = csvColumns.prices;

/** fx.csv columns, in order. */
export const FX_COLUMNS = csvColumns.fx;

/** The kinds of deliberate defect; every invalid row carries exactly one (rules from handbook §1 and §4). */
export const DEMO_DEFECT_KINDS = [
  'BAD_LEI_CHECK_DIGITS',
  'PLACEHOLDER_LEI',
  'MALFORMED_UTI',
  'BILT_PLATFORM',
  'CRYPTO_CURRENCY_CODE',
  'CLEARED_WITHOUT_CCP',
  'NON_CCPV_FOR_CLEARED',
  'OPTION_WITHOUT_STRIKE',
  'NEGATIVE_MARGIN',
  'EXPIRATION_BEFORE_EFFECTIVE',
  'MALFORMED_TIMESTAMP',
  'NEGATIVE_NOTIONAL',
  'COUNTRY_FOR_LEI_COUNTERPARTY',
  'INVALID_COUNTRY',
  'MISSING_PRICE',
  'MALFORMED_UPI',
  'MALFORMED_DTI',
  'EXECUTION_AFTER_REPORTING',
] as const;

/** One deliberate defect kind. */
export type DemoDefectKind = (typeof DEMO_DEFECT_KINDS)[number];

/** What each defect does and which rule it breaks. */
export const DEMO_DEFECT_DESCRIPTIONS: Readonly<Record<DemoDefectKind, string>> = {
  BAD_LEI_CHECK_DIGITS: 'trades.reporting_lei has wrong MOD 97-10 check digits (ISO 17442)',
  PLACEHOLDER_LEI: 'trades.other_cpty_id is the DRR placeholder DUMMY0000000000LEI01 (fails MOD 97)',
  MALFORMED_UTI: 'trades.uti is lower case or ends in "-" (fails the legacy pattern, VR2001)',
  BILT_PLATFORM: 'trades.platform_mic is BILT, rejected under EMIR (VR2041)',
  CRYPTO_CURRENCY_CODE: 'trades.notional_ccy is a crypto code such as BTC/USDT/XBT (VR2056, ESMA para 370)',
  CLEARED_WITHOUT_CCP: 'trades.cleared is Y but ccp_lei is empty (J16)',
  NON_CCPV_FOR_CLEARED: 'trades.cleared is Y but valuation_method is not CCPV (VR2024)',
  OPTION_WITHOUT_STRIKE: 'an OPTN row has no strike / strike_ccy (VR2132-2134)',
  NEGATIVE_MARGIN: 'a per-trade margins row has a negative im_posted (margins are >= 0, J45-60)',
  EXPIRATION_BEFORE_EFFECTIVE: 'trades.expiration_date is before effective_date',
  MALFORMED_TIMESTAMP: 'trades.execution_ts is not YYYY-MM-DDThh:mm:ssZ',
  NEGATIVE_NOTIONAL: 'trades.notional is negative (EMIR: >= 0, VR2055)',
  COUNTRY_FOR_LEI_COUNTERPARTY: 'other_cpty_is_lei is true but other_cpty_country is set (VR1010)',
  INVALID_COUNTRY: 'a natural-person counterparty has country ZZ, not ISO 3166-1 (VR1010_01)',
  MISSING_PRICE: 'a FUTR/CFDS row has no price (VR2048)',
  MALFORMED_UPI: 'trades.upi has 11 characters (VR2008_04)',
  MALFORMED_DTI: 'trades.underlier_dti contains a vowel (ISO 24165 alphabet)',
  EXECUTION_AFTER_REPORTING: 'trades.reporting_ts is before execution_ts (heuristic, §4)',
};

/** Number of deliberately invalid rows for a run: round(trades × invalidShare), deterministic. */
export function demoInvalidRowCount(trades: number, invalidShare = 0.002): number {
  const share = Math.min(1, Math.max(0, invalidShare));
  return Math.min(trades, Math.round(trades * share));
}

// ---------------------------------------------------------------------------------------------------------------
// Reference data (handbook §2 tables and §5 calibration). Prices and FX are synthetic demo values.
// ---------------------------------------------------------------------------------------------------------------

interface Underlier {
  sym: string;
  dti: string;
  /** Approximate USD price used as the centre of the synthetic as-of price. */
  basePrice: number;
  /** Annualised volatility for the execution-price random walk and option values. */
  vol: number;
  /** Strike grid. */
  strikeStep: number;
}

// DTIs: handbook §2 DTI table (Bitcoin's DTI is whitelisted for its check char). Tether is omitted: unverified DTI.
const UNDERLIERS: readonly Underlier[] = [
  { sym: 'BTC', dti: '4H95J0R2X', basePrice: 104_000, vol: 0.55, strikeStep: 1000 },
  { sym: 'ETH', dti: 'X9J9K872S', basePrice: 3_450, vol: 0.7, strikeStep: 50 },
  { sym: 'SOL', dti: '20J63Z4N3', basePrice: 165, vol: 0.9, strikeStep: 5 },
  { sym: 'BNB', dti: '85MP572L7', basePrice: 650, vol: 0.6, strikeStep: 10 },
  { sym: 'BCH', dti: 'J9K583ZGG', basePrice: 470, vol: 0.8, strikeStep: 10 },
  { sym: 'AR', dti: 'JW7SD9THP', basePrice: 12, vol: 1.1, strikeStep: 0.5 },
];
const U_BTC = 0;
const U_ETH = 1;
const U_SOL = 2;

// USD per unit, synthetic centre values; every currency the generator can emit is listed (fx.csv covers all).
const FX_BASE: readonly (readonly [string, number])[] = [
  ['USD', 1],
  ['EUR', 1.13],
  ['GBP', 1.35],
  ['JPY', 0.0069],
  ['CHF', 1.24],
  ['SGD', 0.78],
  ['HKD', 0.1277],
  ['AUD', 0.66],
  ['CAD', 0.73],
];

/** Binance USDⓈ-M BTCUSDT tiers (handbook §5, 2021-03-18): notional cap → initial margin rate. */
const OFFSHORE_IM_TIERS: readonly (readonly [number, number])[] = [
  [50e3, 0.008],
  [250e3, 0.01],
  [1e6, 0.02],
  [10e6, 0.05],
  [20e6, 0.1],
  [50e6, 0.2],
  [100e6, 0.25],
  [200e6, 0.333],
  [300e6, 0.5],
  [Infinity, 1],
];

type Segment = 0 | 1 | 2 | 3 | 4 | 5;
const SEG_LISTED = 0; // listed cleared futures on XCME / FREX / XCBF
const SEG_MTF = 1; // Crypto Facilities (CRYP), a MIC'd UK venue, uncleared
const SEG_OFFSHORE = 2; // MIC-less offshore perps / options (Deribit, Binance, OKX, Bybit)
const SEG_OTC = 3; // bilateral dealer–client OTC
const SEG_INTERDEALER = 4; // bilateral dealer–dealer OTC
const SEG_RETAIL = 5; // CFD broker vs natural persons
const SEGMENT_WEIGHTS = [14, 4, 30, 30, 7, 15];

type ContractType = 'FUTR' | 'OPTN' | 'SWAP' | 'CFDS' | 'FORW' | 'OTHR';
const CT_TAG: Record<ContractType, string> = { FUTR: 'F', OPTN: 'O', SWAP: 'S', CFDS: 'C', FORW: 'W', OTHR: 'X' };

interface ListedContract {
  venue: string;
  u: number;
  size: number;
  perpetual: boolean;
  weight: number;
}

// Contract sizes: CME BTC 5 / MBT 0.1 BTC, ETH 50 / MET 0.1 ETH (handbook §5 calibration). FREX nano and perp-style
// (far expiry such as BIP-20DEC30-CDE) and XCBF sizes are illustrative only.
const LISTED_CONTRACTS: readonly ListedContract[] = [
  { venue: 'XCME', u: U_BTC, size: 5, perpetual: false, weight: 30 },
  { venue: 'XCME', u: U_BTC, size: 0.1, perpetual: false, weight: 24 },
  { venue: 'XCME', u: U_ETH, size: 50, perpetual: false, weight: 12 },
  { venue: 'XCME', u: U_ETH, size: 0.1, perpetual: false, weight: 10 },
  { venue: 'FREX', u: U_BTC, size: 0.01, perpetual: false, weight: 7 },
  { venue: 'FREX', u: U_ETH, size: 0.1, perpetual: false, weight: 4 },
  { venue: 'FREX', u: U_BTC, size: 0.01, perpetual: true, weight: 5 },
  { venue: 'FREX', u: U_ETH, size: 0.1, perpetual: true, weight: 3 },
  { venue: 'FREX', u: U_SOL, size: 5, perpetual: false, weight: 1 },
  { venue: 'XCBF', u: U_BTC, size: 0.1, perpetual: false, weight: 3 },
  { venue: 'XCBF', u: U_ETH, size: 0.1, perpetual: false, weight: 1 },
];
const FREX_PERP_EXPIRY = '2030-12-20';
/** Perpetuals reported with a sentinel far expiry; how perps report expiration is open (handbook §6). */
const PERP_EXPIRY = '9999-12-31';

type Nature = 'F' | 'N' | 'C' | 'O';
type Category = 'GENERAL' | 'BRANCH' | 'FUND' | 'SOLE_PROPRIETOR';
type Role = 'CCP' | 'VENUE_OP' | 'HOLDCO' | 'DEALER' | 'DEALER_BRANCH' | 'MANAGER' | 'FUND' | 'PROP' | 'CORPORATE' | 'BROKER';

interface Entity {
  lei: string;
  name: string;
  country: string;
  jurisdiction: string;
  category: Category;
  nature: Nature;
  parent: string;
  ultimate: string;
  status: string;
  role: Role;
  /** Legal country in the EU/EEA or GB: two-sided (EMIR-style) reporting when both sides are. */
  emir: boolean;
}

interface Venue {
  id: string;
  mic: string;
  name: string;
  country: string;
  operatorLei: string;
  status: string;
  /** CCP LEI for cleared venues, '' otherwise. */
  ccpLei: string;
}

// Real LEIs from handbook §2 (ISO 10383 MIC file operators). SNZ2OJLFK8MNNCLQOF39 is "CME Clearing" per a third-party
// spec and appears in a public list of ESMA-recognised third-country CCP LEIs; its legal name is unverified.
const LEI_CME_GROUP = 'LCZ7XYGSLJUHFXXNXD88';
const LEI_CME_CLEARING = 'SNZ2OJLFK8MNNCLQOF39';
const LEI_COINBASE_DERIVATIVES = '98450096938F91115592';
const LEI_CBOE = '529900RLNSGA90UPEH54';
const LEI_CRYPTO_FACILITIES = '549300S18I523MZORK73';
const PLACEHOLDER_LEI = 'DUMMY0000000000LEI01';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// Prefixes seen in public LEIs; no LOU mapping is implied. The rest of each LEI is random (handbook §5).
const LEI_PREFIXES = [
  '5493',
  '2138',
  '5299',
  '9845',
  '9695',
  '3538',
  '2221',
  '8156',
  '7245',
  '6354',
  '2549',
  '3912',
  '8945',
  '7437',
  '9884',
  '4469',
];

const EMIR_AREA = new Set(EMIR_AREA_COUNTRIES);

// Synthetic name parts.
const NAME_A = [
  'Alder',
  'Birchmoor',
  'Cobalt',
  'Drummond',
  'Ember',
  'Fjordline',
  'Granite',
  'Harbourside',
  'Iris',
  'Juniper',
  'Kestrel',
  'Larchmont',
  'Meridian',
  'Northgate',
  'Onyx',
  'Pinnacle',
  'Quarry Lane',
  'Ridgeway',
  'Saltmarsh',
  'Tidewater',
  'Umber',
  'Vantage',
  'Westbrook',
  'Yarrow',
  'Zephyr',
  'Ashford',
  'Bramble',
  'Caldera',
  'Dunmore',
  'Eastwind',
  'Foxglove',
  'Glenrock',
  'Hollis',
  'Ironbark',
  'Kingsley',
  'Lowther',
  'Marlowe',
  'Nettlefield',
  'Oakhurst',
  'Pembroke',
  'Quillon',
  'Redfern',
  'Sable',
  'Thistle',
  'Upland',
  'Verity',
  'Whitlock',
  'Aurora',
  'Boreal',
  'Cirrus',
  'Delphine',
  'Estuary',
  'Falconer',
  'Greyfriars',
  'Halcyon',
  'Inverness',
  'Jetstream',
  'Kelvin',
];
const NAME_B: Record<'MANAGER' | 'FUND' | 'PROP' | 'CORPORATE' | 'BROKER', readonly string[]> = {
  MANAGER: ['Capital Management', 'Asset Management', 'Investment Partners', 'Advisors', 'Capital'],
  FUND: ['Master Fund', 'Opportunities Fund', 'Digital Assets Fund', 'Macro Fund', 'Multi-Strategy Fund', 'Yield Fund', 'Volatility Fund'],
  PROP: ['Trading', 'Markets', 'Quant', 'Liquidity', 'Execution'],
  CORPORATE: ['Mining', 'Digital Infrastructure', 'Hashrate', 'Holdings', 'Payments'],
  BROKER: ['Markets', 'Invest', 'Trade', 'Brokers', 'FX & Crypto'],
};
const ROMAN = ['', '', '', ' II', ' III', ' IV'];
const SUFFIX: Record<string, readonly string[]> = {
  US: ['LLC', 'Inc.', 'LP'],
  GB: ['Ltd', 'Limited', 'LLP'],
  DE: ['GmbH', 'AG'],
  FR: ['SAS', 'SA'],
  NL: ['B.V.', 'N.V.'],
  IE: ['DAC', 'Limited', 'ICAV'],
  LU: ['S.A.', 'SCSp', 'S.à r.l.'],
  CH: ['AG', 'SA'],
  JP: ['K.K.', 'Co., Ltd.'],
  SG: ['Pte. Ltd.'],
  HK: ['Limited'],
  KY: ['Ltd', 'SPC', 'LP'],
  VG: ['Ltd'],
  BS: ['Ltd'],
  BM: ['Ltd'],
  SC: ['Ltd'],
  MT: ['Ltd', 'p.l.c.'],
  CY: ['Ltd'],
  AE: ['FZE', 'Ltd', 'FZCO'],
  KR: ['Co., Ltd.'],
  AU: ['Pty Ltd'],
  CA: ['Inc.', 'Corp.'],
  LT: ['UAB'],
  EE: ['OÜ'],
  NO: ['AS'],
  SE: ['AB'],
  AT: ['GmbH'],
  IT: ['S.p.A.'],
  ES: ['S.L.'],
};

interface DealerGroupSpec {
  name: string;
  home: string;
  /** [country, 'SUB' | 'BRANCH'] legs abroad. */
  legs: readonly (readonly [string, 'SUB' | 'BRANCH'])[];
}

// A few dealer groups form the core of the core–periphery network (handbook §5 "Cross-border network").
const DEALER_GROUPS: readonly DealerGroupSpec[] = [
  {
    name: 'Halvorsen Stanley',
    home: 'US',
    legs: [
      ['GB', 'SUB'],
      ['DE', 'SUB'],
      ['SG', 'BRANCH'],
      ['HK', 'BRANCH'],
    ],
  },
  {
    name: 'Thamesgate Bank',
    home: 'GB',
    legs: [
      ['IE', 'SUB'],
      ['FR', 'SUB'],
      ['US', 'SUB'],
      ['SG', 'BRANCH'],
    ],
  },
  {
    name: 'Rheinwerk Bank',
    home: 'DE',
    legs: [
      ['GB', 'BRANCH'],
      ['US', 'SUB'],
      ['LU', 'SUB'],
    ],
  },
  {
    name: 'Banque Aurelienne',
    home: 'FR',
    legs: [
      ['GB', 'BRANCH'],
      ['HK', 'SUB'],
      ['US', 'BRANCH'],
    ],
  },
  {
    name: 'Alpenkreuz Bank',
    home: 'CH',
    legs: [
      ['GB', 'BRANCH'],
      ['US', 'SUB'],
      ['SG', 'BRANCH'],
    ],
  },
  {
    name: 'Kitsune Securities',
    home: 'JP',
    legs: [
      ['GB', 'SUB'],
      ['SG', 'BRANCH'],
      ['NL', 'SUB'],
    ],
  },
  {
    name: 'Straits Digital Markets',
    home: 'SG',
    legs: [
      ['HK', 'BRANCH'],
      ['GB', 'SUB'],
      ['AE', 'SUB'],
    ],
  },
  {
    name: 'Victoria Harbour Capital',
    home: 'HK',
    legs: [
      ['KY', 'SUB'],
      ['SG', 'SUB'],
      ['BS', 'SUB'],
      ['MT', 'SUB'],
    ],
  },
];

type Weighted = readonly (readonly [string, number])[];
const MANAGER_COUNTRIES: Weighted = [
  ['US', 30],
  ['GB', 20],
  ['CH', 8],
  ['SG', 10],
  ['HK', 10],
  ['AE', 5],
  ['FR', 4],
  ['DE', 3],
  ['NL', 2],
  ['JP', 3],
  ['KR', 2],
  ['AU', 3],
];
const FUND_COUNTRIES: Weighted = [
  ['KY', 40],
  ['IE', 12],
  ['LU', 12],
  ['VG', 8],
  ['BS', 3],
  ['BM', 4],
  ['US', 12],
  ['SC', 2],
  ['GB', 2],
  ['MT', 3],
  ['CY', 2],
];
const PROP_COUNTRIES: Weighted = [
  ['US', 15],
  ['GB', 15],
  ['NL', 10],
  ['IE', 5],
  ['SG', 10],
  ['HK', 10],
  ['CH', 6],
  ['KY', 8],
  ['BS', 4],
  ['AE', 6],
  ['DE', 4],
  ['FR', 3],
  ['KR', 2],
  ['JP', 2],
];
const CORPORATE_COUNTRIES: Weighted = [
  ['US', 30],
  ['CA', 12],
  ['AU', 8],
  ['JP', 8],
  ['KR', 6],
  ['DE', 8],
  ['NO', 4],
  ['SE', 4],
  ['GB', 6],
  ['FR', 4],
  ['IT', 3],
  ['ES', 3],
  ['SG', 4],
];
const BROKER_COUNTRIES: Weighted = [
  ['CY', 30],
  ['MT', 15],
  ['DE', 8],
  ['FR', 6],
  ['IE', 6],
  ['NL', 5],
  ['LT', 6],
  ['EE', 3],
  ['AT', 3],
  ['AU', 8],
  ['SG', 4],
  ['SC', 4],
  ['VG', 2],
];
const PERSON_COUNTRIES: Weighted = [
  ['DE', 18],
  ['FR', 14],
  ['ES', 10],
  ['IT', 10],
  ['NL', 7],
  ['PL', 6],
  ['AT', 4],
  ['BE', 4],
  ['PT', 3],
  ['GR', 3],
  ['IE', 2],
  ['SE', 3],
  ['CY', 2],
  ['MT', 1],
  ['RO', 3],
  ['CZ', 2],
  ['AU', 4],
  ['SG', 2],
  ['CH', 2],
  ['XK', 0.1],
];
const OTC_CCYS: Weighted = [
  ['USD', 70],
  ['EUR', 10],
  ['GBP', 5],
  ['JPY', 5],
  ['CHF', 4],
  ['SGD', 4],
  ['HKD', 2],
];
const EU_CURRENCY_COUNTRIES = new Set([
  'AT',
  'BE',
  'CY',
  'DE',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PT',
  'SI',
  'SK',
]);

const P2: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const DAY = 86_400;

// ---------------------------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------------------------

function parseDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`asOfDate must be YYYY-MM-DD, got ${JSON.stringify(s)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const dt = new Date(ms);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) {
    throw new RangeError(`asOfDate is not a calendar date: ${s}`);
  }
  return ms / 86_400_000;
}

/** Caches YYYY-MM-DD strings per day number; formats second-resolution UTC timestamps without Date objects. */
class Clock {
  private readonly cache = new Map<number, string>();

  day(d: number): string {
    let s = this.cache.get(d);
    if (s === undefined) {
      s = new Date(d * 86_400_000).toISOString().slice(0, 10);
      this.cache.set(d, s);
    }
    return s;
  }

  ts(t: number): string {
    const d = Math.floor(t / DAY);
    let r = t - d * DAY;
    const h = (r / 3600) | 0;
    r -= h * 3600;
    const m = (r / 60) | 0;
    const s = r - m * 60;
    return `${this.day(d)}T${P2[h]}:${P2[m]}:${P2[s]}Z`;
  }
}

/** Plain decimal with `d` decimals (0 ≤ d ≤ 8), never "-0.00", never an exponent for |x| < 1e21. */
function fixed(x: number, d: number): string {
  const s = x.toFixed(d);
  // Only values within one unit of the last place of zero can round to "-0.0…"; check those (cheaply) only.
  if (x < 0 && x > -(UNIT[d] ?? 1) && Number(s) === 0) return s.slice(1);
  return s;
}
const UNIT = [1, 0.1, 0.01, 0.001, 0.0001, 0.00001, 0.000001, 0.0000001, 0.00000001];

/** ≤ 5 decimals with trailing zeros removed (quantities, deltas). */
function dec5(x: number): string {
  const s = fixed(x, 5);
  let e = s.length;
  while (s.charCodeAt(e - 1) === 48) e--;
  if (s.charCodeAt(e - 1) === 46) e--;
  return s.slice(0, e);
}

/** Amount in a currency: 0 decimals for JPY, 2 otherwise. */
const amount = (x: number, ccy: string): string => fixed(x, ccy === 'JPY' ? 0 : 2);

/** Price with precision by magnitude (≤ 5 decimals). */
const priceStr = (x: number): string => fixed(x, x >= 1000 ? 2 : x >= 1 ? 4 : 5);

/** RFC 4180 field: quoted only when it contains a comma, quote, CR or LF. */
function csv(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Standard normal CDF (Abramowitz–Stegun 26.2.17, |error| < 7.5e-8). */
function ncdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

/** Last Friday of the month that is `k` months after (year, month0). */
function lastFriday(year: number, month0: number, k: number): number {
  const last = Date.UTC(year, month0 + k + 1, 0) / 86_400_000; // day 0 of next month = last day of this month
  const dow = (last + 4) % 7; // 1970-01-01 was a Thursday (4)
  return last - ((dow - 5 + 7) % 7);
}

function table(w: Weighted): WeightedTable<string> {
  return weightedTable(
    w.map((x) => x[0]),
    w.map((x) => x[1]),
  );
}

function abortError(): DOMException {
  return new DOMException('Demo data generation was aborted', 'AbortError');
}

// ---------------------------------------------------------------------------------------------------------------
// The synthetic world: entities, venues, natural persons, products
// ---------------------------------------------------------------------------------------------------------------

class World {
  readonly entities: Entity[] = [];
  readonly venues: Venue[] = [];
  readonly venueById = new Map<string, Venue>();
  readonly personIds: string[] = [];
  readonly personCountries: string[] = [];
  readonly dealerGroupEntities: number[][] = [];
  readonly dealerTable: WeightedTable<number>;
  readonly dealerNoBranchTable: WeightedTable<number>;
  readonly clientTable: WeightedTable<number>;
  readonly traderTable: WeightedTable<number>; // funds and props (venue clients)
  readonly euTraderTable: WeightedTable<number>;
  readonly brokerTable: WeightedTable<number>;
  readonly personTable: WeightedTable<number>;
  private readonly usedLeis = new Set<string>();
  private readonly usedNames = new Set<string>();
  private readonly upis = new Map<string, string>();

  constructor(
    private readonly rng: Rng,
    private readonly seed: number,
    trades: number,
  ) {
    for (const l of [LEI_CME_GROUP, LEI_CME_CLEARING, LEI_COINBASE_DERIVATIVES, LEI_CBOE, LEI_CRYPTO_FACILITIES, PLACEHOLDER_LEI]) {
      this.usedLeis.add(l);
    }
    this.buildMarketInfrastructure();

    // Dealer groups: holdco (ultimate parent) + main dealer + subsidiaries / branches abroad.
    const dealerIdx: number[] = [];
    const dealerW: number[] = [];
    const dealerNoBranchIdx: number[] = [];
    const dealerNoBranchW: number[] = [];
    DEALER_GROUPS.forEach((g, rank) => {
      const groupW = 1 / Math.pow(rank + 1, 1.1); // Zipf-like: a few dealers dominate
      const hold = this.addEntity({ role: 'HOLDCO', country: g.home, name: `${g.name} Group ${HOLDCO_SUFFIX[g.home] ?? 'Ltd'}` });
      const main = this.addEntity({
        role: 'DEALER',
        country: g.home,
        name: `${g.name} ${this.suffix(g.home)}`,
        parent: hold,
        ultimate: hold,
      });
      const members = [main];
      dealerIdx.push(main);
      dealerW.push(groupW * 0.5);
      dealerNoBranchIdx.push(main);
      dealerNoBranchW.push(groupW * 0.5);
      for (const [country, kind] of g.legs) {
        const mainEnt = this.entities[main] as Entity;
        const e =
          kind === 'BRANCH'
            ? this.addEntity({
                role: 'DEALER_BRANCH',
                country,
                category: 'BRANCH',
                jurisdiction: mainEnt.jurisdiction,
                name: `${mainEnt.name}, ${BRANCH_CITY[country] ?? country} Branch`,
                parent: main,
                ultimate: hold,
              })
            : this.addEntity({
                role: 'DEALER',
                country,
                name: `${g.name} ${REGION_NAME[country] ?? 'International'} ${this.suffix(country)}`,
                parent: main,
                ultimate: hold,
              });
        members.push(e);
        // Branch LEIs used as counterparty are questionable under EMIR but appear in data; keep their share small.
        const w = (groupW * 0.5) / g.legs.length;
        dealerIdx.push(e);
        dealerW.push(kind === 'BRANCH' ? w * 0.3 : w);
        if (kind !== 'BRANCH') {
          dealerNoBranchIdx.push(e);
          dealerNoBranchW.push(w);
        }
      }
      this.dealerGroupEntities.push(members);
    });
    this.dealerTable = weightedTable(dealerIdx, dealerW);
    this.dealerNoBranchTable = weightedTable(dealerNoBranchIdx, dealerNoBranchW);

    // Periphery: managers, funds (managed from abroad), prop firms, corporates, CFD brokers; sizes scale with sqrt(rows).
    const scale = Math.sqrt(Math.max(trades, 1));
    const clampN = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(x)));
    const nManagers = clampN(10 + scale * 0.35, 10, 800);
    const nFunds = clampN(20 + scale * 1.2, 20, 3000);
    const nProps = clampN(8 + scale * 0.3, 8, 600);
    const nCorps = clampN(6 + scale * 0.25, 6, 500);
    const nBrokers = clampN(5 + scale * 0.02, 5, 30);
    const nPersons = clampN(trades / 12, 50, 100_000);

    const managers: number[] = [];
    const mgrCountry = table(MANAGER_COUNTRIES);
    for (let i = 0; i < nManagers; i++) {
      const c = rng.pickFrom(mgrCountry);
      managers.push(this.addEntity({ role: 'MANAGER', country: c, name: this.name('MANAGER', c) }));
    }
    // Some managers belong to a foreign parent (groups via parent_lei / ultimate_parent_lei).
    for (let i = 1; i < managers.length; i++) {
      if (rng.chance(0.15)) {
        const parent = this.entities[managers[rng.int(0, i - 1)] as number] as Entity;
        const me = this.entities[managers[i] as number] as Entity;
        if (parent.country !== me.country && parent.parent === '') {
          me.parent = parent.lei;
          me.ultimate = parent.lei;
        }
      }
    }

    const clientIdx: number[] = [];
    const clientW: number[] = [];
    const traderIdx: number[] = [];
    const traderW: number[] = [];
    const euTraderIdx: number[] = [];
    const euTraderW: number[] = [];
    const addClient = (e: number, w: number, trader: boolean) => {
      clientIdx.push(e);
      clientW.push(w);
      if (trader) {
        traderIdx.push(e);
        traderW.push(w);
        if ((this.entities[e] as Entity).emir) {
          euTraderIdx.push(e);
          euTraderW.push(w);
        }
      }
    };
    const activity = () => Math.min(500, rng.pareto(1, 1.1)); // heavy-tailed client activity

    const fundCountry = table(FUND_COUNTRIES);
    for (let i = 0; i < nFunds; i++) {
      const c = rng.pickFrom(fundCountry);
      // Funds are mostly managed from abroad (handbook §5: FUND entities with a manager abroad).
      let mgr = managers[rng.int(0, managers.length - 1)] as number;
      for (let tries = 0; tries < 4 && (this.entities[mgr] as Entity).country === c; tries++) {
        mgr = managers[rng.int(0, managers.length - 1)] as number;
      }
      const m = this.entities[mgr] as Entity;
      const e = this.addEntity({
        role: 'FUND',
        country: c,
        category: 'FUND',
        name: this.name('FUND', c),
        parent: m.lei,
        ultimate: m.ultimate || m.lei,
      });
      addClient(e, activity(), true);
    }
    const propCountry = table(PROP_COUNTRIES);
    const props: number[] = [];
    for (let i = 0; i < nProps; i++) {
      const c = rng.pickFrom(propCountry);
      const e = this.addEntity({ role: 'PROP', country: c, name: this.name('PROP', c) });
      props.push(e);
      addClient(e, activity() * 2, true);
    }
    // A share of prop firms are subsidiaries of another prop firm abroad.
    for (let i = 1; i < props.length; i++) {
      if (rng.chance(0.2)) {
        const parent = this.entities[props[rng.int(0, i - 1)] as number] as Entity;
        const me = this.entities[props[i] as number] as Entity;
        if (parent.country !== me.country && parent.parent === '') {
          me.parent = parent.lei;
          me.ultimate = parent.lei;
        }
      }
    }
    const corpCountry = table(CORPORATE_COUNTRIES);
    for (let i = 0; i < nCorps; i++) {
      const c = rng.pickFrom(corpCountry);
      const sole = rng.chance(0.05);
      const e = this.addEntity({
        role: 'CORPORATE',
        country: c,
        nature: 'N',
        category: sole ? 'SOLE_PROPRIETOR' : 'GENERAL',
        name: this.name('CORPORATE', c),
      });
      addClient(e, activity() * 0.5, false);
    }
    this.clientTable = weightedTable(clientIdx, clientW);
    this.traderTable = weightedTable(traderIdx, traderW);
    this.euTraderTable = euTraderIdx.length > 0 ? weightedTable(euTraderIdx, euTraderW) : this.traderTable;

    const brokerCountry = table(BROKER_COUNTRIES);
    const brokers: number[] = [];
    const brokerW: number[] = [];
    for (let i = 0; i < nBrokers; i++) {
      const c = rng.pickFrom(brokerCountry);
      const e = this.addEntity({ role: 'BROKER', country: c, name: this.name('BROKER', c) });
      brokers.push(e);
      brokerW.push(1 / Math.pow(i + 1, 0.9));
      if (i > 0 && rng.chance(0.3)) {
        // e.g. an EU CFD provider owned by a group abroad
        const parent = this.entities[brokers[0] as number] as Entity;
        const me = this.entities[e] as Entity;
        if (parent.country !== me.country) {
          me.parent = parent.lei;
          me.ultimate = parent.lei;
        }
      }
    }
    this.brokerTable = weightedTable(brokers, brokerW);

    // Natural persons: opaque ids (≤ 72 chars, never LEI-shaped), with a country (EMIR 1.10).
    const personCountry = table(PERSON_COUNTRIES);
    const personIdx: number[] = [];
    const personW: number[] = [];
    for (let i = 0; i < nPersons; i++) {
      const c = rng.pickFrom(personCountry);
      this.personIds.push(`${c}${rng.string(14, ALNUM)}`);
      this.personCountries.push(c);
      personIdx.push(i);
      personW.push(Math.min(50, rng.pareto(1, 1.5)));
    }
    this.personTable = weightedTable(personIdx, personW);
  }

  private buildMarketInfrastructure(): void {
    const real = (lei: string, name: string, country: string, jurisdiction: string, role: Role, nature: Nature) =>
      this.addEntity({ lei, name, country, jurisdiction, role, nature, status: 'ISSUED' });
    real(LEI_CME_GROUP, 'CME Group Inc.', 'US', 'US-DE', 'VENUE_OP', 'O');
    const cmeCcp = real(LEI_CME_CLEARING, 'Chicago Mercantile Exchange Inc.', 'US', 'US-DE', 'CCP', 'C');
    real(LEI_COINBASE_DERIVATIVES, 'Coinbase Derivatives, LLC', 'US', 'US-DE', 'VENUE_OP', 'O');
    real(LEI_CBOE, 'Cboe Global Markets, Inc.', 'US', 'US-DE', 'VENUE_OP', 'O');
    real(LEI_CRYPTO_FACILITIES, 'Crypto Facilities Ltd', 'GB', 'GB', 'VENUE_OP', 'F');
    // Clearing houses of FREX and XCBF (Nodal Clear, OCC; unverified) are not in the handbook: synthetic LEIs, flagged.
    const frexCcp = this.addEntity({
      role: 'CCP',
      country: 'US',
      jurisdiction: 'US-DE',
      nature: 'C',
      name: 'Nodal Clear, LLC [demo LEI]',
      status: 'ISSUED',
    });
    const cbfCcp = this.addEntity({
      role: 'CCP',
      country: 'US',
      jurisdiction: 'US-DE',
      nature: 'C',
      name: 'The Options Clearing Corporation [demo LEI]',
      status: 'ISSUED',
    });
    const ccpLei = (i: number) => (this.entities[i] as Entity).lei;

    this.addVenue({
      id: 'XCME',
      mic: 'XCME',
      name: 'Chicago Mercantile Exchange',
      country: 'US',
      operatorLei: LEI_CME_GROUP,
      status: 'CFTC DCM',
      ccpLei: ccpLei(cmeCcp),
    });
    this.addVenue({
      id: 'FREX',
      mic: 'FREX',
      name: 'Coinbase Derivatives, LLC',
      country: 'US',
      operatorLei: LEI_COINBASE_DERIVATIVES,
      status: 'CFTC DCM',
      ccpLei: ccpLei(frexCcp),
    });
    this.addVenue({
      id: 'XCBF',
      mic: 'XCBF',
      name: 'Cboe Futures Exchange',
      country: 'US',
      operatorLei: LEI_CBOE,
      status: 'CFTC DCM',
      ccpLei: ccpLei(cbfCcp),
    });
    this.addVenue({
      id: 'CRYP',
      mic: 'CRYP',
      name: 'Crypto Facilities Ltd',
      country: 'GB',
      operatorLei: LEI_CRYPTO_FACILITIES,
      status: 'FCA MTF',
      ccpLei: '',
    });
    // Deribit, Binance, OKX and Bybit have no MIC (handbook §2); operator LEIs and countries are illustrative.
    for (const [id, name, country] of [
      ['DERIBIT', 'Deribit', 'AE'],
      ['BINANCE', 'Binance', 'KY'],
      ['OKX', 'OKX', 'SC'],
      ['BYBIT', 'Bybit', 'VG'],
    ] as const) {
      const op = this.addEntity({ role: 'VENUE_OP', country, nature: 'F', name: `${name} operator [demo LEI]`, status: 'ISSUED' });
      this.addVenue({ id, mic: '', name, country, operatorLei: (this.entities[op] as Entity).lei, status: 'Offshore, no MIC', ccpLei: '' });
    }
  }

  private addVenue(v: Venue): void {
    this.venues.push(v);
    this.venueById.set(v.id, v);
  }

  venue(id: string): Venue {
    const v = this.venueById.get(id);
    if (!v) throw new Error(`unknown venue ${id}`);
    return v;
  }

  /** Random LEI: 4-char prefix + 14 random chars + real MOD 97-10 check digits (handbook §5). */
  newLei(): string {
    for (;;) {
      const prefix = this.rng.chance(0.7) ? this.rng.pick(LEI_PREFIXES) : this.rng.string(4, ALNUM);
      const body = this.rng.chance(0.5) ? `00${this.rng.string(12, ALNUM)}` : this.rng.string(14, ALNUM);
      const lei = makeLei(prefix + body);
      if (!this.usedLeis.has(lei)) {
        this.usedLeis.add(lei);
        return lei;
      }
    }
  }

  private suffix(country: string): string {
    return this.rng.pick(SUFFIX[country] ?? ['Ltd']);
  }

  private name(kind: keyof typeof NAME_B, country: string): string {
    for (let tries = 0; ; tries++) {
      const base = `${this.rng.pick(NAME_A)} ${this.rng.pick(NAME_B[kind])}${kind === 'FUND' ? this.rng.pick(ROMAN) : ''}`;
      const n = `${base} ${this.suffix(country)}`;
      if (!this.usedNames.has(n) || tries > 20) {
        const out = this.usedNames.has(n) ? `${n} (${this.usedNames.size})` : n;
        this.usedNames.add(out);
        return out;
      }
    }
  }

  private jurisdiction(country: string): string {
    if (country === 'US') return this.rng.weighted(['US-DE', 'US-NY', 'US-IL'], [6, 3, 1]);
    if (country === 'CA') return this.rng.pick(['CA-ON', 'CA-BC']);
    return country;
  }

  private registrationStatus(): string {
    // EMIR accepts ISSUED, LAPSED, PENDING_TRANSFER, PENDING_ARCHIVAL (VR1009_02); a few RETIRED → WARN territory.
    return this.rng.weighted(['ISSUED', 'LAPSED', 'PENDING_TRANSFER', 'RETIRED'], [92, 6, 1, 1]);
  }

  private addEntity(p: {
    role: Role;
    country: string;
    name: string;
    lei?: string;
    jurisdiction?: string;
    category?: Category;
    nature?: Nature;
    parent?: number | string;
    ultimate?: number | string;
    status?: string;
  }): number {
    const leiOf = (x: number | string | undefined) => (typeof x === 'number' ? (this.entities[x] as Entity).lei : (x ?? ''));
    const e: Entity = {
      lei: p.lei ?? this.newLei(),
      name: p.name,
      country: p.country,
      jurisdiction: p.jurisdiction ?? this.jurisdiction(p.country),
      category: p.category ?? 'GENERAL',
      nature: p.nature ?? 'F',
      parent: leiOf(p.parent),
      ultimate: leiOf(p.ultimate),
      status: p.status ?? this.registrationStatus(),
      role: p.role,
      emir: EMIR_AREA.has(p.country),
    };
    this.entities.push(e);
    return this.entities.length - 1;
  }

  /** Format-valid synthetic UPI ('QZ' + 9 + MOD 31,30 check) per product; depends only on seed and product key. */
  upi(key: string): string {
    let u = this.upis.get(key);
    if (u === undefined) {
      for (let attempt = 0; ; attempt++) {
        u = makeUpi(`QZ${Rng.derive(this.seed, `upi:${key}:${attempt}`).string(9, DTI_ALPHABET)}`);
        let clash = false;
        for (const v of this.upis.values()) if (v === u) clash = true;
        if (!clash) break;
      }
      this.upis.set(key, u);
    }
    return u;
  }
}

const HOLDCO_SUFFIX: Record<string, string> = {
  US: 'Inc.',
  GB: 'plc',
  DE: 'AG',
  FR: 'SA',
  CH: 'AG',
  JP: 'Inc.',
  SG: 'Ltd',
  HK: 'Holdings Limited',
};
const REGION_NAME: Record<string, string> = {
  US: 'Securities',
  GB: 'International',
  DE: 'Europe',
  FR: 'Europe',
  IE: 'Europe',
  LU: 'Europe',
  NL: 'Europe',
  MT: 'Europe',
  HK: 'Asia',
  SG: 'Asia',
  AE: 'Middle East',
  KY: 'Global Markets',
  BS: 'Digital',
};
const BRANCH_CITY: Record<string, string> = {
  GB: 'London',
  SG: 'Singapore',
  HK: 'Hong Kong',
  US: 'New York',
  DE: 'Frankfurt',
  FR: 'Paris',
  AE: 'Dubai',
};

// ---------------------------------------------------------------------------------------------------------------
// Netting sets (handbook §1 "Netting sets"): keyed by (reporting LEI, CP2, portfolio code), codes stable, may differ
// per side. Stored column-wise to keep memory small.
// ---------------------------------------------------------------------------------------------------------------

class NettingSets {
  readonly index = new Map<string, number>();
  readonly rep: number[] = [];
  readonly otherId: string[] = [];
  readonly code: string[] = [];
  readonly category: string[] = [];
  readonly ccy: string[] = [];
  readonly imRate: number[] = [];
  readonly gross: number[] = [];
  readonly mtm: number[] = [];
  private seq = 0;

  get size(): number {
    return this.rep.length;
  }

  nextCode(repLei: string, tag: string): string {
    this.seq++;
    return `${repLei.slice(0, 4)}${tag}${this.seq.toString(36).toUpperCase().padStart(6, '0')}`;
  }

  add(key: string, rep: number, otherId: string, code: string, category: string, ccy: string, imRate: number): number {
    const i = this.rep.length;
    this.index.set(key, i);
    this.rep.push(rep);
    this.otherId.push(otherId);
    this.code.push(code);
    this.category.push(category);
    this.ccy.push(ccy);
    this.imRate.push(imRate);
    this.gross.push(0);
    this.mtm.push(0);
    return i;
  }
}

/** Swap CP1/CP2 in a collateralisation category (OWP1 ↔ OWP2, PRC1 ↔ PRC2, OWC1 ↔ OWC2). */
function mirrorCategory(c: string): string {
  const last = c.charAt(3);
  if (last === '1') return `${c.slice(0, 3)}2`;
  if (last === '2') return `${c.slice(0, 3)}1`;
  return c;
}

/** Which margin legs a collateralisation category implies: [imPosted, vmPosted, imCollected, vmCollected]. */
function categoryLegs(c: string): [boolean, boolean, boolean, boolean] {
  switch (c) {
    case 'FLCL':
      return [true, true, true, true];
    case 'OWC1':
      return [true, true, false, false];
    case 'OWC2':
      return [false, false, true, true];
    case 'OWP1':
      return [true, true, false, true];
    case 'OWP2':
      return [false, true, true, true];
    case 'PRCL':
      return [false, true, false, true];
    case 'PRC1':
      return [false, true, false, false];
    case 'PRC2':
      return [false, false, false, true];
    default:
      return [false, false, false, false]; // UNCL
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Chunked writer with backpressure
// ---------------------------------------------------------------------------------------------------------------

const CHUNK_CHARS = 1 << 20;

class ChunkedFile {
  buf = '';
  private error: Error | null = null;
  private readonly ws: WriteStream;

  constructor(readonly file: string) {
    this.ws = createWriteStream(file, { encoding: 'utf8' });
    this.ws.on('error', (e) => {
      this.error = e;
    });
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (this.buf.length === 0) return;
    const ok = this.ws.write(this.buf);
    this.buf = '';
    if (!ok) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.ws.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.ws.off('drain', onDrain);
          reject(e);
        };
        this.ws.once('drain', onDrain);
        this.ws.once('error', onError);
      });
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      if (this.error) {
        reject(this.error);
        return;
      }
      this.ws.once('error', reject);
      this.ws.once('close', () => resolve());
      this.ws.end();
    });
  }

  destroy(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.closed) {
        resolve();
        return;
      }
      this.ws.once('close', () => resolve());
      this.ws.destroy();
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------------------

/** Mutable per-trade draft, reused for every trade to avoid per-row allocation. */
interface Draft {
  seg: Segment;
  uti: string;
  a: number; // side-0 reporting entity
  b: number; // counterparty entity, or -1 for a natural person
  person: number; // natural person index when b === -1
  twoSided: boolean;
  sign: number; // side-0 direction: +1 BYER, -1 SLLR
  u: number; // underlier index
  ct: ContractType;
  perpetual: boolean;
  optType: string;
  optStyle: string;
  strikeUsd: number;
  cleared: string;
  ccpLei: string;
  platform: string;
  venueId: string;
  execT: number;
  expiration: string; // '' when absent
  expDay: number; // for option time value; NaN when absent
  notionalUsd: number;
  qty: number;
  pxExecUsd: number;
  ccy: string;
  valUsd: number; // side-0 valuation in USD
  method: string;
  deltaBuyer: number; // NaN when absent
  level: string;
  legacyUti: boolean;
  perTradeMargin: boolean;
  breakFactor: number; // side-1 valuation = −side-0 × breakFactor (reconciliation breaks, cf. DSNM)
  nsTag: string;
  imRate: number;
}

/**
 * Generate a deterministic synthetic TR snapshot into `outDir` (created if needed): trades.csv, margins.csv,
 * entities.csv, venues.csv, prices.csv, fx.csv. Same options ⇒ byte-identical files.
 */
export async function generateDemoData(opts: DemoOptions): Promise<DemoResult> {
  const total = opts.trades;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`trades must be a non-negative integer, got ${total}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  const asOfStr = opts.asOfDate ?? '2026-06-30';
  const asOfDay = parseDay(asOfStr);
  const invalidShare = opts.invalidShare ?? 0.002;
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError('invalidShare must be within [0, 1]');
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError();

  const seed = opts.seed;
  const rng = new Rng(seed);
  const clock = new Clock();
  const asOfEnd = asOfDay * DAY + DAY - 1;

  await mkdir(opts.outDir, { recursive: true });
  const files = {
    trades: path.join(opts.outDir, 'trades.csv'),
    margins: path.join(opts.outDir, 'margins.csv'),
    entities: path.join(opts.outDir, 'entities.csv'),
    venues: path.join(opts.outDir, 'venues.csv'),
    prices: path.join(opts.outDir, 'prices.csv'),
    fx: path.join(opts.outDir, 'fx.csv'),
  };

  // --- world, market data --------------------------------------------------------------------------------------
  const world = new World(Rng.derive(seed, 'world'), seed, total);
  const ents = world.entities;
  const mdRng = Rng.derive(seed, 'market-data');
  const pxNow = UNDERLIERS.map((u) => u.basePrice * Math.exp(0.08 * mdRng.normal()));
  // One daily price path per underlier, walked backwards from the as-of price (GBM), so that trades executed on the
  // same day share a price level.
  const PATH_DAYS = 400;
  const pricePath = UNDERLIERS.map((u, i) => {
    const p = new Float64Array(PATH_DAYS);
    p[0] = pxNow[i] as number;
    const sd = u.vol / Math.sqrt(365);
    for (let d = 1; d < PATH_DAYS; d++) p[d] = (p[d - 1] as number) * Math.exp(sd * mdRng.normal());
    return p;
  });
  const usdPer = new Map<string, number>();
  for (const [c, r] of FX_BASE) usdPer.set(c, c === 'USD' ? 1 : r * Math.exp(0.01 * mdRng.normal()));
  const fxOf = (c: string) => usdPer.get(c) ?? 1;

  await writeFile(files.entities, entitiesCsv(ents), 'utf8');
  await writeFile(files.venues, venuesCsv(world.venues), 'utf8');
  await writeFile(
    files.prices,
    `${PRICES_COLUMNS.join(',')}\n${UNDERLIERS.map((u, i) => `${asOfStr},${u.dti},${priceStr(pxNow[i] as number)},${u.vol}\n`).join('')}`,
    'utf8',
  );
  await writeFile(files.fx, `${FX_COLUMNS.join(',')}\n${FX_BASE.map(([c]) => `${asOfStr},${c},${fixed(fxOf(c), 8)}\n`).join('')}`, 'utf8');

  // --- deliberate defects: stratified row positions, deterministic count ----------------------------------------
  const nInvalid = demoInvalidRowCount(total, invalidShare);
  const defRng = Rng.derive(seed, 'defects');
  const invalidAt = new Float64Array(nInvalid + 1);
  for (let k = 0; k < nInvalid; k++) invalidAt[k] = Math.floor(((k + defRng.next()) * total) / nInvalid);
  invalidAt[nInvalid] = Infinity;
  const kindOffset = defRng.int(0, DEMO_DEFECT_KINDS.length - 1);
  const defects = Object.fromEntries(DEMO_DEFECT_KINDS.map((k) => [k, 0])) as Record<DemoDefectKind, number>;
  let invPtr = 0;
  let extraUtis = 0;

  // --- lookup tables ---------------------------------------------------------------------------------------------
  const segTable = weightedTable<Segment>([0, 1, 2, 3, 4, 5], SEGMENT_WEIGHTS);
  const listedTable = weightedTable(
    LISTED_CONTRACTS,
    LISTED_CONTRACTS.map((c) => c.weight),
  );
  const uAll = weightedTable([0, 1, 2, 3, 4, 5], [55, 27, 8, 4, 4, 2]);
  const uMajor = weightedTable([0, 1, 2], [60, 32, 8]);
  const uBinance = weightedTable([0, 1, 2, 3, 4, 5], [45, 25, 10, 14, 4, 2]);
  const offshoreVenues = weightedTable(['BINANCE', 'OKX', 'BYBIT', 'DERIBIT'], [40, 20, 20, 20]);
  const offshoreCt: Record<string, WeightedTable<string>> = {
    DERIBIT: weightedTable(['OPTN', 'FUTR-P', 'FUTR'], [60, 30, 10]),
    BINANCE: weightedTable(['FUTR-P', 'SWAP-P', 'FUTR', 'OPTN'], [70, 15, 10, 5]),
    OKX: weightedTable(['SWAP-P', 'FUTR-P', 'FUTR', 'OPTN'], [50, 20, 15, 15]),
    BYBIT: weightedTable(['FUTR-P', 'CFDS-P', 'OTHR-P', 'OPTN', 'FUTR'], [60, 10, 10, 10, 10]),
  };
  const otcCt = weightedTable<ContractType>(['FORW', 'OPTN', 'SWAP', 'CFDS', 'OTHR'], [30, 35, 15, 15, 5]);
  const interdealerCt = weightedTable<ContractType>(['OPTN', 'FORW', 'SWAP'], [45, 35, 20]);
  const otcCcy = table(OTC_CCYS);
  const otcCategory = table([
    ['FLCL', 30],
    ['OWP2', 20],
    ['OWC2', 15],
    ['PRC2', 8],
    ['PRCL', 12],
    ['UNCL', 5],
    ['OWP1', 5],
    ['PRC1', 5],
  ]);
  const interdealerCategory = table([
    ['FLCL', 85],
    ['PRCL', 10],
    ['UNCL', 5],
  ]);
  // POSC marks a trade (level TCTN) included the same day in a separately reported position
  // (EMIR Refit); a position report itself is never POSC.
  const actionsTctn = table([
    ['NEWT', 30],
    ['MODI', 12],
    ['CORR', 4],
    ['VALU', 50],
    ['TERM', 4],
    ['POSC', 2],
  ]);
  const actionsPstn = table([
    ['NEWT', 25],
    ['MODI', 10],
    ['CORR', 3],
    ['VALU', 60],
    ['TERM', 2],
  ]);
  const actionsLegacy = table([
    ['MODI', 30],
    ['CORR', 10],
    ['VALU', 60],
  ]);

  // Expiry calendars: last Fridays of the next 12 months after the as-of date.
  const asOfDate = new Date(asOfDay * 86_400_000);
  const fridays: number[] = [];
  for (let k = 0; k < 14 && fridays.length < 12; k++) {
    const d = lastFriday(asOfDate.getUTCFullYear(), asOfDate.getUTCMonth(), k);
    if (d > asOfDay) fridays.push(d);
  }
  const listedExpiry = weightedTable(fridays.slice(0, 6), [50, 25, 12, 8, 3, 2]);
  const optionExpiry = weightedTable(fridays.slice(0, 10), [30, 20, 14, 10, 7, 6, 5, 4, 2, 2]);
  const nextFriday = asOfDay + 1 + ((5 - ((asOfDay + 1 + 4) % 7) + 7) % 7);
  // Coinbase perp-style contracts carry a far expiry (BIP-20DEC30-CDE); keep it in the future for any as-of date.
  const frexFixed = parseDay(FREX_PERP_EXPIRY);
  const frexPerpDay = frexFixed > asOfDay + 365 ? frexFixed : lastFriday(asOfDate.getUTCFullYear() + 4, 11, 0);

  // --- output ---------------------------------------------------------------------------------------------------
  const tradesOut = new ChunkedFile(files.trades);
  const marginsOut = new ChunkedFile(files.margins);
  tradesOut.buf = `${TRADES_COLUMNS.join(',')}\n`;
  marginsOut.buf = `${MARGINS_COLUMNS.join(',')}\n`;
  const ns = new NettingSets();
  let marginRows = 0;
  let invalidRows = 0;

  const t: Draft = {
    seg: 0,
    uti: '',
    a: 0,
    b: 0,
    person: -1,
    twoSided: false,
    sign: 1,
    u: 0,
    ct: 'FUTR',
    perpetual: false,
    optType: '',
    optStyle: '',
    strikeUsd: NaN,
    cleared: 'N',
    ccpLei: '',
    platform: 'XXXX',
    venueId: '',
    execT: 0,
    expiration: '',
    expDay: NaN,
    notionalUsd: 0,
    qty: 0,
    pxExecUsd: 0,
    ccy: 'USD',
    valUsd: 0,
    method: 'MTMA',
    deltaBuyer: NaN,
    level: 'TCTN',
    legacyUti: false,
    perTradeMargin: false,
    breakFactor: 1,
    nsTag: 'CSA',
    imRate: 0.1,
  };
  let tradeNo = 0;

  /** Execution time up to `maxAgeDays` before the as-of date (recent trades more likely), not after `latestDay`. */
  const execTime = (maxAgeDays: number, latestDay = asOfDay): number => {
    const age = Math.floor(maxAgeDays * Math.pow(rng.next(), 1.6));
    const day = Math.min(latestDay, asOfDay - age);
    return day * DAY + rng.int(0, DAY - 1);
  };

  /** Execution price: the underlier's daily path on the execution day, plus a little intraday noise. */
  const execPrice = (u: number, execT: number): number => {
    const age = Math.min(PATH_DAYS - 1, Math.max(0, asOfDay - Math.floor(execT / DAY)));
    return ((pricePath[u] as Float64Array)[age] as number) * Math.exp(0.01 * rng.normal());
  };

  /** Set option fields: strike on the grid, type/style, buyer delta and side-0 value. */
  const setOption = (style: string) => {
    const und = UNDERLIERS[t.u] as Underlier;
    const s = pxNow[t.u] as number;
    t.optType = rng.chance(0.55) ? 'CALL' : 'PUTO';
    t.optStyle = style;
    const k = Math.max(und.strikeStep, Math.round((s * Math.exp(0.25 * rng.normal())) / und.strikeStep) * und.strikeStep);
    t.strikeUsd = k;
    const years = Math.max(1, t.expDay - asOfDay) / 365;
    const sd = und.vol * Math.sqrt(years);
    const d1 = (Math.log(s / k) + 0.5 * sd * sd) / sd;
    const call = s * ncdf(d1) - k * ncdf(d1 - sd);
    const price = t.optType === 'CALL' ? call : call - s + k;
    t.valUsd = t.sign * t.qty * price;
    t.deltaBuyer = rng.chance(0.07) ? NaN : t.optType === 'CALL' ? ncdf(d1) : ncdf(d1) - 1; // some options lack delta
  };

  const linearValue = () => {
    t.valUsd = t.sign * t.qty * ((pxNow[t.u] as number) - t.pxExecUsd);
  };

  const setSize = (notionalUsd: number) => {
    t.qty = Math.max(0.00001, Math.round((notionalUsd / t.pxExecUsd) * 1e5) / 1e5);
    t.notionalUsd = t.qty * t.pxExecUsd;
  };

  const makeUti = (generatorLei: string) => {
    tradeNo++;
    const sym = (UNDERLIERS[t.u] as Underlier).sym;
    const n = tradeNo.toString(36).toUpperCase().padStart(10, '0');
    t.legacyUti = rng.chance(0.002);
    // Legacy UTIs (with '-') stay WARN-level noise: never on NEWT/POSC rows, where VR2001 makes them an error.
    t.uti = t.legacyUti ? `${generatorLei}${sym}-${n}` : `${generatorLei}${sym}${CT_TAG[t.ct]}${n}`;
  };

  const resetDraft = () => {
    t.person = -1;
    t.twoSided = false;
    t.perpetual = false;
    t.optType = '';
    t.optStyle = '';
    t.strikeUsd = NaN;
    t.cleared = 'N';
    t.ccpLei = '';
    t.venueId = '';
    t.expiration = '';
    t.expDay = NaN;
    t.ccy = 'USD';
    t.deltaBuyer = NaN;
    t.level = 'TCTN';
    t.perTradeMargin = false;
    t.breakFactor = 1;
    t.sign = rng.chance(0.5) ? 1 : -1;
  };

  const setExpiry = (day: number) => {
    t.expDay = day;
    t.expiration = clock.day(day);
  };

  // ---- segment builders -----------------------------------------------------------------------------------------
  const entityIdx = new Map<string, number>();
  ents.forEach((e, i) => entityIdx.set(e.lei, i));
  const idxOf = (lei: string): number => {
    const i = entityIdx.get(lei);
    if (i === undefined) throw new Error(`no entity for LEI ${lei}`);
    return i;
  };
  const perpDay = parseDay(PERP_EXPIRY);

  const buildListed = () => {
    const c = rng.pickFrom(listedTable);
    const v = world.venue(c.venue);
    t.u = c.u;
    t.ct = 'FUTR';
    t.perpetual = c.perpetual;
    t.cleared = 'Y';
    t.ccpLei = v.ccpLei;
    t.platform = v.mic;
    t.venueId = v.id;
    t.method = 'CCPV'; // EMIR VR2024: CCPV when cleared = Y
    t.level = rng.chance(0.6) ? 'PSTN' : 'TCTN';
    if (c.perpetual) setExpiry(frexPerpDay);
    else setExpiry(rng.pickFrom(listedExpiry));
    t.execT = execTime(c.perpetual ? 180 : 90, Math.min(asOfDay, t.expDay - 1));
    t.pxExecUsd = execPrice(t.u, t.execT);
    const cap = t.level === 'PSTN' ? 20_000 : 2_000;
    const contracts = Math.min(cap, Math.floor(rng.pareto(1, t.level === 'PSTN' ? 1.05 : 1.25)));
    t.qty = Math.round(contracts * c.size * 1e5) / 1e5;
    t.notionalUsd = t.qty * t.pxExecUsd;
    linearValue();
    t.imRate = rng.float(0.35, 0.47); // CME IM ≈ 35–47 % (handbook §5 generator targets)
    if (rng.chance(0.55)) {
      // clearing member (or a large prop) facing the CCP: one-sided, CCP does not report here
      t.a = rng.chance(0.8) ? rng.pickFrom(world.dealerNoBranchTable) : rng.pickFrom(world.traderTable);
      t.b = idxOf(v.ccpLei);
      t.nsTag = 'CLR';
    } else {
      // client facing its clearing member; two-sided when both are in the EMIR area
      t.a = rng.pickFrom(world.clientTable);
      t.b = rng.pickFrom(world.dealerNoBranchTable);
      t.twoSided = (ents[t.a] as Entity).emir && (ents[t.b] as Entity).emir;
      t.nsTag = 'CLC';
    }
    makeUti(v.ccpLei); // the CCP generates the UTI of cleared trades
  };

  const buildMtf = () => {
    const v = world.venue('CRYP');
    t.u = rng.pickFrom(uMajor);
    t.ct = 'FUTR';
    t.perpetual = rng.chance(0.7);
    t.platform = v.mic;
    t.venueId = v.id;
    t.method = 'MTMA';
    if (t.perpetual) setExpiry(perpDay);
    else setExpiry(rng.pickFrom(listedExpiry));
    t.execT = execTime(120, Math.min(asOfDay, t.expDay - 1));
    t.pxExecUsd = execPrice(t.u, t.execT);
    setSize(Math.min(100e6, rng.lognormal(Math.log(50_000), 1.6)));
    linearValue();
    t.a = rng.chance(0.8) ? rng.pickFrom(world.euTraderTable) : rng.pickFrom(world.traderTable);
    t.b = idxOf(v.operatorLei);
    t.twoSided = (ents[t.a] as Entity).emir && (ents[t.b] as Entity).emir;
    t.nsTag = 'MTF';
    t.imRate = rng.float(0.02, 0.1);
    makeUti((ents[t.b] as Entity).lei);
  };

  const buildOffshore = () => {
    const vid = rng.pickFrom(offshoreVenues);
    const v = world.venue(vid);
    t.u = vid === 'DERIBIT' ? rng.pickFrom(uMajor) : vid === 'BINANCE' ? rng.pickFrom(uBinance) : rng.pickFrom(uAll);
    const kind = rng.pickFrom(offshoreCt[vid] as WeightedTable<string>);
    t.ct = kind.slice(0, 4) as ContractType;
    t.perpetual = kind.endsWith('-P');
    t.platform = rng.chance(0.85) ? 'XOFF' : 'XXXX';
    t.venueId = v.id;
    t.level = rng.chance(0.2) ? 'PSTN' : 'TCTN';
    t.perTradeMargin = true;
    if (t.ct === 'OPTN') setExpiry(rng.chance(0.25) ? nextFriday + 7 * rng.int(0, 3) : rng.pickFrom(optionExpiry));
    else if (t.perpetual) {
      if (t.ct !== 'CFDS') setExpiry(perpDay); // CFDS: no expiration (VR2044)
    } else setExpiry(rng.pickFrom(listedExpiry));
    t.execT = execTime(t.ct === 'OPTN' ? 90 : 120, Number.isNaN(t.expDay) ? asOfDay : Math.min(asOfDay, t.expDay - 1));
    t.pxExecUsd = execPrice(t.u, t.execT);
    if (t.ct === 'OPTN') {
      setSize(rng.lognormal(Math.log(2), 1.3) * t.pxExecUsd * (t.u === U_BTC ? 1 : t.u === U_ETH ? 10 : 100));
      setOption('EURO');
      t.method = rng.chance(0.8) ? 'MTMO' : 'MTMA';
      t.imRate = t.sign > 0 ? 0 : rng.float(0.1, 0.15);
    } else {
      setSize(Math.min(300e6, rng.lognormal(Math.log(25_000), 1.9)));
      linearValue();
      t.method = 'MTMA';
      let tier = 1;
      for (const [cap, im] of OFFSHORE_IM_TIERS) {
        if (t.notionalUsd <= cap) {
          tier = im;
          break;
        }
      }
      t.imRate = tier * rng.float(1, 2.5); // high leverage: close to the tier minimum
    }
    t.a = rng.pickFrom(world.traderTable);
    t.b = idxOf(v.operatorLei);
    makeUti((ents[t.a] as Entity).lei); // reporting party generates (no CCP, no dealer)
  };

  const buildOtc = (interdealer: boolean) => {
    t.u = rng.pickFrom(interdealer ? uMajor : uAll);
    t.ct = rng.pickFrom(interdealer ? interdealerCt : otcCt);
    t.ccy = interdealer ? (rng.chance(0.85) ? 'USD' : rng.pickFrom(otcCcy)) : rng.pickFrom(otcCcy);
    t.platform = 'XXXX';
    if (interdealer) {
      const g1 = rng.int(0, world.dealerGroupEntities.length - 1);
      let g2 = rng.int(0, world.dealerGroupEntities.length - 2);
      if (g2 >= g1) g2++;
      t.a = rng.pick(world.dealerGroupEntities[g1] as number[]);
      t.b = rng.pick(world.dealerGroupEntities[g2] as number[]);
      t.nsTag = 'ISDA';
      t.imRate = rng.float(0.08, 0.3);
    } else {
      t.a = rng.pickFrom(world.dealerTable);
      t.b = rng.pickFrom(world.clientTable);
      t.nsTag = 'CSA';
      t.imRate = rng.float(0.05, 0.25);
    }
    const ea = ents[t.a] as Entity;
    const eb = ents[t.b] as Entity;
    t.twoSided = ea.emir && eb.emir;
    if (t.ct !== 'CFDS') setExpiry(asOfDay + (t.ct === 'OPTN' ? rng.pickFrom(optionExpiry) - asOfDay : rng.int(1, 400)));
    t.execT = execTime(365);
    t.pxExecUsd = execPrice(t.u, t.execT);
    const n = interdealer ? rng.lognormal(Math.log(8e6), 1.1) : rng.pareto(200_000, 1.25);
    setSize(Math.min(interdealer ? 3e9 : 2e9, n));
    if (t.ct === 'OPTN') {
      setOption(rng.chance(0.8) ? 'EURO' : 'AMER');
      t.method = 'MTMO';
    } else {
      t.perpetual = t.ct === 'SWAP' && rng.chance(0.2);
      if (t.perpetual) setExpiry(perpDay);
      linearValue();
      t.method = rng.chance(0.5) ? 'MTMO' : 'MTMA';
    }
    // No cleared = I (CFTC's intent to clear): the demo is imported as one EMIR snapshot, where
    // only Y/N are valid (VR2031), and every row not deliberately broken must load.
    if (t.twoSided && rng.chance(0.04)) t.breakFactor = 1 + rng.float(-0.08, 0.08);
    makeUti(ea.lei); // the dealer (swap dealer) generates the UTI
  };

  const buildRetail = () => {
    t.u = rng.pickFrom(uAll);
    t.ct = 'CFDS';
    t.platform = 'XXXX';
    t.method = 'MTMA';
    t.level = rng.chance(0.4) ? 'PSTN' : 'TCTN';
    t.a = rng.pickFrom(world.brokerTable);
    t.b = -1;
    t.person = rng.pickFrom(world.personTable);
    const bc = (ents[t.a] as Entity).country;
    t.ccy = EU_CURRENCY_COUNTRIES.has(bc) ? 'EUR' : bc === 'AU' ? 'AUD' : bc === 'SG' ? 'SGD' : 'USD';
    t.execT = execTime(60);
    t.pxExecUsd = execPrice(t.u, t.execT);
    setSize(Math.min(1e6, rng.lognormal(Math.log(1500), 1.0)));
    linearValue();
    t.nsTag = 'RTL';
    t.imRate = 0;
    makeUti((ents[t.a] as Entity).lei);
  };

  // ---- netting sets --------------------------------------------------------------------------------------------
  const nsFor = (side: number): number => {
    const repIdx = side === 0 ? t.a : t.b;
    const otherKey = side === 0 ? (t.b >= 0 ? t.b : -1 - t.person) : t.a;
    const key = `${repIdx}|${otherKey}`;
    const found = ns.index.get(key);
    if (found !== undefined) return found;
    const rep = ents[repIdx] as Entity;
    const otherId = otherKey >= 0 ? (ents[otherKey] as Entity).lei : (world.personIds[t.person] as string);
    // The counterparty's own netting set (if it exists) fixes the mirrored category; 30 % share the code (agreed CSA id).
    const mirrorIdx = otherKey >= 0 ? ns.index.get(`${otherKey}|${repIdx}`) : undefined;
    let category: string;
    let code = ns.nextCode(rep.lei, t.nsTag);
    if (mirrorIdx !== undefined) {
      category = mirrorCategory(ns.category[mirrorIdx] as string);
      if (rng.chance(0.3)) code = ns.code[mirrorIdx] as string;
    } else if (t.seg === SEG_LISTED) {
      category = t.nsTag === 'CLR' ? (rng.chance(0.65) ? 'FLCL' : 'OWC1') : side === 0 ? 'OWC1' : 'OWC2';
    } else if (t.seg === SEG_MTF) {
      category = side === 0 ? 'OWC1' : 'OWC2';
    } else if (t.seg === SEG_INTERDEALER) {
      category = rng.pickFrom(interdealerCategory);
    } else if (t.seg === SEG_OTC) {
      const c = rng.pickFrom(otcCategory); // drawn from the dealer's (side 0) perspective
      category = side === 0 ? c : mirrorCategory(c);
    } else {
      category = 'UNCL'; // retail-like
    }
    let ccy = 'USD';
    if (t.seg === SEG_OTC || t.seg === SEG_INTERDEALER || t.seg === SEG_RETAIL) {
      const c = rep.country;
      if (EU_CURRENCY_COUNTRIES.has(c) && rng.chance(0.5)) ccy = 'EUR';
      else if (c === 'GB' && rng.chance(0.3)) ccy = 'GBP';
      else if (c === 'JP' && rng.chance(0.4)) ccy = 'JPY';
      else if (c === 'CH' && rng.chance(0.3)) ccy = 'CHF';
    }
    return ns.add(key, repIdx, otherId, code, category, ccy, t.imRate);
  };

  // ---- margins -------------------------------------------------------------------------------------------------
  const collateralTs = (): number => {
    const day = rng.chance(0.02) ? asOfDay - rng.int(15, 45) : asOfDay; // a few stale margins (> 14 days, auth.106)
    return day * DAY + rng.int(17 * 3600, DAY - 1);
  };

  const marginLine = (
    repLei: string,
    otherId: string,
    code: string,
    uti: string,
    category: string,
    ccy: string,
    imPosted: number,
    vmPosted: number,
    xsPosted: number,
    imColl: number,
    vmColl: number,
    xsColl: number,
    negative: boolean,
  ): string => {
    const [ip, vp, ic, vc] = categoryLegs(category);
    const f = (on: boolean, x: number) => (on ? `${amount(x, ccy)},${ccy}` : ',');
    const imP = ip ? `${negative ? '-' : ''}${amount(negative ? Math.max(imPosted, 1) : imPosted, ccy)},${ccy}` : ',';
    return `${repLei},${otherId},${code},${uti},${category},${imP},${f(vp, vmPosted)},${f(ip, xsPosted)},${f(ic, imColl)},${f(vc, vmColl)},${f(ic, xsColl)},${clock.ts(collateralTs())}\n`;
  };

  // ---- defects -------------------------------------------------------------------------------------------------
  const applicable = (k: DemoDefectKind, otherIsLei: boolean, hasExpiry: boolean): boolean => {
    switch (k) {
      case 'PLACEHOLDER_LEI':
      case 'COUNTRY_FOR_LEI_COUNTERPARTY':
        return otherIsLei;
      case 'INVALID_COUNTRY':
        return !otherIsLei;
      case 'CLEARED_WITHOUT_CCP':
      case 'NON_CCPV_FOR_CLEARED':
        return t.cleared === 'Y';
      case 'OPTION_WITHOUT_STRIKE':
        return t.ct === 'OPTN';
      case 'NEGATIVE_MARGIN':
        return t.perTradeMargin;
      case 'EXPIRATION_BEFORE_EFFECTIVE':
        return hasExpiry;
      case 'MISSING_PRICE':
        return t.ct === 'FUTR' || t.ct === 'CFDS';
      default:
        return true;
    }
  };

  // ---- one reported row ----------------------------------------------------------------------------------------
  let row = 0;
  const emitSide = (side: number) => {
    const repIdx = side === 0 ? t.a : t.b;
    const rep = ents[repIdx] as Entity;
    let repLei = rep.lei;
    let otherId: string;
    let otherIsLei: boolean;
    let otherCountry = '';
    if (side === 0 && t.b < 0) {
      otherId = world.personIds[t.person] as string;
      otherIsLei = false;
      otherCountry = world.personCountries[t.person] as string; // EMIR 1.10 only for natural persons (VR1010)
    } else {
      otherId = (ents[side === 0 ? t.b : t.a] as Entity).lei;
      otherIsLei = true;
    }
    const sgn = side === 0 ? t.sign : -t.sign;
    const und = UNDERLIERS[t.u] as Underlier;
    const fx = fxOf(t.ccy);
    const valUsd = side === 0 ? t.valUsd : -t.valUsd * t.breakFactor;

    // strings
    let uti = t.uti;
    let upi = world.upi(`${und.sym}|${t.ct}|${t.perpetual ? 1 : 0}|${t.optType}|${t.optStyle}`);
    let dti = und.dti;
    let strike = t.ct === 'OPTN' ? priceStr(t.strikeUsd / fx) : '';
    let strikeCcy = t.ct === 'OPTN' ? t.ccy : '';
    let ccpLei = t.ccpLei;
    let platform = t.platform;
    let execTs = clock.ts(t.execT);
    const effective = clock.day(Math.floor(t.execT / DAY));
    let expiration = t.expiration;
    let notional = amount(t.notionalUsd / fx, t.ccy);
    let notionalCcy = t.ccy;
    let price = t.ct === 'OPTN' ? '' : priceStr(t.pxExecUsd / fx);
    let priceCcy = t.ct === 'OPTN' ? '' : t.ccy;
    const valuation = amount(valUsd / fx, t.ccy);
    let method = t.method;
    const delta = Number.isNaN(t.deltaBuyer) ? '' : dec5(sgn * t.deltaBuyer);
    const action = rng.pickFrom(t.legacyUti ? actionsLegacy : t.level === 'PSTN' ? actionsPstn : actionsTctn);

    // timestamps: NEWT/POSC reported shortly after execution; later lifecycle events up to the as-of date
    let repT: number;
    if (action === 'NEWT' || action === 'POSC') repT = Math.min(asOfEnd, t.execT + rng.int(30, 6 * 3600));
    else {
      const span = Math.max(0, asOfEnd - t.execT - 60);
      repT = asOfEnd - Math.floor(span * Math.pow(rng.next(), 2));
    }
    let valT: number;
    if (rng.chance(0.015) && Math.floor(t.execT / DAY) < asOfDay - 15) {
      // stale valuation (> 14 days before the as-of date) so that auth.106-style WARNs fire
      const day = Math.max(Math.floor(t.execT / DAY) + 1, asOfDay - rng.int(15, 60));
      valT = day * DAY + rng.int(16 * 3600, DAY - 1);
    } else {
      valT = Math.min(asOfEnd, Math.max(t.execT + 60, asOfDay * DAY + rng.int(16 * 3600, DAY - 1)));
    }
    let repTs = clock.ts(repT);

    // netting set or per-trade margin
    let code = '';
    if (!t.perTradeMargin) {
      const n = nsFor(side);
      code = ns.code[n] as string;
      ns.gross[n] = (ns.gross[n] as number) + t.notionalUsd;
      ns.mtm[n] = (ns.mtm[n] as number) + valUsd;
    }

    // deliberate defect (exactly one) on this row?
    let negativeMargin = false;
    if (row === invalidAt[invPtr]) {
      // Rotate through the kinds; among those applicable to this row take the least used, so that kinds needing a
      // rarer context (cleared rows, options, offshore margin) still get their share.
      const K = DEMO_DEFECT_KINDS.length;
      let kind: DemoDefectKind = 'BAD_LEI_CHECK_DIGITS';
      let best = Infinity;
      for (let j = 0; j < K; j++) {
        const k = DEMO_DEFECT_KINDS[(invPtr + kindOffset + j) % K] as DemoDefectKind;
        if (defects[k] < best && applicable(k, otherIsLei, expiration !== '')) {
          kind = k;
          best = defects[k];
        }
      }
      const variant = defects[kind];
      defects[kind]++;
      invPtr++;
      invalidRows++;
      switch (kind) {
        case 'BAD_LEI_CHECK_DIGITS': {
          const d = Number(repLei.charAt(19));
          repLei = `${repLei.slice(0, 19)}${(d + 1 + (variant % 9)) % 10}`;
          break;
        }
        case 'PLACEHOLDER_LEI':
          otherId = PLACEHOLDER_LEI;
          break;
        case 'MALFORMED_UTI':
          uti = variant % 2 === 0 ? `${uti}-` : uti.toLowerCase();
          if (t.twoSided) extraUtis++;
          break;
        case 'BILT_PLATFORM':
          platform = 'BILT';
          break;
        case 'CRYPTO_CURRENCY_CODE':
          notionalCcy = (['BTC', 'USDT', 'XBT'] as const)[variant % 3] as string;
          break;
        case 'CLEARED_WITHOUT_CCP':
          ccpLei = '';
          break;
        case 'NON_CCPV_FOR_CLEARED':
          method = 'MTMA';
          break;
        case 'OPTION_WITHOUT_STRIKE':
          strike = '';
          strikeCcy = '';
          break;
        case 'NEGATIVE_MARGIN':
          negativeMargin = true;
          break;
        case 'EXPIRATION_BEFORE_EFFECTIVE':
          expiration = clock.day(Math.floor(t.execT / DAY) - rng.int(1, 30));
          break;
        case 'MALFORMED_TIMESTAMP': {
          const s = execTs;
          execTs =
            variant % 3 === 0
              ? `${s.slice(0, 10)} ${s.slice(11, 19)}`
              : variant % 3 === 1
                ? s.slice(0, 19)
                : `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
          break;
        }
        case 'NEGATIVE_NOTIONAL':
          notional = `-${notional}`;
          break;
        case 'COUNTRY_FOR_LEI_COUNTERPARTY':
          otherCountry = (ents[side === 0 ? t.b : t.a] as Entity).country;
          break;
        case 'INVALID_COUNTRY':
          otherCountry = 'ZZ';
          break;
        case 'MISSING_PRICE':
          price = '';
          priceCcy = '';
          break;
        case 'MALFORMED_UPI':
          upi = upi.slice(0, 11);
          break;
        case 'MALFORMED_DTI':
          dti = `A${dti.slice(1)}`;
          break;
        case 'EXECUTION_AFTER_REPORTING':
          repTs = clock.ts(t.execT - rng.int(3600, 2 * DAY));
          break;
      }
    }

    tradesOut.buf += `${uti},${repLei},${otherId},${otherIsLei ? 'true' : 'false'},${otherCountry},${sgn > 0 ? 'BYER' : 'SLLR'},${upi},${t.ct},OTHR,${dti},${und.sym},${t.perpetual ? 'true' : 'false'},${t.optType},${t.optStyle},${strike},${strikeCcy},${t.cleared},${ccpLei},${platform},${t.venueId},${execTs},${effective},${expiration},${notional},${notionalCcy},${dec5(t.qty)},${price},${priceCcy},${valuation},${t.ccy},${clock.ts(valT)},${method},${delta},${code},${action},${t.level},${repTs},\n`;
    row++;

    if (t.perTradeMargin) {
      // Offshore venue: per-trade margin keyed on UTI, client (CP1) posts (OWC1); high leverage = small IM.
      const im = t.notionalUsd * t.imRate;
      marginsOut.buf += marginLine(
        rep.lei,
        (ents[t.b] as Entity).lei,
        '',
        t.uti,
        'OWC1',
        'USD',
        im,
        Math.max(0, -valUsd),
        im * rng.float(0, 0.5),
        0,
        0,
        0,
        negativeMargin,
      );
      marginRows++;
    }
  };

  // ---- main loop -----------------------------------------------------------------------------------------------
  const progressStep = Math.max(1000, Math.ceil(total / 100));
  let nextProgress = progressStep;
  const cleanup = async () => {
    await Promise.all([tradesOut.destroy(), marginsOut.destroy()]);
    await Promise.all(Object.values(files).map((f) => unlink(f).catch(() => undefined)));
  };

  try {
    while (row < total) {
      resetDraft();
      t.seg = rng.pickFrom(segTable);
      switch (t.seg) {
        case SEG_LISTED:
          buildListed();
          break;
        case SEG_MTF:
          buildMtf();
          break;
        case SEG_OFFSHORE:
          buildOffshore();
          break;
        case SEG_OTC:
          buildOtc(false);
          break;
        case SEG_INTERDEALER:
          buildOtc(true);
          break;
        default:
          buildRetail();
          break;
      }
      if (t.twoSided && total - row < 2) t.twoSided = false; // the last row cannot hold a pair
      emitSide(0);
      if (t.twoSided) emitSide(1); // EMIR-style: the same UTI reported by both sides

      if (tradesOut.buf.length >= CHUNK_CHARS || marginsOut.buf.length >= CHUNK_CHARS) {
        if (signal?.aborted) throw abortError();
        await tradesOut.flush();
        await marginsOut.flush();
        await new Promise<void>((resolve) => setImmediate(resolve)); // let abort / IPC events through
        if (signal?.aborted) throw abortError();
      }
      if (row >= nextProgress) {
        if (row < total) onProgress?.(row, total); // the final call comes after the files are closed
        nextProgress += progressStep;
      }
    }
    if (signal?.aborted) throw abortError();

    // Netting-set margins (uti empty), one row per (reporting LEI, CP2, portfolio code).
    for (let i = 0; i < ns.size; i++) {
      const ccy = ns.ccy[i] as string;
      const fx = fxOf(ccy);
      const gross = (ns.gross[i] as number) / fx;
      const mtm = (ns.mtm[i] as number) / fx;
      const im = gross * (ns.imRate[i] as number);
      const vmPosted = Math.max(0, -mtm) * rng.float(0.95, 1.05); // VM is cumulative since first reported
      const vmColl = Math.max(0, mtm) * rng.float(0.95, 1.05);
      const imColl = im * rng.float(0.6, 1.1);
      marginsOut.buf += marginLine(
        (ents[ns.rep[i] as number] as Entity).lei,
        ns.otherId[i] as string,
        ns.code[i] as string,
        '',
        ns.category[i] as string,
        ccy,
        im,
        vmPosted,
        im * rng.float(0, 0.2),
        imColl,
        vmColl,
        imColl * rng.float(0, 0.2),
        false,
      );
      marginRows++;
      if (marginsOut.buf.length >= CHUNK_CHARS) {
        await marginsOut.flush();
        if (signal?.aborted) throw abortError();
      }
    }
    await tradesOut.close();
    await marginsOut.close();
  } catch (e) {
    await cleanup();
    throw e;
  }
  onProgress?.(total, total);

  return {
    files,
    counts: {
      tradeRows: row,
      utis: tradeNo + extraUtis,
      marginRows,
      entities: ents.length,
      venues: world.venues.length,
      invalidRows,
    },
    defects,
  };
}

function entitiesCsv(ents: readonly Entity[]): string {
  let s = `${ENTITIES_COLUMNS.join(',')}\n`;
  for (const e of ents) {
    s += `${e.lei},${csv(e.name)},${e.country},${e.jurisdiction},${e.category},${e.nature},${e.parent},${e.ultimate},${e.status}\n`;
  }
  return s;
}

function venuesCsv(venues: readonly Venue[]): string {
  let s = `${VENUES_COLUMNS.join(',')}\n`;
  for (const v of venues) s += `${v.id},${v.mic},${csv(v.name)},${v.country},${v.operatorLei},${csv(v.status)}\n`;
  return s;
}
