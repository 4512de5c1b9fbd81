import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, request, scripted, tally } from './test-kit.ts';

const RANDOM = { kind: 'random' } as const;

describe('random: weighted, request-keyed draws (semantics §10)', () => {
  it('the draw walks the cumulative weights', () => {
    const b = createBalancer(RANDOM, named(5, 1, 1));
    // total 7: a owns [0, 5/7), b [5/7, 6/7), c [6/7, 1).
    expect(b.pick([0, 1, 2], scripted({ 'lb-random': [0.7] })).index).toBe(0);
    expect(b.pick([0, 1, 2], scripted({ 'lb-random': [0.75] })).index).toBe(1);
    expect(b.pick([0, 1, 2], scripted({ 'lb-random': [0.99999] })).index).toBe(2);
    // Only eligible hosts share the draw.
    expect(b.pick([1, 2], scripted({ 'lb-random': [0.4] })).index).toBe(1);
  });

  it('explains the odds', () => {
    const b = createBalancer(RANDOM, named(5, 1, 1));
    expect(b.pick([0, 1, 2], scripted({ 'lb-random': [0.75] })).reason).toBe(
      'random: draw 0.75 of the weights (total 7) lands on b (weight 1, chance 14.29 %)',
    );
  });

  it('the same request id picks the same host', () => {
    const b = createBalancer(RANDOM, named(1, 1, 1, 1));
    const first = b.pick([0, 1, 2, 3], request('abc')).index;
    for (let k = 0; k < 5; k++) expect(b.pick([0, 1, 2, 3], request('abc')).index).toBe(first);
  });

  it('shares follow weights 5:1:1 within 2 percentage points over 14,000 requests', () => {
    const counts = tally(createBalancer(RANDOM, named(5, 1, 1)), 3, 14000);
    const share = counts.map((c) => c / 14000);
    [5 / 7, 1 / 7, 1 / 7].forEach((want, i) => expect(Math.abs((share[i] ?? 0) - want)).toBeLessThan(0.02));
  });
});
