/**
 * describeEffect keeps the text of each store and HTTP effect object: the text must be the one the
 * effect itself describes, for every object, however often it is asked. Set FC_SEED to replay.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Effect, StoreOp } from '../../pipeline/types.ts';
import { describeEffect } from './describe.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] describe-effect seed=${seed} (replay: FC_SEED=${seed})`);

const storeOp: fc.Arbitrary<StoreOp> = fc.oneof(
  fc.record({ op: fc.constant('incr' as const), key: fc.string(), by: fc.integer(), ttlMs: fc.nat() }),
  fc.record({ op: fc.constant('get' as const), key: fc.string() }),
);
const effect: fc.Arbitrary<Effect> = fc.oneof(
  fc.record({ type: fc.constant('store' as const), ops: fc.array(storeOp, { maxLength: 4 }) }),
  fc.record({
    type: fc.constant('http' as const), purpose: fc.string(), method: fc.constantFrom('GET', 'POST'), url: fc.string(),
    headers: fc.constant([] as Array<[string, string]>), timeoutMs: fc.nat(),
  }),
  fc.record({ type: fc.constant('sleep' as const), purpose: fc.string(), ms: fc.nat() }),
  fc.record({ type: fc.constant('compute' as const), purpose: fc.string(), cpuUs: fc.nat() }),
);

/** The wording, written out here independently of describe.ts. */
function expected(e: Effect): string {
  if (e.type === 'store') return `store: ${e.ops.map((o) => `${o.op} ${o.key}`).join(', ')}`;
  if (e.type === 'http') return `${e.purpose}: ${e.method} ${e.url}`;
  if (e.type === 'sleep') return `${e.purpose}: wait ${e.ms} ms`;
  return e.purpose;
}

describe('describeEffect', () => {
  it('describes every effect object by its own content, the first time and every time after', () => {
    fc.assert(
      fc.property(fc.array(effect, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (effects, order) => {
        for (const e of effects) expect(describeEffect(e)).toBe(expected(e));
        for (const i of order) {
          const e = effects[i % effects.length] as Effect;
          expect(describeEffect(e)).toBe(expected(e));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('gives two equal-looking but distinct effect objects each its own text', () => {
    const a: Effect = { type: 'store', ops: [{ op: 'get', key: 'a' }] };
    const b: Effect = { type: 'store', ops: [{ op: 'get', key: 'b' }] };
    expect(describeEffect(a)).toBe('store: get a');
    expect(describeEffect(b)).toBe('store: get b');
    expect(describeEffect(a)).toBe('store: get a');
  });
});
