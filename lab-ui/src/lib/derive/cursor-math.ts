/**
 * The replay cursor's arithmetic, free of any UI: stepping to the next event or narration point,
 * speeds, and how far one animation frame moves time (skipping long quiet stretches so a two-minute
 * scenario with two bursts does not make a student wait a minute for the second).
 */
import { lowerBound, upperBound, type Sorted } from './search.ts';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] as const;

export function clampTime(t: number, endT: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(Math.max(0, t), endT);
}

/** The first step time strictly after t, or null at the end. */
export function nextStep(steps: Sorted, t: number): number | null {
  const i = upperBound(steps, t);
  return i < steps.length ? (steps[i] as number) : null;
}

/** The last step time strictly before t, or null at the start. */
export function prevStep(steps: Sorted, t: number): number | null {
  const i = lowerBound(steps, t);
  return i > 0 ? (steps[i - 1] as number) : null;
}

/** Merges several sorted step lists (one per variant panel) into one, without duplicates. */
export function mergeSteps(lists: readonly Sorted[]): Float64Array {
  // Each index's step times are already ascending: merging them is linear, where sorting every time
  // of a 300k-request trace (≈ 1M numbers, with a comparator) took ≈ 70 ms after the last batch.
  if (!lists.every(isAscending)) return sortedDistinct(lists);
  let out: Float64Array = new Float64Array(0);
  for (const l of lists) out = mergeDistinct(out, l);
  return out;
}

function isAscending(list: Sorted): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i] as number) < (list[i - 1] as number)) return false;
  return true;
}

/** Two ascending lists as one, each value once. */
function mergeDistinct(a: Sorted, b: Sorted): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i++] as number) : (b[j++] as number);
    if (n === 0 || out[n - 1] !== v) out[n++] = v;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Any lists: every value once, ascending. */
function sortedDistinct(lists: readonly Sorted[]): Float64Array {
  const all: number[] = [];
  for (const l of lists) for (let i = 0; i < l.length; i++) all.push(l[i] as number);
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of all) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return Float64Array.from(out);
}

export function nextSpeed(speed: number, dir: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => s >= speed - 1e-9);
  const at = i < 0 ? SPEEDS.length - 1 : i;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + dir))] as number;
}

export function nearestSpeed(speed: number): number {
  let best: number = SPEEDS[0];
  for (const s of SPEEDS) if (Math.abs(Math.log(s) - Math.log(speed)) < Math.abs(Math.log(best) - Math.log(speed))) best = s;
  return best;
}

export interface AdvanceInput {
  t: number;
  /** Wall milliseconds since the last frame. */
  dtWall: number;
  speed: number;
  endT: number;
  steps: Sorted;
  /** Skip ahead when nothing happens for longer than this many wall ms at the current speed. */
  quietWallMs?: number;
}

/** Where the cursor is after one frame, and whether playback reached the end. */
export function advance({ t, dtWall, speed, endT, steps, quietWallMs = 1500 }: AdvanceInput): { t: number; ended: boolean } {
  let next = t + Math.max(0, dtWall) * speed;
  const upcoming = nextStep(steps, t);
  const lead = 400 * speed; // land a little before the next event so it is seen arriving
  if (upcoming !== null && upcoming - t > quietWallMs * speed && next < upcoming - lead) {
    next = Math.max(next, upcoming - lead);
  } else if (upcoming === null && endT - t > quietWallMs * speed) {
    next = endT; // nothing left to see: finish rather than idle to the end
  }
  if (next >= endT) return { t: endT, ended: true };
  return { t: next, ended: false };
}
