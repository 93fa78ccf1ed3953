import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract/errors';

/**
 * The outbox: where an export with no path given (browser mode, where a page cannot name one) writes its bundles,
 * <dataDir>/outbox/<uuid>/<file>.casebundle, until the user downloads them. An outbox id is "<uuid>/<file>": the
 * server serves exactly that file and nothing else, whatever a caller puts in the id.
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FILE = '[A-Za-z0-9][A-Za-z0-9._+-]{0,160}\\.casebundle';
export const OUTBOX_ID = new RegExp(`^(${UUID})/(${FILE})$`);

const outboxRoot = (dataDir: string) => path.resolve(dataDir, 'outbox');

/** A fresh folder of the outbox and the path an export writes its (first) bundle to there. */
export function newOutboxTarget(dataDir: string, caseNumber: string): string {
  const dir = path.join(outboxRoot(dataDir), crypto.randomUUID());
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${caseNumber}.casebundle`);
}

/** The outbox id of a file the export wrote there, or null when it was written elsewhere (a path the user chose). */
export function outboxIdOf(dataDir: string, file: string): string | null {
  const relative = path.relative(outboxRoot(dataDir), path.resolve(file)).split(path.sep).join('/');
  return OUTBOX_ID.test(relative) ? relative : null;
}

/** The file an outbox id names; NOT_FOUND when it is not one or no longer there. */
export function resolveOutbox(dataDir: string, outboxId: string): { file: string; name: string; size: number } {
  const match = OUTBOX_ID.exec(outboxId);
  const notFound = () => new ContractError('NOT_FOUND', `No exported bundle ${outboxId} in this workstation's outbox.`);
  if (!match) throw notFound();
  const file = path.join(outboxRoot(dataDir), match[1]!, match[2]!);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    throw notFound();
  }
  if (!stat.isFile()) throw notFound();
  return { file, name: match[2]!, size: stat.size };
}
