import path from 'node:path';
import { parseCommandArgs, positiveInt, UsageError } from '../args';
import type { Command } from '../command';
import { createOutput } from '../output';
import { generateDemoData } from '../../backend/demo/generateDemo';
import { withCancelOnSignal } from '../cancel';
import { isCalendarDate } from '../../../shared/contract/calendarDate';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate synthetic TR snapshot files (deterministic)',
  usage: `concordat demo generate --trades N --seed S --out DIR [--as-of YYYY-MM-DD] [--json]

Writes trades.csv, margins.csv, entities.csv, venues.csv, prices.csv and fx.csv to DIR.
The same N, seed and date always give byte-identical files. Ctrl-C cancels.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(
      args,
      { trades: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, 'as-of': { type: 'string' } },
      true,
    );
    if (positionals[0] !== 'generate' || positionals.length > 1) throw new UsageError('Expected: concordat demo generate …');
    if (!values.out) throw new UsageError('--out DIR is required.');
    const seed = Number(values.seed ?? 1);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not "${values.seed}".`);
    const asOf = values['as-of'];
    if (asOf !== undefined && !isCalendarDate(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, not "${asOf}".`);
    const out = createOutput(values.json);
    const trades = positiveInt('trades', values.trades);
    const started = performance.now();
    const result = await withCancelOnSignal((signal) =>
      generateDemoData({
        trades,
        seed,
        outDir: path.resolve(values.out!),
        ...(asOf ? { asOfDate: asOf } : {}),
        signal,
        onProgress: (done, total) => out.progress('Generating', done, total),
      }),
    );
    out.endProgress();
    const seconds = (performance.now() - started) / 1000;
    out.result({ ...result, seconds }, () =>
      [
        `Wrote ${result.counts.tradeRows} trade rows (${result.counts.utis} UTIs), ${result.counts.marginRows} margin rows, ` +
          `${result.counts.entities} entities, ${result.counts.venues} venues in ${seconds.toFixed(1)} s:`,
        ...Object.values(result.files).map((f) => `  ${f}`),
      ].join('\n'),
    );
    return 0;
  },
};
