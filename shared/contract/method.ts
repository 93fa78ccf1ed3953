import type { z } from 'zod';

/**
 * One contract method: the zod schema of its input, and (type-only) its output.
 * Outputs are produced by our own backend, so they are typed, not parsed; inputs
 * always cross a trust boundary and are parsed with `input` on the backend side.
 */
export interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I;
  /** Phantom field: carries the output type, never set at run time. */
  readonly output?: O;
}

/** `method<Output>()(inputSchema)`: curried so the output type can be given while the input type is inferred. */
export function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });
}
