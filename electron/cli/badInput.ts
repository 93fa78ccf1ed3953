import { ContractError } from '../../shared/contract/errors';

/**
 * Bad input of any kind (an unknown case, an invalid value, a stale version, a refusal) is one
 * sentence on stderr and exit code 2; anything else is a fault and goes on up.
 */
export function exitOnBadInput(error: unknown): number {
  if (error instanceof ContractError && ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN'].includes(error.code)) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  throw error;
}
