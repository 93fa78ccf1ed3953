import crypto from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) by the reference implementation of one of its authors
 * (npm `canonicalize`): keys sorted by UTF-16 code units, ECMAScript number formatting, no
 * whitespace. Two processes serialising the same data get the same bytes, so a hash over them
 * can be recomputed and compared years later.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('This value has no JSON form.');
  return text;
}

/** One-shot crypto.hash (Node ≥ 20.12) where present: for short texts it is several times quicker than createHash. */
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : undefined;

export function sha256Hex(text: string | Buffer): string {
  if (oneShotHash) return oneShotHash('sha256', text, 'hex');
  return crypto.createHash('sha256').update(text).digest('hex');
}

export const canonicalSha256 = (value: unknown): string => sha256Hex(canonicalJson(value));
