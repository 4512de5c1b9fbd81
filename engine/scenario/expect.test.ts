import { describe, expect, it } from 'vitest';
import type { HeaderRecord, TraceEvent } from '../trace/events.ts';
import { evaluateExpectations, nearestRank } from './expect.ts';
import { loadScenarioText } from './load.ts';
import type { Scenario } from './types.ts';

function scenarioWith(expectYaml: string): Scenario {
  const text = `id: x
title: t
topic: basics
summary: s
start: 2026-01-01T12:00:00Z
duration: 1m
replicas: 2
gateway:
  config: { _format_version: "3.0" }
clients:
  - id: a
    ip: 10.0.0.1
    request: { url: http://api.example.com/ }
    traffic:
      - constant: { rate: 1/s }
  - id: b
    ip: 10.0.0.2
    request: { url: http://api.example.com/ }
    traffic:
      - constant: { rate: 1/s }
variants:
  other:
    patch: { seed: 2 }
expect:
${expectYaml}`;
  const r = loadScenarioText(text, 'x.yaml', () => '');
  if (!r.scenario) throw new Error(JSON.stringify(r.diagnostics));
  return r.scenario;
}

/** The expectation list starts on line 25 of the scenario above; each entry below is two lines. */
function end(t: number, req: string, client: string, status: number, ms: number, extra: { headers?: HeaderRecord; upstreamMs?: number | null } = {}): TraceEvent {
  return {
    type: 'request.end',
    t,
    req,
    client,
    replica: 'gw-0',
    status,
    source: 'upstream',
    route: 'r',
    service: 's',
    ms,
    gatewayMs: 1,
    upstreamMs: extra.upstreamMs === undefined ? ms - 1 : extra.upstreamMs,
    ...(extra.headers ? { headers: extra.headers } : {}),
  };
}

const TRACE: TraceEvent[] = [
  end(1_000, 'a-1', 'a', 200, 10, { headers: { 'x-ratelimit-remaining-minute': '99', vary: ['accept', 'origin'] } }),
  end(2_000, 'a-2', 'a', 429, 2, { upstreamMs: null }),
  end(3_000, 'b-1', 'b', 200, 30),
  end(59_000, 'b-2', 'b', 200, 40),
  end(60_500, 'b-3', 'b', 200, 50),
  { type: 'upstream.send', t: 900, req: 'a-1', service: 's', target: 't', method: 'GET', host: 'h', path: '/', headers: { 'x-try': '1' } },
  { type: 'upstream.send', t: 950, req: 'a-1', service: 's', target: 't', method: 'GET', host: 'h', path: '/', headers: { 'x-try': '2' } },
  { type: 'plugin.decision', t: 1_990, req: 'a-2', plugin: 'rate-limit', phase: 'access', verdict: 'next', reason: 'first look' },
  {
    type: 'plugin.decision',
    t: 2_000,
    req: 'a-2',
    plugin: 'rate-limit',
    phase: 'access',
    verdict: 'reply',
    status: 429,
    reason: 'window full: 100 of 100 in 12:00',
  },
  { type: 'plugin.decision', t: 2_000, req: 'a-2', plugin: 'rate-limit', phase: 'response', verdict: 'next', reason: 'no headers to add' },
  { type: 'plugin.decision', t: 1_000, req: 'a-1', plugin: 'router', phase: 'access', verdict: 'next', reason: 'route r' },
  { type: 'plugin.decision', t: 1_000, req: 'a-1', plugin: 'router', phase: 'access', verdict: 'next', reason: 'route r again' },
  { type: 'plugin.state', t: 1_000, replica: 'gw-0', plugin: 'rate-limit', state: { window: { count: 1 }, tokens: 9 } },
  { type: 'plugin.state', t: 2_000, replica: 'gw-0', plugin: 'rate-limit', state: { window: { count: 2 }, tokens: 8 } },
  { type: 'plugin.state', t: 1_500, replica: 'gw-1', plugin: 'rate-limit', state: { window: { count: 7 }, tokens: 0 } },
];

function run(expectYaml: string, variant = 'base'): Array<{ pass: boolean; message: string; expected: string; actual: string }> {
  const s = scenarioWith(expectYaml);
  return evaluateExpectations(s.expect, TRACE, variant, s).map(({ pass, message, expected, actual }) => ({ pass, message, expected, actual }));
}

describe('matchers pass and fail with expected vs actual', () => {
  it.each([
    ['equals', 'count: { client: a, status: 200 }\n    equals: 1', true, 'x.yaml:25:5: count of client a status 200 in [0s, end): expected 1, got 1'],
    ['equals', 'count: { client: a, status: 200 }\n    equals: 2', false, 'x.yaml:25:5: count of client a status 200 in [0s, end): expected 2, got 1'],
    ['between', 'count: { client: b }\n    between: [2, 3]', true, 'x.yaml:25:5: count of client b in [0s, end): expected between 2 and 3, got 3'],
    ['between', 'count: { client: b, from: 2s, to: 59s }\n    between: [2, 3]', false, 'x.yaml:25:5: count of client b in [2s, 59s): expected between 2 and 3, got 1'],
    ['approx %', 'latency: { percentile: 50 }\n    approx: 33\n    tolerance: 10%', true, 'x.yaml:25:5: p50 total latency (ms) of all clients in [0s, end): expected 33 ± 10%, got 30'],
    ['approx abs', 'latency: { percentile: 50 }\n    approx: 33\n    tolerance: 2', false, 'x.yaml:25:5: p50 total latency (ms) of all clients in [0s, end): expected 33 ± 2, got 30'],
    ['contains', 'decision: { request: a-2, plugin: rate-limit, field: reason }\n    contains: window full', true, 'x.yaml:25:5: reason of rate-limit decision for request a-2: expected text containing "window full", got "window full: 100 of 100 in 12:00"'],
    ['contains', 'decision: { request: a-2, plugin: rate-limit, field: reason }\n    contains: bucket', false, 'x.yaml:25:5: reason of rate-limit decision for request a-2: expected text containing "bucket", got "window full: 100 of 100 in 12:00"'],
  ])('%s', (_kind, yaml, pass, message) => {
    const [r] = run(`  - ${yaml}\n`);
    expect(r).toMatchObject({ pass, message });
  });
});

describe('subjects read the trace', () => {
  it('count uses request.end in the half-open window [from, to)', () => {
    const rs = run('  - count: { to: 3s }\n    equals: 2\n  - count: { from: 3s, to: 59s }\n    equals: 1\n  - count: { from: 59s }\n    equals: 2\n');
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '2'],
      [true, '1'],
      [true, '2'],
    ]);
  });

  it('status and a missing request', () => {
    const rs = run('  - status: { request: a-2 }\n    equals: 429\n  - status: { request: a-9 }\n    equals: 200\n');
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '429'],
      [false, 'no request a-9 in the trace (client a sent 2: a-1 to a-2)'],
    ]);
    expect(rs[1]?.message).toBe('x.yaml:27:5: status of request a-9: expected 200, got no request a-9 in the trace (client a sent 2: a-1 to a-2)');
  });

  it('decision reads the reply that settled the request, else the last decision, optionally in one phase', () => {
    const rs = run(
      [
        '  - decision: { request: a-2, plugin: rate-limit, field: verdict }\n    equals: reply',
        '  - decision: { request: a-2, plugin: rate-limit, field: status }\n    equals: 429',
        '  - decision: { request: a-2, plugin: rate-limit, field: reason, phase: response }\n    equals: no headers to add',
        '  - decision: { request: a-1, plugin: router, field: reason }\n    equals: route r again',
        '  - decision: { request: a-1, plugin: rate-limit, field: verdict }\n    equals: next',
        '  - decision: { request: a-2, plugin: rate-limit, field: status, phase: response }\n    equals: 429',
      ].join('\n') + '\n',
    );
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '"reply"'],
      [true, '429'],
      [true, '"no headers to add"'],
      [true, '"route r again"'],
      [false, "no rate-limit decision for request a-1 (stages that decided: router)"],
      [false, 'rate-limit gave no status (verdict next)'],
    ]);
  });

  it('header compares names case-insensitively, joins lists, and reads the last upstream send', () => {
    const rs = run(
      '  - header: { request: a-1, name: X-RateLimit-Remaining-Minute }\n    equals: 99\n  - header: { request: a-1, name: vary }\n    equals: accept, origin\n  - header: { request: a-1, name: x-try, side: upstream }\n    equals: "2"\n  - header: { request: a-1, name: x-nope }\n    equals: "1"\n',
    );
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '"99"'],
      [true, '"accept, origin"'],
      [true, '"2"'],
      [false, 'no x-nope header'],
    ]);
  });

  it('latency percentiles are nearest-rank, per measure, skipping requests without an upstream', () => {
    const rs = run(
      '  - latency: { percentile: 100 }\n    equals: 50\n  - latency: { percentile: 0, measure: upstream }\n    equals: 9\n  - latency: { percentile: 50, measure: gateway, client: a }\n    equals: 1\n  - latency: { percentile: 99, from: 10s, to: 20s }\n    equals: 1\n',
    );
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '50'],
      [true, '9'],
      [true, '1'],
      [false, 'no requests in the window'],
    ]);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 51)).toBe(3);
    expect(nearestRank([1, 2, 3, 4], 0)).toBe(1);
    expect(nearestRank([], 50)).toBeUndefined();
  });

  it('state reads the latest snapshot at or before the instant, per replica, along a dotted path', () => {
    const rs = run(
      '  - state: { at: 1999ms, plugin: rate-limit, path: window.count }\n    equals: 1\n  - state: { at: 2s, plugin: rate-limit, path: tokens }\n    equals: 8\n  - state: { at: 2s, plugin: rate-limit, replica: gw-1, path: window.count }\n    equals: 7\n  - state: { at: 500ms, plugin: rate-limit, path: tokens }\n    equals: 9\n  - state: { at: 2s, plugin: rate-limit, path: window.nope }\n    equals: 9\n',
    );
    expect(rs.map((r) => [r.pass, r.actual])).toEqual([
      [true, '1'],
      [true, '8'],
      [true, '7'],
      [false, 'no rate-limit state on gw-0 at or before that instant'],
      [false, 'the snapshot has no window.nope'],
    ]);
  });

  it('skips expectations meant for other variants', () => {
    const yaml = '  - count: {}\n    variants: [other]\n    equals: 5\n  - count: {}\n    equals: 5\n';
    expect(run(yaml, 'base')).toHaveLength(1);
    expect(run(yaml, 'other')).toHaveLength(2);
  });
});

describe('body subjects and the absent matcher', () => {
  const withBody: TraceEvent[] = [
    { ...(end(1_000, 'a-1', 'a', 429, 2) as Extract<TraceEvent, { type: 'request.end' }>), body: '{"message":"API rate limit exceeded","n":3}' },
    { ...(end(2_000, 'a-2', 'a', 200, 2) as Extract<TraceEvent, { type: 'request.end' }>), body: 'plain text' },
  ];

  it('body reads the whole text or a dotted path into a JSON body', () => {
    const s = scenarioWith(
      [
        '  - body: { request: a-1, path: message }',
        '    equals: API rate limit exceeded',
        '  - body: { request: a-1, path: n }',
        '    equals: 3',
        '  - body: { request: a-2 }',
        '    contains: plain',
        '  - body: { request: a-2, path: message }',
        '    equals: x',
      ].join('\n'),
    );
    const r = evaluateExpectations(s.expect, withBody, 'base', s);
    expect(r.map((x) => x.pass)).toEqual([true, true, true, false]);
    expect(r[3]!.actual).toBe('the body of a-2 is not JSON');
  });

  it('absent passes when the header is missing and fails, saying so, when it is there', () => {
    const s = scenarioWith(
      [
        '  - header: { request: a-1, name: x-ratelimit-remaining-minute }',
        '    absent: true',
        '  - header: { request: a-1, name: x-not-there }',
        '    absent: true',
      ].join('\n'),
    );
    const r = evaluateExpectations(s.expect, TRACE, 'base', s);
    expect(r.map((x) => x.pass)).toEqual([false, true]);
    expect(r[0]!.message).toContain('expected nothing (absent), got "99"');
  });
});

describe('the upstream subject', () => {
  it('reads path, host, method and service from the last upstream.send, and says when there is none', () => {
    const sent: TraceEvent[] = [
      { type: 'upstream.send', t: 1, req: 'a-1', service: 'orders', target: 'o:80', method: 'GET', host: 'o', path: '/first' },
      { type: 'upstream.send', t: 2, req: 'a-1', service: 'orders', target: 'o:80', method: 'GET', host: 'o:8080', path: '/123?x=1' },
      { ...(end(3, 'a-2', 'a', 401, 1, { upstreamMs: null }) as Extract<TraceEvent, { type: 'request.end' }>), source: 'gateway' },
    ];
    const s = scenarioWith(
      [
        '  - upstream: { request: a-1, field: path }',
        "    equals: /123?x=1",
        '  - upstream: { request: a-1, field: host }',
        '    equals: o:8080',
        '  - upstream: { request: a-1, field: service }',
        '    equals: orders',
        '  - upstream: { request: a-2, field: path }',
        '    equals: /',
      ].join('\n'),
    );
    const r = evaluateExpectations(s.expect, sent, 'base', s);
    expect(r.map((x) => x.pass)).toEqual([true, true, true, false]);
    expect(r[3]!.actual).toBe('request a-2 never reached a backend (it ended with 401 from the gateway)');
  });
});
