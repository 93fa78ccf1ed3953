import type { z } from 'zod';
import type { MethodSpec } from './method';
import { alertsMethods } from './alerts';
import { appMethods } from './app';
import { bundlesMethods } from './bundles';
import { casesMethods } from './cases';
import { cooperationMethods } from './cooperation';
import { exposureMethods } from './exposure';
import { feedsMethods } from './feeds';
import type { FileDialogs } from './fileDialogs';
import { jobsMethods, type JobsEvents } from './jobs';
import { keysMethods } from './keys';
import { marginMethods } from './margin';
import { protocolsMethods } from './protocols';
import { stressMethods } from './stress';
import { requestsMethods } from './requests';
import { snapshotsMethods } from './snapshots';
import { viewsMethods } from './views';

export * from './alerts';
export * from './app';
export * from './bundles';
export * from './fileDialogs';
export * from './cases';
export * from './cooperation';
export * from './errors';
export * from './exposure';
export * from './feeds';
export * from './jobs';
export * from './keys';
export * from './margin';
export * from './protocols';
export * from './stress';
export * from './metricIds';
export * from './requests';
export * from './snapshots';
export * from './views';
export type { MethodSpec } from './method';

/** Every method of the API, by name. The only place channel names exist. */
export const contract = {
  ...appMethods,
  ...snapshotsMethods,
  ...exposureMethods,
  ...jobsMethods,
  ...feedsMethods,
  ...viewsMethods,
  ...cooperationMethods,
  ...requestsMethods,
  ...casesMethods,
  ...keysMethods,
  ...bundlesMethods,
  ...marginMethods,
  ...protocolsMethods,
  ...stressMethods,
  ...alertsMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

type SpecOf<M extends MethodName> = Contract[M];
/** What a caller passes (before zod defaults/transforms). */
export type InputOf<M extends MethodName> = z.input<SpecOf<M>['input']>;
/** What a handler receives (after parsing). */
export type ParsedInputOf<M extends MethodName> = z.output<SpecOf<M>['input']>;
export type OutputOf<M extends MethodName> = SpecOf<M> extends MethodSpec<z.ZodType, infer O> ? O : never;

/** Every event the backend emits, by name. */
export type Events = JobsEvents;
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['job.progress', 'job.done'];

/** A message carrying one event, as it crosses a transport (a union discriminated by `event`). */
export type EventEnvelope = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/** What every transport (MessagePort, HTTP, in-process) offers the renderer. */
export interface ConcordatBridge {
  call<M extends MethodName>(method: M, input: InputOf<M>): Promise<OutputOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** The desktop app's native open and save dialogs (absent in browser mode). */
  dialogs?: FileDialogs;
}
