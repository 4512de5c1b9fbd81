// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../derive/outcome.ts';
import { buildBuckets } from '../derive/buckets.ts';
import { buildRateTable, outcomesSeen, rateCursor, ratesAt, zeroCounts } from '../derive/rates.ts';
import { buildTraceIndex } from '../derive/trace-index.ts';
import { syntheticRequests } from '../derive/testing/synthetic-arbitrary.ts';
import { syntheticTrace } from '../derive/testing/synthetic.ts';
import { rateBars } from './rate-bars.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`rate-cursor property seed: ${seed} (set FC_SEED to replay)`);

const x = (t: number): number => 44 + t / 20;
const y = (v: number): number => 80 - v;

describe('the rate chart painted once and cut at the cursor', () => {
  it('shows exactly the bars and legend of ratesAt(t): complete buckets before the cut, then the cursor bucket', () => {
    fc.assert(
      fc.property(
        syntheticRequests({ maxLength: 40, maxAt: 6000, maxUpstreamMs: 400 }),
        fc.constantFrom(250, 500, 1000),
        fc.array(fc.integer({ min: -100, max: 8000 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom<[number, number]>([0, 8000], [1000, 4000]),
        (reqs, bucketMs, instants, range) => {
          const index = buildTraceIndex(syntheticTrace(reqs));
          const table = buildRateTable(index, bucketMs, 2);
          const full = ratesAt(index, table, Infinity);
          for (const t of instants) {
            const before = ratesAt(index, table, t);
            const { cut, current } = rateCursor(index, table, t);
            full.forEach((s, i) => {
              const old = rateBars(before[i]!, range, x, y, 3, 2);
              const cb = current[i];
              const split = [...rateBars(s, range, x, y, 3, 2).filter((b) => b.t0 < cut), ...(cb ? rateBars({ ...s, buckets: [cb] }, range, x, y, 3, 2) : [])];
              expect(split, `t=${t} group ${s.client}`).toEqual(old);
            });
            const seenBefore = OUTCOMES.filter((o) => before.some((s) => s.buckets.some((b) => b.value[o] > 0)));
            expect(outcomesSeen(full, cut, current), `t=${t}`).toEqual(seenBefore);
          }
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it('counts the full buckets from the codes exactly as reducing their rows does', () => {
    fc.assert(
      fc.property(syntheticRequests({ maxLength: 40, maxAt: 6000, maxUpstreamMs: 400 }), fc.constantFrom(250, 500, 1000), fc.integer({ min: 1, max: 4 }), (reqs, bucketMs, maxGroups) => {
        const index = buildTraceIndex(syntheticTrace(reqs));
        const table = buildRateTable(index, bucketMs, maxGroups);
        const reduced = buildBuckets(index, bucketMs, table.table.reduce);
        expect(table.table.full).toStrictEqual(reduced.full);
        // Same key order too: the chart walks groups and outcomes in it.
        expect(JSON.stringify(table.table.full)).toBe(JSON.stringify(reduced.full));
      }),
      { seed, numRuns: 150 },
    );
  });

  it("cuts the bars at the range's edges: a live range ends mid-bucket", () => {
    const value = { ...zeroCounts(), ok: 3 };
    const s = { client: 'c', peak: 3, buckets: [{ t0: 0, t1: 1000, value }, { t0: 1000, t1: 2000, value }, { t0: 2000, t1: 3000, value }] };
    // The range [500, 2400] of a live trace whose newest event is at 2400: x(500) = 69, x(2400) = 164.
    const bars = rateBars(s, [500, 2400], x, y, 49, 1);
    expect(bars.map((b) => [b.x, b.x + b.w])).toEqual([[69, 93], [94, 143], [144, 164]]);
    expect(Math.min(...bars.map((b) => b.x))).toBeGreaterThanOrEqual(x(500));
    expect(Math.max(...bars.map((b) => b.x + b.w))).toBeLessThanOrEqual(x(2400));
  });

  it('has no cursor bucket past the end of the run', () => {
    const index = buildTraceIndex(syntheticTrace([{ id: 'a', at: 100, upstreamMs: 20 }]));
    const table = buildRateTable(index, 1000);
    expect(rateCursor(index, table, 5_000_000)).toEqual({ cut: Infinity, current: [null] });
    expect(rateCursor(index, table, 500).cut).toBe(0);
  });
});
