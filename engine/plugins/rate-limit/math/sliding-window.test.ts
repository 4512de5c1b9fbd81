import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { slidingWindow, type SlidingWindowConfig, type SlidingWindowState } from './sliding-window.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] sliding-window seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_717_200_000_000; // a multiple of 60 s

function run(config: SlidingWindowConfig, times: number[], start?: SlidingWindowState) {
  let state = start;
  return times.map((t) => {
    const r = slidingWindow(config, state, t);
    state = r.state;
    return r.decision;
  });
}

describe('sliding-window counter (Kong Advanced style)', () => {
  it('§1 sliding: after an idle window exactly `limit` pass with reject "gte"; the literal "gt" reading lets one more through', () => {
    const times = Array(12).fill(T0 + 5_000);
    expect(run({ limit: 10, windowMs: 60_000 }, times).filter((d) => d.allowed)).toHaveLength(10);
    expect(run({ limit: 10, windowMs: 60_000, reject: 'gt' }, times).filter((d) => d.allowed)).toHaveLength(11);
  });

  it('§1 sliding: estimate = current + previous × (W − elapsed)/W — half-way through, a full previous window counts as 5 of 10', () => {
    const prev: SlidingWindowState = { windowStartMs: T0, current: 10, previous: 0 };
    const ds = run({ limit: 10, windowMs: 60_000, disablePenalty: true }, Array(6).fill(T0 + 90_000), prev);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(ds[0]?.estimate).toBe(5);
    expect(ds[0]?.previousWeight).toBe(0.5);
    expect(ds[5]?.estimate).toBe(10);
  });

  it('§1 sliding: a window two windows back no longer counts', () => {
    const old: SlidingWindowState = { windowStartMs: T0, current: 10, previous: 0 };
    const d = run({ limit: 10, windowMs: 60_000 }, [T0 + 120_000], old)[0];
    expect(d?.previous).toBe(0);
    expect(d?.allowed).toBe(true);
  });

  it('§1 sliding: by default denied requests are counted (the penalty); disable_penalty counts only admitted ones', () => {
    const burst = Array(20).fill(T0 + 1_000);
    const withPenalty = run({ limit: 10, windowMs: 60_000 }, [...burst, T0 + 60_000 + 1]);
    expect(withPenalty[20]?.estimate).toBeCloseTo(20 * (59_999 / 60_000), 9);
    expect(withPenalty[20]?.allowed).toBe(false);
    const noPenalty = run({ limit: 10, windowMs: 60_000, disablePenalty: true }, [...burst, T0 + 60_000 + 1]);
    expect(noPenalty[20]?.allowed).toBe(true);
    expect(noPenalty.slice(0, 20).filter((d) => d.penalised)).toHaveLength(0);
    expect(withPenalty.slice(0, 20).filter((d) => d.penalised)).toHaveLength(10);
  });

  it('retryAfterMs is the exact first admitting instant when nothing else arrives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'gte' | 'gt'>('gte', 'gt'),
        fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 80 }),
        (limit, reject, gaps) => {
          const config: SlidingWindowConfig = { limit, windowMs: 10_000, reject, disablePenalty: true };
          let state: SlidingWindowState | undefined;
          let t = T0;
          for (const g of gaps) {
            t += g;
            const r = slidingWindow(config, state, t);
            if (!r.decision.allowed) {
              const wait = r.decision.retryAfterMs as number;
              expect(wait).toBeGreaterThan(0);
              expect(slidingWindow(config, r.state, t + wait).decision.allowed).toBe(true);
              expect(slidingWindow(config, r.state, t + wait - 1).decision.allowed).toBe(false);
            }
            state = r.state;
          }
        },
      ),
      { seed, verbose: true },
    );
  });

  it('properties: at most `limit` admitted per aligned window (limit + 1 with "gt"); identical inputs → identical decisions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom<'gte' | 'gt'>('gte', 'gt'),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 300 }),
        (limit, reject, disablePenalty, gaps) => {
          const config: SlidingWindowConfig = { limit, windowMs: 10_000, reject, disablePenalty };
          let t = T0;
          const times = gaps.map((g) => (t += g));
          const a = run(config, times);
          expect(run(config, times)).toEqual(a);
          const perWindow = new Map<number, number>();
          times.forEach((time, i) => {
            if (a[i]?.allowed) perWindow.set(Math.floor(time / 10_000), (perWindow.get(Math.floor(time / 10_000)) ?? 0) + 1);
          });
          for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(reject === 'gte' ? limit : limit + 1);
        },
      ),
      { seed, verbose: true },
    );
  });
});
