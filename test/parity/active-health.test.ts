/**
 * Active health checks, simulation against `gatelab serve`'s proxy on real sockets. Two targets a and
 * b; a answers 500 to everything (its health endpoint included) until it recovers. The simulation
 * probes on its virtual clock (runtimes/sim/health-probes.ts); the proxy on a real-time interval
 * (runtimes/proxy/health-prober.ts), so the instants differ run to run and are not compared. What both
 * hosts must agree on is what the probes decide: the machine moves (subject, from, to, and the reason
 * naming the threshold), and which targets get traffic after each move — only b while a is out, both
 * once a is back. The same config runs through Kong's `healthchecks.active` and the native IR's
 * `activeHealth` (Envoy's `health_checks`), both mapped onto one ActiveHealthIR. Two more Kong cases:
 * healthy targets probed less often than unhealthy ones (each state's round on its own clock, as
 * lua-resty-healthcheck's active_check_timer runs them), and `type: tcp`, where a refused connection
 * is the failure and a connection is a pass whatever a would answer (run_single_check). And Kong's
 * shared checker (kong-passive): passive checks take a out after real requests answered 500, and
 * active probes of the unhealthy round bring it back — one state per target that both move
 * (incr_counter), with healthy targets never probed (healthy.interval 0).
 */
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { Dialect } from '../../engine/config/ir.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { BreakerTransitionEvent, TraceEvent, UpstreamSendEvent } from '../../engine/trace/events.ts';
import { upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import { loadIr } from '../support/resilience-parity.ts';
import { UPSTREAM_NAME_HEADER, type ScriptedUpstream } from '../support/scripted-upstream.ts';

/** Probe schedule: short enough for a quick test on real sockets, long enough for 2 shared cores. */
const INTERVAL_MS = 100;
/** Probes a bad target fails, and a recovered one passes, before its state moves. */
const THRESHOLD = 2;
/** The longest the proxy may take for one move: THRESHOLD probes need about THRESHOLD × INTERVAL_MS. */
const DEADLINE_MS = 5_000;
/** When the simulated a recovers: between probes (1000 and 1100 ms), so no probe sits on the edge. */
const RECOVERS_AT_MS = 1_050;
const REQUESTS_PER_PHASE = 6;

const upstreams = upstreamsPerTest();

/** Which way a case writes the probe rule: the native IR, or Kong with its own knobs. */
type Rule = 'ir' | 'kong' | 'kong-slow-healthy' | 'kong-tcp' | 'kong-passive';

const formatOf = (rule: Rule): Dialect => (rule === 'ir' ? 'ir' : 'kong');

/** Kong's healthy round in the slow-healthy case: a failing a is seen only every 300 ms. */
const SLOW_HEALTHY_MS = 300;

/** The probe rule in each dialect: a and b, round robin, probes of /healthz, 1 s timeout. */
function gatewayConfig(rule: Rule, u: Upstreams): string {
  const a = (u.a as ScriptedUpstream).target;
  const b = (u.b as ScriptedUpstream).target;
  if (rule === 'kong-passive') {
    // Passive checks take a target out; only the unhealthy round probes, and its passes bring it back.
    return `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [{target: "${a}"}, {target: "${b}"}]
    healthchecks:
      passive: {unhealthy: {http_failures: ${THRESHOLD}}}
      active:
        http_path: /healthz
        timeout: 1
        healthy: {interval: 0, successes: ${THRESHOLD}, http_statuses: [200]}
        unhealthy: {interval: ${INTERVAL_MS / 1000}}
services:
  - name: pool
    host: pool
    routes: [{name: pool, paths: [/who]}]
`;
  }
  if (rule !== 'ir') {
    // Kong's intervals are seconds, one per state; its failures count per kind.
    const healthy = (rule === 'kong-slow-healthy' ? SLOW_HEALTHY_MS : INTERVAL_MS) / 1000;
    const failures = rule === 'kong-tcp' ? `tcp_failures: ${THRESHOLD}` : `http_failures: ${THRESHOLD}`;
    return `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [{target: "${a}"}, {target: "${b}"}]
    healthchecks:
      active:
        type: ${rule === 'kong-tcp' ? 'tcp' : 'http'}
        http_path: /healthz
        timeout: 1
        healthy: {interval: ${healthy}, successes: ${THRESHOLD}, http_statuses: [200]}
        unhealthy: {interval: ${INTERVAL_MS / 1000}, ${failures}}
services:
  - name: pool
    host: pool
    routes: [{name: pool, paths: [/who]}]
`;
  }
  return `services:
  - name: pool
    url: http://pool.internal
    targets: [{target: "${a}"}, {target: "${b}"}]
    upstream:
      balancer: {kind: round-robin}
      activeHealth: {path: /healthz, interval: ${INTERVAL_MS}ms, timeout: 1s, healthyThreshold: ${THRESHOLD}, unhealthyThreshold: ${THRESHOLD}, healthyStatuses: [200]}
routes:
  - {name: pool, service: pool, paths: [/who]}
`;
}

interface Facts {
  /** Each active-health move, without its instant. */
  moves: string[];
  /** Upstream names that answered requests sent between the first move and the second. */
  whileOut: string[];
  /** Upstream names that answered requests sent after the second move. */
  afterBack: string[];
}

/** The simulation's facts plus the two moves' instants (trace time: ms after the start). */
interface SimFacts extends Facts {
  at: [number, number];
}

const moveLine = (e: BreakerTransitionEvent, names: ReadonlyMap<string, string>): string => {
  let subject = e.subject;
  let reason = e.reason;
  // The addresses are the real ports; name them a and b so the expectations read the same every run.
  for (const [target, name] of names) {
    subject = subject.replaceAll(target, name);
    reason = reason.replaceAll(target, name);
  }
  return `${subject}: ${e.from} -> ${e.to} (${reason})`;
};

/** Active checks' moves; with Kong's passive checks on too, the shared state's (cluster.ts). */
const isMove = (e: TraceEvent): e is BreakerTransitionEvent =>
  e.type === 'breaker.transition' && (e.machine === 'active-health' || e.machine === 'health-checks');

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * The simulation: a steady client and probes on the virtual clock. a answers 500 until RECOVERS_AT_MS;
 * in the tcp case it is down (refusing connections) until then and answers 500 for good.
 */
async function simFacts(rule: Rule, u: Upstreams): Promise<SimFacts> {
  const format = formatOf(rule);
  const names = new Map(Object.values(u).map((x) => [x.target, x.name]));
  const a = (u.a as ScriptedUpstream).target;
  const b = (u.b as ScriptedUpstream).target;
  const scenario = `id: active-health-parity
title: active health parity
summary: a fails its probes, leaves rotation and comes back
topic: resilience
start: 2026-01-01T12:00:00Z
seed: 1
duration: 2s
gateway: {format: ${format}, files: [gateway.yaml]}
clients:
  - {id: c, ip: 198.51.100.7, request: {url: http://api.example.com/who}, traffic: [{constant: {rate: 50/s}}]}
backends:
  - {name: "${a}", latency: 1ms}
  - {name: "${b}", latency: 1ms}
events:
${
  rule === 'kong-tcp'
    ? `  - {at: 0s, outage: {backend: "${a}", duration: ${RECOVERS_AT_MS}ms}}\n  - {at: 0s, degrade: {backend: "${a}", duration: 2s, errorRate: 1, errorStatus: 500}}`
    : `  - {at: 0s, degrade: {backend: "${a}", duration: ${RECOVERS_AT_MS}ms, errorRate: 1, errorStatus: 500}}`
}
`;
  const config = gatewayConfig(rule, u);
  const loaded = loadScenarioText(scenario, 'active-health-parity.yaml', (p) => {
    if (p.endsWith('gateway.yaml')) return config;
    throw new Error(`unexpected read of ${p}`);
  });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const run = await runVariant(loaded.scenario!, 'base', { level: 'decisions' });
  expect(run.diagnostics?.filter((d) => d.severity === 'error') ?? []).toEqual([]);
  const moves = run.events.filter(isMove);
  expect(moves, 'the simulation moves a out, then back').toHaveLength(2);
  const [out, back] = moves as [BreakerTransitionEvent, BreakerTransitionEvent];
  // A request counts for the phase it was sent in: its upstream.send instant.
  const sends = run.events.filter((e): e is UpstreamSendEvent => e.type === 'upstream.send');
  const during = (from: number, to: number): string[] => sorted(sends.filter((s) => s.t > from && s.t < to).map((s) => names.get(s.target) ?? s.target));
  return {
    moves: moves.map((m) => moveLine(m, names)),
    whileOut: during(out.t, back.t),
    afterBack: during(back.t, Number.POSITIVE_INFINITY),
    at: [out.t, back.t],
  };
}

/**
 * The proxy on 127.0.0.1 with the real clock: wait (bounded) for each move, then send requests. Also
 * how long after the start the first move came (real timers never fire early, so a lower bound holds).
 */
async function proxyFacts(rule: Rule, u: Upstreams): Promise<Facts & { outAfterMs: number }> {
  const names = new Map(Object.values(u).map((x) => [x.target, x.name]));
  const a = u.a as ScriptedUpstream;
  a.status = 500;
  if (rule === 'kong-tcp') await a.close();
  const proxy = new ProxyServer({ ir: loadIr(formatOf(rule), gatewayConfig(rule, u)), port: 0, store: localStore(() => Date.now()), level: 'decisions' });
  const agent = new Agent({ connections: 2 });
  await proxy.start();
  const started = Date.now();
  const moves = (): BreakerTransitionEvent[] => proxy.sink.recent().filter(isMove);
  const waitForMoves = async (n: number): Promise<void> => {
    const deadline = Date.now() + DEADLINE_MS;
    while (moves().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(moves().map((m) => moveLine(m, names)), `move ${n} within ${DEADLINE_MS} ms`).toHaveLength(n);
  };
  const answeredBy = async (count = REQUESTS_PER_PHASE): Promise<string[]> => {
    const who: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(`http://127.0.0.1:${proxy.port}/who`, { headers: { host: 'api.example.com' }, dispatcher: agent });
      await res.body.text();
      who.push(`${res.headers[UPSTREAM_NAME_HEADER] ?? `the gateway (${res.statusCode})`}`);
    }
    return sorted(who);
  };
  try {
    // Passive checks move on real requests: send them (bounded) until a is out.
    for (let i = 0; rule === 'kong-passive' && i < 4 * THRESHOLD && moves().length === 0; i++) await answeredBy(1);
    await waitForMoves(1);
    const outAfterMs = Date.now() - started;
    const whileOut = await answeredBy();
    // a recovers: answering 200 again, or (tcp) accepting connections while still answering 500.
    if (rule === 'kong-tcp') await a.reopen();
    else a.status = 200;
    await waitForMoves(2);
    const afterBack = await answeredBy();
    return { moves: moves().map((m) => moveLine(m, names)), whileOut, afterBack, outAfterMs };
  } finally {
    await proxy.drain(1000);
    await agent.close();
  }
}

/** The two moves each rule must produce, in both hosts, with a and b named. */
function expectedMoves(rule: Rule): string[] {
  if (rule === 'ir') {
    return [
      `pool a: healthy -> unhealthy (probe of /healthz on a failed ${THRESHOLD} times in a row (unhealthy threshold ${THRESHOLD}, probes every ${INTERVAL_MS} ms): out of rotation)`,
      `pool a: unhealthy -> healthy (probe of /healthz on a passed ${THRESHOLD} times in a row (healthy threshold ${THRESHOLD}): back in rotation)`,
    ];
  }
  if (rule === 'kong-passive') {
    return [
      `pool a: healthy -> unhealthy (HTTP failure (500) from a: ${THRESHOLD} of ${THRESHOLD} (healthchecks.passive.unhealthy.http_failures) — Kong marks the target unhealthy; active checks share its state: it is probed every ${INTERVAL_MS} ms and back after ${THRESHOLD} passing probes (healthchecks.active.healthy.successes))`,
      `pool a: unhealthy -> healthy (probe of /healthz on a passed: ${THRESHOLD} of ${THRESHOLD} successes (healthy.successes): back in rotation)`,
    ];
  }
  // Kong counts per kind (kong/resty/healthcheck.lua incr_counter); a tcp probe has no path.
  const probe = rule === 'kong-tcp' ? 'TCP probe of a' : 'probe of /healthz on a';
  const failures = rule === 'kong-tcp' ? 'TCP failures (unhealthy.tcp_failures)' : 'HTTP failures (unhealthy.http_failures)';
  return [
    `pool a: healthy -> unhealthy (${probe} failed: ${THRESHOLD} of ${THRESHOLD} ${failures}: out of rotation; unhealthy targets are probed every ${INTERVAL_MS} ms)`,
    `pool a: unhealthy -> healthy (${probe} passed: ${THRESHOLD} of ${THRESHOLD} successes (healthy.successes): back in rotation)`,
  ];
}

describe('active health checks, simulation vs proxy (semantics §9)', () => {
  it.each(['ir', 'kong', 'kong-slow-healthy', 'kong-tcp', 'kong-passive'] as const)(
    `%s: a failing ${THRESHOLD} times (its probe; kong-passive: real requests) leaves rotation, only b gets traffic; a passing its probe again comes back`,
    async (rule) => {
      const u = await upstreams.start(['a', 'b']);
      // The sim first: it touches no socket, and the proxy run changes a's scripted status.
      const sim = await simFacts(rule, u);
      const { outAfterMs, ...real } = await proxyFacts(rule, u);
      const { at, ...simmed } = sim;
      expect(real, 'proxy vs simulation: the moves and who gets traffic after each').toEqual(simmed);
      expect(sim.moves).toEqual(expectedMoves(rule));
      expect(sim.whileOut).toEqual(['b']);
      expect(sim.afterBack).toEqual(['a', 'b']);
      // The recovery is seen on the unhealthy round (every 100 ms) right after RECOVERS_AT_MS: 1100, 1200.
      if (rule === 'kong-slow-healthy') {
        // A healthy a is probed only every 300 ms (active_check_timer's healthy round): out at the
        // second of those, 600 ms, not 200 ms; on real sockets no sooner than that either.
        expect(at).toEqual([2 * SLOW_HEALTHY_MS, 1_200]);
        expect(outAfterMs).toBeGreaterThanOrEqual(2 * SLOW_HEALTHY_MS - INTERVAL_MS);
      } else if (rule === 'kong-passive') {
        // Out on a's second 500, before the first probe tick could have run; back on the unhealthy round.
        expect(at[0]).toBeLessThan(INTERVAL_MS);
        expect(at[1]).toBe(1_200);
      } else {
        expect(at).toEqual([THRESHOLD * INTERVAL_MS, 1_200]);
      }
    },
    20_000,
  );
});
