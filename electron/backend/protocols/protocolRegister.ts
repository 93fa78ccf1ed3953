import { ContractError } from '../../../shared/contract/errors';
import {
  protocolRegisterSchema,
  protocolSchema,
  type Protocol,
  type ProtocolAuditState,
  type ProtocolVersion,
} from '../../../shared/contract/protocols';
import { checkProtocol } from '../../../shared/domain/protocolChecks';
import type { Db } from '../db/connection';

interface VersionRow {
  protocol_id: string;
  version: number;
  body_json: string;
  saved_by: string;
  saved_at: string;
}

const toVersion = (r: VersionRow): ProtocolVersion => ({
  ...(JSON.parse(r.body_json) as Protocol),
  version: r.version,
  savedBy: r.saved_by,
  savedAt: r.saved_at,
});

const singular: Record<string, string> = {
  protocols: 'protocol',
  contracts: 'contract',
  audits: 'audit',
  findings: 'finding',
  chains: 'chain',
  venues: 'venue',
};
const fieldNames: Record<string, string> = {
  insuranceFundUsd: 'insurance fund (USD)',
  codeRef: 'code reference',
  reportUrl: 'report address',
  ref: 'reference',
  v: 'format version',
};

/** A path in words, as a supervisor reads it: ['contracts', 0, 'address'] → "contract 1 › address". */
export function describePath(path: ReadonlyArray<PropertyKey>): string {
  const words: string[] = [];
  path.forEach((part, i) => {
    const next = path[i + 1];
    if (typeof part === 'number') return;
    const name = String(part);
    words.push(typeof next === 'number' ? `${singular[name] ?? name} ${next + 1}` : (fieldNames[name] ?? name));
  });
  return words.join(' › ');
}

/** A zod failure as one message naming where and what was expected, and every issue for a form to place. */
function invalid(what: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): ContractError {
  const first = issues[0]!;
  const where = first.path.length > 0 ? describePath(first.path) : what;
  return new ContractError('INVALID_INPUT', `The ${what} is not valid at ${where}: ${first.message}. Nothing was saved.`, {
    issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

const CURRENT = `SELECT v.* FROM protocol_version v
  WHERE v.version = (SELECT max(version) FROM protocol_version WHERE protocol_id = v.protocol_id)`;

export function listProtocols(db: Db): ProtocolVersion[] {
  return (db.prepare(`${CURRENT} ORDER BY v.protocol_id`).all() as VersionRow[]).map(toVersion);
}

export function getProtocol(db: Db, id: string): ProtocolVersion {
  const row = db.prepare(`${CURRENT} AND v.protocol_id = ?`).get(id) as VersionRow | undefined;
  if (!row) throw new ContractError('NOT_FOUND', `No protocol "${id}" in the register: see \`concordat protocols list\`.`);
  return toVersion(row);
}

export function protocolHistory(db: Db, id: string): Array<{ version: number; savedBy: string; savedAt: string }> {
  return db
    .prepare(`SELECT version, saved_by AS savedBy, saved_at AS savedAt FROM protocol_version WHERE protocol_id = ? ORDER BY version DESC`)
    .all(id) as Array<{ version: number; savedBy: string; savedAt: string }>;
}

/** Stores a checked protocol as its next version, unless it equals the current one; says which it did. */
function store(
  db: Db,
  protocol: Protocol,
  savedBy: string,
  at: string,
): { version: ProtocolVersion; change: 'added' | 'updated' | 'unchanged' } {
  const body = JSON.stringify(protocol);
  const current = db.prepare(`${CURRENT} AND v.protocol_id = ?`).get(protocol.id) as VersionRow | undefined;
  if (current?.body_json === body) return { version: toVersion(current), change: 'unchanged' };
  const version = (current?.version ?? 0) + 1;
  db.prepare(`INSERT INTO protocol_version (protocol_id, version, body_json, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)`).run(
    protocol.id,
    version,
    body,
    savedBy,
    at,
  );
  db.prepare(`DELETE FROM protocol_venue WHERE protocol_id = ?`).run(protocol.id);
  const link = db.prepare(`INSERT OR IGNORE INTO protocol_venue (protocol_id, venue_id) VALUES (?, ?)`);
  for (const venue of protocol.venues) link.run(protocol.id, venue);
  return {
    version: { ...protocol, version, savedBy, savedAt: at },
    change: current ? 'updated' : 'added',
  };
}

export function saveProtocol(db: Db, input: unknown, savedBy: string, now = new Date()): ProtocolVersion {
  const parsed = protocolSchema.safeParse(input);
  if (!parsed.success) throw invalid('protocol', parsed.error.issues);
  const checked = checkProtocol(parsed.data);
  if (!checked.ok) throw invalid('protocol', checked.issues);
  return db.transaction(() => store(db, checked.protocol, savedBy, now.toISOString()).version)();
}

/** A register file, all or nothing: checked whole before anything is stored; ids must be unique in the file. */
export function importRegister(
  db: Db,
  input: unknown,
  savedBy: string,
  now = new Date(),
): { added: number; updated: number; unchanged: number } {
  const parsed = protocolRegisterSchema.safeParse(input);
  if (!parsed.success) throw invalid('protocol register', parsed.error.issues);
  const seen = new Set<string>();
  const protocols = parsed.data.protocols.map((p, i) => {
    if (seen.has(p.id))
      throw invalid('protocol register', [{ path: ['protocols', i, 'id'], message: `"${p.id}" appears twice in the file` }]);
    seen.add(p.id);
    const checked = checkProtocol(p);
    if (!checked.ok)
      throw invalid(
        'protocol register',
        checked.issues.map((issue) => ({ ...issue, path: ['protocols', i, ...issue.path] })),
      );
    return checked.protocol;
  });
  const counts = { added: 0, updated: 0, unchanged: 0 };
  db.transaction(() => {
    for (const p of protocols) counts[store(db, p, savedBy, now.toISOString()).change]++;
  })();
  return counts;
}

/**
 * What the protocol alerts look at: the latest audit by report date (the last listed among equals); the critical and
 * high findings still open in any audit (fail closed: a finding stays open until an entry marks it resolved, even
 * if a later audit does not list it again); the protocol's contracts the latest audit's scope does not name
 * (addresses compared case-insensitively: an EVM address is the same in any case).
 */
export function auditState(p: Protocol): ProtocolAuditState {
  let latest: Protocol['audits'][number] | null = null;
  for (const a of p.audits) if (!latest || a.date >= latest.date) latest = a;
  const open = (severity: string) =>
    p.audits.reduce((n, a) => n + a.findings.filter((f) => f.severity === severity && f.status === 'open').length, 0);
  const inScope = new Set(latest?.scope.contracts.map((c) => c.toLowerCase()) ?? []);
  return {
    latestAuditDate: latest?.date ?? null,
    openCritical: open('critical'),
    openHigh: open('high'),
    uncoveredContracts: latest ? p.contracts.map((c) => c.address).filter((a) => !inScope.has(a.toLowerCase())) : [],
  };
}
