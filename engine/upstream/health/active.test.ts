import { describe, expect, it } from 'vitest';
import type { ActiveHealthIR } from '../policy.ts';
import { createActiveHealth, probePassed } from './active.ts';

const SPEC: ActiveHealthIR = { path: '/healthz', intervalMs: 5_000, timeoutMs: 1_000, healthyThreshold: 2, unhealthyThreshold: 3, healthyStatuses: [200, 302] };

describe('active health checks', () => {
  it('probe instants are startAt + k·interval in (from, to]', () => {
    const a = createActiveHealth(SPEC, 2, 1_000);
    expect(a.dueProbes(0, 20_000)).toEqual([1_000, 6_000, 11_000, 16_000]);
    expect(a.dueProbes(6_000, 16_000)).toEqual([11_000, 16_000]);
    expect(a.dueProbes(6_001, 10_999)).toEqual([]);
    expect(a.dueProbes(0, 999)).toEqual([]);
    expect(createActiveHealth({ ...SPEC, intervalMs: 0 }, 2, 0).dueProbes(0, 1e9)).toEqual([]);
  });

  it('without per-state intervals every host is due on every tick, healthy or not (the IR before Kong\'s rounds)', () => {
    const a = createActiveHealth({ ...SPEC, unhealthyThreshold: 1 }, 2, 0);
    a.recordProbe(0, false, 5_000);
    expect(a.isHealthy(0)).toBe(false);
    expect([1, 2, 3].map((k) => a.dueTargets(k))).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(a.roundAt(10_000)).toBe(2);
  });

  it('a healthy host goes out after unhealthyThreshold failures in a row; a pass breaks the run', () => {
    const a = createActiveHealth(SPEC, 2, 0, { hostNames: ['10.0.0.1:8080', '10.0.0.2:8080'] });
    expect(a.recordProbe(0, false, 0)?.reason).toBe('probe of /healthz on 10.0.0.1:8080 failed (1 of 3 in a row needed to mark it unhealthy)');
    a.recordProbe(0, false, 5_000);
    a.recordProbe(0, true, 10_000);
    a.recordProbe(0, false, 15_000);
    a.recordProbe(0, false, 20_000);
    expect(a.isHealthy(0)).toBe(true);
    expect(a.recordProbe(0, false, 25_000)).toEqual({
      changed: 'unhealthy',
      reason: 'probe of /healthz on 10.0.0.1:8080 failed 3 times in a row (unhealthy threshold 3, probes every 5 s): out of rotation',
    });
    expect(a.isHealthy(0)).toBe(false);
  });

  it('an unhealthy host returns after healthyThreshold passes in a row', () => {
    const a = createActiveHealth({ ...SPEC, unhealthyThreshold: 1 }, 1, 0);
    a.recordProbe(0, false, 0);
    expect(a.recordProbe(0, true, 5_000)?.changed).toBeUndefined();
    a.recordProbe(0, false, 10_000);
    expect(a.recordProbe(0, true, 15_000)?.changed).toBeUndefined();
    expect(a.recordProbe(0, true, 20_000)?.changed).toBe('healthy');
    expect(a.snapshot()).toMatchObject({ hosts: [{ healthy: true, passesInARow: 2, failuresInARow: 0 }] });
  });

  it("Envoy's start: unhealthy until the first probe, which decides at once", () => {
    const a = createActiveHealth({ ...SPEC, healthyThreshold: 3 }, 2, 0, { startUnhealthy: true });
    expect(a.isHealthy(0)).toBe(false);
    expect(a.recordProbe(0, true, 0)?.changed).toBe('healthy');
    a.recordProbe(1, false, 0);
    expect(a.recordProbe(1, true, 5_000)?.changed).toBeUndefined(); // after the first check, the threshold applies
  });

  it('a probe passes with an expected status in time, and fails otherwise', () => {
    expect(probePassed(SPEC, { status: 200, latencyMs: 10 })).toBe(true);
    expect(probePassed(SPEC, { status: 302 })).toBe(true);
    expect(probePassed(SPEC, { status: 204 })).toBe(false);
    expect(probePassed(SPEC, { status: 200, latencyMs: 1_001 })).toBe(false);
    expect(probePassed(SPEC, { failure: 'connect' })).toBe(false);
    expect(probePassed({ ...SPEC, healthyStatuses: [] }, { status: 204 })).toBe(true);
  });
});
