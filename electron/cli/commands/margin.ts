import fs from 'node:fs';
import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { chooseSnapshot } from '../snapshotChoice';
import { createOutput } from '../output';
import { renderTable } from '../table';
import { marginDimensions, type MarginDimension, type MarginResult, type MarginScheduleVersion } from '../../../shared/contract/margin';
import { formatUsd } from '../../../shared/domain/format';

const usage = `concordat margin [--by DIM[,DIM…]] [--snapshot ID] [--data-dir D] [--json]
concordat margin schedules [--json]
concordat margin import-schedule FILE [--json]

Required initial margin under the harmonised schedule in effect at the snapshot's as-of date, against the
initial margin posted, per netting set (a holder's collateral portfolio with a counterparty; without a
portfolio code, the holder–counterparty pair) and rolled up along --by (default holder):
  R = Σ over underliers of r × |Σ signed delta-adjusted notional (USD)|   (net within an underlier, gross across)
  coverage = IM posted / R;   shortfall = Σ over netting sets of max(0, R − IM posted)
Without --snapshot, uses the newest snapshot. Rows are ranked by shortfall.
Dimensions: ${marginDimensions.join(', ')}. A netting set is margined whole; by venue it is split: each
underlier's r × |net| by the venues' gross |delta| in it, posted margin and shortfall by the venues' share of R.
import-schedule loads a schedule version (JSON: v, name, effectiveFrom, source, illustrative, defaultRate,
rules [{assetClass?, contractType?, underlier?, rate}]); it applies to snapshots as of that date or later.`;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

function render(result: MarginResult): string {
  const s = result.schedule;
  const rows = [...result.rows, { ...result.total, key: result.by.map((_, i) => (i === 0 ? 'Total' : '')) }];
  return [
    `Snapshot ${result.snapshotId} as of ${result.asOf}; schedule "${s.name}" effective ${s.effectiveFrom}${s.illustrative ? ' (illustrative)' : ''}.`,
    renderTable(
      [...result.by, 'Netting sets', 'Required', 'Posted', 'Coverage', 'Shortfall', 'Unreported'],
      rows.map((r) => [
        ...r.key.map((k) => k ?? '(none)'),
        String(r.nettingSets),
        formatUsd(r.requiredUsd),
        formatUsd(r.postedUsd),
        pct(r.coverage),
        formatUsd(r.shortfallUsd),
        String(r.unreported),
      ]),
      [...result.by.map(() => false), true, true, true, true, true, true],
    ),
    result.unpriced > 0 ? `${result.unpriced} position(s) without a delta-adjusted notional in USD are left out.` : '',
    result.formula,
  ]
    .filter(Boolean)
    .join('\n');
}

export const marginCommand: Command = {
  name: 'margin',
  summary: 'Required margin under the harmonised schedule vs margin posted, per netting set and rolled up',
  usage,
  async run(args) {
    try {
      return await runMargin(args);
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};

async function runMargin(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { by: { type: 'string', default: 'holder' }, snapshot: { type: 'string' } }, true);
  const out = createOutput(values.json);
  const [sub, ...rest] = positionals;
  if (sub === 'schedules')
    return withBackend(
      values['data-dir'],
      out,
      async (backend) => {
        const list = (await backend.call('margin.schedules', {})) as MarginScheduleVersion[];
        out.result(list, () =>
          list
            .map(
              (v) =>
                `${v.effectiveFrom}  ${v.name}${v.illustrative ? ' (illustrative)' : ''}  default ${pct(v.defaultRate)}, ${v.rules.length} rule(s); ${v.loadedBy}`,
            )
            .join('\n'),
        );
        return 0;
      },
      { loadDemoOnFirstStart: false },
    );
  if (sub === 'import-schedule') {
    const [file, ...extra] = rest;
    if (!file || extra.length > 0) throw new UsageError('Name one schedule file: concordat margin import-schedule FILE.');
    let schedule: unknown;
    try {
      schedule = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)}).`);
    }
    return withBackend(
      values['data-dir'],
      out,
      async (backend) => {
        const loaded = (await backend.call('margin.importSchedule', { schedule })) as MarginScheduleVersion;
        out.result(loaded, () => `Loaded "${loaded.name}", effective ${loaded.effectiveFrom} (${loaded.rules.length} rule(s)).`);
        return 0;
      },
      { loadDemoOnFirstStart: false },
    );
  }
  if (sub !== undefined) throw new UsageError(`Unknown margin command "${sub}".`);
  const by = values.by.split(',').map((d) => d.trim()) as MarginDimension[];
  for (const d of by)
    if (!(marginDimensions as readonly string[]).includes(d))
      throw new UsageError(`Unknown dimension "${d}". Known: ${marginDimensions.join(', ')}.`);
  return withBackend(values['data-dir'], out, async (backend) => {
    const snapshotId = await chooseSnapshot(backend, values.snapshot);
    const result = (await backend.call('margin.compute', { snapshotId, by })) as MarginResult;
    out.result(result, () => render(result));
    return 0;
  });
}
