/**
 * Traefik's retry middleware (pkg/middlewares/retry, newBackOff): no backoff with fewer than two
 * attempts or no initialInterval; otherwise an exponential backoff from initialInterval with
 * multiplier 2^(1/(attempts−1)), each wait drawn within ±50 % of the interval (the backoff library's
 * default randomisation), intervals capped at the library's 60 s.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoff } from '../../upstream/retry.ts';
import type { RetryPolicyIR } from '../../upstream/policy.ts';
import { collectingReporter } from '../rate-limit/test-kit.ts';
import { parseRetryConfig } from './config.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

function policyOf(raw: Record<string, unknown>): RetryPolicyIR {
  const report = collectingReporter();
  const { policy } = parseRetryConfig(raw, report);
  expect(report.items).toEqual([]);
  return policy;
}

/** The waits before each retry for one draw, in whole ms. */
const waits = (policy: RetryPolicyIR, draw: number) => Array.from({ length: policy.numRetries }, (_, i) => backoff(policy, i + 1, draw));

describe('Traefik retry backoff', () => {
  it('attempts 3, initialInterval 100ms: the interval grows ×√2 (100, then 141 ms), each wait within ±50 %', () => {
    const p = policyOf({ attempts: 3, initialInterval: '100ms' });
    expect(waits(p, 0.5)).toEqual([100, 141]);
    expect(waits(p, 0)).toEqual([50, 70]);
    expect(waits(p, 0.999_999)).toEqual([149, 212]);
  });

  it('attempts 5: multiplier 2^(1/4), so the last retry waits about 1.68 × initialInterval, never twice it', () => {
    expect(waits(policyOf({ attempts: 5, initialInterval: '1s' }), 0.5)).toEqual([1000, 1189, 1414, 1681]);
  });

  it('one attempt or no initialInterval: no backoff at all', () => {
    expect(policyOf({ attempts: 1, initialInterval: '100ms' }).backoff).toEqual({ kind: 'none' });
    expect(policyOf({ attempts: 3 }).backoff).toEqual({ kind: 'none' });
    expect(waits(policyOf({ attempts: 3 }), 0.5)).toEqual([0, 0]);
  });

  it('the grown interval is capped at 60 s; the first one is not', () => {
    expect(waits(policyOf({ attempts: 3, initialInterval: '50s' }), 0.5)).toEqual([50_000, 60_000]);
    expect(waits(policyOf({ attempts: 2, initialInterval: '90s' }), 0.5)).toEqual([90_000]);
  });

  it('for any attempts, interval and draw: each wait lies in [½, 1½] of an interval that never falls and stays under 2 × initialInterval', () => {
    console.log(`[fast-check] traefik retry backoff seed=${SEED} (replay: FC_SEED=${SEED})`);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 20_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempts, initial, draw) => {
        const p = policyOf({ attempts, initialInterval: `${initial}ms` });
        const mid = waits(p, 0.5);
        for (let n = 1; n < attempts; n++) {
          const interval = Math.min(initial * 2 ** ((n - 1) / (attempts - 1)), n === 1 ? Infinity : 60_000);
          const w = backoff(p, n, draw);
          expect(w).toBeGreaterThanOrEqual(Math.floor(interval / 2));
          expect(w).toBeLessThanOrEqual(Math.floor(interval * 1.5));
          expect(interval).toBeLessThan(2 * initial);
        }
        for (let i = 1; i < mid.length; i++) expect(mid[i]).toBeGreaterThanOrEqual(mid[i - 1] as number);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
