import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EffectResult, StoreOp } from '../../pipeline/types.ts';
import { ModeledStore } from './store.ts';

/** The store's answers before entries were updated in place: a fresh entry object on every INCR. */
function referenceStore(): (ops: readonly StoreOp[], now: number) => EffectResult {
  const entries = new Map<string, { value: number; expiresAt: number }>();
  return (ops, now) => {
    const values: Array<number | null> = [];
    for (const op of ops) {
      const current = entries.get(op.key);
      const live = current && current.expiresAt > now ? current : undefined;
      if (op.op === 'get') {
        values.push(live ? live.value : null);
        continue;
      }
      const value = (live?.value ?? 0) + op.by;
      entries.set(op.key, { value, expiresAt: live ? live.expiresAt : now + op.ttlMs });
      values.push(value);
    }
    return { ok: true, values };
  };
}

describe('modeled counter store, in-place updates', () => {
  it('answers every batch as the copy-on-write store did', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] ModeledStore in-place seed=${seed} (replay: FC_SEED=${seed})`);
    const key = fc.constantFrom('a', 'b', 'c');
    const op: fc.Arbitrary<StoreOp> = fc.oneof(
      fc.record({ op: fc.constant('incr' as const), key, by: fc.integer({ min: -3, max: 5 }), ttlMs: fc.integer({ min: 1, max: 50 }) }),
      fc.record({ op: fc.constant('get' as const), key }),
    );
    const batch = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.array(op, { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 30 }), (batches) => {
        const store = new ModeledStore();
        const reference = referenceStore();
        let now = 0;
        for (const [step, ops] of batches) {
          now += step;
          expect(store.apply(ops, now)).toEqual(reference(ops, now));
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});
