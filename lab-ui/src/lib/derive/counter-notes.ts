/**
 * The small lines under a panel counter: what it is made of ("2,401× 502") and how it differs from
 * the base variant ("+2,401 vs base"). They were one run of text with no thousands separators,
 * "2401× 502 +2401 vs base", which read as one long number; the view now puts each on its own line.
 */

const numberFormat = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => numberFormat.format(n);

/** "429 × 160"-style breakdown of a counter by status: "160× 429, 3× 403". */
export function breakdownNote(rows: ReadonlyArray<{ status: number; count: number }>): string {
  return rows.map((r) => `${formatCount(r.count)}× ${r.status}`).join(', ');
}

/** "+2,401 vs base", "−12 vs base", or nothing when equal or there is no base to compare with. */
export function deltaNote(now: number, then: number | undefined, base: string | undefined): string {
  if (then === undefined || base === undefined || now === then) return '';
  return `${now > then ? '+' : '−'}${formatCount(Math.abs(now - then))} vs ${base}`;
}
