/**
 * The per-second window memo against the functions it stands for: for any sequence of instants
 * (interleaved seconds, calendar edges, more distinct seconds than it keeps), every answer equals
 * kongWindowStart / kongWindowEnd / kongResetSeconds for that instant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KongWindowMemo } from './kong-window-memo.ts';
import { KONG_PERIODS, kongResetSeconds, kongWindowEnd, kongWindowStart } from './kong-windows.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] kong-window-memo seed=${seed} (replay: FC_SEED=${seed})`);

// Around month and year ends (31 Dec 2025 23:59:58 UTC ± a few seconds) and anywhere up to 2100.
const NEAR_NEW_YEAR = Date.UTC(2025, 11, 31, 23, 59, 58);
const instant = fc.oneof(fc.integer({ min: NEAR_NEW_YEAR - 3_000, max: NEAR_NEW_YEAR + 5_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }));
const ask = fc.record({ period: fc.constantFrom(...KONG_PERIODS), at: instant, what: fc.constantFrom('start', 'end', 'reset') });

describe('kong window memo', () => {
  it('answers exactly what the window functions answer, in any order of instants', () => {
    fc.assert(
      fc.property(fc.array(ask, { minLength: 1, maxLength: 200 }), (asks) => {
        const memo = new KongWindowMemo();
        for (const { period, at, what } of asks) {
          const start = kongWindowStart(period, at);
          if (what === 'start') expect(memo.windowStart(period, at)).toBe(start);
          else if (what === 'end') expect(memo.windowEnd(period, at)).toBe(kongWindowEnd(period, start));
          else expect(memo.resetSeconds(period, at)).toBe(kongResetSeconds(period, at));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('keeps answering right past the number of seconds it remembers', () => {
    const memo = new KongWindowMemo();
    for (let s = 0; s < 200; s++) {
      const at = NEAR_NEW_YEAR + s * 1000 + 7;
      expect(memo.windowStart('month', at)).toBe(kongWindowStart('month', at));
      // Back to an instant long forgotten: recomputed, still right.
      expect(memo.windowEnd('year', NEAR_NEW_YEAR)).toBe(kongWindowEnd('year', kongWindowStart('year', NEAR_NEW_YEAR)));
    }
  });
});
