import type { Readable } from 'node:stream';

/** A file of a bag, by its path relative to the bag's root as stored ('/'-separated, never %-decoded). */
export interface BagEntry {
  path: string;
  size: number;
}

/**
 * Where a bag's files come from: a folder on disk (the conformance suite, a bag a partner sent
 * unzipped) or the entries of a bundle's ZIP, already screened by the safe-archive layer. The
 * BagIt verifier reads only through this, so it never touches a path outside the bag.
 */
export interface BagSource {
  /** For messages: "folder /x/y", "bundle case.casebundle". */
  describe: string;
  /** Every file under the bag's root (folders are not entries). */
  list(): Promise<BagEntry[]>;
  /** The bytes of one listed file, streamed. */
  open(path: string): Promise<Readable>;
}
