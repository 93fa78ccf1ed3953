/**
 * Names close to a misspelt one, for "unknown X; did you mean …?" messages: case-insensitive
 * prefix or substring matches first, then those within a small edit distance.
 */
export function closeMatches(input: string, known: readonly string[], max = 3): string[] {
  const needle = input.toLowerCase();
  const scored = known
    .map((name) => {
      const lower = name.toLowerCase();
      const contains = lower.startsWith(needle) || needle.startsWith(lower) || lower.includes(needle) || needle.includes(lower);
      return { name, score: contains ? 0 : editDistance(needle, lower) };
    })
    .filter((m) => m.score <= Math.max(2, Math.floor(needle.length / 3)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((m) => m.name);
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
