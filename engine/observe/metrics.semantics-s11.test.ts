/**
 * Semantics §11 (Kong prometheus and the Prometheus text format 0.0.4), the rules the coverage audit
 * found unpinned: HELP text escaping, the spelling of non-finite values, what a short-circuited request
 * observes (Kong latency up to the response, no upstream latency), the whole-request histogram being
 * the request time, and label names.
 */
import { describe, expect, it } from 'vitest';
import type { RequestEndEvent } from '../trace/events.ts';
import { MetricsRegistry } from './metrics.ts';

function end(over: Partial<RequestEndEvent>): RequestEndEvent {
  return { type: 'request.end', t: 0, req: 'r', client: 'c', replica: 'gw-0', status: 200, source: 'upstream', route: 'r1', service: 's1', ms: 42, gatewayMs: 2, upstreamMs: 40, ...over };
}

const line = (text: string, re: RegExp): string | undefined => text.split('\n').find((l) => re.test(l));

describe('semantics §11 Prometheus text format 0.0.4', () => {
  it('§11 # HELP escapes \\ as \\\\ and a line break as \\n, so the comment stays one line', () => {
    const m = new MetricsRegistry();
    m.setGauge('gatelab_test_gauge', 'first line\nsecond C:\\path', {}, 1);
    const text = m.exposition();
    expect(text).toContain('# HELP gatelab_test_gauge first line\\nsecond C:\\\\path\n# TYPE gatelab_test_gauge gauge\n');
  });

  it('§11 sample values may be NaN, +Inf and -Inf, spelled so (never JavaScript’s "Infinity")', () => {
    const m = new MetricsRegistry();
    m.setGauge('gatelab_test_gauge', 'h', { k: 'inf' }, Infinity);
    m.setGauge('gatelab_test_gauge', 'h', { k: 'minus' }, -Infinity);
    m.setGauge('gatelab_test_gauge', 'h', { k: 'nan' }, Number.NaN);
    const text = m.exposition();
    expect(text).toContain('gatelab_test_gauge{k="inf"} +Inf\n');
    expect(text).toContain('gatelab_test_gauge{k="minus"} -Inf\n');
    expect(text).toContain('gatelab_test_gauge{k="nan"} NaN\n');
    expect(text).not.toContain('Infinity');
  });

  it('§11 every sample line is name{label="value",...} value', () => {
    const m = new MetricsRegistry();
    m.add(end({}));
    m.add(end({ status: 429, source: 'gateway', upstreamMs: null, gatewayMs: 1, ms: 1 }));
    m.setGauge('gatelab_connections', 'open', { state: 'active' }, 3);
    for (const l of m.exposition().trimEnd().split('\n')) {
      if (l.startsWith('#')) continue;
      expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/);
    }
  });
});

describe('semantics §11 Kong prometheus latencies', () => {
  it('§11 a short-circuited request (Kong answered) observes Kong latency up to the response and no upstream latency', () => {
    const m = new MetricsRegistry();
    m.add(end({ status: 401, source: 'gateway', route: 'auth', service: 's1', ms: 3, gatewayMs: 3, upstreamMs: null }));
    const text = m.exposition();
    expect(line(text, /^gatelab_kong_latency_seconds_sum\{service="s1",route="auth"\}/)).toBe('gatelab_kong_latency_seconds_sum{service="s1",route="auth"} 0.003');
    expect(text).not.toMatch(/^gatelab_upstream_latency_seconds_count\{service="s1",route="auth"\}/m);
    expect(line(text, /^gatelab_http_requests_total/)).toBe('gatelab_http_requests_total{service="s1",route="auth",code="401",source="kong"} 1');
  });

  it('§11 upstream latency is the upstream time, request latency the whole request time ($request_time)', () => {
    const m = new MetricsRegistry();
    m.add(end({ ms: 250, gatewayMs: 10, upstreamMs: 240 }));
    const text = m.exposition();
    expect(line(text, /^gatelab_upstream_latency_seconds_sum/)).toBe('gatelab_upstream_latency_seconds_sum{service="s1",route="r1"} 0.24');
    expect(line(text, /^gatelab_request_latency_seconds_sum/)).toBe('gatelab_request_latency_seconds_sum{service="s1",route="r1"} 0.25');
    expect(line(text, /^gatelab_kong_latency_seconds_sum/)).toBe('gatelab_kong_latency_seconds_sum{service="s1",route="r1"} 0.01');
    // 250 ms lands in the 250 ms bucket (le is inclusive), not the next one.
    expect(line(text, /^gatelab_request_latency_seconds_bucket\{service="s1",route="r1",le="0.25"\}/)).toMatch(/ 1$/);
    expect(line(text, /^gatelab_request_latency_seconds_bucket\{service="s1",route="r1",le="0.1"\}/)).toMatch(/ 0$/);
  });

  it('§11 the requests counter is labelled service, route, code and source (service when the upstream answered)', () => {
    const m = new MetricsRegistry();
    m.add(end({ status: 503 }));
    expect(line(m.exposition(), /^gatelab_http_requests_total\{/)).toBe('gatelab_http_requests_total{service="s1",route="r1",code="503",source="service"} 1');
  });
});
