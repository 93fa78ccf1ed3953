import type { StressRunResult } from '../../../shared/contract/stress';
import type { HandlersOf, ServiceContext } from '../context';
import type { Db } from '../db/connection';
import { runBookCascade } from './cascade';
import { scheduledCache } from './scheduledSnapshot';
import { compileStressBook, type StressBook } from './stressBook';
import { loadStressInput, type LoadedStressInput } from './stressInput';
import { holderGross, stressTotals, type HolderGross } from './stressTotals';
import { deleteScenario, listScenarios, saveScenario } from './stressScenarios';

/** The stress test through the contract (issue 14 §4). */
export function createStressHandlers(ctx: ServiceContext): HandlersOf<'stress'> {
  return {
    'stress.scenarios': () => listScenarios(ctx.db),
    'stress.saveScenario': ({ scenario }) => saveScenario(ctx.db, scenario, ctx.actor().name),
    'stress.deleteScenario': ({ name }) => deleteScenario(ctx.db, name),
    'stress.run': (input): StressRunResult => {
      const { loaded, book, gross } = stressInputOf(ctx.db, input.snapshotId);
      // Shocks are given by symbol or DTI; the cascade keys underliers by DTI, else symbol.
      const shocks: Record<string, number> = {};
      const matched = new Set<string>();
      for (const [u, n] of loaded.names)
        for (const given of [u, n.dti, n.symbol])
          if (given !== null && input.shocks[given] !== undefined) {
            shocks[u] = input.shocks[given];
            matched.add(given);
            break;
          }
      const outcome = runBookCascade(
        book,
        loaded.market,
        { shocks, ...(input.volShock !== undefined ? { volShock: input.volShock } : {}) },
        {
          rounds: input.rounds,
          channels: { price: input.channels.includes('price'), counterparty: input.channels.includes('counterparty') },
          ccpDefaultFundUsd: input.ccpDefaultFundUsd,
        },
      );
      // Underliers are shown as the TR names them (BTC), not by their DTI key.
      const shown = (u: string) => loaded.names.get(u)?.symbol ?? u;
      const byJurisdiction = new Map<string | null, { jurisdiction: string | null; defaults: number; uncoveredUsd: number }>();
      const rounds = outcome.rounds.map((r) => ({
        round: r.round,
        defaults: r.defaults.map((d) => {
          const holder = loaded.holders.get(d.holder);
          const j = holder?.jurisdiction ?? null;
          const entry = byJurisdiction.get(j) ?? { jurisdiction: j, defaults: 0, uncoveredUsd: 0 };
          entry.defaults++;
          entry.uncoveredUsd += d.uncoveredUsd;
          byJurisdiction.set(j, entry);
          return { ...d, name: holder?.name ?? null, jurisdiction: j };
        }),
        liquidatedNotionalUsd: r.liquidatedNotionalUsd,
        priceMoves: Object.fromEntries(Object.entries(r.priceMoves).map(([u, m]) => [shown(u), m])),
        noDepth: r.noDepth.map(shown).sort(),
        uncoveredUsd: r.uncoveredUsd,
        chargedUsd: r.chargedUsd,
        absorbedByDefaultFundsUsd: r.absorbedByDefaultFundsUsd,
      }));
      return {
        snapshotId: input.snapshotId,
        asOf: loaded.asOf,
        scenario: { shocks: input.shocks, volShock: input.volShock ?? 0 },
        channels: input.channels,
        rounds,
        byJurisdiction: [...byJurisdiction.values()].sort((a, b) => b.uncoveredUsd - a.uncoveredUsd),
        totals: stressTotals(
          gross,
          outcome.rounds.flatMap((r) => r.defaults),
        ),
        unmatchedShocks: Object.keys(input.shocks).filter((k) => !matched.has(k)),
        unvalued: loaded.unvalued + outcome.unvalued,
        positions: loaded.positions.length,
      };
    },
  };
}

/**
 * A snapshot's cascade inputs, compiled book and holders' gross notional, kept for the last snapshot run (under its schedule version, which
 * gives the market depth): a supervisor tries scenario after scenario on one snapshot, and reading and compiling two
 * million positions is most of a run's time.
 */
interface KeptInput {
  loaded: LoadedStressInput;
  book: StressBook;
  gross: Map<string, HolderGross>;
}
const kept = scheduledCache<KeptInput>(1);
function stressInputOf(db: Db, snapshotId: number): KeptInput {
  return kept(db, snapshotId, () => {
    const loaded = loadStressInput(db, snapshotId);
    return {
      loaded,
      book: compileStressBook(loaded.positions, loaded.market),
      gross: holderGross(loaded.positions, loaded.market.prices),
    };
  });
}
