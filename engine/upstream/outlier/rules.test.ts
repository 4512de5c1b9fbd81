import { describe, expect, it } from 'vitest';
import { ENVOY_OUTLIER_DEFAULTS } from './defaults.ts';
import {
  ejectionTimeMs,
  enforced,
  isGatewayError,
  keyedDraw,
  localFailureStatus,
  maxEjectionAllowed,
  multiplierAfterEjection,
  successRateThreshold,
} from './rules.ts';

const P = ENVOY_OUTLIER_DEFAULTS;

describe('outlier rules', () => {
  it('semantics §9: ejection time = min(base × m, max(max, base))', () => {
    expect(ejectionTimeMs(P, 1)).toBe(30_000);
    expect(ejectionTimeMs(P, 2)).toBe(60_000);
    expect(ejectionTimeMs(P, 11)).toBe(300_000);
    // max below base: Envoy's config default is max(300 s, base), and the cap never undercuts base.
    expect(ejectionTimeMs({ ...P, baseEjectionTimeMs: 400_000, maxEjectionTimeMs: 300_000 }, 1)).toBe(400_000);
  });

  it('semantics §9: the multiplier grows while m·base < max + base, so it stops one step above the cap', () => {
    let m = 0;
    const seen: number[] = [];
    for (let k = 0; k < 15; k++) {
      m = multiplierAfterEjection(P, m);
      seen.push(m);
    }
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
    expect(Math.max(...seen)).toBe(11); // 10 × 30 s = 300 s < 330 s → 11; 11 × 30 s = 330 s is not
  });

  it('semantics §9: max_ejection_percent — eject only if 100·(ejected+1)/hosts ≤ max (Envoy ≥ 1.27)', () => {
    for (let hosts = 1; hosts < 10; hosts++) expect(maxEjectionAllowed(P, 0, hosts)).toBe(false);
    expect(maxEjectionAllowed(P, 0, 10)).toBe(true);
    expect(maxEjectionAllowed(P, 1, 10)).toBe(false);
    expect(maxEjectionAllowed({ ...P, maxEjectionPercent: 50 }, 0, 2)).toBe(true);
    expect(maxEjectionAllowed({ ...P, maxEjectionPercent: 50 }, 1, 2)).toBe(false);
    expect(maxEjectionAllowed({ ...P, maxEjectionPercent: 50 }, 1, 3)).toBe(false); // 66.7 % > 50 %
    expect(maxEjectionAllowed({ ...P, maxEjectionPercent: 250 }, 2, 3)).toBe(true); // capped at 100 %
  });

  it('semantics §9: always_eject_one_host allows exactly the first ejection', () => {
    const one = { ...P, alwaysEjectOneHost: true };
    expect(maxEjectionAllowed(one, 0, 2)).toBe(true);
    expect(maxEjectionAllowed(one, 1, 2)).toBe(false);
    expect(maxEjectionAllowed({ ...one, maxEjectionPercent: 0 }, 0, 100)).toBe(true);
  });

  it('semantics §9: success-rate threshold = mean − stdev_factor/1000 · stdev (population stdev)', () => {
    const s = successRateThreshold([50, 100, 100, 100, 100], 1900);
    expect(s.mean).toBe(90);
    expect(s.stdev).toBe(20);
    expect(s.threshold).toBeCloseTo(52, 10);
  });

  it('semantics §9: gateway errors are 502/503/504; a timeout maps to 504 and a refused or reset connection to 503', () => {
    expect([500, 501, 502, 503, 504, 505].map(isGatewayError)).toEqual([false, false, true, true, true, false]);
    expect(localFailureStatus('timeout')).toBe(504);
    expect(localFailureStatus('connect')).toBe(503);
    expect(localFailureStatus('reset')).toBe(503);
  });

  it('semantics §9: enforcing_* is a percentage chance; 0 and 100 consume no draw', () => {
    let draws = 0;
    const d = (v: number) => () => {
      draws++;
      return v;
    };
    expect(enforced(100, d(0.99)).yes).toBe(true);
    expect(enforced(0, d(0)).yes).toBe(false);
    expect(draws).toBe(0);
    expect(enforced(30, d(0.29)).yes).toBe(true);
    expect(enforced(30, d(0.3)).yes).toBe(false);
    expect(draws).toBe(2);
  });

  it('keyed draws are deterministic and in [0, 1)', () => {
    expect(keyedDraw('success-rate|3|10000')).toBe(keyedDraw('success-rate|3|10000'));
    expect(keyedDraw('a')).not.toBe(keyedDraw('b'));
    for (const k of ['', 'x', 'success-rate|0|0', 'failure-percentage|9|999999']) {
      const v = keyedDraw(k);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
