/**
 * "Did you mean …?" for misspelt field and plugin names: edit distance over a short list of names.
 */

/** Levenshtein distance with two rolling rows; names here are short, so O(n·m) is fine. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The candidate nearest to `name` (first in list order on ties), and whether it is close enough to be a typo. */
export function nearest(name: string, candidates: readonly string[]): { name: string; close: boolean } | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestShares = false;
  const lower = name.toLowerCase();
  // A candidate that shares a word with the name ("limit-count" and "rate-limiting") is a better guess
  // than one that is merely as short; it wins over a closer-by-letters candidate that shares nothing.
  const words = lower.split(/[-_.]/).filter((w) => w.length >= 4);
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = editDistance(lower, cl);
    const shares = words.some((w) => cl.includes(w));
    if ((shares && !bestShares) || (shares === bestShares && d < bestDistance)) {
      best = c;
      bestDistance = d;
      bestShares = shares;
    }
  }
  if (best === undefined) return undefined;
  // A third of the name's length (at least 2 edits) catches typos and dropped letters without offering
  // "cors" for every unknown four-letter word.
  return { name: best, close: bestDistance <= Math.max(2, Math.floor(name.length / 3)) };
}

/** A hint sentence for an unknown name: "did you mean X?" when close, else the list of known names. */
export function suggestion(name: string, candidates: readonly string[], what: string): string {
  const hit = nearest(name, candidates);
  if (hit?.close) return `did you mean "${hit.name}"?`;
  return `known ${what}: ${candidates.join(', ')}`;
}
