/** The Prometheus exposition (semantics §11) passes `promtool check metrics` and keeps histogram rules. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { MetricsRegistry } from '../../engine/observe/metrics.ts';
import type { RequestEndEvent } from '../../engine/trace/events.ts';

const promtool = spawnSync('promtool', ['--version']).status === 0;

function end(over: Partial<RequestEndEvent>): RequestEndEvent {
  return { type: 'request.end', t: 0, req: 'r', client: 'c', replica: 'gw-0', status: 200, source: 'upstream', route: 'orders-route', service: 'orders-api', ms: 42, gatewayMs: 2, upstreamMs: 40, ...over };
}

function registry(): MetricsRegistry {
  const m = new MetricsRegistry();
  m.add(end({}));
  m.add(end({ ms: 900, gatewayMs: 850, upstreamMs: 50 }));
  m.add(end({ status: 429, source: 'gateway', upstreamMs: null, ms: 1, gatewayMs: 1 }));
  m.add(end({ route: 'we"ird\\route\nname', service: null }));
  m.setGauge('gatelab_connections', 'Client connections open on the proxy listener.', { state: 'active' }, 3);
  for (const [from, to] of [['CLOSED', 'OPEN'], ['OPEN', 'HALF_OPEN'], ['HALF_OPEN', 'OPEN']] as const) {
    m.add({ type: 'breaker.transition', t: 1, replica: 'gw-0', machine: 'circuit-breaker', subject: 'payments', from, to, reason: 'r' });
  }
  m.add({ type: 'breaker.transition', t: 2, replica: 'gw-0', machine: 'outlier-detection', subject: 'catalog 10.0.0.2:8080', from: 'healthy', to: 'ejected', reason: 'r' });
  m.add({ type: 'plugin.decision', t: 3, req: 'r', plugin: 'retry', phase: 'access', verdict: 'next', reason: 'r', data: { on: '5xx' } });
  m.add({ type: 'plugin.decision', t: 3, req: 'r', plugin: 'connection-pool', phase: 'access', verdict: 'reply', status: 503, reason: 'r', data: { limit: 'max_pending_requests', service: 'catalog' } });
  // Mirror copies: answered 200, answered 500, timed out, refused.
  for (const [status, error] of [[200, undefined], [500, undefined], [0, 'timeout'], [0, 'connect']] as const) {
    m.add({ type: 'copy.end', t: 4, req: 'r', plugin: 'request-mirror', service: 'catalog-canary', target: '10.0.0.9:8080', status, ms: 12, ...(error ? { error } : {}) });
  }
  // Capacity model: two samples of gw-0 (the later one counts), one of gw-1, and an OOM kill and restart.
  m.add({ type: 'replica.queue', t: 100, replica: 'gw-0', slots: 3, queued: 0, cpu: 0.4, cpuBacklogMs: 2, memory: 70_000_000 });
  m.add({ type: 'replica.queue', t: 200, replica: 'gw-0', slots: 1024, queued: 37, cpu: 1, cpuBacklogMs: 1500, memory: 262_144_000 });
  m.add({ type: 'replica.queue', t: 200, replica: 'gw-1', slots: 0, queued: 0, cpu: 0, cpuBacklogMs: 0, memory: 67_108_864 });
  m.add({ type: 'breaker.transition', t: 300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'running', to: 'oom-killed', reason: 'r' });
  m.add({ type: 'breaker.transition', t: 1300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'oom-killed', to: 'running', reason: 'r' });
  return m;
}

describe('metrics exposition', () => {
  it('§9 breaker moves, current machine states, retries and pool overflows are counted from the trace', () => {
    const text = registry().exposition();
    expect(text).toMatch(/^gatelab_machine_transitions_total\{machine="circuit-breaker",from="CLOSED",to="OPEN"\} 1$/m);
    expect(text).toMatch(/^gatelab_machine_state\{machine="circuit-breaker",subject="payments",replica="gw-0",state="OPEN"\} 1$/m);
    expect(text).toMatch(/^gatelab_machine_state\{machine="circuit-breaker",subject="payments",replica="gw-0",state="HALF_OPEN"\} 0$/m);
    expect(text).toMatch(/^gatelab_machine_state\{machine="outlier-detection",subject="catalog 10.0.0.2:8080",replica="gw-0",state="ejected"\} 1$/m);
    expect(text).toMatch(/^gatelab_upstream_retries_total\{on="5xx"\} 1$/m);
    expect(text).toMatch(/^gatelab_upstream_overflow_total\{limit="max_pending_requests",service="catalog"\} 1$/m);
  });

  it('§7 mirror copies are counted per service and code as Envoy counts shadows (timeout 504, refused 503), not as requests (§11 format)', () => {
    const text = registry().exposition();
    expect(text).toMatch(/^# TYPE gatelab_upstream_shadow_requests_total counter$/m);
    for (const code of ['200', '500', '503', '504']) expect(text).toMatch(new RegExp(`^gatelab_upstream_shadow_requests_total\\{service="catalog-canary",code="${code}"\\} 1$`, 'm'));
    expect(text).not.toMatch(/gatelab_http_requests_total\{service="catalog-canary"/);
  });

  it('capacity: per-replica gauges from the latest replica.queue sample in base units, and OOM kills', () => {
    const text = registry().exposition();
    expect(text).toMatch(/^# TYPE gatelab_replica_cpu_utilization_ratio gauge$/m);
    expect(text).toMatch(/^gatelab_replica_cpu_utilization_ratio\{replica="gw-0"\} 1$/m);
    expect(text).toMatch(/^gatelab_replica_cpu_utilization_ratio\{replica="gw-1"\} 0$/m);
    expect(text).toMatch(/^gatelab_replica_cpu_backlog_seconds\{replica="gw-0"\} 1\.5$/m);
    expect(text).toMatch(/^gatelab_replica_memory_bytes\{replica="gw-0"\} 262144000$/m);
    expect(text).toMatch(/^gatelab_replica_slots_in_use\{replica="gw-0"\} 1024$/m);
    expect(text).toMatch(/^gatelab_replica_queue_length\{replica="gw-0"\} 37$/m);
    expect(text).toMatch(/^# HELP gatelab_replica_memory_bytes /m);
    expect(text).toMatch(/^# TYPE gatelab_replica_oom_kills_total counter$/m);
    expect(text).toMatch(/^gatelab_replica_oom_kills_total\{replica="gw-0"\} 1$/m);
    expect(text).not.toMatch(/gatelab_replica_oom_kills_total\{replica="gw-1"\}/);
    expect(text).toMatch(/^gatelab_machine_state\{machine="replica",subject="gw-0",replica="gw-0",state="running"\} 1$/m);
  });

  it('capacity metrics are absent without a capacity model', () => {
    const m = new MetricsRegistry();
    m.add(end({}));
    expect(m.exposition()).not.toContain('gatelab_replica_');
  });

  it.skipIf(!promtool && !process.env.CI)('§11 passes promtool check metrics (skipped only off CI when promtool is not installed)', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: registry().exposition(), encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('§11 histograms are cumulative, end with le="+Inf" equal to _count, and carry _sum', () => {
    const text = registry().exposition();
    const buckets = [...text.matchAll(/^gatelab_request_latency_seconds_bucket\{service="orders-api",route="orders-route",le="([^"]+)"\} (\d+)$/gm)];
    const counts = buckets.map((b) => Number(b[2]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(buckets.at(-1)![1]).toBe('+Inf');
    expect(text).toMatch(/^gatelab_request_latency_seconds_count\{service="orders-api",route="orders-route"\} 3$/m);
    expect(Number(buckets.at(-1)![2])).toBe(3);
    expect(text).toMatch(/^gatelab_kong_latency_seconds_sum\{service="orders-api",route="orders-route"\} 0\.853$/m);
  });

  it('escapes label values and ends with a newline', () => {
    const text = registry().exposition();
    expect(text).toContain('route="we\\"ird\\\\route\\nname"');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('gatelab_connections{state="active"} 3');
  });
});
