/**
 * Kong's active health checks as lua-resty-healthcheck runs them (Kong's copy,
 * kong/resty/healthcheck.lua). Each test names the function whose behaviour it pins; semantics.md §9
 * has no Kong active-check rules of its own, so the source is the reference.
 */
import { describe, expect, it } from 'vitest';
import type { ActiveHealthIR } from '../policy.ts';
import { UpstreamCluster } from '../cluster.ts';
import { nativeService } from '../native-service-kit.ts';
import { createActiveHealth } from './active.ts';
import { classifyProbe } from './probe.ts';

/** Kong defaults for the lists; healthy rounds every 300 ms, unhealthy every 100 ms. */
const KONG: ActiveHealthIR = {
  path: '/healthz',
  intervalMs: 100,
  timeoutMs: 1_000,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  healthyStatuses: [200, 302],
  probe: 'http',
  healthyIntervalMs: 300,
  unhealthyIntervalMs: 100,
  failureThresholds: { http: 2, tcp: 3, timeouts: 1 },
  unhealthyStatuses: [429, 404, 500, 501, 502, 503, 504, 505],
};

const HOSTS = { hostNames: ['a', 'b'] };

describe('Kong active checks: the schedule (active_check_timer, checker_callback, checker:start)', () => {
  it('healthy targets are probed every healthy.interval, unhealthy ones every unhealthy.interval, from the load', () => {
    const a = createActiveHealth(KONG, 2, 0, HOSTS);
    // checker:start sets last_run to the start, so the first round comes one interval later.
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => a.dueTargets(k))).toEqual([[0, 1], [], [], [0, 1], [], [], [0, 1]]);
    a.recordProbe(0, { status: 500 }, 300);
    a.recordProbe(0, { status: 500 }, 600);
    expect(a.isHealthy(0)).toBe(false);
    // a is now in the unhealthy round (every tick); b stays on the healthy one.
    expect([7, 8, 9].map((k) => a.dueTargets(k))).toEqual([[0], [0], [0, 1]]);
  });

  it('a state change restarts no clock: the next probe is the next round of the new state', () => {
    // healthy every 200 ms, unhealthy every 500 ms: rounds of each on their own grid from the start.
    const a = createActiveHealth({ ...KONG, healthyIntervalMs: 200, unhealthyIntervalMs: 500, failureThresholds: { http: 1, tcp: 1, timeouts: 1 } }, 1, 0);
    expect(a.isDue(0, 2)).toBe(true);
    a.recordProbe(0, { status: 503 }, 200); // out at tick 2
    // Not 2 + 5 = 7: the unhealthy round last ran at 0, so it runs next at tick 5.
    expect([3, 4, 5, 6, 7].map((k) => a.isDue(0, k))).toEqual([false, false, true, false, false]);
  });

  it('an interval of 0 probes no target in that state: with unhealthy.interval 0 a target never comes back', () => {
    const a = createActiveHealth({ ...KONG, intervalMs: 300, unhealthyIntervalMs: 0, failureThresholds: { http: 1, tcp: 1, timeouts: 1 } }, 1, 0, HOSTS);
    expect(a.recordProbe(0, { status: 500 }, 300)).toEqual({
      changed: 'unhealthy',
      reason: 'probe of /healthz on a failed: 1 of 1 HTTP failures (unhealthy.http_failures): out of rotation; unhealthy.interval is 0, so no probe ever brings it back',
    });
    expect(Array.from({ length: 50 }, (_, k) => a.isDue(0, k)).some(Boolean)).toBe(false);
    const h = createActiveHealth({ ...KONG, intervalMs: 100, healthyIntervalMs: 0 }, 1, 0);
    expect(Array.from({ length: 50 }, (_, k) => h.isDue(0, k)).some(Boolean)).toBe(false);
  });
});

describe('Kong active checks: the counters (incr_counter)', () => {
  it('each failure kind has its own counter; they never add up, and only a counted success clears them', () => {
    const a = createActiveHealth(KONG, 1, 0, HOSTS);
    a.recordProbe(0, { status: 500 }, 0); // http 1 of 2
    expect(a.recordProbe(0, { failure: 'connect' }, 0)?.reason).toBe('probe of /healthz on a failed: 1 of 3 TCP failures (unhealthy.tcp_failures)');
    expect(a.recordProbe(0, { failure: 'reset' }, 0)?.reason).toBe('probe of /healthz on a failed: 2 of 3 TCP failures (unhealthy.tcp_failures)');
    expect(a.isHealthy(0)).toBe(true); // 1 HTTP + 2 TCP: no counter at its threshold
    expect(a.recordProbe(0, { status: 200 }, 0)?.reason).toBe('probe of /healthz on a passed: 1 of 2 successes (healthy.successes)');
    expect(a.snapshot()).toMatchObject({ hosts: [{ health: 'mostly_healthy', counters: { successes: 1, httpFailures: 0, tcpFailures: 0, timeouts: 0 } }] });
    a.recordProbe(0, { status: 500 }, 0);
    expect(a.recordProbe(0, { status: 502 }, 0)).toEqual({
      changed: 'unhealthy',
      reason: 'probe of /healthz on a failed: 2 of 2 HTTP failures (unhealthy.http_failures): out of rotation; unhealthy targets are probed every 100 ms',
    });
  });

  it('a failure clears the success counter; two passes in a row bring the target back', () => {
    const a = createActiveHealth(KONG, 1, 0, HOSTS);
    a.recordProbe(0, { failure: 'timeout' }, 0); // timeouts 1 of 1: out
    expect(a.isHealthy(0)).toBe(false);
    expect(a.recordProbe(0, { failure: 'timeout' }, 0)).toBeUndefined(); // a fully unhealthy target counts no failure
    a.recordProbe(0, { status: 200 }, 0);
    a.recordProbe(0, { status: 500 }, 0); // clears the success
    expect(a.recordProbe(0, { status: 302 }, 0)?.changed).toBeUndefined();
    expect(a.recordProbe(0, { status: 200 }, 0)).toEqual({ changed: 'healthy', reason: 'probe of /healthz on a passed: 2 of 2 successes (healthy.successes): back in rotation' });
  });

  it('a threshold of 0 counts nothing and clears nothing', () => {
    const noHttp = createActiveHealth({ ...KONG, failureThresholds: { http: 0, tcp: 3, timeouts: 1 } }, 1, 0, HOSTS);
    for (let k = 0; k < 10; k++) noHttp.recordProbe(0, { status: 500 }, 0);
    expect(noHttp.isHealthy(0)).toBe(true);
    expect(noHttp.recordProbe(0, { status: 500 }, 0)?.reason).toBe('probe of /healthz on a failed, but unhealthy.http_failures is 0: Kong does not count HTTP failures');
    // healthy.successes 0: a pass does not forgive, so two failures with passes between take it out.
    const noSuccess = createActiveHealth({ ...KONG, healthyThreshold: 0 }, 1, 0, HOSTS);
    noSuccess.recordProbe(0, { status: 500 }, 0);
    noSuccess.recordProbe(0, { status: 200 }, 0);
    noSuccess.recordProbe(0, { status: 200 }, 0);
    expect(noSuccess.recordProbe(0, { status: 500 }, 0)?.changed).toBe('unhealthy');
    expect(noSuccess.recordProbe(0, { status: 200 }, 0)?.reason).toBe('probe of /healthz on a passed, but healthy.successes is 0: active checks never bring a target back');
  });
});

describe('Kong active checks: what a probe counts as (run_single_check, report_http_status)', () => {
  it('healthy list a success, unhealthy list or no status line an HTTP failure, any other status nothing', () => {
    expect(classifyProbe(KONG, { status: 302 })).toBe('success');
    expect(classifyProbe(KONG, { status: 404 })).toBe('http');
    expect(classifyProbe(KONG, {})).toBe('http');
    expect(classifyProbe(KONG, { status: 204 })).toBe('ignored');
    expect(classifyProbe(KONG, { status: 200, latencyMs: 1_500 })).toBe('timeout');
    // Without Kong's counters the old rule stands: anything but a healthy status fails.
    expect(classifyProbe({ ...KONG, failureThresholds: undefined, unhealthyStatuses: undefined }, { status: 204 })).toBe('http');
  });

  it('a status in neither list neither counts nor clears: earlier failures stay', () => {
    const a = createActiveHealth(KONG, 1, 0, HOSTS);
    a.recordProbe(0, { status: 500 }, 0);
    expect(a.recordProbe(0, { status: 204 }, 0)?.reason).toBe('probe of /healthz on a answered 204: in neither healthy.http_statuses nor unhealthy.http_statuses, so Kong counts it neither way');
    expect(a.recordProbe(0, { status: 500 }, 0)?.changed).toBe('unhealthy');
  });

  it('type tcp: a connection is a pass whatever would have been answered; refused counts as TCP, no answer in time as a timeout', () => {
    const tcp: ActiveHealthIR = { ...KONG, probe: 'tcp' };
    expect(classifyProbe(tcp, {})).toBe('success');
    expect(classifyProbe(tcp, { status: 500 })).toBe('success');
    expect(classifyProbe(tcp, { failure: 'connect' })).toBe('tcp');
    expect(classifyProbe(tcp, { failure: 'timeout' })).toBe('timeout');
    expect(classifyProbe(tcp, false)).toBe('tcp');
    expect(classifyProbe(KONG, false)).toBe('http');
  });
});

describe('the cluster: a bare pass/fail from a host that probes every target on every tick', () => {
  it('counts only on the ticks where the target is due', () => {
    const service = { ...nativeService(1, '{balancer: {kind: round-robin}}'), policy: { activeHealth: { ...KONG, healthyIntervalMs: 200 } } };
    const c = new UpstreamCluster(service, 1_000);
    expect(c.probed(0, false, 1_100)).toEqual([]); // tick 1: the healthy round is every 2nd tick
    expect(c.active?.snapshot()).toMatchObject({ hosts: [{ health: 'healthy' }] });
    c.probed(0, false, 1_200);
    expect(c.probed(0, false, 1_400).map((m) => m.to)).toEqual(['unhealthy']);
    // Unhealthy: every tick now.
    c.probed(0, true, 1_500);
    expect(c.probed(0, true, 1_600).map((m) => m.to)).toEqual(['healthy']);
  });
});
