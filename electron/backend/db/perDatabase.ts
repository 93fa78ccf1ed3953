import type { Db } from './connection';

/**
 * A small least-recently-used map: reading an entry makes it the newest, and adding one
 * beyond `capacity` drops the oldest.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A cache per database connection. Snapshot ids are unique only within one database, so a
 * cache keyed by snapshot id alone would hand one data directory's figures to another opened
 * in the same process (tests, benchmarks, a server over several directories).
 */
export function perDatabase<V>(make: () => V): (db: Db) => V {
  const caches = new WeakMap<Db, V>();
  return (db) => {
    let cache = caches.get(db);
    if (cache === undefined) caches.set(db, (cache = make()));
    return cache;
  };
}
