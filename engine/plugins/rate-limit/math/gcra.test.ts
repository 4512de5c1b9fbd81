import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcra, type GcraConfig, type GcraState } from './gcra.ts';
import { limitReqOne, type LimitReqNode } from './nginx-limit-req.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] gcra seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_700_000_000_000;

function run(config: GcraConfig, times: number[]) {
  let state: GcraState | undefined;
  return times.map((t) => {
    const r = gcra(config, state, t);
    state = r.state;
    return r.decision;
  });
}

describe('GCRA', () => {
  it('burst + 1 pass at once from an idle key, then one per emission interval T = period/limit', () => {
    const ds = run({ limit: 10, periodMs: 1000, burst: 4 }, [...Array(6).fill(T0), T0 + 99, T0 + 100, T0 + 100]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false, true, false]);
    expect(ds.slice(0, 5).map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(ds[5]).toMatchObject({ emissionIntervalMs: 100, toleranceMs: 400, retryAfterMs: 100 });
    expect(ds[6]?.retryAfterMs).toBe(1);
  });

  it('burst 0 enforces the spacing T exactly', () => {
    const ds = run({ limit: 3, periodMs: 1000, burst: 0 }, [T0, T0 + 333, T0 + 334]);
    expect(ds.map((d) => d.allowed)).toEqual([true, false, true]);
    expect(ds[1]?.retryAfterMs).toBe(1); // 333.33… − 333, rounded up to a whole ms
  });

  it('§2 nginx limit_req with nodelay and an r/s rate is GCRA(limit = N per 1 s, burst = B): same decisions for any schedule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 8 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (n, burst, gaps) => {
        let t = T0;
        const times = gaps.map((g) => (t += g));
        const g = run({ limit: n, periodMs: 1000, burst }, times).map((d) => d.allowed);
        let node: LimitReqNode | undefined;
        const ngx = times.map((time) => {
          const r = limitReqOne({ zone: 'z', rateMilli: n * 1000, burst, delay: 'nodelay' }, 'k', node, time);
          node = r.node;
          return r.decision.outcome === 'PASSED';
        });
        expect(g).toEqual(ngx);
      }),
      { seed, verbose: true },
    );
  });

  it('properties: admitted in [t0, T] <= burst + 1 + (T − t0)/emission interval; retryAfterMs is exact; identical inputs → identical decisions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(1000, 60_000, 7_000),
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 250 }),
        (limit, periodMs, burst, gaps) => {
          const config = { limit, periodMs, burst };
          let t = T0;
          const times = gaps.map((g) => (t += g));
          const ds = run(config, times);
          expect(run(config, times)).toEqual(ds);
          let admitted = 0;
          let state: GcraState | undefined;
          times.forEach((time, i) => {
            if (ds[i]?.allowed) admitted++;
            expect(admitted).toBeLessThanOrEqual(burst + 1 + ((time - T0) * limit) / periodMs + 1e-9);
            const r = gcra(config, state, time);
            if (!r.decision.allowed) {
              const wait = r.decision.retryAfterMs as number;
              expect(gcra(config, r.state, time + wait).decision.allowed).toBe(true);
              expect(gcra(config, r.state, time + wait - 1).decision.allowed).toBe(false);
            }
            state = r.state;
          });
        },
      ),
      { seed, verbose: true },
    );
  });
});
