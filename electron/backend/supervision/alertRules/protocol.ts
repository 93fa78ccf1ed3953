import { protocolFindings } from '../../protocols/protocolAlerts';
import type { Evaluator } from './types';

/** §2.7 protocol risk (§3): one rule per condition of the register, each with its own severity and parameters. */
const protocolRule = (ruleId: string): Evaluator => ({
  run: (ctx, parameters) => protocolFindings(ctx.db, ctx.snapshotId, ruleId, parameters),
});

export const protocolRules: Record<string, Evaluator> = {
  PROTOCOL_UNAUDITED: protocolRule('PROTOCOL_UNAUDITED'),
  PROTOCOL_AUDIT_STALE: protocolRule('PROTOCOL_AUDIT_STALE'),
  PROTOCOL_OPEN_FINDINGS: protocolRule('PROTOCOL_OPEN_FINDINGS'),
  PROTOCOL_UNCOVERED_CONTRACT: protocolRule('PROTOCOL_UNCOVERED_CONTRACT'),
};
