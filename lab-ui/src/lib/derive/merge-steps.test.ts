// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSteps } from './cursor-math.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`merge-steps property seed: ${seed} (set FC_SEED to replay)`);

/** The reference: every value of every list once, ascending. */
const reference = (lists: number[][]): number[] => [...new Set(lists.flat())].sort((a, b) => a - b);

describe('mergeSteps', () => {
  it('merges ascending lists (each panel’s step times) into every time once, ascending', () => {
    const ascending = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }).map((l) => l.sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(ascending, { maxLength: 5 }), (lists) => {
        expect([...mergeSteps(lists.map((l) => Float64Array.from(l)))]).toEqual(reference(lists));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('still sorts lists that are not ascending', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 1e6 }), { maxLength: 20 }), { maxLength: 4 }), (lists) => {
        expect([...mergeSteps(lists.map((l) => Float64Array.from(l)))]).toEqual(reference(lists));
      }),
      { seed, numRuns: 200 },
    );
  });
});
