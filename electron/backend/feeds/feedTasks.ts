import { z } from 'zod';
import { openConnection } from '../db/openDatabase';
import type { TaskContext } from '../jobs/jobTask';
import { syncFeed } from './syncFeed';

const feedSyncParams = z.object({ dbFile: z.string(), dataDir: z.string(), feedName: z.string() });

/** Task 'feeds.sync' (runs in a worker thread with its own connection). */
export async function feedSyncTask(raw: unknown, ctx: TaskContext): Promise<unknown> {
  const params = feedSyncParams.parse(raw);
  const db = openConnection(params.dbFile);
  try {
    return await syncFeed(db, { dataDir: params.dataDir, feedName: params.feedName }, { signal: ctx.signal, onProgress: ctx.progress });
  } finally {
    db.close();
  }
}
