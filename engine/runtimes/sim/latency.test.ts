import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { sampleLatency } from './latency.ts';
import { percentile } from '../../trace/summary.ts';

describe('latency models', () => {
  it('log-normal fitted from p50 and p99 reproduces them', () => {
    const rng = new Rng(11);
    const xs = Array.from({ length: 50_000 }, () => sampleLatency({ kind: 'lognormal', p50Ms: 20, p99Ms: 80 }, rng)).sort((a, b) => a - b);
    expect(percentile(xs, 50)!).toBeGreaterThan(19);
    expect(percentile(xs, 50)!).toBeLessThan(21);
    expect(percentile(xs, 99)!).toBeGreaterThan(74);
    expect(percentile(xs, 99)!).toBeLessThan(86);
  });

  it('uniform stays in range; normal never goes negative; constant is constant', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 1000; i++) {
      const u = sampleLatency({ kind: 'uniform', minMs: 5, maxMs: 10 }, rng);
      expect(u).toBeGreaterThanOrEqual(5);
      expect(u).toBeLessThan(10);
      expect(sampleLatency({ kind: 'normal', meanMs: 1, stddevMs: 5 }, rng)).toBeGreaterThanOrEqual(0);
    }
    expect(sampleLatency({ kind: 'constant', ms: 7 }, rng)).toBe(7);
  });
});
