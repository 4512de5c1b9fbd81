import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';

const req = { requestId: 'r', now: 0, draw: () => 0 };
const hosts = [
  { key: 'a:80', weight: 2 },
  { key: 'b:80', weight: 1 },
];

describe("semantics §10 / Kong round-robin: the wheel holds each target weight-many times", () => {
  it('walks the wheel a b a, over and over', () => {
    const lb = createBalancer({ kind: 'weighted-round-robin', wheel: true }, hosts);
    expect(Array.from({ length: 6 }, () => lb.pick([0, 1], req).index)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('a host that may not take this request is stepped over and keeps its later slots', () => {
    const lb = createBalancer({ kind: 'weighted-round-robin', wheel: true }, hosts);
    // The retry of a request that a refused: a's slot is stepped over, b answers, and the next
    // request finds a's next slot — unlike smooth WRR, where a skipped peer earns no weight.
    const retry = lb.pick([1], req);
    expect(retry.index).toBe(1);
    expect(retry.reason).toContain('stepped over 1 slot');
    expect(lb.pick([0, 1], req).index).toBe(0);
  });

  it('weights scale down by their gcd: 100 and 100 make a two-slot wheel', () => {
    const lb = createBalancer({ kind: 'weighted-round-robin', wheel: true }, [
      { key: 'a:80', weight: 100 },
      { key: 'b:80', weight: 100 },
    ]);
    expect(lb.snapshot()).toMatchObject({ slots: 2 });
  });
});
