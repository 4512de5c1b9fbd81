import { describe, expect, it } from 'vitest';
import { keyedDraw, Rng } from './rng.ts';

describe('Rng', () => {
  it('is a pure function of seed and stream name', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    const da = Array.from({ length: 5 }, () => a.next());
    const db = Array.from({ length: 5 }, () => b.next());
    expect(da).toEqual(db);
    expect(new Rng(43, 'x').next()).not.toBe(new Rng(42, 'x').next());
  });

  it('split streams are independent of how much a sibling consumed', () => {
    const root1 = new Rng(7);
    const root2 = new Rng(7);
    const sibling = root1.split('client/a');
    for (let i = 0; i < 1000; i++) sibling.next();
    expect(root1.split('client/b').next()).toBe(root2.split('client/b').next());
  });

  it('draws are uniform enough: mean of 100k draws within 1% of 0.5', () => {
    const r = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += r.next();
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('keyed draws depend only on (seed, purpose, key, index)', () => {
    expect(keyedDraw(1, 'canary', 'req-1')).toBe(keyedDraw(1, 'canary', 'req-1'));
    expect(keyedDraw(1, 'canary', 'req-1')).not.toBe(keyedDraw(1, 'canary', 'req-2'));
    expect(keyedDraw(1, 'canary', 'req-1')).not.toBe(keyedDraw(2, 'canary', 'req-1'));
    expect(keyedDraw(1, 'canary', 'req-1', 1)).not.toBe(keyedDraw(1, 'canary', 'req-1', 0));
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (keyedDraw(9, 'p', `r-${i}`) < 0.05) hits++;
    expect(hits / 20_000).toBeGreaterThan(0.04);
    expect(hits / 20_000).toBeLessThan(0.06);
  });
});
