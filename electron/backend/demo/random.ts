// Small, fast, seeded PRNG for the synthetic TR data generator (handbook domain-trade-data.md §5).
// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, public domain) seeded through cyrb128, so the same
// seed always yields the same stream on every platform: generateDemo relies on this for byte-identical output.

/** Hash a string into four 32-bit words (cyrb128) to seed sfc32. */
export function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Precomputed cumulative weights for O(log n) weighted picks (see Rng.pickFrom). */
export interface WeightedTable<T> {
  readonly items: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

/** Build a WeightedTable; weights must be ≥ 0 and not all zero. */
export function weightedTable<T>(items: readonly T[], weights: readonly number[]): WeightedTable<T> {
  if (items.length === 0 || items.length !== weights.length) throw new RangeError('weightedTable: items/weights mismatch');
  const cumulative = new Float64Array(items.length);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const w = weights[i] ?? 0;
    if (!(w >= 0)) throw new RangeError('weightedTable: weights must be >= 0');
    total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new RangeError('weightedTable: total weight must be > 0');
  return { items, cumulative, total };
}

/** Seeded random source (sfc32) with the distribution helpers the generator needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  /** Seed from a number or string; equal seeds give equal streams. */
  constructor(seed: number | string) {
    const [a, b, c, d] = cyrb128(typeof seed === 'number' ? `n:${seed}` : `s:${seed}`);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < 15; i++) this.uint32(); // warm-up, as recommended for sfc32
  }

  /** A child generator whose stream depends on this seed and `label` only (not on how much was drawn here). */
  static derive(seed: number | string, label: string): Rng {
    return new Rng(`${typeof seed}:${seed}/${label}`);
  }

  /** Next raw 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Uniformly chosen element of a non-empty array. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick: empty array');
    return arr[Math.floor(this.next() * arr.length)] as T;
  }

  /** Element chosen with probability proportional to its weight (O(n); use pickFrom for hot paths). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  /** Element chosen from a precomputed WeightedTable (binary search, O(log n)). */
  pickFrom<T>(table: WeightedTable<T>): T {
    const x = this.next() * table.total;
    const cum = table.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return table.items[lo] as T;
  }

  /** Standard normal variate (Box–Muller, caching the second value). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal variate exp(mu + sigma·Z): heavy right tail, median e^mu. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Pareto (type I) variate with scale xm > 0 and shape alpha > 0: P(X > x) = (xm/x)^alpha. */
  pareto(xm: number, alpha: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return xm / Math.pow(u, 1 / alpha);
  }

  /** String of `len` characters drawn uniformly from `alphabet`. */
  string(len: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
}
