import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundedMemo } from './bounded-memo.ts';

describe('BoundedMemo', () => {
  it('computes a key once while it is remembered, and returns the same object', () => {
    const memo = new BoundedMemo<{ key: string }>(2);
    let calls = 0;
    const make = (key: string) => {
      calls++;
      return { key };
    };
    const first = memo.get('a', make);
    expect(memo.get('a', make)).toBe(first);
    expect(calls).toBe(1);
  });

  it('remembers undefined answers too', () => {
    const memo = new BoundedMemo<string | undefined>(4);
    let calls = 0;
    memo.get('x', () => (calls++, undefined));
    memo.get('x', () => (calls++, undefined));
    expect(calls).toBe(1);
  });

  it('drops the oldest key when full, and never holds more than its bound', () => {
    const memo = new BoundedMemo<number>(2);
    memo.get('a', () => 1);
    memo.get('b', () => 2);
    memo.get('c', () => 3);
    expect(memo.size).toBe(2);
    let recomputed = false;
    memo.get('a', () => ((recomputed = true), 1));
    expect(recomputed).toBe(true);
  });

  it('always answers what the function answers, whatever the keys and the bound', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] bounded-memo seed=${seed} (replay: FC_SEED=${seed})`);
    const f = (key: string): string => `${key.length}:${key}`;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 60 }), (bound, keys) => {
        const memo = new BoundedMemo<string>(bound);
        return keys.every((k) => memo.get(k, f) === f(k) && memo.size <= bound);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refuses a bound below one', () => {
    expect(() => new BoundedMemo<number>(0)).toThrow(/at least one entry/);
  });
});
