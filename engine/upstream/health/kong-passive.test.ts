import { describe, expect, it } from 'vitest';
import type { PassiveHealthIR } from '../policy.ts';
import { createPassiveHealth } from './passive.ts';

type Kong = Extract<PassiveHealthIR, { kind: 'kong' }>;
const KONG_DEFAULTS: Kong = {
  kind: 'kong',
  unhealthyStatuses: [429, 500, 503],
  httpFailures: 0,
  tcpFailures: 0,
  timeouts: 0,
  healthySuccesses: 0,
  healthyStatuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
};
const K = (over: Partial<Kong>): Kong => ({ ...KONG_DEFAULTS, ...over });

describe('Kong passive health checks', () => {
  it("Kong's defaults count nothing: every threshold is 0", () => {
    const h = createPassiveHealth(KONG_DEFAULTS, 2);
    for (let k = 0; k < 50; k++) h.record(0, { status: 500 }, k);
    expect(h.record(0, { failure: 'timeout' }, 99)?.reason).toBe('timeout from host 0: Kong ignores it because healthchecks.passive.unhealthy.timeouts is 0 (off)');
    expect(h.isHealthy(0, 100)).toBe(true);
  });

  it('reaching http_failures marks the target unhealthy; statuses outside both lists are ignored', () => {
    const h = createPassiveHealth(K({ httpFailures: 3 }), 2, { hostNames: ['10.0.0.1:8000', '10.0.0.2:8000'] });
    h.record(1, { status: 500 }, 0);
    expect(h.record(1, { status: 404 }, 1)).toBeUndefined();
    h.record(1, { status: 503 }, 2);
    expect(h.isHealthy(1, 2)).toBe(true); // "mostly healthy" still routes
    const out = h.record(1, { status: 429 }, 3);
    expect(out?.changed).toBe('unhealthy');
    expect(out?.reason).toBe(
      'HTTP failure (429) from 10.0.0.2:8000: 3 of 3 (healthchecks.passive.unhealthy.http_failures) — Kong marks the target unhealthy; with healthchecks.passive.healthy.successes 0 it stays out until an active check or the admin API (POST /upstreams/{upstream}/targets/{target}/healthy) brings it back',
    );
    expect(h.isHealthy(1, 1e9)).toBe(false); // never by itself
  });

  it('with healthy.successes 0, successes do not forgive earlier failures', () => {
    const h = createPassiveHealth(K({ httpFailures: 3 }), 2);
    h.record(0, { status: 500 }, 0);
    h.record(0, { status: 500 }, 1);
    for (let k = 0; k < 100; k++) expect(h.record(0, { status: 200 }, 2 + k)).toBeUndefined();
    expect(h.record(0, { status: 500 }, 200)?.changed).toBe('unhealthy');
  });

  it('with healthy.successes > 0, a success resets the failure counters and enough successes in a row heal', () => {
    const h = createPassiveHealth(K({ httpFailures: 3, healthySuccesses: 2 }), 2);
    for (const s of [500, 500, 200, 500, 500]) h.record(0, { status: s }, 0);
    expect(h.isHealthy(0, 0)).toBe(true);
    expect(h.record(0, { status: 500 }, 1)?.changed).toBe('unhealthy');
    expect(h.record(0, { status: 200 }, 2)?.changed).toBeUndefined();
    h.record(0, { status: 500 }, 3); // counted (the target is only "mostly unhealthy"), and it clears the success run
    expect(h.record(0, { status: 200 }, 4)?.changed).toBeUndefined();
    expect(h.record(0, { status: 200 }, 5)).toMatchObject({ changed: 'healthy' });
    expect(h.isHealthy(0, 5)).toBe(true);
  });

  it('TCP failures and timeouts have their own counters', () => {
    const h = createPassiveHealth(K({ tcpFailures: 2, timeouts: 2 }), 2);
    expect(h.record(0, { failure: 'connect' }, 0)?.changed).toBeUndefined();
    expect(h.record(0, { failure: 'timeout' }, 1)?.changed).toBeUndefined();
    const out = h.record(0, { failure: 'reset' }, 2);
    expect(out?.changed).toBe('unhealthy');
    expect(out?.reason).toContain('TCP failure (connection reset) from host 0: 2 of 2 (healthchecks.passive.unhealthy.tcp_failures)');
    expect(h.snapshot(2)).toMatchObject({ hosts: [{ health: 'unhealthy', counters: { tcpFailures: 2, timeouts: 1 } }, { health: 'healthy' }] });
  });
});
