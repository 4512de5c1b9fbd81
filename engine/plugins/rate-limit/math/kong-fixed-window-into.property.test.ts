import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideKongFixedWindow, decideKongPeriodsInto, KONG_PERIODS, newKongDecision, type KongLimits, type KongPeriod } from './kong-fixed-window.ts';

/** One decision's input: some periods (in Kong's order), a limit and a usage each, an instant. */
const step = fc
  .record({
    chosen: fc.subarray([...KONG_PERIODS], { minLength: 1 }),
    limits: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 6, maxLength: 6 }),
    used: fc.array(fc.integer({ min: -3, max: 60 }), { minLength: 6, maxLength: 6 }),
    nowMs: fc.integer({ min: 0, max: 4 * 366 * 86_400_000 }),
  })
  .map(({ chosen, limits, used, nowMs }) => ({
    periods: chosen as KongPeriod[],
    limitValues: chosen.map((_, i) => limits[i] as number),
    usedValues: chosen.map((_, i) => used[i] as number),
    nowMs,
  }));

describe('decideKongPeriodsInto', () => {
  it('refilled over a sequence of decisions, equals a fresh decision each time (values and key order)', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const shared = newKongDecision();
        for (const s of steps) {
          const limits: KongLimits = {};
          const usage: Partial<Record<KongPeriod, number>> = {};
          s.periods.forEach((p, i) => {
            limits[p] = s.limitValues[i] as number;
            usage[p] = s.usedValues[i] as number;
          });
          const fresh = decideKongFixedWindow(limits, usage, s.nowMs);
          const got = decideKongPeriodsInto(shared, s.periods, s.limitValues, s.usedValues, s.nowMs);
          expect(got).toBe(shared);
          expect(got).toStrictEqual(fresh);
          // Key order too: a decision's rows become headers and sentences in the trace.
          expect(JSON.stringify(got)).toBe(JSON.stringify(fresh));
        }
      }),
      { numRuns: 300 },
    );
  });
});
