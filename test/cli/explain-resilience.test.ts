/**
 * `gatelab explain` and the trace say why a request got 503, in words a student can act on: an open
 * circuit breaker (semantics §9, resilience4j), an ejected host with no healthy one left (§9, Envoy
 * outlier detection), a connection-pool overflow (§9, Envoy's cluster circuit breakers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatelab } from '../support/cli.ts';

const CONFIG = 'test/cli/fixtures/resilience-ir.yaml';
const BREAKER_SCENARIO = 'scenarios/resilience/circuit-breaker-states.yaml';
const EJECTION_SCENARIO = 'test/cli/fixtures/outlier-ejection.yaml';
const OVERFLOW_SCENARIO = 'test/cli/fixtures/pool-overflow.yaml';

interface Decision {
  plugin: string;
  phase: string;
  verdict: string;
  reason: string;
  data?: Record<string, unknown>;
}

interface Explained {
  status: number;
  upstream: unknown;
  backend: string | null;
  response: { headers: Record<string, string>; body: unknown };
  decisions: Decision[];
}

function explainJson(args: string[]): Explained {
  const r = gatelab(['explain', ...args, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Explained;
}

/** The one decision that answered the request itself. */
function replyOf(out: Explained): Decision {
  const replies = out.decisions.filter((d) => d.verdict === 'reply');
  expect(replies, JSON.stringify(out.decisions, null, 2)).toHaveLength(1);
  return replies[0] as Decision;
}

describe('gatelab explain: why 503 — an open circuit breaker (semantics §9, resilience4j)', () => {
  it('--repeat holds the breaker across requests at one instant: 4 failed calls open it, the 5th is refused with "circuit breaker OPEN"', () => {
    const out = explainJson(['--format', 'ir', '--config', CONFIG, '--request', 'POST http://api.example.com/pay', '--repeat', '4', '--upstream-status', '500']);
    expect(out.status).toBe(503);
    expect(out.upstream, 'fail fast: the backend is not called').toBeNull();
    expect(out.response.headers['x-gatelab-breaker']).toBe('open');
    const reply = replyOf(out);
    expect(reply.plugin).toBe('circuit-breaker');
    expect(reply.reason).toMatch(/^circuit breaker OPEN since .* after 4 of 4 calls failed \(100 % ≥ 50 %\); failing fast for 30 s more$/);
  });

  it('one call fewer: the breaker has too few calls to judge and lets the request through to the backend', () => {
    const out = explainJson(['--format', 'ir', '--config', CONFIG, '--request', 'POST http://api.example.com/pay', '--repeat', '3', '--upstream-status', '500']);
    expect(out.status).toBe(500);
    expect(out.backend).toBe('payments');
    expect(out.decisions.find((d) => d.plugin === 'circuit-breaker' && d.phase === 'access')?.reason).toMatch(/CLOSED: 3 calls so far; no decision below 4 \(minimumNumberOfCalls\); call permitted/);
  });

  it('--scenario circuit-breaker-states --at 25s: the breaker opened at 12:00:20.820 and the text output says so', () => {
    const out = explainJson(['--scenario', BREAKER_SCENARIO, '--at', '25s']);
    expect(out.status).toBe(503);
    expect(replyOf(out).reason).toMatch(/^circuit breaker OPEN since 12:00:20\.820 after 5 of 10 calls failed \(50 % ≥ 50 %\); failing fast for 5\.8 s more$/);
    const text = gatelab(['explain', '--scenario', BREAKER_SCENARIO, '--at', '25s']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/circuit-breaker access +reply circuit breaker OPEN since 12:00:20\.820/);
    expect(text.stdout).toMatch(/→ 503 via route payments/);
  });

  it('at 55s the breaker is CLOSED again: the same request is permitted', () => {
    const out = explainJson(['--scenario', BREAKER_SCENARIO, '--at', '55s']);
    expect(out.status).toBe(200);
    expect(out.decisions.find((d) => d.plugin === 'circuit-breaker' && d.phase === 'access')?.reason).toMatch(/^circuit breaker CLOSED/);
  });
});

describe('gatelab explain: why 503 — every host ejected (semantics §9, Envoy outlier detection)', () => {
  it('--repeat 3 with a failing upstream ejects the only host: the 4th request meets "no healthy host … ejected"', () => {
    const out = explainJson(['--format', 'ir', '--config', CONFIG, '--request', 'GET http://api.example.com/orders', '--repeat', '3', '--upstream-status', '500']);
    expect(out.status).toBe(503);
    expect(out.upstream).toBeNull();
    const reply = replyOf(out);
    expect(reply.plugin).toBe('balancer');
    expect(reply.reason).toBe('no healthy host for orders: orders.internal:8080 ejected');
  });

  it('--scenario outlier-ejection --at 8s: both hosts ejected after 3 consecutive 5xx each', () => {
    const out = explainJson(['--scenario', EJECTION_SCENARIO, '--at', '8s']);
    expect(out.status).toBe(503);
    expect(replyOf(out).reason).toBe('no healthy host for orders: orders-a.internal:8080 ejected; orders-b.internal:8080 ejected');
  });

  it('--scenario outlier-ejection --at 1s: before the backends fail, the request is proxied', () => {
    const out = explainJson(['--scenario', EJECTION_SCENARIO, '--at', '1s']);
    expect(out.status).toBe(200);
    expect(out.decisions.find((d) => d.plugin === 'balancer')?.reason).toMatch(/^sending to orders at orders-[ab]\.internal:8080/);
  });
});

describe('gatelab explain: why 503 — connection pool overflow (semantics §9, Envoy circuit breakers)', () => {
  it('--scenario pool-overflow --at 3s: one request in flight, one waiting, the probe is refused with x-envoy-overloaded', () => {
    const out = explainJson(['--scenario', OVERFLOW_SCENARIO, '--at', '3s']);
    expect(out.status).toBe(503);
    expect(out.upstream).toBeNull();
    expect(out.response.headers['x-envoy-overloaded']).toBe('true');
    const reply = replyOf(out);
    expect(reply.plugin).toBe('connection-pool');
    expect(reply.reason).toBe(
      'connection pool overflow: all 1 connections busy (max_connections) and 1 requests already waiting (max_pending_requests 1): answered 503 at once without calling a backend',
    );
  });

  it('--at 0s: the first client request holds the only connection, so the probe waits in the pending queue (no overflow yet)', () => {
    const out = explainJson(['--scenario', OVERFLOW_SCENARIO, '--at', '0s']);
    expect(out.decisions.find((d) => d.plugin === 'connection-pool')?.reason).toMatch(/waiting in the pending queue as number 1 of at most 1/);
  });
});

describe('the trace says why (gatelab run --trace)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatelab-resilience-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  interface TraceLine {
    type: string;
    req?: string;
    status?: number;
    plugin?: string;
    verdict?: string;
    reason?: string;
    machine?: string;
    to?: string;
  }

  function trace(scenario: string, name: string): TraceLine[] {
    const file = join(dir, `${name}.jsonl`);
    // --variant base: with several variants, run writes FILE.<variant>.jsonl instead (docs/cli.md).
    const r = gatelab(['run', scenario, '--variant', 'base', '--trace', file, '--level', 'decisions']);
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TraceLine);
  }

  /** The reply decision of the first request that ended 503. */
  function firstRefusal(events: TraceLine[]): TraceLine {
    const end = events.find((e) => e.type === 'request.end' && e.status === 503);
    expect(end, 'some request ended 503').toBeDefined();
    const reply = events.find((e) => e.type === 'plugin.decision' && e.req === end?.req && e.verdict === 'reply');
    expect(reply, `a decision answered ${end?.req}`).toBeDefined();
    return reply as TraceLine;
  }

  it('circuit-breaker-states: the first 503 is the breaker failing fast, after a CLOSED → OPEN transition with its reason', () => {
    const events = trace(BREAKER_SCENARIO, 'breaker');
    expect(firstRefusal(events)).toMatchObject({ plugin: 'circuit-breaker', reason: expect.stringMatching(/^circuit breaker OPEN since 12:00:20\.820/) });
    const opened = events.find((e) => e.type === 'breaker.transition' && e.machine === 'circuit-breaker' && e.to === 'OPEN');
    expect(opened?.reason).toBe('5 of 10 calls failed (50 % ≥ 50 %): CLOSED → OPEN for 10 s');
  });

  it('outlier-ejection: each host has an "ejected" transition saying why and for how long; the first 503 says no healthy host', () => {
    const events = trace(EJECTION_SCENARIO, 'ejection');
    const ejections = events.filter((e) => e.type === 'breaker.transition' && e.machine === 'outlier-detection' && e.to === 'ejected');
    expect(ejections).toHaveLength(2);
    for (const e of ejections) expect(e.reason).toMatch(/^consecutive 5xx: 3 in a row from orders-[ab]\.internal:8080 \(threshold 3\) — ejected for 30 s \(1st ejection\)/);
    expect(firstRefusal(events)).toMatchObject({ plugin: 'balancer', reason: expect.stringMatching(/^no healthy host for orders: .*ejected/) });
  });

  it('pool-overflow: the first 503 is a connection pool overflow, and the request never reached the backend', () => {
    const events = trace(OVERFLOW_SCENARIO, 'overflow');
    const reply = firstRefusal(events);
    expect(reply).toMatchObject({ plugin: 'connection-pool', reason: expect.stringMatching(/^connection pool overflow: /) });
    expect(events.some((e) => e.type === 'upstream.send' && e.req === reply.req)).toBe(false);
  });
});
