import { parseCommandArgs, positiveInt, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { chooseSnapshot } from '../snapshotChoice';
import { renderTable } from '../table';
import { stressChannels, type StressRunResult } from '../../../shared/contract/stress';
import { formatUsd } from '../../../shared/domain/format';

const usage = `concordat stress run --shock U=X[,U=X…] [--vol-shock V] [--rounds N] [--channels price,counterparty]
                     [--default-fund USD] [--snapshot ID] [--data-dir D] [--json]

A price shock (U: an underlier's symbol or DTI; X: the relative move, -0.30 for −30 %) run as a liquidation
cascade: each round, a holder whose loss reaches its collateral (IM + excess posted) defaults; its positions
are sold (price channel: the next price moves by −Q/D × 1 %, D the market depth of the margin schedule) and
its uncovered loss is charged to its counterparties by their positive exposure (counterparty channel; a CCP's
default fund, --default-fund, absorbs first). Options are repriced with Black–Scholes (--vol-shock adds to
volatility). Stops when a round adds no default, or after --rounds (default 10).
Example: concordat stress run --shock BTC=-0.30,ETH=-0.40 --vol-shock 0.2`;

function parseShocks(text: string | undefined): Record<string, number> {
  if (!text) throw new UsageError('Give at least one --shock, such as --shock BTC=-0.30.');
  const shocks: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [u, x] = part.split('=');
    const value = Number(x);
    if (!u || x === undefined || x.trim() === '' || !Number.isFinite(value))
      throw new UsageError(`--shock takes UNDERLIER=MOVE pairs such as BTC=-0.30, not "${part}".`);
    shocks[u.trim()] = value;
  }
  return shocks;
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} takes a number, not "${text}".`);
  return value;
}

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
        },
        true,
      );
      if (positionals[0] !== 'run' || positionals.length > 1) throw new UsageError('Say `concordat stress run --shock BTC=-0.30`.');
      const shocks = parseShocks(values.shock);
      const channels = values.channels
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      const volShock = number('vol-shock', values['vol-shock']);
      const fund = number('default-fund', values['default-fund']);
      const out = createOutput(values.json);
      return await withBackend(values['data-dir'], out, async (backend) => {
        const snapshotId = await chooseSnapshot(backend, values.snapshot);
        const result = (await backend.call('stress.run', {
          snapshotId,
          shocks,
          rounds: positiveInt('rounds', values.rounds),
          channels,
          ...(volShock !== undefined ? { volShock } : {}),
          ...(fund !== undefined ? { ccpDefaultFundUsd: fund } : {}),
        })) as StressRunResult;
        out.result(result, () => render(result));
        return 0;
      });
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
