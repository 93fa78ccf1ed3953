import fs from 'node:fs';
import path from 'node:path';
import type { BagEntry, BagSource } from '../bagSource';

/** A bag in a folder, read-only; a link inside it is refused rather than followed out of the bag. */
export function dirBagSource(root: string): BagSource {
  const list = (): BagEntry[] => {
    const out: BagEntry[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const rel = prefix ? `${prefix}/${d.name}` : d.name;
        if (d.isSymbolicLink()) throw new Error(`${rel} in ${root} is a link; a bag's files are regular files.`);
        if (d.isDirectory()) walk(path.join(dir, d.name), rel);
        else if (d.isFile()) out.push({ path: rel, size: fs.statSync(path.join(dir, d.name)).size });
      }
    };
    walk(root, '');
    return out;
  };
  return {
    describe: `folder ${root}`,
    list: () => Promise.resolve(list()),
    open: (p) => Promise.resolve(fs.createReadStream(path.join(root, ...p.split('/')))),
  };
}
