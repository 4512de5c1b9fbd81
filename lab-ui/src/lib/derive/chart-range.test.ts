import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartRangeOf, sameRangeOr } from './chart-range.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

describe('the charts\' shared range', () => {
  const index = buildTraceIndex(syntheticTrace([{ id: 'a', at: 10_000, upstreamMs: 50 }, { id: 'b', at: 20_000, upstreamMs: 50 }], { endT: 60_000 }));

  it('spans the busy stretch, padded, or the whole run, and the whole scenario while runs stream', () => {
    expect(chartRangeOf([index], 60_000, 0, true)).toEqual([9_196, 20_854]);
    expect(chartRangeOf([index], 60_000, 0, false)).toEqual([0, 60_000]);
    expect(chartRangeOf([], 0, 0, true)).toEqual([0, 1]);
    expect(chartRangeOf([index], 20_050, 90_000, true)[1]).toBe(90_000);
  });

  it('grows past the busy stretch until the cursor is on the charts, doubling its width up to the run\'s end', () => {
    expect(chartRangeOf([index], 60_000, 0, true, 15_000)).toEqual([9_196, 20_854]);
    // Before the busy stretch nothing has happened yet: the zoom stays.
    expect(chartRangeOf([index], 60_000, 0, true, 0)).toEqual([9_196, 20_854]);
    // Just past it: twice the width, not the whole minute (the busy part kept half the chart).
    expect(chartRangeOf([index], 60_000, 0, true, 21_000)).toEqual([9_196, 32_512]);
    expect(chartRangeOf([index], 60_000, 0, true, 30_000)).toEqual([9_196, 32_512]);
    expect(chartRangeOf([index], 60_000, 0, true, 33_000)).toEqual([9_196, 55_828]);
    expect(chartRangeOf([index], 60_000, 0, true, 58_000)).toEqual([9_196, 60_000]);
    expect(chartRangeOf([index], 60_000, 0, false, 30_000)).toEqual([0, 60_000]);
  });

  it('keeps every cursor within the range it returns (fast-check)', () => {
    const seed = Date.now() % 1_000_000;
    console.log(`chart-range fast-check seed ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (cursor) => {
        const [from, to] = chartRangeOf([index], 60_000, 0, true, cursor);
        return to <= 60_000 && (cursor < from || cursor <= to);
      }),
      { seed },
    );
  });

  it('keeps the same tuple while its values hold', () => {
    const first = chartRangeOf([index], 60_000, 0, true);
    expect(sameRangeOr(first, chartRangeOf([index], 60_000, 0, true))).toBe(first);
    expect(sameRangeOr(first, [0, 1])).toEqual([0, 1]);
    expect(sameRangeOr(null, first)).toBe(first);
  });
});
