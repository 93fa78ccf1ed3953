import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BagEntry, BagSource } from '../bagSource';

/**
 * A bag in a folder on disk, read-only. A link inside the bag is refused rather than followed:
 * following one is the easiest way for a bag to make the verifier read a file outside it. Other
 * entries that are not regular files (FIFOs, sockets, devices) are refused too: opening a FIFO
 * would block the verifier forever, and no bag legitimately holds one.
 */

// O_NOFOLLOW closes the gap between listing and opening (a file swapped for a link meanwhile);
// Windows has no such flag, and there only the listing's check applies.
const READ_NO_FOLLOW = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function kindOf(entry: fs.Dirent): string {
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isFIFO()) return 'a named pipe';
  if (entry.isSocket()) return 'a socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

export function dirBagSource(root: string): BagSource {
  // The root itself may be reached through a link (macOS /tmp is one); only what is inside is checked.
  const base = path.resolve(root);
  const under = base.endsWith(path.sep) ? base : base + path.sep;
  const describe = `folder ${base}`;

  async function walk(dir: string, prefix: string, out: BagEntry[]): Promise<void> {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => compareNames(a.name, b.name));
    for (const entry of entries) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, rel, out);
      else if (entry.isFile()) out.push({ path: rel, size: (await fs.promises.lstat(full)).size });
      else
        throw new Error(
          `"${rel}" in ${describe} is ${kindOf(entry)}; a bag holds only regular files and folders, and links are never followed.`,
        );
    }
  }

  /** The file a bag path names, or an Error saying why that path is not one this source opens. */
  function fileFor(bagPath: string): string | Error {
    const steps = bagPath.split('/');
    if (bagPath === '' || steps.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0')))
      return new Error(`${JSON.stringify(bagPath)} is not a plain relative path inside ${describe}.`);
    const file = path.join(base, ...steps);
    // path.join also resolves Windows drive letters; what it made must still be under the root.
    if (!file.startsWith(under)) return new Error(`${JSON.stringify(bagPath)} leads outside ${describe}.`);
    return file;
  }

  return {
    describe,
    async list() {
      const stat = await fs.promises.stat(base).catch(() => null);
      if (!stat?.isDirectory()) throw new Error(`${describe} does not exist or is not a folder.`);
      const out: BagEntry[] = [];
      await walk(base, '', out);
      return out;
    },
    async open(bagPath): Promise<Readable> {
      const file = fileFor(bagPath);
      if (file instanceof Error) throw file;
      const handle = await fs.promises.open(file, READ_NO_FOLLOW).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT' ? 'is not there' : code === 'ELOOP' ? 'is a symbolic link' : `cannot be opened (${code ?? String(error)})`;
        throw new Error(`${JSON.stringify(bagPath)} in ${describe} ${why}.`);
      });
      const regular = await handle.stat().then(
        (s) => s.isFile(),
        () => false,
      );
      if (!regular) {
        await handle.close();
        throw new Error(`${JSON.stringify(bagPath)} in ${describe} is not a regular file.`);
      }
      return handle.createReadStream();
    },
  };
}
