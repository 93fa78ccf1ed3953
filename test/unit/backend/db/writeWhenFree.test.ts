import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeWhenFree } from '../../../../electron/backend/db/writeWhenFree';
import { ContractError } from '../../../../shared/contract/errors';
import { tempDir } from '../../../helpers/tempDir';

/** Two connections to one WAL database: `holder` plays an import holding the write lock through its final commit. */
function twoConnections() {
  const file = path.join(tempDir(), 'w.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE t (v INTEGER)');
  const holder = new Database(file);
  return { db, holder };
}

describe('writeWhenFree', () => {
  it('waits while another connection holds the write lock, without blocking the thread, then writes once', async () => {
    const { db, holder } = twoConnections();
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('INSERT INTO t VALUES (1)');
    let waiting = 0;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    setTimeout(() => holder.exec('COMMIT'), 600);
    const started = Date.now();
    const written = await writeWhenFree(db, () => db.prepare('INSERT INTO t VALUES (2)').run().changes, { onWaiting: () => waiting++ });
    clearInterval(ticker);
    expect(written).toBe(1);
    expect(waiting).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    // The event loop kept running meanwhile (SQLite's own busy wait would have frozen it for the whole time).
    expect(ticks).toBeGreaterThan(10);
    expect(db.prepare('SELECT group_concat(v) AS v FROM (SELECT v FROM t ORDER BY v)').get()).toEqual({ v: '1,2' });
    // The connection's busy timeout is as it was.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('gives up after its limit with a message saying nothing changed, and writes nothing', async () => {
    const { db, holder } = twoConnections();
    holder.exec('BEGIN IMMEDIATE');
    const error = await writeWhenFree(db, () => db.prepare('INSERT INTO t VALUES (3)').run(), { maxWaitMs: 300 }).catch((e: unknown) => e);
    holder.exec('ROLLBACK');
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('UNAVAILABLE');
    expect((error as ContractError).message).toMatch(/nothing was changed/);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });

  it('stops waiting when its job is cancelled', async () => {
    const { db, holder } = twoConnections();
    holder.exec('BEGIN IMMEDIATE');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await writeWhenFree(db, () => db.prepare('INSERT INTO t VALUES (4)').run(), { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    holder.exec('ROLLBACK');
    expect((error as Error).name).toBe('AbortError');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });

  it('passes other errors through at once', async () => {
    const { db } = twoConnections();
    await expect(writeWhenFree(db, () => db.prepare('INSERT INTO missing VALUES (1)').run())).rejects.toThrow(/no such table/);
  });
});
