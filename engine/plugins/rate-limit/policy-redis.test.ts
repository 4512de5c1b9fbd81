/**
 * SeenCounters updates an identifier's state in place; the property: for any sequence of records,
 * its snapshots equal those of the old definition, which replaced the state with a fresh object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KONG_PERIOD_SECONDS, KONG_PERIODS, type KongLimits, type KongWindowState } from './math/kong-fixed-window.ts';
import { snapshotOf, snapshotStates } from './policy-local.ts';
import { numericValues, periodKeys, SeenCounters, type PeriodKey } from './policy-redis.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] policy-redis seed=${seed} (replay: FC_SEED=${seed})`);

/** The old record: a fresh state object per call. */
class ReferenceSeen {
  readonly byIdentifier = new Map<string, KongWindowState>();
  record(identifier: string, keys: PeriodKey[], values: number[], nowMs: number): void {
    const state: KongWindowState = {};
    keys.forEach((k, i) => {
      state[k.period] = { windowStartMs: k.windowStartMs, count: values[i] ?? 0, expiresAtMs: k.windowStartMs + KONG_PERIOD_SECONDS[k.period] * 1000 };
    });
    this.byIdentifier.set(identifier, state);
    if (this.byIdentifier.size > 1024) {
      for (const [id, s] of this.byIdentifier) if (!snapshotOf(s, nowMs)) this.byIdentifier.delete(id);
    }
  }
}

const limits = fc.dictionary(fc.constantFrom(...KONG_PERIODS), fc.integer({ min: 1, max: 100 }), { minKeys: 1, maxKeys: 6 }) as fc.Arbitrary<KongLimits>;
const START = Date.UTC(2026, 0, 31, 23, 59, 57);

describe('SeenCounters', () => {
  it('snapshots exactly as the fresh-object definition did, for any sequence of records', () => {
    const step = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 120_000 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 6 }));
    fc.assert(
      fc.property(limits, fc.array(step, { minLength: 1, maxLength: 80 }), (l, steps) => {
        const seen = new SeenCounters();
        const ref = new ReferenceSeen();
        let now = START;
        for (const [who, dt, values] of steps) {
          now += dt;
          const keys = periodKeys(l, {}, `10.0.0.${who}`, now);
          seen.record(`10.0.0.${who}`, keys, values, now);
          ref.record(`10.0.0.${who}`, keys, values, now);
          expect(JSON.stringify(seen.snapshot(now))).toBe(JSON.stringify(snapshotStates(ref.byIdentifier, now)));
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('numericValues hands numbers over as they are and reads anything else as 0', () => {
    expect(numericValues({ ok: true, values: [3, 4] }, 2)).toEqual([3, 4]);
    expect(numericValues({ ok: true, values: [3, null] }, 2)).toEqual([3, 0]);
    expect(numericValues({ ok: true, values: [3] }, 2)).toBeUndefined();
  });
});
