import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toContractError } from '../../../electron/backend/backend';

describe('errors as the user reads them', () => {
  it('a refused field is named in words; the contract path stays in the details for the form', () => {
    const parsed = z.object({ ourAuthority: z.string().min(1, 'choose the authority you act for') }).safeParse({ ourAuthority: '' });
    const error = toContractError(parsed.error);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('Your authority: choose the authority you act for.');
    expect(error.details).toMatchObject({ issues: [{ path: ['ourAuthority'], message: 'choose the authority you act for' }] });
  });

  it('a database failure says what to do next and keeps the SQLite code for support', () => {
    const error = toContractError(new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(
      /^The database could not complete this action \(SQLITE_CORRUPT: database disk image is malformed\)\. Try again/,
    );
  });
});
