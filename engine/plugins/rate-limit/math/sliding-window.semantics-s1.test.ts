/**
 * Semantics §1 (Kong `rate-limiting-advanced`, sliding window) as invariants: the estimate formula
 * and its linear fade for any window size, count and instant, and the penalty rule for any traffic.
 * sliding-window.test.ts pins the worked examples; these pin the rules between them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slidingWindow, type SlidingWindowConfig, type SlidingWindowState } from './sliding-window.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] sliding-window.semantics-s1 seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, a multiple of 10 s and 30 s

describe('semantics §1 Kong rate-limiting-advanced: the sliding estimate', () => {
  it('§1 estimate = current + previous × (W − elapsed)/W, the previous weight fading linearly from 1 to 0, for any window_size (seconds, arbitrary)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (windowSeconds, previous, current, at) => {
          const W = windowSeconds * 1000;
          const elapsed = Math.floor(at * W);
          // Windows are aligned to epoch multiples of W.
          const start = Math.ceil(T0 / W) * W;
          const state: SlidingWindowState = { windowStartMs: start, current, previous };
          const { decision: d } = slidingWindow({ limit: 1000, windowMs: W }, state, start + elapsed);
          expect(d.elapsedMs).toBe(elapsed);
          expect(d.previousWeight).toBeCloseTo((W - elapsed) / W, 12);
          expect(d.estimate).toBeCloseTo(current + previous * ((W - elapsed) / W), 9);
        },
      ),
      { seed, numRuns: 400 },
    );
  });

  it('§1 the weight is exactly 1 at the window start and reaches 0 only at the next window, where the old previous is dropped', () => {
    const config: SlidingWindowConfig = { limit: 1000, windowMs: 30_000 };
    const state: SlidingWindowState = { windowStartMs: T0 + 30_000, current: 4, previous: 10 };
    expect(slidingWindow(config, state, T0 + 30_000).decision).toMatchObject({ previousWeight: 1, estimate: 14 });
    expect(slidingWindow(config, state, T0 + 59_999).decision.estimate).toBeCloseTo(4 + 10 / 30_000, 9);
    // At 60 s the 4 of this window become the previous one, weight 1, and the 10 are gone.
    expect(slidingWindow(config, state, T0 + 60_000).decision).toMatchObject({ previous: 4, current: 0, previousWeight: 1, estimate: 4 });
  });

  it('§1 penalty: without disable_penalty every request, refused or not, adds 1 to the current window; with it only admitted ones do', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }),
        (limit, disablePenalty, gaps) => {
          const config: SlidingWindowConfig = { limit, windowMs: 10_000, disablePenalty };
          let state: SlidingWindowState | undefined;
          let t = T0;
          for (const g of gaps) {
            t += g;
            const before = state && Math.floor(t / 10_000) * 10_000 === state.windowStartMs ? state.current : 0;
            const r = slidingWindow(config, state, t);
            const counted = r.decision.allowed || !disablePenalty ? 1 : 0;
            expect(r.state.current).toBe(before + counted);
            expect(r.decision.penalised).toBe(!r.decision.allowed && !disablePenalty);
            state = r.state;
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
