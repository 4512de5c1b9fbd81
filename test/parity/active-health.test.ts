/**
 * Active health checks, simulation against `gatelab serve`'s proxy on real sockets. Two targets a and
 * b; a answers 500 to everything (its health endpoint included) until it recovers. The simulation
 * probes on its virtual clock (runtimes/sim/health-probes.ts); the proxy on a real-time interval
 * (runtimes/proxy/health-prober.ts), so the instants differ run to run and are not compared. What both
 * hosts must agree on is what the probes decide: the machine moves (subject, from, to, and the reason
 * naming the threshold), and which targets get traffic after each move — only b while a is out, both
 * once a is back. The same config runs through Kong's `healthchecks.active` and the native IR's
 * `activeHealth` (Envoy's `health_checks`), both mapped onto one ActiveHealthIR.
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

/** The same probe rule written in each dialect: a and b, round robin, probes of /healthz, 1 s timeout. */
function gatewayConfig(format: Dialect, u: Upstreams): string {
  const a = (u.a as ScriptedUpstream).target;
  const b = (u.b as ScriptedUpstream).target;
  if (format === 'kong') {
    // Kong's intervals are seconds; healthy.interval is the schedule gatelab probes every target on.
    return `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [{target: "${a}"}, {target: "${b}"}]
    healthchecks:
      active:
        http_path: /healthz
        timeout: 1
        healthy: {interval: ${INTERVAL_MS / 1000}, successes: ${THRESHOLD}, http_statuses: [200]}
        unhealthy: {interval: ${INTERVAL_MS / 1000}, http_failures: ${THRESHOLD}}
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

const isMove = (e: TraceEvent): e is BreakerTransitionEvent => e.type === 'breaker.transition' && e.machine === 'active-health';

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** The simulation: a steady client, a degraded (500) until RECOVERS_AT_MS, probes on the virtual clock. */
async function simFacts(format: Dialect, u: Upstreams): Promise<Facts> {
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
  - {at: 0s, degrade: {backend: "${a}", duration: ${RECOVERS_AT_MS}ms, errorRate: 1, errorStatus: 500}}
`;
  const config = gatewayConfig(format, u);
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
  };
}

/** The proxy on 127.0.0.1 with the real clock: wait (bounded) for each move, then send requests. */
async function proxyFacts(format: Dialect, u: Upstreams): Promise<Facts> {
  const names = new Map(Object.values(u).map((x) => [x.target, x.name]));
  const a = u.a as ScriptedUpstream;
  a.status = 500;
  const proxy = new ProxyServer({ ir: loadIr(format, gatewayConfig(format, u)), port: 0, store: localStore(() => Date.now()), level: 'decisions' });
  const agent = new Agent({ connections: 2 });
  await proxy.start();
  const moves = (): BreakerTransitionEvent[] => proxy.sink.recent().filter(isMove);
  const waitForMoves = async (n: number): Promise<void> => {
    const deadline = Date.now() + DEADLINE_MS;
    while (moves().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(moves().map((m) => moveLine(m, names)), `move ${n} within ${DEADLINE_MS} ms`).toHaveLength(n);
  };
  const answeredBy = async (): Promise<string[]> => {
    const who: string[] = [];
    for (let i = 0; i < REQUESTS_PER_PHASE; i++) {
      const res = await request(`http://127.0.0.1:${proxy.port}/who`, { headers: { host: 'api.example.com' }, dispatcher: agent });
      await res.body.text();
      who.push(`${res.headers[UPSTREAM_NAME_HEADER] ?? `the gateway (${res.statusCode})`}`);
    }
    return sorted(who);
  };
  try {
    await waitForMoves(1);
    const whileOut = await answeredBy();
    a.status = 200;
    await waitForMoves(2);
    const afterBack = await answeredBy();
    return { moves: moves().map((m) => moveLine(m, names)), whileOut, afterBack };
  } finally {
    await proxy.drain(1000);
    await agent.close();
  }
}

describe('active health checks, simulation vs proxy (semantics §9)', () => {
  it.each(['ir', 'kong'] as const)(
    `%s: a failing its probe ${THRESHOLD} times leaves rotation, only b gets traffic; a passing again comes back`,
    async (format) => {
      const u = await upstreams.start(['a', 'b']);
      // The sim first: it touches no socket, and the proxy run changes a's scripted status.
      const sim = await simFacts(format, u);
      const real = await proxyFacts(format, u);
      expect(real, 'proxy vs simulation: the moves and who gets traffic after each').toEqual(sim);
      expect(sim.moves).toEqual([
        `pool a: healthy -> unhealthy (probe of /healthz on a failed ${THRESHOLD} times in a row (unhealthy threshold ${THRESHOLD}, probes every ${INTERVAL_MS} ms): out of rotation)`,
        `pool a: unhealthy -> healthy (probe of /healthz on a passed ${THRESHOLD} times in a row (healthy threshold ${THRESHOLD}): back in rotation)`,
      ]);
      expect(sim.whileOut).toEqual(['b']);
      expect(sim.afterBack).toEqual(['a', 'b']);
    },
    20_000,
  );
});
