import type { MethodName, OutputOf, ParsedInputOf } from '../../shared/contract';
import type { AppInfo } from '../../shared/contract/app';
import type { Db } from './db/connection';
import type { JobManager } from './jobs/jobManager';
import type { WorkstationIdentity } from './keys/workstationIdentity';

/**
 * What every feature's handlers receive, and the handler type they are checked against. A module
 * of its own so that features depend on it, and service.ts (which assembles them) depends on the
 * features, never the other way round (no import circle).
 */

/** One handler per contract method, typed from the contract: a missing or mistyped one fails the typecheck. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInputOf<M>) => OutputOf<M> | Promise<OutputOf<M>>;
};

/** The handlers of a group of methods (a feature's slice of Handlers). */
export type HandlersOf<P extends string> = { [M in Extract<MethodName, `${P}.${string}`>]: Handlers[M] };

/** Who acts through this backend: the audit trail records it with every change. */
export interface Actor {
  /** The user's display name (the workstation identity's, else the OS user). */
  name: string;
  /** The workstation key that signs: its id (fingerprint prefix), or null before one exists. */
  workstationKeyId: string | null;
}

export interface ServiceContext {
  db: Db;
  dbFile: string;
  dataDir: string;
  info: () => AppInfo;
  jobs: JobManager;
  /** 'browser' when calls come over HTTP from browser mode (paths from the client are refused). */
  mode: AppInfo['mode'];
  actor: () => Actor;
  /** The workstation identity (made on first use). */
  identity: () => WorkstationIdentity;
  setIdentityProfile: (profile: { name: string; authority: string | null }) => WorkstationIdentity;
  /** Sets the workstation's authority and name and gives it its age encryption key (kept if it has one). */
  initKeys: (profile: { name: string; authority: string }) => Promise<WorkstationIdentity>;
}
