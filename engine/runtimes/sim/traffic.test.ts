import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { arrivals } from './traffic.ts';

describe('traffic shapes', () => {
  const rng = () => new Rng(3, 'client/x');

  it('a burst sends count requests at one instant (or spaced)', () => {
    expect(arrivals([{ kind: 'burst', atMs: 59_000, count: 3, spacingMs: 0 }], rng(), 120_000)).toEqual([59_000, 59_000, 59_000]);
    expect(arrivals([{ kind: 'burst', atMs: 0, count: 3, spacingMs: 10 }], rng(), 120_000)).toEqual([0, 10, 20]);
  });

  it('a constant rate sends rate × span requests evenly, end exclusive', () => {
    const t = arrivals([{ kind: 'constant', rate: 15, fromMs: 0, toMs: 60_000 }], rng(), 60_000);
    expect(t).toHaveLength(900);
    expect(t[1]! - t[0]!).toBeCloseTo(1000 / 15, 9);
  });

  it('a ramp from 0 to 10/s over 10 s sends about 50 requests, denser at the end', () => {
    const t = arrivals([{ kind: 'ramp', startRate: 0, endRate: 10, fromMs: 0, toMs: 10_000 }], rng(), 10_000);
    expect(t.length).toBeGreaterThanOrEqual(49);
    expect(t.length).toBeLessThanOrEqual(50);
    const firstHalf = t.filter((x) => x < 5000).length;
    expect(firstHalf).toBeLessThan(t.length / 2);
  });

  it('Poisson arrivals average the rate and are the same for the same stream', () => {
    const a = arrivals([{ kind: 'poisson', rate: 100, fromMs: 0, toMs: 100_000 }], rng(), 100_000);
    const b = arrivals([{ kind: 'poisson', rate: 100, fromMs: 0, toMs: 100_000 }], rng(), 100_000);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(9_500);
    expect(a.length).toBeLessThan(10_500);
  });

  it('merges shapes in time order and drops instants beyond the duration', () => {
    const t = arrivals(
      [
        { kind: 'list', atMs: [5, 1, 999_999] },
        { kind: 'burst', atMs: 3, count: 1, spacingMs: 0 },
      ],
      rng(),
      1000,
    );
    expect(t).toEqual([1, 3, 5]);
  });
});
