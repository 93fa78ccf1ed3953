import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { ContractError } from '../../../shared/contract/errors';

/**
 * The inbox folder: a folder (often a shared drive) partners drop bundles into. Concordat lists and verifies what
 * is there; it imports nothing without the user asking. The folder is the data directory's `inbox` unless one was
 * set; only regular `.casebundle` files directly in it are read (no links followed, no subfolders).
 */
const SETTING = 'bundles.inboxFolder';

export function defaultInboxFolder(dataDir: string): string {
  return path.resolve(dataDir, 'inbox');
}

export function inboxFolder(db: Db, dataDir: string): { folder: string; isDefault: boolean } {
  const row = db.prepare(`SELECT value FROM workstation_setting WHERE name = ?`).get(SETTING) as { value: string } | undefined;
  if (row) return { folder: row.value, isDefault: false };
  const folder = defaultInboxFolder(dataDir);
  fs.mkdirSync(folder, { recursive: true });
  return { folder, isDefault: true };
}

/** Sets the inbox folder: an absolute path of a folder that exists and can be read; null goes back to the default. */
export function setInboxFolder(db: Db, dataDir: string, folder: string | null, now = new Date()): { folder: string; isDefault: boolean } {
  if (folder === null) {
    db.prepare(`DELETE FROM workstation_setting WHERE name = ?`).run(SETTING);
    return inboxFolder(db, dataDir);
  }
  if (!path.isAbsolute(folder)) {
    throw new ContractError(
      'INVALID_INPUT',
      `The inbox folder must be a full path (such as /srv/shared/concordat-inbox), not "${folder}".`,
      {
        field: 'folder',
      },
    );
  }
  const resolved = path.resolve(folder);
  try {
    if (!fs.statSync(resolved).isDirectory()) throw new Error('not a folder');
    fs.accessSync(resolved, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    // One answer whatever the cause, so the setting is no probe of what exists on this machine.
    throw new ContractError('INVALID_INPUT', `${resolved} is not a folder Concordat can read. Create it, or choose another.`, {
      field: 'folder',
    });
  }
  db.prepare(
    `INSERT INTO workstation_setting(name, value, changed_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at`,
  ).run(SETTING, resolved, now.toISOString());
  return { folder: resolved, isDefault: false };
}

/** The regular .casebundle files directly in the folder, by name. */
export function inboxFiles(folder: string): Array<{ name: string; file: string; bytes: number; modifiedAt: string }> {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    throw new ContractError('NOT_FOUND', `The inbox folder ${folder} cannot be read. Check that it exists, or choose another in Settings.`);
  }
  return names
    .filter((name) => name.endsWith('.casebundle') && !name.startsWith('.'))
    .sort()
    .flatMap((name) => {
      const file = path.join(folder, name);
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      return stat?.isFile() ? [{ name, file, bytes: stat.size, modifiedAt: stat.mtime.toISOString() }] : [];
    });
}

/** The path of one inbox file by name; NOT_FOUND unless it is a regular file directly in the folder. */
export function inboxFile(folder: string, name: string): string {
  const file = path.join(folder, name);
  if (path.dirname(file) !== path.resolve(folder) || !fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new ContractError('NOT_FOUND', `No bundle "${name}" in the inbox folder ${folder}.`);
  }
  return file;
}
