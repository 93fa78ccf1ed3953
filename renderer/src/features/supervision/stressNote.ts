import type { StressRunResult } from '../../../../shared/contract';
import { formatUsd } from '../../../../shared/domain/format';

/** SHA-256 (hex) of the result as the backend returned it, so the note can be tied to the exact figures. */
export async function resultSha256(result: StressRunResult): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(result));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A stress result as a case note: the scenario, the snapshot, each round's figures, and the result's hash. */
export function stressNoteMarkdown(result: StressRunResult, sha256: string): string {
  const shocks = Object.entries(result.scenario.shocks)
    .map(([u, x]) => `${u} ${(x * 100).toFixed(1)} %`)
    .join(', ');
  const lines = [
    `Stress scenario on snapshot ${result.snapshotId} (as of ${result.asOf}): ${shocks}` +
      (result.scenario.volShock ? `, volatility ${result.scenario.volShock > 0 ? '+' : ''}${result.scenario.volShock}` : '') +
      `; channels: ${result.channels.join(', ') || 'none'}.`,
    '',
    result.rounds.length === 0 ? 'No holder defaults.' : '| Round | Defaults | Uncovered loss | Liquidated |',
  ];
  if (result.rounds.length > 0) {
    lines.push('| ---: | ---: | ---: | ---: |');
    for (const r of result.rounds)
      lines.push(`| ${r.round} | ${r.defaults.length} | ${formatUsd(r.uncoveredUsd)} | ${formatUsd(r.liquidatedNotionalUsd)} |`);
  }
  lines.push('', `Result SHA-256: \`${sha256}\` (of the figures as computed; re-run the scenario on the same snapshot to check).`);
  return lines.join('\n');
}
