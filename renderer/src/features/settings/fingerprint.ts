/** A fingerprint's hex in groups of four, for reading aloud over the telephone ("c9a1 ad78 fbd8 …"). */
export function groupedFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/^sha256:/, '');
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}
