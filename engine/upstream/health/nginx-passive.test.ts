import { describe, expect, it } from 'vitest';
import { createNginxPassiveHealth } from './nginx-passive.ts';
import { createPassiveHealth } from './passive.ts';

const S = 1000;
const DEFAULTS = { kind: 'nginx' as const, maxFails: 1, failTimeoutMs: 10 * S };

describe('nginx max_fails / fail_timeout', () => {
  it('semantics §10: with the defaults (max_fails 1, fail_timeout 10 s) one error takes a peer out for fail_timeout', () => {
    const h = createPassiveHealth(DEFAULTS, 3, { hostNames: ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'] });
    expect(h.record(1, { failure: 'connect' }, 5_300)).toEqual({
      changed: 'unhealthy',
      reason:
        'a connection error from 10.0.0.2:80: failure 1 of max_fails 1 — nginx takes it out for fail_timeout 10 s ("upstream server temporarily disabled"), then lets one trial request through',
    });
    expect(h.isHealthy(1, 5_300)).toBe(false);
    // nginx keeps whole seconds: out while now − checked ≤ 10 s, i.e. through second 15.
    expect(h.isHealthy(1, 15_999)).toBe(false);
    expect(h.isHealthy(1, 16_000)).toBe(true);
    expect(h.isHealthy(0, 5_300)).toBe(true);
    expect(h.snapshot(10 * S)).toMatchObject({ hosts: [{ state: 'up' }, { fails: 1, state: 'down', availableAgainAt: 16 * S }, { state: 'up' }] });
  });

  it('semantics §10: after fail_timeout the peer gets one trial request; success brings it back', () => {
    const h = createNginxPassiveHealth(DEFAULTS, 2);
    h.record(0, { failure: 'timeout' }, 0);
    h.picked(0, 11 * S); // the trial: picking it stamps `checked`
    expect(h.isHealthy(0, 11 * S)).toBe(false); // so no second request follows while the trial runs
    const back = h.record(0, { status: 200 }, 11_500);
    expect(back?.changed).toBe('healthy');
    expect(back?.reason).toContain('the trial request to host 0 succeeded after fail_timeout 10 s: nginx forgets its 1 failures');
    expect(h.isHealthy(0, 11_500)).toBe(true);
    expect(h.snapshot(11_500)).toMatchObject({ hosts: [{ fails: 0, state: 'up' }, {}] });
  });

  it('semantics §10: a failed trial keeps the peer out for another fail_timeout', () => {
    const h = createNginxPassiveHealth(DEFAULTS, 2);
    h.record(0, { failure: 'timeout' }, 0);
    expect(h.snapshot(12 * S)).toMatchObject({ hosts: [{ state: 'trial' }, {}] });
    const again = h.record(0, { failure: 'reset' }, 12 * S);
    expect(again?.changed).toBeUndefined(); // it never came back in between
    expect(again?.reason).toContain('the trial failed, so nginx takes it out for fail_timeout 10 s');
    expect(h.isHealthy(0, 22 * S)).toBe(false);
    expect(h.isHealthy(0, 23 * S)).toBe(true);
  });

  it('semantics §10: only error and timeout count by default; a status counts only when listed in proxy_next_upstream', () => {
    const plain = createNginxPassiveHealth(DEFAULTS, 2);
    for (const status of [500, 502, 503, 504, 429]) expect(plain.record(0, { status }, 0)).toBeUndefined();
    expect(plain.isHealthy(0, 0)).toBe(true);
    const listed = createNginxPassiveHealth(DEFAULTS, 2, { failStatuses: [502, 404] });
    expect(listed.record(0, { status: 404 }, 0)).toBeUndefined(); // http_404 is never a failure
    expect(listed.record(0, { status: 502 }, 0)?.changed).toBe('unhealthy');
  });

  it('semantics §10: successes within fail_timeout of the last failure do not reset the count', () => {
    const h = createNginxPassiveHealth({ maxFails: 3, failTimeoutMs: 10 * S }, 2);
    h.record(0, { failure: 'connect' }, 0);
    h.record(0, { status: 200 }, 2 * S);
    h.record(0, { failure: 'connect' }, 4 * S);
    h.record(0, { status: 200 }, 6 * S);
    expect(h.record(0, { failure: 'connect' }, 8 * S)?.changed).toBe('unhealthy');
  });

  it('semantics §10: a success on a request picked more than fail_timeout after the last failure resets the count', () => {
    const h = createNginxPassiveHealth({ maxFails: 3, failTimeoutMs: 10 * S }, 2);
    h.record(0, { failure: 'connect' }, 0);
    h.record(0, { failure: 'connect' }, 4 * S);
    expect(h.record(0, { status: 200 }, 15 * S)?.reason).toContain('its failure count (2) starts again from 0');
    expect(h.record(0, { failure: 'connect' }, 16 * S)?.changed).toBeUndefined();
    expect(h.record(0, { failure: 'connect' }, 17 * S)?.changed).toBeUndefined();
    expect(h.isHealthy(0, 17 * S)).toBe(true);
  });

  it('semantics §10: failures are not forgotten by time alone — only a later success resets them', () => {
    const h = createNginxPassiveHealth({ maxFails: 3, failTimeoutMs: 10 * S }, 2);
    h.record(0, { failure: 'timeout' }, 0);
    h.record(0, { failure: 'timeout' }, 60 * S);
    expect(h.record(0, { failure: 'timeout' }, 120 * S)?.changed).toBe('unhealthy');
  });

  it('semantics §10: a single-server upstream and max_fails=0 never take a peer out', () => {
    const single = createNginxPassiveHealth(DEFAULTS, 1);
    expect(single.record(0, { failure: 'connect' }, 0)?.reason).toContain('an upstream with a single server ignores max_fails');
    expect(single.isHealthy(0, 0)).toBe(true);
    const off = createNginxPassiveHealth({ maxFails: 0, failTimeoutMs: 10 * S }, 2);
    expect(off.record(0, { failure: 'connect' }, 0)?.reason).toContain('max_fails=0 turns');
    expect(off.isHealthy(0, 0)).toBe(true);
  });

  it('without picked() the pick-time stamp happens at response time (pick ≈ response)', () => {
    const h = createNginxPassiveHealth(DEFAULTS, 2);
    h.record(0, { failure: 'connect' }, 0);
    expect(h.record(0, { status: 200 }, 11 * S)?.changed).toBe('healthy');
    expect(() => h.record(2, { status: 200 }, 0)).toThrow(RangeError);
  });
});
