import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { slidingLog, type SlidingLogConfig, type SlidingLogState } from './sliding-log.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] sliding-log seed=${seed} (replay: FC_SEED=${seed})`);

function run(config: SlidingLogConfig, times: number[]) {
  let state: SlidingLogState | undefined;
  return times.map((t) => {
    const r = slidingLog(config, state, t);
    state = r.state;
    return r.decision;
  });
}

describe('sliding log', () => {
  it('admits `limit` in any W, and the window is half-open: an entry at t stops counting at exactly t + W', () => {
    const c = { limit: 3, windowMs: 1000 };
    const ds = run(c, [0, 100, 200, 999, 1000, 1001, 1099, 1100]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, false, true, false, false, true]);
    expect(ds[3]?.retryAfterMs).toBe(1);
    expect(ds[5]?.retryAfterMs).toBe(99);
  });

  it('denied requests are not logged', () => {
    const ds = run({ limit: 1, windowMs: 1000 }, [0, 10, 20, 1000]);
    expect(ds.map((d) => d.allowed)).toEqual([true, false, false, true]);
  });

  it('properties: at most `limit` admitted in any half-open interval of length W; identical inputs → identical decisions; retryAfterMs is exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 250 }),
        (limit, windowMs, gaps) => {
          const c = { limit, windowMs };
          let t = 1_700_000_000_000;
          const times = gaps.map((g) => (t += g));
          const ds = run(c, times);
          expect(run(c, times)).toEqual(ds);
          const admitted = times.filter((_, i) => ds[i]?.allowed);
          // Checking windows that start at each admitted instant covers every interval's worst case.
          for (const a of admitted) {
            expect(admitted.filter((x) => x >= a && x < a + windowMs).length).toBeLessThanOrEqual(limit);
          }
          let state: SlidingLogState | undefined;
          times.forEach((time) => {
            const r = slidingLog(c, state, time);
            if (!r.decision.allowed) {
              const wait = r.decision.retryAfterMs as number;
              expect(slidingLog(c, r.state, time + wait).decision.allowed).toBe(true);
              expect(slidingLog(c, r.state, time + wait - 1).decision.allowed).toBe(false);
            }
            state = r.state;
          });
        },
      ),
      { seed, verbose: true },
    );
  });
});
