import { Delegations } from '@tufjs/models/dist/delegations';
import type { DelegatedRole } from '@tufjs/models/dist/role';
import { ContractError } from '../../../shared/contract/errors';
import { formatCount } from '../../../shared/domain/format';
import { cancelledError } from './fetcher';

/**
 * Limits on targets metadata, and the walk over delegated targets roles.
 *
 * Why the limits: @tufjs/models (4.x, under tuf-js 5.x) builds a role's target list with
 * `reduce((acc, …) => ({ ...acc, [path]: … }))`, in `Targets.fromJSON` and again in `toJSON`
 * (which signature checks canonicalise): quadratic in the number of targets, and synchronous,
 * so nothing else (a Cancel, a Ctrl-C) runs meanwhile. One role of 1,000 targets takes ≈0.2 s to
 * parse and check, 5,000 ≈17 s, 8,000 ≈57 s. So a role may list at most MAX_TARGETS_PER_ROLE
 * files, checked on the raw JSON before tuf-js sees it; a feed with more files spreads them over
 * delegated targets roles (the publisher uses hashed bins), which keeps the total time linear.
 */

/** Most files one targets role (the top-level one or a delegated one) may list. */
export const MAX_TARGETS_PER_ROLE = 1_000;
/** Most targets roles (top-level and delegated) a feed may use; also the most entries its snapshot may list. */
export const MAX_TARGETS_ROLES = 1_024;

const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TOP_LEVEL_ROLES = new Set(['root', 'timestamp', 'snapshot', 'targets']);
/** Entries handled between two looks at the AbortSignal (and turns of the event loop). */
const CHUNK = 500;

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function refusal(feedName: string, reason: string, text: string, details: Record<string, unknown> = {}): ContractError {
  return new ContractError('INTEGRITY', `Feed "${feedName}" refused: ${text} Nothing was changed.`, { feed: feedName, reason, ...details });
}

/** Lets timers, I/O and signal handlers run (a Cancel, a Ctrl-C) between chunks of synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  if (signal?.aborted) throw cancelledError();
}

function countKeys(value: unknown): number {
  if (!isRecord(value)) return 0;
  let n = 0;
  for (const key in value) if (Object.hasOwn(value, key)) n++;
  return n;
}

/** The role a metadata URL names: ".../12.bins-3f.json" → "bins-3f", ".../timestamp.json" → "timestamp". */
export function roleOfMetadataUrl(url: string): string {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return url;
  }
  return name.replace(/^\d+\./, '').replace(/\.json$/, '');
}

/**
 * Checks the size of metadata before tuf-js parses it (linear: one JSON.parse and counts):
 * a targets role lists at most MAX_TARGETS_PER_ROLE files and delegates to at most
 * MAX_TARGETS_ROLES roles; a snapshot lists at most MAX_TARGETS_ROLES targets roles.
 * Anything else malformed is left to tuf-js, which refuses it.
 */
export function checkMetadataShape(feedName: string, role: string, bytes: Buffer | string): void {
  let data: unknown;
  try {
    data = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    return;
  }
  const signed = isRecord(data) ? data.signed : undefined;
  if (!isRecord(signed)) return;
  if (signed._type === 'targets') {
    const count = countKeys(signed.targets);
    if (count > MAX_TARGETS_PER_ROLE) {
      throw refusal(
        feedName,
        'too-many-targets',
        `its targets role "${role}" lists ${formatCount(count)} files, more than the ${formatCount(MAX_TARGETS_PER_ROLE)} one targets role may list ` +
          '(the publisher must spread them over delegated targets roles, as `concordat feed publish` does).',
        { role, count, limit: MAX_TARGETS_PER_ROLE },
      );
    }
    const delegations = signed.delegations;
    if (isRecord(delegations)) {
      const succinct = delegations.succinct_roles;
      const bits = isRecord(succinct) ? succinct.bit_length : undefined;
      const delegated = Array.isArray(delegations.roles) ? delegations.roles.length : typeof bits === 'number' ? 2 ** bits : 0;
      const keys = countKeys(delegations.keys);
      if (delegated > MAX_TARGETS_ROLES || keys > MAX_TARGETS_ROLES) {
        throw refusal(
          feedName,
          'too-many-roles',
          `its targets role "${role}" delegates to ${formatCount(delegated)} roles with ${formatCount(keys)} keys, ` +
            `more than the ${formatCount(MAX_TARGETS_ROLES)} targets roles a feed may use.`,
          { role, count: delegated, limit: MAX_TARGETS_ROLES },
        );
      }
    }
  } else if (signed._type === 'snapshot') {
    const count = countKeys(signed.meta);
    if (count > MAX_TARGETS_ROLES) {
      throw refusal(
        feedName,
        'too-many-roles',
        `its snapshot lists ${formatCount(count)} targets roles, more than the ${formatCount(MAX_TARGETS_ROLES)} a feed may use.`,
        { role, count, limit: MAX_TARGETS_ROLES },
      );
    }
  }
}

/** True when `json` passes checkMetadataShape. */
export function withinLimits(feedName: string, role: string, json: string): boolean {
  try {
    checkMetadataShape(feedName, role, json);
    return true;
  } catch {
    return false;
  }
}

/** A targets role as tuf-js verified it: its name and the `signed` part of its raw JSON. */
export interface VerifiedRole {
  name: string;
  signed: Json;
}

/** One entry of a targets role, still raw (syncFeed checks its fields). */
export interface RawTarget {
  path: string;
  entry: unknown;
  role: string;
}

interface Pending {
  name: string;
  parent: string;
  /** Whether the delegations leading to this role cover a path. */
  covers: (targetPath: string) => boolean;
  /** Terminating delegations visited before this role: a path one of them covers is never searched for here. */
  shadow: DelegatedRole[];
}

export interface WalkOptions {
  feedName: string;
  /** The verified top-level targets metadata. */
  top: Json;
  /** The role names the verified snapshot lists (without ".json"). */
  inSnapshot: ReadonlySet<string>;
  /** Loads and verifies a delegated role through tuf-js (signatures by the parent's delegated keys, snapshot version and hash, expiry). */
  load: (role: string, parent: string) => Promise<Json>;
  signal?: AbortSignal | undefined;
  onRole?: (done: number, total: number) => void;
}

/**
 * Every target of the feed: the top-level targets role and, in TUF's pre-order, every delegated
 * role it leads to (explicit roles with `paths` or `path_hash_prefixes`, or succinct hashed bins).
 * A role's targets count only where its delegations cover the path, as a TUF client searching for
 * that path would find them: a path listed outside them, listed twice, or hidden behind an earlier
 * terminating delegation is refused. At most MAX_TARGETS_ROLES roles; the signal is checked
 * between roles and every few hundred targets.
 */
export async function collectTargets(options: WalkOptions): Promise<RawTarget[]> {
  const { feedName, signal } = options;
  const roles: Array<Pending & { signed: Json }> = [];
  const stack: Pending[] = [];
  const visited = new Set<string>(['targets']);
  let total = 1;
  const visit = (node: Pending & { signed: Json }) => {
    roles.push(node);
    const children = childrenOf(feedName, node);
    total += children.length;
    stack.push(...children.reverse());
  };
  visit({ name: 'targets', parent: 'root', covers: () => true, shadow: [], signed: options.top });
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (visited.has(next.name)) continue;
    if (visited.size >= MAX_TARGETS_ROLES) {
      throw refusal(
        feedName,
        'too-many-roles',
        `its delegations lead to more than the ${formatCount(MAX_TARGETS_ROLES)} targets roles a feed may use.`,
        {
          limit: MAX_TARGETS_ROLES,
        },
      );
    }
    if (!options.inSnapshot.has(next.name)) {
      throw refusal(feedName, 'malformed', `its snapshot does not list the delegated targets role "${next.name}".`, { role: next.name });
    }
    visited.add(next.name);
    if (signal?.aborted) throw cancelledError();
    const signed = await options.load(next.name, next.parent);
    options.onRole?.(visited.size, total);
    await checkpoint(signal);
    visit({ ...next, signed });
  }

  const found = new Map<string, string>();
  const out: RawTarget[] = [];
  let sinceCheck = 0;
  for (const role of roles) {
    const targets = role.signed.targets;
    if (!isRecord(targets)) continue;
    for (const targetPath of Object.keys(targets)) {
      if (++sinceCheck >= CHUNK) {
        sinceCheck = 0;
        await checkpoint(signal);
      }
      const show = JSON.stringify(targetPath.slice(0, 200));
      if (!role.covers(targetPath)) {
        throw refusal(feedName, 'delegation', `its targets role "${role.name}" lists ${show}, a path not delegated to it.`, {
          role: role.name,
        });
      }
      if (role.shadow.some((r) => r.isDelegatedPath(targetPath))) {
        throw refusal(
          feedName,
          'delegation',
          `its targets role "${role.name}" lists ${show}, a path an earlier terminating delegation claims.`,
          { role: role.name },
        );
      }
      const other = found.get(targetPath);
      if (other !== undefined) {
        throw refusal(feedName, 'malformed', `${show} is listed by two targets roles ("${other}" and "${role.name}").`);
      }
      found.set(targetPath, role.name);
      out.push({ path: targetPath, entry: targets[targetPath], role: role.name });
    }
  }
  return out;
}

function childrenOf(feedName: string, node: Pending & { signed: Json }): Pending[] {
  const raw = node.signed.delegations;
  if (raw === undefined) return [];
  let delegations: Delegations;
  try {
    delegations = Delegations.fromJSON(raw as Parameters<typeof Delegations.fromJSON>[0]);
  } catch (error) {
    throw refusal(
      feedName,
      'malformed',
      `the delegations of its targets role "${node.name}" are malformed (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const checkName = (name: string) => {
    if (!ROLE_NAME.test(name) || TOP_LEVEL_ROLES.has(name)) {
      throw refusal(
        feedName,
        'malformed',
        `its targets role "${node.name}" delegates to a role with an unusable name (${JSON.stringify(name.slice(0, 100))}).`,
      );
    }
  };
  if (delegations.roles) {
    const earlierTerminating: DelegatedRole[] = [];
    return Object.values(delegations.roles).map((role) => {
      checkName(role.name);
      const child: Pending = {
        name: role.name,
        parent: node.name,
        covers: (p) => role.isDelegatedPath(p) && node.covers(p),
        shadow: [...node.shadow, ...earlierTerminating],
      };
      if (role.terminating) earlierTerminating.push(role);
      return child;
    });
  }
  const bins = delegations.succinctRoles;
  if (!bins) return [];
  if (bins.numberOfBins > MAX_TARGETS_ROLES) {
    throw refusal(
      feedName,
      'too-many-roles',
      `its targets role "${node.name}" delegates to ${formatCount(bins.numberOfBins)} hashed bins, more than the ${formatCount(MAX_TARGETS_ROLES)} targets roles a feed may use.`,
    );
  }
  return [...bins.getRoles()].map((name) => {
    checkName(name);
    return { name, parent: node.name, covers: (p: string) => bins.getRoleForTarget(p) === name && node.covers(p), shadow: node.shadow };
  });
}
