import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { chooseSnapshot } from '../snapshotChoice';
import { renderTable } from '../table';
import { alertStatuses, type Alert, type AlertRunResult, type AlertStatus } from '../../../shared/contract/alerts';

const usage = `concordat alerts run [--snapshot ID] [--data-dir D] [--json]
concordat alerts list [--status ${alertStatuses.join('|')}] [--rule RULE] [--snapshot ID] [--data-dir D] [--json]

run applies every built-in rule (resources/supervision/alert-rules.json: margin below the harmonised threshold,
concentration HHI, one holder above a share of open interest) to a snapshot (default: the newest); each run is
kept with its rules and parameters, and an alert raised before keeps its status. list shows them, most severe
first, ranked within a rule.`;

const shown = (a: Alert) =>
  a.ruleId === 'CONCENTRATION_HHI'
    ? a.value.toFixed(0)
    : a.ruleId === 'MARGIN_BELOW_THRESHOLD' || a.ruleId === 'DOMINANT_HOLDER'
      ? `${(a.value * 100).toFixed(1)} %`
      : String(a.value);
const threshold = (a: Alert) => (a.ruleId === 'CONCENTRATION_HHI' ? a.threshold.toFixed(0) : `${(a.threshold * 100).toFixed(1)} %`);

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'Supervision alerts: run the built-in rules on a snapshot, list what they raised',
  usage,
  async run(args) {
    try {
      const { values, positionals } = parseCommandArgs(
        args,
        { snapshot: { type: 'string' }, status: { type: 'string' }, rule: { type: 'string' } },
        true,
      );
      const [sub, ...extra] = positionals;
      if ((sub !== 'run' && sub !== 'list') || extra.length > 0)
        throw new UsageError('Say `concordat alerts run` or `concordat alerts list`.');
      if (values.status !== undefined && !(alertStatuses as readonly string[]).includes(values.status))
        throw new UsageError(`--status is one of ${alertStatuses.join(', ')}, not "${values.status}".`);
      const out = createOutput(values.json);
      return await withBackend(values['data-dir'], out, async (backend) => {
        const snapshotId = await chooseSnapshot(backend, values.snapshot);
        if (sub === 'run') {
          const run = (await backend.call('alerts.run', { snapshotId })) as AlertRunResult;
          out.result(run, () => `Run ${run.runId} on snapshot ${snapshotId}: ${run.alerts} alert(s), ${run.newAlerts} new.`);
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
                alerts.map((a) => [String(a.alertId), a.severity, a.ruleId, a.subject, shown(a), threshold(a), a.status]),
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
