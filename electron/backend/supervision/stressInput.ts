import { ContractError } from '../../../shared/contract/errors';
import { yearsBetween } from '../../../shared/domain/blackScholes';
import type { Db } from '../db/connection';
import { positionRange } from './positionRange';
import type { StressMarket, StressPosition } from './stressValuation';
import { scheduleInEffect } from './marginSchedule';

export interface LoadedStressInput {
  asOf: string;
  positions: StressPosition[];
  market: StressMarket;
  /** Underlier key (DTI, else symbol) → its symbol and DTI, for matching shocks given either way. */
  names: Map<string, { symbol: string | null; dti: string | null }>;
  holders: Map<string, { name: string | null; jurisdiction: string | null }>;
  /** Options left out before the cascade: their underlier has no price or volatility. */
  unvalued: number;
}

interface Row {
  holder: string;
  counterparty: string;
  underlier: string | null;
  sign: number;
  delta: number | null;
  notional: number | null;
  contractType: string | null;
  optionType: string | null;
  strike: string | null;
  strikeUsd: number | null;
  expiry: string | null;
  dti: string | null;
  symbol: string | null;
  priceUsd: number | null;
  volatility: number | null;
  jurisdiction: string | null;
  name: string | null;
  venue: string;
  group: string | null;
  ccp: string;
}

/**
 * The cascade's inputs from a snapshot: every outstanding position from its holder's side; linear positions as
 * units of the underlier (delta-adjusted USD notional / price; an underlier without a price gets a price index of 1,
 * which leaves every figure of the cascade the same, as they are relative), options as units on their underlier with
 * their strike in USD and years to expiry (ACT/365, rate 0: snapshots carry no rate); collateral = IM posted +
 * excess posted; market depth from the margin schedule in effect; CCPs from the trades' CCP LEIs.
 */
export function loadStressInput(db: Db, snapshotId: number): LoadedStressInput {
  const snapshot = db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ? AND status = 'active'`).get(snapshotId) as
    { asOf: string } | undefined;
  if (!snapshot) throw new ContractError('NOT_FOUND', `No snapshot ${snapshotId}: choose one from \`concordat snapshots list\`.`);
  // Prices, volatilities, FX and names are small tables: read once into maps rather than joined to every position.
  const priceOf = new Map(
    (
      db.prepare(`SELECT underlier_dti, price_usd, volatility FROM underlier_price WHERE snapshot_id = ?`).raw().all(snapshotId) as Array<
        [string, number | null, number | null]
      >
    ).map(([dti, price, vol]) => [dti, { price, vol }]),
  );
  const usdPerUnit = new Map(
    db.prepare(`SELECT ccy, usd_per_unit FROM snapshot_fx WHERE snapshot_id = ?`).raw().all(snapshotId) as Array<[string, number]>,
  );
  const legalName = new Map(
    db.prepare(`SELECT lei, legal_name FROM entity WHERE snapshot_id = ?`).raw().all(snapshotId) as Array<[string, string | null]>,
  );
  const read = db
    .prepare(
      `SELECT p.holder, CASE p.side WHEN 1 THEN t.other_cpty_id ELSE t.reporting_lei END, p.underlier, p.sign,
              p.delta_usd, p.notional_usd, t.contract_type, t.option_type, t.strike, t.strike_ccy, t.expiration_date,
              t.underlier_dti, t.underlier_symbol, p.jurisdiction, p.venue, p.group_id, p.ccp
         FROM exposure_position p NOT INDEXED
         JOIN trade_state t ON t.rowid = p.trade_row
        WHERE p.rowid BETWEEN :lo AND :hi AND p.snapshot_id = :s`,
    )
    .raw();
  /** Each position as the rest of this function reads it (no object per row from SQLite: this sees every position). */
  function* rowsOf(): Generator<Row> {
    for (const [
      holder,
      counterparty,
      underlier,
      sign,
      delta,
      notional,
      contractType,
      optionType,
      strike,
      strikeCcy,
      expiry,
      dti,
      symbol,
      jurisdiction,
      venue,
      group,
      ccp,
    ] of read.iterate(positionRange(db, snapshotId)) as IterableIterator<
      [
        string,
        string,
        string | null,
        number,
        number | null,
        number | null,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
        string,
        string | null,
        string,
      ]
    >) {
      const quote = dti === null ? undefined : priceOf.get(dti);
      const fx = strikeCcy === null ? undefined : usdPerUnit.get(strikeCcy);
      yield {
        holder,
        counterparty,
        underlier,
        sign,
        delta,
        notional,
        contractType,
        optionType,
        strike,
        strikeUsd: strike === null || fx === undefined ? null : Number(strike) * fx,
        expiry,
        dti,
        symbol,
        priceUsd: quote?.price ?? null,
        volatility: quote?.vol ?? null,
        jurisdiction,
        name: legalName.get(holder) ?? null,
        venue,
        group,
        ccp,
      };
    }
  }
  const rows = rowsOf();

  const positions: StressPosition[] = [];
  const prices: Record<string, number> = {};
  const volatilities: Record<string, number> = {};
  const names = new Map<string, { symbol: string | null; dti: string | null }>();
  const holders = new Map<string, { name: string | null; jurisdiction: string | null }>();
  let unvalued = 0;
  for (const r of rows) {
    if (!holders.has(r.holder)) holders.set(r.holder, { name: r.name, jurisdiction: r.jurisdiction });
    if (r.underlier === null) continue;
    const u = r.underlier;
    if (!names.has(u)) names.set(u, { symbol: r.symbol, dti: r.dti });
    if (r.priceUsd !== null) prices[u] = r.priceUsd;
    else prices[u] ??= 1;
    if (r.volatility !== null) volatilities[u] = r.volatility;
    if (r.contractType === 'OPTN') {
      const years = r.expiry ? yearsBetween(snapshot.asOf, r.expiry.slice(0, 10)) : NaN;
      const type = r.optionType === 'CALL' || r.optionType === 'PUTO' ? r.optionType : null;
      if (r.priceUsd === null || r.volatility === null || !type || !(r.strikeUsd! > 0) || !Number.isFinite(years) || r.notional === null) {
        unvalued++;
        continue;
      }
      positions.push({
        holder: r.holder,
        counterparty: r.counterparty,
        underlier: u,
        units: (r.sign * r.notional) / r.priceUsd,
        option: { type, strike: r.strikeUsd!, yearsToExpiry: years, rate: 0 },
        venue: r.venue,
        group: r.group,
        ccp: r.ccp,
      });
    } else if (r.delta !== null) {
      positions.push({
        holder: r.holder,
        counterparty: r.counterparty,
        underlier: u,
        units: r.delta / (r.priceUsd ?? 1),
        venue: r.venue,
        group: r.group,
        ccp: r.ccp,
      });
    }
  }

  const collateralUsd: Record<string, number> = {};
  for (const m of db
    .prepare(`SELECT holder, coalesce(im_posted_usd, 0) + coalesce(excess_posted_usd, 0) AS c FROM holder_margin WHERE snapshot_id = ?`)
    .iterate(snapshotId) as IterableIterator<{ holder: string; c: number }>)
    collateralUsd[m.holder] = m.c;

  const depthUsd: Record<string, number> = {};
  const schedule = scheduleInEffect(db, snapshot.asOf);
  for (const [u, n] of names) {
    const depth = schedule.marketDepth.find((d) => d.underlier === n.dti || d.underlier === n.symbol || d.underlier === u);
    if (depth) depthUsd[u] = depth.usdFor1Percent;
  }
  const ccps = (
    db.prepare(`SELECT DISTINCT ccp FROM exposure_position WHERE snapshot_id = ? AND ccp <> 'NONE'`).all(snapshotId) as Array<{
      ccp: string;
    }>
  ).map((r) => r.ccp);
  return { asOf: snapshot.asOf, positions, market: { prices, volatilities, depthUsd, collateralUsd, ccps }, names, holders, unvalued };
}
