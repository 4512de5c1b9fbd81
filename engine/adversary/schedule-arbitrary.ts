/**
 * The request schedules the search tries: a list of send instants (whole ms from the start) for one
 * client. Generated as a few bursts around a shared centre, because the attacks that break rate
 * limits are bursts placed against each other (the boundary burst) and steady drips after a burst
 * (a token bucket's refill); a uniform scatter of instants almost never finds either.
 *
 * Shrinking is shaped too: burst offsets shrink toward 0, pulling bursts together, and the centre
 * shrinks toward the END of the run. Together they slide a two-sided burst until it straddles its
 * boundary as tightly as the limiter allows — the counterexample a student recognises.
 */
import fc from 'fast-check';

export interface ScheduleShape {
  durationMs: number;
  windowMs: number;
  /** The claim's max: a burst holds at most max + 1 requests, a schedule at most `cap`. */
  max: number;
  /** The most requests in one schedule (default 4 × max). */
  cap?: number;
}

interface Burst {
  offset: number;
  count: number;
  spacing: number;
}

const MAX_BURSTS = 6;

export function scheduleArbitrary(shape: ScheduleShape): fc.Arbitrary<number[]> {
  const { durationMs, windowMs, max } = shape;
  const cap = shape.cap ?? 4 * max;
  const reach = Math.min(durationMs, 2 * windowMs);
  // A drip spaced up to twice the claim's average gap still fits max + 1 requests in two windows.
  const maxSpacing = Math.max(1, Math.ceil((2 * windowMs) / max));
  const burst: fc.Arbitrary<Burst> = fc.record({
    offset: fc.integer({ min: -reach, max: reach }),
    count: fc.integer({ min: 1, max: max + 1 }),
    spacing: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxSpacing })),
  });
  // Bursts first, centre last: fast-check shrinks a tuple left to right, so offsets pull together
  // before the centre slides, and again after it has.
  return fc
    .tuple(fc.array(burst, { minLength: 1, maxLength: MAX_BURSTS }), fc.integer({ min: 0, max: durationMs }))
    .map(([bursts, fromEnd]) => instants(bursts, durationMs - fromEnd, durationMs, cap));
}

function instants(bursts: readonly Burst[], centre: number, durationMs: number, cap: number): number[] {
  const out: number[] = [];
  for (const b of bursts) {
    for (let i = 0; i < b.count && out.length < cap; i++) {
      const t = centre + b.offset + i * b.spacing;
      // Outside the run the simulation would drop the request too; dropping keeps shrinking honest.
      if (t >= 0 && t <= durationMs) out.push(t);
    }
  }
  return out.sort((a, b) => a - b);
}
