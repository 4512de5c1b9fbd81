/**
 * A canary rollout's weight over time, for the machine timeline's step chart. The rollout's status
 * stays `progressing` through a whole ramp (10 % → 25 % → 50 %), so the status bar alone shows one
 * long stretch; the share the canary gets is what a student watches. The weights come from the
 * `weight` the engine writes on each canary-rollout move (machines.ts keeps it per segment).
 */
import { segmentsIn, type MachineTimeline } from './machines.ts';

export interface WeightStep {
  /** Canary share in percent. */
  weight: number;
  from: number;
  to: number;
  /** The trace index of the move that set it (-1: the weight the rollout started with). */
  event: number;
}

/**
 * The weights over [t0, t1] as the trace has told them by `known` (the cursor): the timeline's
 * segments with consecutive equal weights merged, since a failed check or a pause keeps the weight.
 * Empty for a timeline whose moves carry none.
 */
export function weightSteps(timeline: MachineTimeline, t0: number, t1: number, known = Infinity): WeightStep[] {
  if (!timeline.weighted) return [];
  const out: WeightStep[] = [];
  for (const s of segmentsIn(timeline, t0, t1, known)) {
    // Two moves at one instant leave a segment that is never in effect: its weight was never served.
    if (s.weight === null || s.to <= s.from) continue;
    const last = out[out.length - 1];
    if (last && last.weight === s.weight && last.to === s.from) last.to = s.to;
    else out.push({ weight: s.weight, from: s.from, to: s.to, event: s.event });
  }
  return out;
}

/** A weight as the rollout's reasons write it: "25 %", "2.5 %". */
export function formatWeight(weight: number): string {
  return `${Math.round(weight * 10) / 10} %`;
}
