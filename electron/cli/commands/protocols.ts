import fs from 'node:fs';
import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { parseNumberOption, parseShocks } from '../shockArgs';
import { chooseSnapshot } from '../snapshotChoice';
import { renderTable } from '../table';
import type { ProtocolAuditState, ProtocolRiskResult, ProtocolVersion } from '../../../shared/contract/protocols';
import { formatUsd } from '../../../shared/domain/format';

const usage = `concordat protocols list [--data-dir D] [--json]
concordat protocols show ID [--json]
concordat protocols import FILE [--json]
concordat protocols risk [--snapshot ID] [--shock U=X[,U=X…]] [--vol-shock V] [--json]

The protocol audit register: DeFi protocols and on-chain venues with their chains, contract addresses
(validated; EIP-55 on EVM chains), the venue ids their trades are reported under, audits (auditor, date,
scope, findings by severity, open or resolved), upgradeability and insurance fund. Every change is a new
version. import loads a register file ({"v": 1, "protocols": [...]}) all or nothing.
risk prints each protocol's insolvency buffer on a snapshot (default: the newest):
  buffer ratio = (insurance fund + attributed collateral) / open interest on the protocol's venues,
and, with --shock, what the shock's losses leave of it.`;

type Listed = ProtocolVersion & { audit: ProtocolAuditState };

const ratio = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

function describe(p: Listed & { history?: Array<{ version: number; savedBy: string; savedAt: string }> }): string {
  const lines = [
    `${p.name} (${p.id}), version ${p.version} saved by ${p.savedBy} at ${p.savedAt}`,
    `Chains: ${p.chains.join(', ')}; venues: ${p.venues.join(', ') || '(none linked)'}`,
    `Upgradeability: ${p.upgradeability.kind}${p.upgradeability.admin ? ` (${p.upgradeability.admin})` : ''}; insurance fund ${formatUsd(p.insuranceFundUsd)}`,
    ...p.contracts.map((c) => `  contract ${c.chain} ${c.address}${c.role ? ` — ${c.role}` : ''}`),
    ...p.audits.flatMap((a) => [
      `  audit ${a.date} by ${a.auditor}: ${a.scope.contracts.length} contract(s) in scope${a.scope.codeRef ? `, code ${a.scope.codeRef}` : ''}`,
      ...a.findings.map((f) => `    ${f.ref} ${f.severity} ${f.status}: ${f.title}`),
    ]),
    `Latest audit: ${p.audit.latestAuditDate ?? 'none'}; open critical ${p.audit.openCritical}, open high ${p.audit.openHigh}; ` +
      `contracts not in its scope: ${p.audit.uncoveredContracts.length}`,
  ];
  return lines.join('\n');
}

export const protocolsCommand: Command = {
  name: 'protocols',
  summary: "The protocol audit register: list, show, import; the protocols' insolvency buffer",
  usage,
  async run(args) {
    try {
      const { values, positionals } = parseCommandArgs(
        args,
        { snapshot: { type: 'string' }, shock: { type: 'string' }, 'vol-shock': { type: 'string' } },
        true,
      );
      const [sub, arg, ...extra] = positionals;
      const arity: Record<string, number> = { list: 0, show: 1, import: 1, risk: 0 };
      if (sub === undefined || arity[sub] === undefined || (arg === undefined ? 0 : 1 + extra.length) !== arity[sub])
        throw new UsageError('Say `concordat protocols list`, `show ID`, `import FILE` or `risk`.');
      const out = createOutput(values.json);
      if (sub === 'import') {
        let register: unknown;
        try {
          register = JSON.parse(fs.readFileSync(arg!, 'utf8'));
        } catch (error) {
          throw new UsageError(`${arg} is not a readable JSON register file: ${(error as Error).message}`);
        }
        return await withBackend(values['data-dir'], out, async (backend) => {
          const r = (await backend.call('protocols.import', { register })) as { added: number; updated: number; unchanged: number };
          out.result(r, () => `${arg}: ${r.added} protocol(s) added, ${r.updated} updated, ${r.unchanged} unchanged.`);
          return 0;
        });
      }
      return await withBackend(values['data-dir'], out, async (backend) => {
        if (sub === 'list') {
          const list = (await backend.call('protocols.list', {})) as Listed[];
          out.result(list, () =>
            list.length === 0
              ? 'The register is empty: add protocols with `concordat protocols import FILE` or in the app (Supervision → Protocols).'
              : renderTable(
                  ['Id', 'Name', 'Chains', 'Venues', 'Latest audit', 'Open crit.', 'Open high', 'Insurance fund'],
                  list.map((p) => [
                    p.id,
                    p.name,
                    p.chains.join(','),
                    p.venues.join(','),
                    p.audit.latestAuditDate ?? 'none',
                    String(p.audit.openCritical),
                    String(p.audit.openHigh),
                    formatUsd(p.insuranceFundUsd),
                  ]),
                  [false, false, false, false, false, true, true, true],
                ),
          );
          return 0;
        }
        if (sub === 'show') {
          const p = (await backend.call('protocols.get', { id: arg! })) as Listed;
          out.result(p, () => describe(p));
          return 0;
        }
        const snapshotId = await chooseSnapshot(backend, values.snapshot);
        const volShock = parseNumberOption('vol-shock', values['vol-shock']);
        const r = (await backend.call('protocols.risk', {
          snapshotId,
          ...(values.shock ? { shocks: parseShocks(values.shock) } : {}),
          ...(volShock !== undefined ? { volShock } : {}),
        })) as ProtocolRiskResult;
        out.result(r, () =>
          [
            `Snapshot ${r.snapshotId} as of ${r.asOf}${
              r.shocks
                ? `; shock ${Object.entries(r.shocks)
                    .map(([u, x]) => `${u} ${x * 100} %`)
                    .join(', ')}`
                : ''
            }.`,
            renderTable(
              [
                'Protocol',
                'Holders',
                'Open interest',
                'Insurance fund',
                'Collateral',
                'Buffer',
                ...(r.shocks ? ['Uncovered', 'Fund left', 'Buffer after'] : []),
              ],
              r.protocols.map((p) => [
                p.name,
                String(p.holders),
                formatUsd(p.openInterestUsd),
                formatUsd(p.insuranceFundUsd),
                formatUsd(p.collateralUsd),
                ratio(p.bufferRatio),
                ...(p.stressed
                  ? [formatUsd(p.stressed.uncoveredUsd), formatUsd(p.stressed.insuranceFundLeftUsd), ratio(p.stressed.bufferRatio)]
                  : []),
              ]),
              [false, true, true, true, true, true, true, true, true],
            ),
            r.formula,
          ].join('\n'),
        );
        return 0;
      });
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
