import { parseCommandArgs, positiveInt, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { chooseSnapshot } from '../snapshotChoice';
import { renderTable } from '../table';
import { alertStatuses, type Alert, type AlertRunResult, type AlertStatus } from '../../../shared/contract/alerts';
import { formatAlertValue } from '../../../shared/domain/alertValues';

const usage = `concordat alerts run [--snapshot ID] [--compare ID] [--data-dir D] [--json]
concordat alerts list [--status ${alertStatuses.join('|')}] [--rule RULE] [--snapshot ID] [--data-dir D] [--json]

run applies every built-in rule (resources/supervision/alert-rules.json: margin, leverage and coverage, concentration,
stale valuations, jurisdictional arbitrage, identity, protocol audits) to a snapshot (default: the newest). The rules that compare two
snapshots (coverage falling, arbitrage shift) compare with --compare (an earlier snapshot) and are skipped without
it; the arbitrage rules ask the MoU registry about this workstation's authority (concordat keys init --authority)
and are skipped without one. Each run is kept with its rules, parameters and compare snapshot, and an alert raised
before keeps its status. list shows them, most severe first, ranked within a rule.`;

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'Supervision alerts: run the built-in rules on a snapshot, list what they raised',
  usage,
  async run(args) {
    try {
      const { values, positionals } = parseCommandArgs(
        args,
        { snapshot: { type: 'string' }, compare: { type: 'string' }, status: { type: 'string' }, rule: { type: 'string' } },
        true,
      );
      const [sub, ...extra] = positionals;
      if ((sub !== 'run' && sub !== 'list') || extra.length > 0)
        throw new UsageError('Say `concordat alerts run` or `concordat alerts list`.');
      if (values.compare !== undefined && sub !== 'run') throw new UsageError('--compare goes with `concordat alerts run`.');
      const compareSnapshotId = values.compare === undefined ? undefined : positiveInt('compare', values.compare);
      if (values.status !== undefined && !(alertStatuses as readonly string[]).includes(values.status))
        throw new UsageError(`--status is one of ${alertStatuses.join(', ')}, not "${values.status}".`);
      const out = createOutput(values.json);
      return await withBackend(values['data-dir'], out, async (backend) => {
        const snapshotId = await chooseSnapshot(backend, values.snapshot);
        if (sub === 'run') {
          const run = (await backend.call('alerts.run', {
            snapshotId,
            ...(compareSnapshotId !== undefined ? { compareSnapshotId } : {}),
          })) as AlertRunResult;
          out.result(run, () =>
            [
              `Run ${run.runId} on snapshot ${snapshotId}${run.compareSnapshotId !== null ? ` compared with ${run.compareSnapshotId}` : ''}: ` +
                `${run.alerts} alert(s), ${run.newAlerts} new.`,
              ...run.rules.filter((r) => r.skipped !== undefined).map((r) => `Skipped ${r.id}: ${r.skipped}`),
            ].join('\n'),
          );
          return 0;
        }
        const alerts = (await backend.call('alerts.list', {
          snapshotId,
          ...(values.status ? { status: values.status as AlertStatus } : {}),
          ...(values.rule ? { rule: values.rule } : {}),
        })) as Alert[];
        out.result(alerts, () =>
          alerts.length === 0
            ? 'No alerts (run `concordat alerts run` first?).'
            : renderTable(
                ['#', 'Severity', 'Rule', 'Subject', 'Value', 'Threshold', 'Status'],
                alerts.map((a) => [
                  String(a.alertId),
                  a.severity,
                  a.ruleId,
                  a.subject,
                  formatAlertValue(a.unit, a.value),
                  formatAlertValue(a.unit, a.threshold),
                  a.status,
                ]),
                [true, false, false, false, true, true, false],
              ),
        );
        return 0;
      });
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
