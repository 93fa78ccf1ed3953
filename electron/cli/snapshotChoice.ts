import { positiveInt, UsageError } from './args';
import type { Backend } from '../backend/backend';
import type { SnapshotSummary } from '../../shared/contract/snapshots';

/** The snapshot a command works on: the one --snapshot names, else the newest (as the app opens it). */
export async function chooseSnapshot(backend: Backend, option: string | undefined): Promise<number> {
  if (option !== undefined) return positiveInt('snapshot', option);
  const list = (await backend.call('snapshots.list', {})) as SnapshotSummary[];
  if (list.length === 0) throw new UsageError('There are no snapshots yet: import one first.');
  return list[0]!.snapshotId;
}
