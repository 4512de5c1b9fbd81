/**
 * Traefik's passive health check, pinned against its source: traefik/traefik pkg/healthcheck/
 * healthcheck.go (PassiveServiceHealthChecker.WrapHandler, healthy, codeCatcher) and
 * pkg/config/dynamic/http_config.go (PassiveServerHealthCheck.SetDefaults). shared/semantics.md has
 * the feature only in its feature table ("Outlier detection (passive)": Traefik, v3.6+).
 */
import { describe, expect, it } from 'vitest';
import { createPassiveHealth } from './passive.ts';
import { createTraefikPassiveHealth } from './traefik-passive.ts';

const S = 1000;
const spec = (maxFailedAttempts: number, failureWindowMs = 10 * S) => ({ kind: 'traefik' as const, maxFailedAttempts, failureWindowMs });
const NAMES = ['10.0.4.1:8080', '10.0.4.2:8080'];

describe('Traefik passiveHealthCheck', () => {
  it('WrapHandler + healthy: maxFailedAttempts failures within failureWindow take the server out, named with the fields and numbers', () => {
    const h = createPassiveHealth(spec(3), 2, { hostNames: NAMES });
    expect(h.record(0, { status: 500 }, 1 * S)).toEqual({ reason: 'HTTP 500 from 10.0.4.1:8080: 1 failure within failureWindow 10 s < maxFailedAttempts 3, so it stays in rotation' });
    expect(h.record(0, { status: 503 }, 2 * S)?.changed).toBeUndefined();
    expect(h.isHealthy(0, 2 * S)).toBe(true);
    expect(h.record(0, { status: 502 }, 3 * S)).toEqual({
      changed: 'unhealthy',
      reason:
        'HTTP 502 from 10.0.4.1:8080: 3 failures within failureWindow 10 s ≥ maxFailedAttempts 3 — Traefik takes it out of the load balancer for failureWindow 10 s, then a timer puts it back (no trial request)',
    });
    expect(h.isHealthy(0, 3 * S)).toBe(false);
    expect(h.isHealthy(1, 3 * S)).toBe(true);
  });

  it('healthy: only failures strictly after now − failureWindow count', () => {
    const h = createTraefikPassiveHealth(spec(2), 1);
    h.record(0, { status: 500 }, 0);
    // Exactly failureWindow later the first failure is not After(windowStart): 1 of 2.
    expect(h.record(0, { status: 500 }, 10 * S)?.changed).toBeUndefined();
    expect(h.record(0, { status: 500 }, 19_999)?.changed).toBe('unhealthy');
  });

  it('WrapHandler: a response below 500 from a server that got the request empties the list (failures count only in a row)', () => {
    const h = createTraefikPassiveHealth(spec(2), 1, { hostNames: NAMES });
    h.record(0, { status: 500 }, 0);
    expect(h.record(0, { status: 404 }, 1 * S)).toEqual({ reason: 'HTTP 404 from 10.0.4.1:8080: below 500, so Traefik forgets its 1 failure (they must come in a row)' });
    expect(h.record(0, { status: 500 }, 2 * S)?.changed).toBeUndefined();
    expect(h.record(0, { status: 200 }, 3 * S)).toBeDefined();
    expect(h.record(0, { status: 200 }, 4 * S)).toBeUndefined(); // nothing to forget
  });

  it('WrapHandler + codeCatcher: a refused connection (never written), a timeout (504) and a reset (502) are failures', () => {
    for (const failure of ['connect', 'timeout', 'reset'] as const) {
      const h = createTraefikPassiveHealth(spec(1), 1);
      expect(h.record(0, { failure }, 0)?.changed, failure).toBe('unhealthy');
    }
    const h = createTraefikPassiveHealth(spec(1), 1);
    expect(h.record(0, { failure: 'timeout' }, 0)?.reason).toContain('a timeout (Traefik answers 504)');
  });

  it('the failureWindow timer puts the server back with no trial, reported once with its instant', () => {
    const h = createTraefikPassiveHealth(spec(1, 5 * S), 2, { hostNames: NAMES });
    h.record(1, { status: 500 }, 2 * S);
    expect(h.returns?.(6_999)).toEqual([]);
    expect(h.isHealthy(1, 6_999)).toBe(false);
    expect(h.isHealthy(1, 7 * S)).toBe(true);
    const back = h.returns?.(9 * S);
    expect(back).toHaveLength(1);
    expect(back?.[0]).toMatchObject({ host: 1, at: 7 * S });
    expect(back?.[0]?.reason).toContain('the failureWindow timer (5 s) for 10.0.4.2:8080 ran out');
    expect(h.returns?.(10 * S)).toEqual([]);
  });

  it('while the timer runs, more failures change nothing and do not restart it', () => {
    const h = createTraefikPassiveHealth(spec(1), 1);
    h.record(0, { status: 500 }, 0);
    const again = h.record(0, { status: 500 }, 4 * S);
    expect(again?.changed).toBeUndefined();
    expect(again?.reason).toContain('already out');
    expect(h.isHealthy(0, 10 * S)).toBe(true);
  });

  it('the list is kept on the way back: failures during the outage still count after it', () => {
    const h = createTraefikPassiveHealth(spec(2), 1);
    h.record(0, { status: 500 }, 0);
    h.record(0, { status: 500 }, 1 * S); // out until 11 s
    h.record(0, { status: 500 }, 9 * S); // an attempt already in flight: listed, timer untouched
    // Back at 11 s; one new failure at 12 s meets the one from 9 s inside the window: out again.
    expect(h.record(0, { status: 500 }, 12 * S)?.changed).toBe('unhealthy');
  });

  it('healthy: maxFailedAttempts 0 takes a server out at its first failure (len < 0 never holds)', () => {
    const h = createTraefikPassiveHealth(spec(0), 1);
    expect(h.record(0, { status: 500 }, 0)?.changed).toBe('unhealthy');
  });

  it('healthy: with a window of 0 nothing is trimmed, so every failure since the last success counts; the timer returns it at once', () => {
    const h = createTraefikPassiveHealth(spec(3, 0), 1);
    h.record(0, { status: 500 }, 0);
    h.record(0, { status: 500 }, 50 * S);
    expect(h.record(0, { status: 500 }, 100 * S)?.changed).toBe('unhealthy');
    expect(h.isHealthy(0, 100 * S)).toBe(true);
  });

  it('snapshot: failures per server, down with the instant the timer ends', () => {
    const h = createTraefikPassiveHealth(spec(1), 2, { hostNames: NAMES });
    h.record(0, { status: 500 }, 1 * S);
    expect(h.snapshot(2 * S)).toEqual({
      kind: 'traefik',
      maxFailedAttempts: 1,
      failureWindowMs: 10 * S,
      hosts: [
        { host: '10.0.4.1:8080', failures: 1, state: 'down', availableAgainAt: 11 * S },
        { host: '10.0.4.2:8080', failures: 0, state: 'up', availableAgainAt: null },
      ],
    });
  });
});
