/**
 * Edit distance, for "unknown field 'minutes' — did you mean 'minute'?". Small inputs (config keys),
 * so the plain two-row dynamic programme is plenty.
 */

/** Insertions, deletions and substitutions needed to turn `a` into `b` (case-sensitive). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** The candidate closest to `name` (compared case-insensitively); ties go to the earlier candidate. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** The nearest candidate only when it is a plausible typo (at most `maxEdits` edits away). */
export function closeName(name: string, candidates: readonly string[], maxEdits = 3): string | undefined {
  const near = nearestName(name, candidates);
  return near !== undefined && levenshtein(name.toLowerCase(), near.toLowerCase()) <= maxEdits ? near : undefined;
}
