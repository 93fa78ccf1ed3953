import { z } from 'zod';
import { isCalendarDate } from './calendarDate';
import { method } from './method';
import { snapshotIdSchema } from './snapshots';
import { stressRunInput } from './stress';

/**
 * The protocol audit register (issue 14 §3): DeFi protocols and on-chain venues, each with the chains and contracts
 * it runs on, the venue ids under which trade repositories report its trades, its audits and their findings, how it
 * can be upgraded and what backs it. Kept like the MoU registry: every save is a new version, the register is
 * importable whole as JSON checked with this schema, and nothing half-checked is stored.
 */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || isCalendarDate(d), 'a date that exists');

const text = (what: string, max: number) => z.string().trim().min(1, `${what} cannot be empty`).max(max);

export const protocolIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,59}$/, 'an id of lower-case letters, digits and hyphens (such as "dydx-v4"), 2 to 60 characters');

/** Chains as the wallet validator names them (shared/domain/wallets.ts); checked there, with the addresses. */
const chainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{1,40}$/, 'a chain name such as ethereum or arbitrum');

/** A contract on a chain; its address is checked (EIP-55 on EVM chains) by shared/domain/protocolChecks.ts. */
export const protocolContractSchema = z
  .object({
    chain: chainName,
    address: z.string().max(120),
    /** What it is: "perpetuals engine", "insurance vault", "proxy admin". */
    role: z.string().trim().max(120).optional(),
  })
  .strict();

export const findingSeverities = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

export const auditFindingSchema = z
  .object({
    /** The auditor's reference (such as "H-01"). */
    ref: text('ref', 40),
    title: text('title', 300),
    severity: z.enum(findingSeverities, { message: `a severity: ${findingSeverities.join(', ')}` }),
    status: z.enum(['open', 'resolved'], { message: 'open or resolved' }),
  })
  .strict();

export const protocolAuditSchema = z
  .object({
    auditor: text('auditor', 200),
    /** The date of the report. */
    date: isoDate,
    /** What was audited: contract addresses (as in the protocol's contracts) and the code reviewed. */
    scope: z
      .object({
        contracts: z.array(z.string().trim().min(1).max(120)).max(500),
        /** A commit id or code hash of what was reviewed. */
        codeRef: z.string().trim().max(120).optional(),
      })
      .strict(),
    findings: z.array(auditFindingSchema).max(2000).default([]),
    reportUrl: z.string().trim().max(500).optional(),
  })
  .strict();

export const protocolSchema = z
  .object({
    id: protocolIdSchema,
    name: text('name', 120),
    chains: z.array(chainName).min(1, 'at least one chain'),
    contracts: z.array(protocolContractSchema).max(500).default([]),
    /** The venue ids (as in the snapshots' venue reference) under which its trades are reported. */
    venues: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9._-]{1,40}$/, 'a venue id such as XCME or DERIBIT'),
      )
      .max(50)
      .default([]),
    audits: z.array(protocolAuditSchema).max(200).default([]),
    upgradeability: z
      .object({
        kind: z.enum(['immutable', 'proxy', 'other'], { message: 'immutable, proxy or other' }),
        /** Who can upgrade: "3-of-5 multisig", "single EOA", "DAO vote with 48 h timelock". */
        admin: z.string().trim().max(200).optional(),
      })
      .strict(),
    /** The insurance fund or backstop in USD, 0 when there is none. */
    insuranceFundUsd: z.number().min(0, 'an amount of 0 USD or more'),
    backstop: z.string().trim().max(300).optional(),
    source: z.string().trim().max(500).optional(),
  })
  .strict();
export type Protocol = z.output<typeof protocolSchema>;
export type ProtocolInput = z.input<typeof protocolSchema>;
export type ProtocolAudit = Protocol['audits'][number];

export const protocolRegisterSchema = z.object({ v: z.literal(1), protocols: z.array(protocolSchema).max(5000) }).strict();

export interface ProtocolVersion extends Protocol {
  version: number;
  savedBy: string;
  savedAt: string;
}

/** What the alerts look at, from the latest audit (by date) and its findings. */
export interface ProtocolAuditState {
  latestAuditDate: string | null;
  openCritical: number;
  openHigh: number;
  /** Contracts of the protocol not in the latest audit's scope. */
  uncoveredContracts: string[];
}

/** The protocol insolvency buffer (issue 14 §3) on a snapshot, before and optionally after a price shock. */
export interface ProtocolRisk {
  protocolId: string;
  name: string;
  venues: string[];
  /** Σ over holders and underliers of the net long delta-adjusted notional on the protocol's venues, USD. */
  openInterestUsd: number;
  grossNotionalUsd: number;
  holders: number;
  insuranceFundUsd: number;
  /** Σ over holders of their collateral × the share of their gross notional on the protocol's venues. */
  collateralUsd: number;
  /** (insurance fund + collateral) / open interest; null without open interest. */
  bufferRatio: number | null;
  stressed: {
    /** Σ over holders of max(0, loss − attributed collateral): what falls on the insurance fund. */
    uncoveredUsd: number;
    insuranceFundLeftUsd: number;
    /** (fund left, floored at 0, + collateral left) / open interest at the shocked prices. */
    bufferRatio: number | null;
    /** The fund cannot absorb the uncovered losses. */
    insolvent: boolean;
  } | null;
}

export interface ProtocolRiskResult {
  snapshotId: number;
  asOf: string;
  shocks: Record<string, number> | null;
  protocols: ProtocolRisk[];
  formula: string;
}

export const protocolsMethods = {
  'protocols.list': method<Array<ProtocolVersion & { audit: ProtocolAuditState }>>()(z.object({}).strict()),
  'protocols.get': method<
    ProtocolVersion & { audit: ProtocolAuditState; history: Array<{ version: number; savedBy: string; savedAt: string }> }
  >()(z.object({ id: protocolIdSchema }).strict()),
  /** Adds a protocol or saves a new version of it (checked whole). */
  'protocols.save': method<ProtocolVersion>()(z.object({ protocol: z.unknown() }).strict()),
  /** Loads a register file ({ v: 1, protocols: [...] }) all or nothing: each protocol that differs gets a new version. */
  'protocols.import': method<{ added: number; updated: number; unchanged: number }>()(z.object({ register: z.unknown() }).strict()),
  'protocols.risk': method<ProtocolRiskResult>()(
    z
      .object({
        snapshotId: snapshotIdSchema,
        shocks: stressRunInput.shape.shocks.optional(),
        volShock: stressRunInput.shape.volShock,
      })
      .strict(),
  ),
};
