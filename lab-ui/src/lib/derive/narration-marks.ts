/**
 * The narration marks under the scrubber, grouped where they would cover each other. A mark is a
 * 12 px diamond placed at its time: on a phone boundary-burst's marks at 12:00:59, 12:01:00 and
 * 12:01:01 sit 3 px apart, each under the next, so a tap on the heap always went to 12:01:02 and
 * the three points of the story between could not be reached. Marks closer than a mark's width are
 * one button; each press goes to the group's next point after the cursor, then back to its first.
 */

export interface MarkGroup {
  /** The narration points' times, in order (one for a mark alone). */
  times: number[];
  /** Where the button sits, as a share of the track (the group's first and last, averaged). */
  at: number;
}

/**
 * Groups `times` (sorted) on a track `trackPx` wide that spans [0, end]: a mark joins the group
 * before it when its centre is less than `markPx` from that group's last mark. With no width known
 * yet (0) every mark stands alone, as before.
 */
export function groupMarks(times: readonly number[], end: number, trackPx: number, markPx: number): MarkGroup[] {
  const span = Math.max(1, end);
  const groups: number[][] = [];
  for (const t of times) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev !== undefined && trackPx > 0 && ((t - prev) / span) * trackPx < markPx) last.push(t);
    else groups.push([t]);
  }
  return groups.map((g) => ({ times: g, at: ((g[0] as number) + (g[g.length - 1] as number)) / 2 / span }));
}

/** Where a press on a group goes: its first point after the cursor, or its first once past them all. */
export function markTarget(group: MarkGroup, cursor: number): number {
  return group.times.find((t) => t > cursor + 1e-6) ?? (group.times[0] as number);
}
