import type { ErrorCode } from '../../shared/contract/errors';

/** HTTP status for each contract error code. */
export const httpStatusOf: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CANCELLED: 409,
  SCHEMA_TOO_NEW: 409,
  INTEGRITY: 422,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};
