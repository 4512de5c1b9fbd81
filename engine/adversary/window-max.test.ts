import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busiestWindow } from './window-max.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`engine/adversary window-max property seed: ${seed} (pin with FC_SEED=${seed})`);

/** Every window [t, t + W) for t at every integer from below the first instant to the last: the definition, slowly. */
function bruteForce(times: readonly number[], windowMs: number): number {
  if (times.length === 0) return 0;
  let best = 0;
  for (let t = Math.min(...times) - windowMs; t <= Math.max(...times); t++) {
    best = Math.max(best, times.filter((x) => x >= t && x < t + windowMs).length);
  }
  return best;
}

describe('busiestWindow', () => {
  it('treats windows as half-open: an instant exactly W later is in the next window', () => {
    expect(busiestWindow([0, 1000], 1000)).toEqual({ count: 1, startMs: 0 });
    expect(busiestWindow([0, 999], 1000)).toEqual({ count: 2, startMs: 0 });
    expect(busiestWindow([5, 5, 5, 1004, 1005], 1000)).toEqual({ count: 4, startMs: 5 });
    expect(busiestWindow([], 1000)).toEqual({ count: 0, startMs: 0 });
  });

  it('agrees with counting every integer window start (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        (raw, windowMs) => {
          const times = [...raw].sort((a, b) => a - b);
          const got = busiestWindow(times, windowMs);
          expect(got.count).toBe(bruteForce(times, windowMs));
          // The reported start is one of the instants and its window really holds that many.
          if (times.length > 0) {
            expect(times).toContain(got.startMs);
            expect(times.filter((x) => x >= got.startMs && x < got.startMs + windowMs).length).toBe(got.count);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
