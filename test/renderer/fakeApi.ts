import type { ApiClient } from '../../renderer/src/api/client';
import type { EventName, Events, InputOf, MethodName, OutputOf } from '../../shared/contract';

/** A canned answer, or a function of the input that gives one (throwing to fail the call). */
export type FakeAnswers = Partial<{ [M in MethodName]: OutputOf<M> | ((input: InputOf<M>) => OutputOf<M>) }>;

/**
 * An in-memory stand-in for the transport (not for our backend logic): returns canned
 * answers per method and lets a test emit events, to exercise the stores and views alone.
 */
export function fakeApi(answers: FakeAnswers) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: Array<{ method: string; input: unknown }> = [];
  const api: ApiClient = {
    async call(method, input) {
      calls.push({ method, input });
      if (!(method in answers)) throw new Error(`no canned answer for ${method}`);
      const answer = answers[method] as unknown;
      return (typeof answer === 'function' ? (answer as (i: unknown) => unknown)(input) : answer) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  return { api, calls, emit };
}
