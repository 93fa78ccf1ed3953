import { z } from 'zod';

/** Stable error codes: clients switch on these, never on messages. */
export const errorCodes = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INTEGRITY',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CANCELLED',
  'UNAVAILABLE',
  'SCHEMA_TOO_NEW',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The one serialisable error shape that crosses every transport. */
export const contractErrorShape = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ContractErrorShape = z.infer<typeof contractErrorShape>;

/** Error thrown on either side of the contract; `toJSON` gives the wire shape. */
export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toJSON(): ContractErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds an error received over a transport; anything unrecognised becomes INTERNAL. */
  static fromWire(value: unknown): ContractError {
    const parsed = contractErrorShape.safeParse(value);
    if (parsed.success) return new ContractError(parsed.data.code, parsed.data.message, parsed.data.details);
    return new ContractError('INTERNAL', 'The backend returned an unreadable error.');
  }
}
