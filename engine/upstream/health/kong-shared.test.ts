/**
 * Kong's active and passive checks share one checker per upstream (kong/resty/healthcheck.lua, which
 * Kong's kong/runloop/balancer/healthcheckers.lua creates once per upstream): a real response's report
 * (report_http_status, report_tcp_failure, report_timeout with check "passive") and a probe's (the
 * same functions with "active") both go through incr_counter, on one set of counters and one state
 * per target; only the limit comes from the reporting check. semantics.md §9 has no Kong health
 * rules, so the source functions are the reference. Configs come through the real Kong reader.
 */
import { describe, expect, it } from 'vitest';
import { ok as kongIr, V } from '../../config/kong/test-kit.ts';
import { UpstreamCluster } from '../cluster.ts';

const draw = (): number => 0.5;
const pick = (c: UpstreamCluster, now: number) => c.select({ requestId: 'r', draw, now }, new Set(), false);

/** Upstream `pool` with targets a (10.0.0.1) and b (10.0.0.2) and the given healthchecks (YAML lines at 4 spaces). */
function cluster(healthchecks: string): UpstreamCluster {
  const ir = kongIr(`${V}upstreams:\n  - name: pool\n    healthchecks:\n${healthchecks}    targets: [{target: "10.0.0.1:80"}, {target: "10.0.0.2:80"}]\nservices:\n  - {name: s, host: pool}\n`);
  const service = ir.services.find((s) => s.name === 's');
  if (!service) throw new Error('no service');
  return new UpstreamCluster(service, 0);
}

/** Passive checks that take a target out after 5 HTTP failures; active ones after 3, back after 2 passes. */
const BOTH = '      passive: {unhealthy: {http_failures: 5}}\n      active: {http_path: /h, healthy: {interval: 0.3, successes: 2}, unhealthy: {interval: 0.1, http_failures: 3}}\n';

const A = 's 10.0.0.1:80';

describe('Kong: active and passive checks count on the same counters (incr_counter)', () => {
  it('two failed requests and one failed probe make three HTTP failures: the active limit, 3, takes a out', () => {
    const c = cluster(BOTH);
    expect(c.finished(0, { status: 500 }, 1, 10, draw).changes).toEqual([]);
    expect(c.finished(0, { status: 500 }, 1, 20, draw).changes).toEqual([]);
    // report_http_status(..., "active"): the shared HTTP counter is at 3, active's limit is 3.
    const moves = c.probed(0, { status: 500 }, 300);
    expect(moves).toEqual([
      {
        machine: 'health-checks',
        subject: A,
        from: 'healthy',
        to: 'unhealthy',
        reason: 'probe of /h on 10.0.0.1:80 failed: 3 of 3 HTTP failures (unhealthy.http_failures): out of rotation; unhealthy targets are probed every 100 ms',
      },
    ]);
    expect(pick(c, 301).index).toBe(1);
  });

  it('each report is held to its own check\'s limit: after 3 failed probes\' worth of requests, a passive one trips only at 5', () => {
    const c = cluster(BOTH);
    for (const t of [10, 20, 30]) expect(c.finished(0, { status: 500 }, 1, t, draw).changes).toEqual([]);
    // Three on the counter, but passive's limit is 5: the fourth and fifth requests are needed.
    expect(c.finished(0, { status: 500 }, 1, 40, draw).changes).toEqual([]);
    const out = c.finished(0, { status: 500 }, 1, 50, draw).changes;
    expect(out.map((m) => `${m.machine} ${m.from}->${m.to}`)).toEqual(['health-checks healthy->unhealthy']);
    // The passive move says how the active side brings a back.
    expect(out[0]?.reason).toBe(
      'HTTP failure (500) from 10.0.0.1:80: 5 of 5 (healthchecks.passive.unhealthy.http_failures) — Kong marks the target unhealthy; active checks share its state: it is probed every 100 ms and back after 2 passing probes (healthchecks.active.healthy.successes)',
    );
  });

  it('a passing probe clears the failures that requests counted (a counted success clears all three failure counters)', () => {
    const c = cluster(BOTH);
    c.finished(0, { status: 500 }, 1, 10, draw);
    c.finished(0, { status: 500 }, 1, 20, draw);
    c.probed(0, { status: 200 }, 300);
    // Counted from 0 again: a probe failing now is 1 of 3, not 3 of 3.
    expect(c.probed(0, { status: 500 }, 600)).toEqual([]);
    expect(c.snapshot(600)).toMatchObject({ active: { hosts: [{ health: 'mostly_healthy', counters: { successes: 0, httpFailures: 1 } }, {}] } });
  });

  it('a target the passive checks took out is probed on the unhealthy round and brought back by healthy.successes passes', () => {
    // The common setup: active checks only for unhealthy targets (healthy.interval 0).
    const c = cluster('      passive: {unhealthy: {http_failures: 2}}\n      active: {http_path: /h, healthy: {interval: 0, successes: 2}, unhealthy: {interval: 0.1}}\n');
    const active = c.active;
    if (!active) throw new Error('no active checks');
    expect(active.dueTargets(1)).toEqual([]); // healthy targets are never probed
    c.finished(0, { status: 500 }, 1, 10, draw);
    expect(c.finished(0, { status: 500 }, 1, 20, draw).changes.map((m) => `${m.machine} ${m.to}`)).toEqual(['health-checks unhealthy']);
    // checker_callback builds the unhealthy round from the shared state: a is in it now.
    expect(active.dueTargets(1)).toEqual([0]);
    expect(pick(c, 30).reason).toContain('skipped 10.0.0.1:80 marked unhealthy by health checks');
    // A failing probe counts nothing (active http_failures 0) and clears nothing.
    expect(c.probed(0, { status: 500 }, 100)).toEqual([]);
    expect(c.probed(0, { status: 200 }, 200)).toEqual([]);
    expect(c.probed(0, { status: 200 }, 300)).toEqual([
      {
        machine: 'health-checks',
        subject: A,
        from: 'unhealthy',
        to: 'healthy',
        reason: 'probe of /h on 10.0.0.1:80 passed: 2 of 2 successes (healthy.successes): back in rotation',
      },
    ]);
    expect(active.dueTargets(2)).toEqual([]);
    expect(c.snapshot(300)).toMatchObject({ passive: { hosts: [{ health: 'healthy', healthy: true }, {}] } });
  });

  it('without active checks a passive move names the admin API, and is still a move of the one checker', () => {
    const c = cluster('      passive: {unhealthy: {http_failures: 1}}\n');
    const [move] = c.finished(0, { status: 500 }, 1, 10, draw).changes;
    // Kong has one lua-resty-healthcheck checker per upstream whatever checks are on: one machine name.
    expect(move?.machine).toBe('health-checks');
    expect(move?.reason).toContain('POST /upstreams/{upstream}/targets/{target}/healthy');
  });

  it('active checks alone are moves of the same health-checks machine', () => {
    const c = cluster('      active: {http_path: /h, healthy: {interval: 0.1, successes: 1}, unhealthy: {interval: 0.1, http_failures: 1}}\n');
    expect(c.probed(0, { status: 500 }, 100).map((m) => m.machine)).toEqual(['health-checks']);
  });
});
