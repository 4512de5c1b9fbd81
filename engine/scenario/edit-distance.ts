/**
 * "Did you mean …?" support: Levenshtein distance and the nearest known word, so a typo like
 * `clinets` can be answered with the key the author meant.
 */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * The candidate closest to `word`, or undefined when nothing is close enough to be a plausible typo
 * (about a third of the word may differ; case differences count as half an edit).
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const exactIgnoringCase = c.toLowerCase() === lower;
    const score = exactIgnoringCase ? 0.5 : editDistance(lower, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  // Replacing the whole word is not a typo: `b` is not a misspelling of `a`.
  const limit = Math.min(Math.max(2, Math.ceil(word.length / 3)), word.length - 0.5);
  return bestScore <= limit ? best : undefined;
}
