import { parseCommandArgs, positiveInt, UsageError } from '../args';
import { parseNumberOption, parseShocks } from '../shockArgs';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { chooseSnapshot } from '../snapshotChoice';
import { renderTable } from '../table';
import { stressChannels, type StressRunResult, type StressScenario, type StressScenarioInput } from '../../../shared/contract/stress';
import { formatUsd } from '../../../shared/domain/format';

const usage = `concordat stress run --shock U=X[,U=X…] [--vol-shock V] [--rounds N] [--channels price,counterparty]
                     [--default-fund USD] [--snapshot ID] [--data-dir D] [--json]
concordat stress run --scenario NAME [--snapshot ID] [--json]
concordat stress save NAME --shock U=X[,U=X…] [--vol-shock V] [--rounds N] [--channels …] [--default-fund USD]
concordat stress scenarios [--json]
concordat stress delete NAME

A price shock (U: an underlier's symbol or DTI; X: the relative move, -0.30 for −30 %) run as a liquidation
cascade: each round, a holder whose loss reaches its collateral (IM + excess posted) defaults; its positions
are sold (price channel: the next price moves by −Q/D × 1 %, D the market depth of the margin schedule) and
its uncovered loss is charged to its counterparties by their positive exposure (counterparty channel; a CCP's
default fund, --default-fund, absorbs first). Options are repriced with Black–Scholes (--vol-shock adds to
volatility). Stops when a round adds no default, or after --rounds (default 10).
save keeps the scenario under a name (replacing one of that name) to run on any snapshot with --scenario;
the app's Supervision page lists the same scenarios.
Example: concordat stress run --shock BTC=-0.30,ETH=-0.40 --vol-shock 0.2`;

function render(r: StressRunResult): string {
  const shocks = Object.entries(r.scenario.shocks)
    .map(([u, x]) => `${u} ${(x * 100).toFixed(1)} %`)
    .join(', ');
  const lines = [
    `Snapshot ${r.snapshotId} as of ${r.asOf}: ${shocks}${r.scenario.volShock ? `, volatility ${r.scenario.volShock > 0 ? '+' : ''}${r.scenario.volShock}` : ''}; channels ${r.channels.join(', ') || 'none'}; ${r.positions} positions.`,
  ];
  if (r.rounds.length === 0) lines.push('No holder defaults.');
  for (const round of r.rounds) {
    const moves = Object.entries(round.priceMoves)
      .map(([u, m]) => `${u} ${(m * 100).toFixed(3)} %`)
      .join(', ');
    lines.push(
      `Round ${round.round}: ${round.defaults.length} default(s), uncovered ${formatUsd(round.uncoveredUsd)}, liquidated ${formatUsd(round.liquidatedNotionalUsd)}` +
        (moves ? `; next prices ${moves}` : '') +
        (round.noDepth.length ? `; no market depth for ${round.noDepth.join(', ')} (price not moved)` : '') +
        (round.chargedUsd ? `; charged to counterparties ${formatUsd(round.chargedUsd)}` : ''),
      renderTable(
        ['Holder', 'Name', 'Jurisdiction', 'Loss', 'Collateral', 'Uncovered'],
        round.defaults.map((d) => [
          d.holder,
          d.name ?? '',
          d.jurisdiction ?? '',
          formatUsd(d.lossUsd),
          formatUsd(d.collateralUsd),
          formatUsd(d.uncoveredUsd),
        ]),
        [false, false, false, true, true, true],
      ),
    );
  }
  if (r.rounds.length > 0)
    for (const [title, rows] of [
      ['Group', r.totals.group],
      ['Venue', r.totals.venue],
      ['CCP', r.totals.ccp],
    ] as const)
      lines.push(
        `By ${title.toLowerCase()} (a holder's uncovered loss to its group whole; to venues and CCPs by its gross notional on each):`,
        renderTable(
          [title, 'Defaults', 'Uncovered'],
          rows.map((t) => [t.key, String(t.defaults), formatUsd(t.uncoveredUsd)]),
          [false, true, true],
        ),
      );
  if (r.unmatchedShocks.length) lines.push(`No position has ${r.unmatchedShocks.join(', ')}: those shocks changed nothing.`);
  if (r.unvalued) lines.push(`${r.unvalued} option position(s) could not be valued (no price or volatility) and are left out.`);
  return lines.join('\n');
}

export const stressCommand: Command = {
  name: 'stress',
  summary: 'Stress test: a price shock run as a liquidation cascade',
  usage,
  async run(args) {
    try {
      const { values, positionals } = parseCommandArgs(
        args,
        {
          shock: { type: 'string' },
          'vol-shock': { type: 'string' },
          rounds: { type: 'string', default: '10' },
          channels: { type: 'string', default: stressChannels.join(',') },
          'default-fund': { type: 'string' },
          snapshot: { type: 'string' },
          scenario: { type: 'string' },
        },
        true,
      );
      const [sub, name, ...extra] = positionals;
      const named = sub === 'save' || sub === 'delete';
      if (!(sub === 'run' || sub === 'scenarios' || named) || extra.length > 0 || (named ? name === undefined : name !== undefined))
        throw new UsageError(
          'Say `concordat stress run --shock BTC=-0.30`, `stress save NAME --shock …`, `stress scenarios` or `stress delete NAME`.',
        );
      const out = createOutput(values.json);
      if (sub === 'scenarios' || sub === 'delete')
        return await withBackend(values['data-dir'], out, async (backend) => {
          if (sub === 'delete') {
            const r = (await backend.call('stress.deleteScenario', { name: name! })) as { deleted: boolean };
            out.result(r, () => (r.deleted ? `Deleted scenario "${name}".` : `No scenario "${name}".`));
            return r.deleted ? 0 : 1;
          }
          const list = (await backend.call('stress.scenarios', {})) as StressScenario[];
          out.result(list, () =>
            list.length === 0
              ? 'No saved scenarios: save one with `concordat stress save NAME --shock BTC=-0.30`.'
              : renderTable(
                  ['Name', 'Shocks', 'Vol shock', 'Rounds', 'Channels', 'Saved'],
                  list.map((s) => [
                    s.name,
                    Object.entries(s.shocks)
                      .map(([u, x]) => `${u}=${x}`)
                      .join(','),
                    s.volShock === undefined ? '' : String(s.volShock),
                    String(s.rounds),
                    s.channels.join(','),
                    `${s.savedAt.slice(0, 10)} ${s.savedBy}`,
                  ]),
                  [false, false, true, true, false, false],
                ),
          );
          return 0;
        });
      if (values.scenario !== undefined && (sub !== 'run' || values.shock !== undefined))
        throw new UsageError('--scenario runs a saved scenario: give it to `stress run` without --shock.');
      const given = () => {
        const volShock = parseNumberOption('vol-shock', values['vol-shock']);
        const fund = parseNumberOption('default-fund', values['default-fund']);
        return {
          shocks: parseShocks(values.shock),
          rounds: positiveInt('rounds', values.rounds),
          // Checked by the contract (a channel it does not know is refused with the list of those it does).
          channels: values.channels
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean) as Array<(typeof stressChannels)[number]>,
          ...(volShock !== undefined ? { volShock } : {}),
          ...(fund !== undefined ? { ccpDefaultFundUsd: fund } : {}),
        };
      };
      return await withBackend(values['data-dir'], out, async (backend) => {
        if (sub === 'save') {
          const saved = (await backend.call('stress.saveScenario', { scenario: { name: name!, ...given() } })) as StressScenario & {
            replaced: boolean;
          };
          out.result(saved, () => `${saved.replaced ? 'Replaced' : 'Saved'} scenario "${saved.name}".`);
          return 0;
        }
        let scenario: Omit<StressScenarioInput, 'name'>;
        if (values.scenario !== undefined) {
          const found = ((await backend.call('stress.scenarios', {})) as StressScenario[]).find((s) => s.name === values.scenario);
          if (!found) throw new UsageError(`No saved scenario "${values.scenario}": see \`concordat stress scenarios\`.`);
          const { name: _name, savedBy: _by, savedAt: _at, ...rest } = found;
          scenario = rest;
        } else scenario = given();
        const snapshotId = await chooseSnapshot(backend, values.snapshot);
        const result = (await backend.call('stress.run', { snapshotId, ...scenario })) as StressRunResult;
        out.result(result, () => render(result));
        return 0;
      });
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
