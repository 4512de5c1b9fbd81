/**
 * Keyboard reading of the state-machine timeline: each row (a lane) is one Tab stop, the arrow keys
 * walk its stretches in time order, ↑/↓ go to the stretch of the row above or below that was in
 * force at the same moment. The stretches were reachable only by mouse; pure here so the rules are
 * tested without a DOM.
 */

export interface Stretch {
  from: number;
  to: number;
}

/** The stretch a key moves to within one lane of `count` stretches, or null for a key that does not move. */
export function laneStep(key: string, at: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return Math.min(count - 1, at + 1);
    case 'ArrowLeft':
      return Math.max(0, at - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * Which stretch of a lane is its Tab stop: the one whose reason is open, else the last drawn (the
 * state at the cursor), so Tab lands where a student reading "now OPEN" would look first.
 */
export function laneTabStop(count: number, picked: number): number {
  if (count === 0) return -1;
  return picked >= 0 && picked < count ? picked : count - 1;
}

/**
 * The stretch of another lane in force at `time` (the focused stretch's start), for ↑/↓: the last
 * one that began at or before it, else the first, so moving between rows keeps the moment.
 */
export function stretchAt(stretches: readonly Stretch[], time: number): number {
  if (stretches.length === 0) return -1;
  let found = 0;
  for (let i = 0; i < stretches.length; i++) if ((stretches[i] as Stretch).from <= time) found = i;
  return found;
}
