/**
 * A sample's label set as the Metrics table writes it, one `name="value"` per piece. The whole set
 * was one unbreakable monospace string (`{service="payments",route="payments",code="503"}`, 48
 * characters), so on a phone the table was 573 px wide and widened the page. Each piece keeps its
 * comma and the table breaks the line only between pieces, never inside a value.
 */

const PAIR = /[a-zA-Z_][\w]*="(?:[^"\\]|\\.)*"/g;

/** `a="1",b="x,y"` → [`a="1",`, `b="x,y"`]; text that is not a label list comes back whole. */
export function labelPieces(labels: string): string[] {
  const pairs = labels.match(PAIR) ?? [];
  // Anything the pattern did not account for (not the exposition format): keep the text as it was.
  if (pairs.join(',') !== labels) return labels ? [labels] : [];
  return pairs.map((p, i) => (i < pairs.length - 1 ? `${p},` : p));
}
