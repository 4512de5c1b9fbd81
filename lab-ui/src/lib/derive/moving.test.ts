// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMovingCount } from './moving.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`moving property seed: ${seed} (set FC_SEED to replay)`);

const rl = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

describe('buildMovingCount', () => {
  it('counts the requests arrived and not yet answered', () => {
    const index = buildTraceIndex(syntheticTrace([
      { id: 'a', at: 100, upstreamMs: 50 },
      { id: 'b', at: 120, reject: rl },
      { id: 'c', at: 130, open: true },
    ]));
    const moving = buildMovingCount(index);
    expect([moving(0), moving(100), moving(120), moving(140), moving(149), moving(150), moving(10_000)]).toEqual([0, 1, 1, 2, 2, 1, 1]);
  });

  it('equals a walk over every request, at any instant', () => {
    const request = fc.record({
      at: fc.integer({ min: 0, max: 2000 }),
      kind: fc.constantFrom('ok', 'reject', 'open'),
      upstreamMs: fc.integer({ min: 1, max: 300 }),
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), fc.array(fc.integer({ min: -10, max: 2600 }), { minLength: 1, maxLength: 10 }), (reqs, instants) => {
        const index = buildTraceIndex(syntheticTrace(
          [...reqs].sort((a, b) => a.at - b.at).map((r, i) => ({
            id: `r-${i}`, at: r.at,
            ...(r.kind === 'reject' ? { reject: rl } : r.kind === 'open' ? { open: true } : { upstreamMs: r.upstreamMs }),
          })),
        ));
        const moving = buildMovingCount(index);
        for (const t of instants) {
          expect(moving(t), `t=${t}`).toBe(index.requests.filter((r) => r.startT <= t && t < r.endT).length);
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
