// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CumulativeBuilder } from './cumulative.ts';
import type { RequestRow } from './trace-index.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`cumulative property seed: ${seed} (set FC_SEED to replay)`);

const row = fc.record({
  client: fc.constantFrom('c1', 'c2', 'c3'),
  status: fc.constantFrom(200, 429, 503),
  source: fc.constantFrom('upstream', 'gateway', 'front') as fc.Arbitrary<RequestRow['source']>,
  outcome: fc.constantFrom('ok', 'rejected', 'upstream-error') as fc.Arbitrary<RequestRow['outcome']>,
});

/** The keys a request counts under, spelled out once more as the reference. */
function keysOf(r: RequestRow): string[] {
  const keys = ['ended', `outcome:${r.outcome}`, `status:${r.status}`, `client:${r.client}:ended`];
  if (r.source === 'upstream') keys.push('admitted', `client:${r.client}:admitted`);
  else keys.push(`gateway-status:${r.outcome}:${r.status}`);
  return keys;
}

describe('CumulativeBuilder', () => {
  it('counts in batches, across its arrays growing, what a running count over all the rows gives', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.oneof(fc.integer({ min: 0, max: 1024 }), fc.integer({ min: 1025, max: 3600 })), fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 5 }), (pattern, total, sizes) => {
        // Up to 3,600 rows, so batches cross the 1,024-row first capacity and the arrays grow.
        const ends = Array.from({ length: total }, (_, i) => pattern[i % pattern.length]) as RequestRow[];
        const builder = new CumulativeBuilder();
        const seen: RequestRow[] = [];
        for (let k = 0; seen.length < ends.length; k++) {
          seen.push(...ends.slice(seen.length, seen.length + (sizes[k % sizes.length] as number)));
          builder.extend(seen);
        }
        const statuses = [...new Set(ends.map((r) => r.status as number))].sort((a, b) => a - b);
        const got = builder.finish(statuses);
        const want = new Map<string, Int32Array>();
        for (const key of ['ended', 'admitted', ...statuses.map((s) => `status:${s}`)]) want.set(key, new Int32Array(ends.length + 1));
        for (const r of ends) for (const key of keysOf(r)) if (!want.has(key)) want.set(key, new Int32Array(ends.length + 1));
        for (const [key, arr] of want) for (let i = 0; i < ends.length; i++) arr[i + 1] = (arr[i] as number) + (keysOf(ends[i] as RequestRow).includes(key) ? 1 : 0);
        expect(new Set(got.keys())).toEqual(new Set(want.keys()));
        for (const [key, arr] of want) expect(Array.from(got.get(key) ?? []), key).toEqual(Array.from(arr));
      }),
      { seed, numRuns: 60 },
    );
  });
});
