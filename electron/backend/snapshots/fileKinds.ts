/** The Concordat CSV files of a snapshot and their columns (issue "TR snapshot ingestion"). */
export const csvColumns = {
  trades: [
    'uti',
    'reporting_lei',
    'other_cpty_id',
    'other_cpty_is_lei',
    'other_cpty_country',
    'direction',
    'upi',
    'contract_type',
    'asset_class',
    'underlier_dti',
    'underlier_symbol',
    'perpetual',
    'option_type',
    'option_style',
    'strike',
    'strike_ccy',
    'cleared',
    'ccp_lei',
    'platform_mic',
    'venue_id',
    'execution_ts',
    'effective_date',
    'expiration_date',
    'notional',
    'notional_ccy',
    'quantity',
    'price',
    'price_ccy',
    'valuation_amount',
    'valuation_ccy',
    'valuation_ts',
    'valuation_method',
    'delta',
    'collateral_portfolio_code',
    'action_type',
    'level',
    'reporting_ts',
    // CDE 2.96 / EMIR 2.3: the UTI this trade replaces (novation, clearing); optional.
    'prior_uti',
  ],
  margins: [
    'reporting_lei',
    'other_cpty_id',
    'collateral_portfolio_code',
    'uti',
    'collateralisation_category',
    'im_posted',
    'im_posted_ccy',
    'vm_posted',
    'vm_posted_ccy',
    'excess_posted',
    'excess_posted_ccy',
    'im_collected',
    'im_collected_ccy',
    'vm_collected',
    'vm_collected_ccy',
    'excess_collected',
    'excess_collected_ccy',
    'collateral_ts',
  ],
  entities: [
    'lei',
    'legal_name',
    'legal_country',
    'legal_jurisdiction',
    'entity_category',
    'nature',
    'parent_lei',
    'ultimate_parent_lei',
    'registration_status',
  ],
  venues: ['venue_id', 'mic', 'name', 'country', 'operator_lei', 'regulatory_status'],
  // volatility: annualised, as a fraction (0.55 = 55 %); optional, the input of modelled option deltas.
  prices: ['as_of_date', 'underlier_dti', 'price_usd', 'volatility'],
  fx: ['as_of_date', 'ccy', 'usd_per_unit'],
} as const;

export type CsvKind = keyof typeof csvColumns;
export const csvKinds = Object.keys(csvColumns) as CsvKind[];

/** Required columns per kind: a file missing any of these is not that kind of file. */
export const requiredColumns: Record<CsvKind, readonly string[]> = {
  trades: ['uti', 'reporting_lei', 'other_cpty_id', 'other_cpty_is_lei', 'execution_ts', 'notional', 'notional_ccy', 'reporting_ts'],
  margins: ['reporting_lei', 'other_cpty_id', 'collateralisation_category'],
  entities: ['lei', 'legal_country'],
  venues: ['venue_id'],
  prices: ['as_of_date', 'underlier_dti', 'price_usd'],
  fx: ['as_of_date', 'ccy', 'usd_per_unit'],
};

/** Recognises a snapshot file by its name: `trades.csv`, `ACME-trades.csv`, … */
export function csvKindOfFileName(fileName: string): CsvKind | undefined {
  const lower = fileName.toLowerCase();
  if (!lower.endsWith('.csv')) return undefined;
  return csvKinds.find((kind) => lower === `${kind}.csv` || lower.endsWith(`-${kind}.csv`) || lower.endsWith(`_${kind}.csv`));
}
